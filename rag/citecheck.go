package rag

// The citation check: every answer a language model writes is checked
// here before anyone sees it (checkModelAnswer, support.go), and its
// stream is filtered of invalid markers as it is written (markerFilter).
// Other model writing over numbered texts (package compare's reworded
// comparisons) is checked by the same rules through CheckSources.

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/statementbot/statementbot/ingest"
)

var (
	multiMarkerRE = regexp.MustCompile(`\[\s*\d+(?:(?:\s*[,;&]\s*(?:and\s+)?|\s+and\s+)\d+)+\s*\]`)
	markerAfterRE = regexp.MustCompile(`([.!?])((?:\s*\[\d+\])+)`)
	anyMarkerRE   = regexp.MustCompile(`\s*\[\s*(\d+)\s*\]`)
	// leftoverRE is any bracket with a number left after the markers were
	// read: "[2, see 7]", "[p. 3]". None may reach a reader.
	leftoverRE = regexp.MustCompile(`\s*\[[^\[\]]*\d[^\[\]]*\]`)
	declineRE  = regexp.MustCompile(`(?i)\b(?:does not|doesn't|do not|don't|did not|didn't)\s+(?:cover|address|mention|say|contain|provide|discuss|specify|include)|\bno information\b|\bnot (?:covered|mentioned|addressed)\b`)
	digitsRE   = regexp.MustCompile(`\d+`)
	quoteRE    = regexp.MustCompile(`["“]([^"“”]{12,})["”]`)
)

// checkModelAnswer verifies a model's answer against the hits it was given
// (numbered 1..len(hits)) with checkSentences, then:
//
//   - an answer saying the statement does not cover the question, with no
//     valid citation, is a refusal (Grounded false);
//   - an answer with no supported sentence left is nil (unsupported);
//   - the cited paragraphs are returned renumbered in order of first
//     appearance, and only those.
func (ix *Index) checkModelAnswer(q, text string, hits []Hit) (a *Answer, dropped int) {
	kept, dropped, declined := checkSentences(q, text, hitSources{ix, hits})
	if declined {
		return &Answer{Question: q, Grounded: false, Mode: AnswerLLM}, 0
	}
	if len(kept) == 0 {
		return nil, dropped
	}
	a = &Answer{Question: q, Grounded: true, Mode: AnswerLLM}
	renum := map[int]int{}
	texts := make([]string, 0, len(kept))
	for _, s := range kept {
		// The markers go back after the sentence's text, before its
		// final punctuation, renumbered.
		var marks strings.Builder
		for _, n := range s.Cited {
			m, ok := renum[n]
			if !ok {
				m = len(renum) + 1
				renum[n] = m
				a.Citations = append(a.Citations, ix.citationFor(m, hits[n-1].Paragraph))
			}
			fmt.Fprintf(&marks, "[%d]", m)
		}
		texts = append(texts, s.Text+" "+marks.String()+s.Punct)
	}
	a.Text = strings.Join(texts, " ")
	return a, dropped
}

// A CheckedSentence is a sentence a model wrote that its cited sources
// support: its text without markers and final punctuation, that
// punctuation, and the sources it cites (numbered from 1, in the order
// cited, once each).
type CheckedSentence struct {
	Text, Punct string
	Cited       []int
}

// CheckSources checks text, written by a model citing sources as [n]
// (n from 1), as answers are checked (checkSentences), by rules r: it
// returns the sentences kept and how many were dropped. about is what the
// model was told besides the sources, and the words its writing may use
// anyway: they count as found. A reply that declines, citing nothing,
// keeps no sentence and counts as one dropped.
func CheckSources(about, text string, sources []string, r Rules) (kept []CheckedSentence, dropped int) {
	kept, dropped, declined := checkSentences(about, text, newTextSources(sources, r))
	if declined {
		return nil, 1
	}
	return kept, dropped
}

