package ingest

import (
	"bufio"
	_ "embed"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The segmenter splits words that PDF extraction glued together
// ("Affairsand", "CoreinIraq") by Zipf-cost dynamic programming over a
// word-frequency list: a word of frequency rank r costs ln(r·ln N), and the
// cheapest way to spell a token as a sequence of words wins. A token is split
// only when it is not a word itself and the split is clearly cheaper than
// keeping the token as one unknown word, so proper nouns and domain terms the
// list lacks (Daesh, Blinken, Khurasan) stay whole.

//go:embed wordlist/scowl.txt
var scowlList string

//go:embed wordlist/domain.txt
var domainList string

// commonWords are the most frequent English words in rank order. SCOWL's
// tiers are coarse (thousands of words per level); these give the function
// words that glue onto neighbours ("asan", "toensure") their real, much lower
// cost.
const commonWords = `the of and to a in is that for it as was with be by on not he i this
are or his from at which but have an had they you were their one all we can her has there
been if more when will would who so no she other its may these about them than some him
time into only do what up out could our also any over new after then most my such through
should must those both each between under made well where before against being while during
without within further including across around upon because very many how even people first
two us me own same per via among until since whether however made make take`

const (
	// unknownCost is what keeping a token whole costs. Two ordinary words
	// glued together cost about 20-24, a real word split into rare
	// fragments well above 26.
	unknownCost = 26.0
	// docWordCost is the cost of a word the document itself uses on its
	// own: the document is the best evidence of its vocabulary.
	docWordCost = 9.0
	// maxWordLen bounds the dynamic programme's look-back.
	maxWordLen = 24
)

// shortWords are the only one- and two-letter pieces a split may produce;
// without this list "Blinken" would become "Blink en".
var shortWords = map[string]bool{
	"a": true, "i": true, "an": true, "as": true, "at": true, "be": true, "by": true,
	"do": true, "go": true, "he": true, "if": true, "in": true, "is": true, "it": true,
	"me": true, "my": true, "no": true, "of": true, "on": true, "or": true, "so": true,
	"to": true, "up": true, "us": true, "we": true,
}

// capitalHeads are the short words a capitalised merged token may start
// with ("Inaddition", "Thecoalition").
var capitalHeads = map[string]bool{
	"a": true, "as": true, "at": true, "by": true, "in": true, "it": true, "of": true,
	"on": true, "to": true, "we": true, "and": true, "but": true, "for": true, "its": true,
	"our": true, "the": true,
}

// dictionary maps lowercase words to their cost.
type dictionary struct {
	cost map[string]float64
}

var (
	baseDictOnce sync.Once
	baseDict     *dictionary
)

// baseDictionary parses the embedded word lists once.
func baseDictionary() *dictionary {
	baseDictOnce.Do(func() {
		baseDict = parseDictionary(scowlList, domainList, commonWords)
	})
	return baseDict
}

func parseDictionary(scowl, domain, common string) *dictionary {
	type tier struct {
		level int
		words []string
	}
	var tiers []tier
	sc := bufio.NewScanner(strings.NewReader(scowl))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "@"):
			lvl, _ := strconv.Atoi(line[1:])
			tiers = append(tiers, tier{level: lvl})
		case len(tiers) > 0:
			tiers[len(tiers)-1].words = append(tiers[len(tiers)-1].words, line)
		}
	}
	total := 0
	for _, t := range tiers {
		total += len(t.words)
	}
	d := &dictionary{cost: make(map[string]float64, total+512)}
	logN := math.Log(float64(total + 1))
	// Within a tier, every word gets the rank of the tier's middle.
	rank := 0
	for _, t := range tiers {
		c := math.Log((float64(rank) + float64(len(t.words))/2 + 1) * logN)
		for _, w := range t.words {
			d.cost[w] = c
		}
		rank += len(t.words)
	}
	for _, line := range strings.Split(domain, "\n") {
		w := strings.TrimSpace(line)
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		if _, ok := d.cost[w]; !ok {
			d.cost[w] = math.Log(float64(total/2) * logN)
		}
	}
	for i, w := range strings.Fields(common) {
		c := math.Log(float64(i+1) * logN)
		if old, ok := d.cost[w]; !ok || c < old {
			d.cost[w] = c
		}
	}
	return d
}

// Segmenter splits merged words. The zero value is not usable; build one
// with NewSegmenter. A Segmenter is safe for concurrent use.
type Segmenter struct {
	base *dictionary
	doc  map[string]float64 // the document's own words, lowercase
}

// NewSegmenter returns a segmenter over the embedded word list, extended
// with docWords: words the document uses on its own, which are then never
// split and are cheap pieces of other splits ("Iraqat" -> "Iraq at").
func NewSegmenter(docWords ...string) *Segmenter {
	s := &Segmenter{base: baseDictionary(), doc: make(map[string]float64, len(docWords))}
	for _, w := range docWords {
		s.doc[strings.ToLower(w)] = docWordCost
	}
	return s
}