// checkSentences reads a model's text sentence by sentence against src
// (numbered 1..src.count()):
//
//   - markers outside 1..k are removed;
//   - a sentence left without a valid marker, quoting ("...") words its
//     cited sources do not contain, or not supported by them (a name or
//     number they lack, too few of its words; support.go), is dropped
//     (counted in dropped);
//   - a text saying the statement does not cover the question, with no
//     valid citation, is declined, and nothing else is checked.
func checkSentences(q, text string, src citable) (kept []CheckedSentence, dropped int, declined bool) {
	k := src.count()
	text = markerAfterRE.ReplaceAllString(normalizeMarkers(strings.Join(strings.Fields(text), " ")), "$2$1")

	valid := func(n int) bool { return n >= 1 && n <= k }
	citedAnywhere := map[int]bool{}
	for _, m := range anyMarkerRE.FindAllStringSubmatch(text, -1) {
		if n, _ := strconv.Atoi(m[1]); valid(n) {
			citedAnywhere[n] = true
		}
	}
	if len(citedAnywhere) == 0 && declineRE.MatchString(text) {
		return nil, 0, true
	}
	// A quotation may span sentences: one that no cited source holds
	// condemns every sentence it touches.
	fabricated := fabricatedQuotes(text, citedAnywhere, src)

	pos := 0
	for _, s := range ingest.Sentences(text) {
		start := pos + max(strings.Index(text[pos:], s), 0)
		end := start + len(s)
		pos = end
		if overlaps(fabricated, start, end) {
			dropped++
			continue
		}
		var cited []int
		clean := anyMarkerRE.ReplaceAllStringFunc(s, func(m string) string {
			n, _ := strconv.Atoi(digitsRE.FindString(m))
			if valid(n) && !slices.Contains(cited, n) {
				cited = append(cited, n)
			}
			return ""
		})
		clean = strings.TrimSpace(leftoverRE.ReplaceAllString(clean, ""))
		if len(cited) == 0 {
			if wordCount(clean) > 0 {
				dropped++
			}
			continue
		}
		if !quotesVerbatim(clean, cited, src) || !supported(clean, q, cited, src) {
			dropped++
			continue
		}
		body, punct := splitFinalPunct(clean)
		kept = append(kept, CheckedSentence{Text: body, Punct: punct, Cited: cited})
	}
	return kept, dropped, false
}

// normalizeMarkers writes "[1, 2]", "[1; 2]", "[1 and 2]" as "[1][2]".
func normalizeMarkers(text string) string {
	return multiMarkerRE.ReplaceAllStringFunc(text, func(m string) string {
		var b strings.Builder
		for _, n := range digitsRE.FindAllString(m, -1) {
			b.WriteString("[" + n + "]")
		}
		return b.String()
	})
}

// fabricatedQuotes returns the byte ranges of quotations in text that no
// cited paragraph contains.
func fabricatedQuotes(text string, cited map[int]bool, src citable) [][2]int {
	var ns []int
	for n := range cited {
		ns = append(ns, n)
	}
	var out [][2]int
	for _, m := range quoteRE.FindAllStringSubmatchIndex(text, -1) {
		if !quotedIn(anyMarkerRE.ReplaceAllString(text[m[2]:m[3]], ""), ns, src) {
			out = append(out, [2]int{m[0], m[1]})
		}
	}
	return out
}

func overlaps(ranges [][2]int, start, end int) bool {
	for _, r := range ranges {
		if r[0] < end && start < r[1] {
			return true
		}
	}
	return false
}

// quotesVerbatim reports whether every quoted span of sentence occurs in
// one of its cited paragraphs.
func quotesVerbatim(sentence string, cited []int, src citable) bool {
	for _, m := range quoteRE.FindAllStringSubmatch(sentence, -1) {
		if !quotedIn(m[1], cited, src) {
			return false
		}
	}
	return true
}

// quotedIn reports whether span occurs in one of the sources numbered
// cited (compared case-, space- and quote-style-insensitively).
func quotedIn(span string, cited []int, src citable) bool {
	span = foldQuote(span)
	for _, n := range cited {
		if strings.Contains(foldQuote(src.text(n)), span) {
			return true
		}
	}
	return false
}

func foldQuote(s string) string {
	s = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`).Replace(strings.ToLower(s))
	return strings.Join(strings.Fields(strings.Trim(s, " .,;:")), " ")
}

func splitFinalPunct(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := len(s)
	for i > 0 && strings.ContainsRune(".!?", rune(s[i-1])) {
		i--
	}
	return strings.TrimSpace(s[:i]), s[i:]
}

func wordCount(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
}

// markerFilter passes streamed text through, holding back a "[..." that
// may still become a marker and dropping markers outside 1..k, so a reader
// never sees an invalid citation, even mid-stream.
type markerFilter struct {
	k       int
	out     func(string)
	pending string
}

// partialMarkerRE is a "[" that may still become a marker.
var partialMarkerRE = regexp.MustCompile(`\[[^\[\]]{0,20}$`)

func newMarkerFilter(k int, out func(string)) *markerFilter {
	return &markerFilter{k: k, out: out}
}

func (f *markerFilter) write(delta string) {
	s := f.pending + delta
	hold := ""
	if loc := partialMarkerRE.FindStringIndex(s); loc != nil {
		s, hold = s[:loc[0]], s[loc[0]:]
	}
	f.pending = hold
	s = anyMarkerRE.ReplaceAllStringFunc(normalizeMarkers(s), func(m string) string {
		n, _ := strconv.Atoi(digitsRE.FindString(m))
		if n >= 1 && n <= f.k {
			return m
		}
		return ""
	})
	// What is left in brackets with a number is no valid marker either.
	s = leftoverRE.ReplaceAllStringFunc(s, func(m string) string {
		if anyMarkerRE.MatchString(m) && strings.TrimSpace(anyMarkerRE.ReplaceAllString(m, "")) == "" {
			return m
		}
		return ""
	})
	if s != "" {
		f.out(s)
	}
}