// IsWord reports whether w (any case) is a known word: listed, used by the
// document, or a regular inflection of a listed word ("combatting").
func (s *Segmenter) IsWord(w string) bool {
	lw := strings.ToLower(w)
	if _, ok := s.cost(lw); ok {
		return true
	}
	return s.isInflection(lw)
}

// IsDictionaryWord is IsWord without the document's own words.
func (s *Segmenter) IsDictionaryWord(w string) bool {
	lw := strings.ToLower(w)
	if _, ok := s.base.cost[lw]; ok {
		return true
	}
	return s.isInflection(lw)
}

func (s *Segmenter) cost(lw string) (float64, bool) {
	if c, ok := s.doc[lw]; ok {
		if b, ok := s.base.cost[lw]; ok && b < c {
			return b, true
		}
		return c, true
	}
	c, ok := s.base.cost[lw]
	return c, ok
}

// isInflection recognises regular suffixes on listed stems, including the
// British doubled consonant ("combatting", "focussed").
func (s *Segmenter) isInflection(lw string) bool {
	for _, suf := range []string{"ing", "ed", "es", "s", "er", "ers", "ly", "ment", "ments", "ness", "ity"} {
		stem, ok := strings.CutSuffix(lw, suf)
		if !ok || len(stem) < 3 {
			continue
		}
		if _, ok := s.base.cost[stem]; ok {
			return true
		}
		if _, ok := s.base.cost[stem+"e"]; ok {
			return true
		}
		if n := len(stem); n >= 4 && stem[n-1] == stem[n-2] {
			if _, ok := s.base.cost[stem[:n-1]]; ok {
				return true
			}
		}
		if strings.HasSuffix(stem, "i") {
			if _, ok := s.base.cost[stem[:len(stem)-1]+"y"]; ok {
				return true
			}
		}
	}
	return false
}

// Split returns the words token is made of, in their original case, or
// []string{token} when it should stay whole. token is a run of letters;
// anything else is returned unchanged.
func (s *Segmenter) Split(token string) []string {
	if !s.splittable(token) {
		return []string{token}
	}
	lower := strings.ToLower(token)
	if len(lower) != len(token) { // case mapping changed byte lengths
		return []string{token}
	}
	n := len(lower)
	best := make([]float64, n+1)
	from := make([]int, n+1)
	for i := 1; i <= n; i++ {
		best[i] = math.Inf(1)
		for j := max(0, i-maxWordLen); j < i; j++ {
			if math.IsInf(best[j], 1) {
				continue
			}
			if j > 0 && isUpperASCII(token[j-1]) && isUpperASCII(token[j]) {
				continue // never split a run of capitals ("ISIS")
			}
			piece := lower[j:i]
			c, ok := s.cost(piece)
			if !ok || (len(piece) <= 2 && !shortWords[piece]) {
				continue
			}
			// A capitalised name is not split after a short head
			// ("Anbar", "Sinjar"), unless the head is a function word.
			if j == 0 && i < n && i < 4 && isUpperASCII(token[0]) && !capitalHeads[piece] {
				continue
			}
			if best[j]+c < best[i] {
				best[i] = best[j] + c
				from[i] = j
			}
		}
	}
	if math.IsInf(best[n], 1) || best[n] >= unknownCost {
		return []string{token}
	}
	var parts []string
	for i := n; i > 0; i = from[i] {
		parts = append(parts, token[from[i]:i])
	}
	if len(parts) < 2 {
		return []string{token}
	}
	for l, r := 0, len(parts)-1; l < r; l, r = l+1, r-1 {
		parts[l], parts[r] = parts[r], parts[l]
	}
	// A capitalised word is a name unless it splits into two words
	// ("Affairsand", "Inaddition"): "Bourita" is not "Bour it a".
	if isCapitalised(token) && (len(parts) > 2 || len(parts[0]) < 2 || len(parts[1]) < 2) {
		return []string{token}
	}
	return parts
}

// isCapitalised reports a capital followed by small letters only.
func isCapitalised(token string) bool {
	if len(token) < 2 || !isUpperASCII(token[0]) {
		return false
	}
	for i := 1; i < len(token); i++ {
		if token[i] < 'a' || token[i] > 'z' {
			return false
		}
	}
	return true
}

// splittable reports whether token is a candidate for splitting: ASCII
// letters only, long enough to hold two words, not all capitals (acronyms),
// and not a word already.
func (s *Segmenter) splittable(token string) bool {
	if len(token) < 3 || !utf8.ValidString(token) {
		return false
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	if allUpper(token) {
		return false
	}
	return !s.IsWord(token)
}

func isUpperASCII(c byte) bool { return c >= 'A' && c <= 'Z' }

func allUpper(s string) bool {
	for _, r := range s {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return s != ""
}

// ZipfCost returns the cost of word (lowercase) in the embedded word list,
// ln(rank·ln N): low for common words, high for rare ones; ok is false for
// words the list lacks.
func ZipfCost(word string) (cost float64, ok bool) {
	cost, ok = baseDictionary().cost[word]
	return cost, ok
}
