package ingest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Repair undoes the damage text extraction does to a document and returns
// its paragraphs, in order:
//
//   - A blank line is a paragraph break only when the text before it ends a
//     sentence and the text after it starts one ("Antony\n\nJ.Blinken" is
//     one sentence). Headings, list items and an indented line after a
//     sentence end also start paragraphs.
//   - Lines of a paragraph are joined; a word hyphenated across a line end is
//     rejoined when the whole is a word and its halves are not.
//   - Glued punctuation gets its space back ("Syria,and", "J.Blinken").
//   - Merged words are split by seg ("Affairsand" -> "Affairs and").
//   - Whitespace is normalised; punctuation and quotes stay as written.
//
// If seg is nil, a segmenter is built from the document's own words.
func Repair(text string, seg *Segmenter) []string {
	text = normalizeText(text)
	if seg == nil {
		seg = DocumentSegmenter(text)
	}
	var out []string
	for _, block := range mergeBlocks(splitBlocks(text)) {
		p, _ := splitMerged(unglue(joinLines(block, seg)), seg)
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// DocumentSegmenter returns a segmenter that knows the document's own
// vocabulary: runs of letters it uses at least twice, acronyms, and runs
// that are not dictionary words but cannot be split either (Daesh,
// Blinken, Khurasan). Those are never split, and other merged tokens may be
// split into them ("Daesh/ISISin" -> "Daesh/ISIS in").
func DocumentSegmenter(text string) *Segmenter {
	base := NewSegmenter()
	counts := map[string]int{}
	forEachLetterRun(text, func(run string) string {
		counts[run]++
		return run
	})
	// First the words the document vouches for: dictionary words it uses,
	// runs it uses twice, acronyms. Then runs even those cannot split.
	var words, rest []string
	for run, n := range counts {
		if n >= 2 || allUpper(run) || base.IsWord(run) {
			words = append(words, run)
		} else {
			rest = append(rest, run)
		}
	}
	vouched := NewSegmenter(words...)
	for _, run := range rest {
		if len(vouched.Split(run)) == 1 {
			words = append(words, run)
		}
	}
	return NewSegmenter(words...)
}

// normalizeText makes line ends "\n", turns tabs and exotic spaces into
// spaces, form feeds into blank lines, and drops invisible and control
// characters (soft hyphens, zero-width spaces, byte-order marks).
func normalizeText(s string) string { return normalize(s, false, false) }

// normalize is normalizeText; with pages it keeps form feeds, each on a
// line of its own, to mark page boundaries, and with nbsp it keeps
// non-breaking spaces (readText decides where they are spaces).
func normalize(s string, pages, nbsp bool) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue
			}
			b.WriteByte('\n')
		case r == '\n':
			b.WriteByte('\n')
		case r == '\f' && pages:
			b.WriteString("\n\f\n")
		case r == '\f':
			b.WriteString("\n\n")
		case r == 0x00A0 && nbsp:
			b.WriteRune(r)
		case r == '\t' || r == '\v' || r == 0x00A0 || r == 0x2007 || r == 0x202F || unicode.Is(unicode.Zs, r):
			b.WriteByte(' ')
		case r == 0x00AD || r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF:
		case unicode.IsControl(r):
		case r == 0x2028 || r == 0x2029:
			b.WriteByte('\n')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// A block is a run of non-blank lines, kept with their indentation.
type block []string

// A blockCutter collects lines into blocks: lines are appended to cur,
// and cut ends cur's block. No block it gives is empty.
type blockCutter struct {
	blocks []block
	cur    block
}

// cut ends the current block, if it has lines.
func (c *blockCutter) cut() {
	if len(c.cur) > 0 {
		c.blocks = append(c.blocks, c.cur)
		c.cur = nil
	}
}

// done ends the current block and returns the blocks.
func (c *blockCutter) done() []block {
	c.cut()
	return c.blocks
}

// splitBlocks cuts text at blank lines, and also before a heading, a list
// item, or an indented line that starts a sentence after a line that ends
// one (PDF extraction often marks paragraphs only by indentation).
func splitBlocks(text string) []block {
	var c blockCutter
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, " ")
		trimmed := strings.TrimLeft(line, " ")
		if trimmed == "" {
			c.cut()
			continue
		}
		if len(c.cur) > 0 {
			prev := strings.TrimSpace(c.cur[len(c.cur)-1])
			switch {
			case isHeadingLine(trimmed) || isListItem(trimmed) || isHeadingLine(prev):
				c.cut()
			case len(trimmed) < len(line) && endsSentence(prev) && startsSentence(trimmed):
				c.cut()
			}
		}
		c.cur = append(c.cur, line)
	}
	return c.done()
}

// mergeBlocks joins blocks separated by a false paragraph break: one where
// the text before does not end a sentence or the text after does not start
// one. Headings and list items keep their breaks.
func mergeBlocks(blocks []block) []block {
	var out []block
	for _, b := range blocks {
		if len(out) > 0 {
			prev := out[len(out)-1]
			last := strings.TrimSpace(prev[len(prev)-1])
			first := strings.TrimSpace(b[0])
			keep := endsSentence(last) && startsSentence(first) ||
				isHeadingLine(first) || isListItem(first) ||
				isHeadingLine(strings.TrimSpace(prev[0])) ||
				isTitleBlock(prev) && startsSentence(first)
			if !keep {
				out[len(out)-1] = append(prev, b...)
				continue
			}
		}
		out = append(out, b)
	}
	return out
}

// isTitleBlock reports a one-line block that reads like a title: short and
// without sentence punctuation ("Background", "Statement by the Ministers").
func isTitleBlock(b block) bool {
	if len(b) != 1 {
		return false
	}
	line := strings.TrimSpace(b[0])
	if utf8.RuneCountInString(line) > 80 || endsSentence(line) || strings.ContainsAny(line, ",;") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(line)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

func isHeadingLine(line string) bool {
	return strings.HasPrefix(line, "#")
}

var listItemRE = regexp.MustCompile(`^(?:[-*•–—]\s|\d{1,3}[.)]\s|\([a-z0-9]{1,3}\)\s)`)

func isListItem(line string) bool { return listItemRE.MatchString(line) }

// endsSentence reports whether s ends with sentence punctuation, possibly
// followed by closing quotes or brackets.
func endsSentence(s string) bool {
	s = strings.TrimRight(s, " \"'”’»)]")
	r, _ := utf8.DecodeLastRuneInString(s)
	switch r {
	case '.', '!', '?', ':', '…':
		return true
	}
	return false
}

// startsSentence reports whether s starts like a sentence: a capital, a
// digit, a bullet or a heading mark, possibly after opening quotes.
func startsSentence(s string) bool {
	s = strings.TrimLeft(s, " \"'“‘«([")
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("•-*–—#", r)
}

// joinLines joins the lines of one paragraph with single spaces. A line
// ending in a hyphen glued to a word continues without a space; the hyphen
// goes when the joined word is a word and its halves are not
// ("coordi-\nnated"), and stays otherwise ("sub-\nSaharan").
func joinLines(b block, seg *Segmenter) string {
	var sb strings.Builder
	for i, line := range b {
		line = strings.TrimSpace(line)
		if i > 0 {
			prev := sb.String()
			if strings.HasSuffix(prev, "-") && !strings.HasSuffix(prev, " -") && len(prev) > 1 {
				left := lastLetterRun(prev[:len(prev)-1])
				right := firstLetterRun(line)
				if left != "" && right != "" {
					if seg.IsDictionaryWord(left+right) && !(seg.IsDictionaryWord(left) && seg.IsDictionaryWord(right)) {
						sb.Reset()
						sb.WriteString(prev[:len(prev)-1])
					}
					sb.WriteString(line)
					continue
				}
			}
			sb.WriteByte(' ')
		}
		sb.WriteString(line)
	}
	return sb.String()
}

func lastLetterRun(s string) string {
	i := len(s)
	for i > 0 && isASCIILetter(s[i-1]) {
		i--
	}
	return s[i:]
}

func firstLetterRun(s string) string {
	i := 0
	for i < len(s) && isASCIILetter(s[i]) {
		i++
	}
	return s[:i]
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

var (
	spacesRE = regexp.MustCompile(`\s+`)
	// "Mauritania,and" -> "Mauritania, and"; digits keep "1,000".
	gluedCommaRE = regexp.MustCompile(`(\p{L})([,;])(\p{L})`)
	// "J.Blinken" -> "J. Blinken"; "U.S." stays.
	gluedInitialRE = regexp.MustCompile(`(^|[^\p{L}.])(\p{Lu})\.(\p{Lu}\p{Ll})`)
	// "ended.The" -> "ended. The".
	gluedSentenceRE = regexp.MustCompile(`(\p{Ll}{2})\.(\p{Lu}\p{Ll})`)
)

// An inlineWord is a word of a paragraph after unglue: its text, which
// may now hold spaces ("Syria, and"), and whether it was written as an
// address, which nothing repairs.
type inlineWord struct {
	text    string
	address bool
}

// unglue is the part of a paragraph's repair that needs no segmenter:
// it normalises p's whitespace and gives glued punctuation its space
// back, word by word, for splitMerged.
func unglue(p string) []inlineWord {
	p = strings.TrimSpace(spacesRE.ReplaceAllString(p, " "))
	if p == "" {
		return nil
	}
	fields := strings.Split(p, " ")
	words := make([]inlineWord, len(fields))
	for i, w := range fields {
		if looksLikeAddress(w) {
			words[i] = inlineWord{text: w, address: true}
			continue
		}
		// Cheap byte tests first: most words have nothing to repair.
		if strings.ContainsAny(w, ",;") {
			w = gluedCommaRE.ReplaceAllString(w, "$1$2 $3")
		}
		if strings.IndexByte(w, '.') >= 0 {
			w = gluedInitialRE.ReplaceAllString(w, "$1$2. $3")
			w = gluedSentenceRE.ReplaceAllString(w, "$1. $2")
		}
		words[i] = inlineWord{text: w}
	}
	return words
}

// joinWords is the paragraph's text with no merged word split.
func joinWords(words []inlineWord) string {
	texts := make([]string, len(words))
	for i, w := range words {
		texts[i] = w.text
	}
	return strings.Join(texts, " ")
}

// splitMerged is the paragraph's text with merged words split by seg, and
// how many tokens seg split.
func splitMerged(words []inlineWord, seg *Segmenter) (string, int) {
	split := 0
	texts := make([]string, len(words))
	for i, w := range words {
		if w.address {
			texts[i] = w.text
			continue
		}
		texts[i] = forEachLetterRun(w.text, func(run string) string {
			parts := seg.Split(run)
			if len(parts) > 1 {
				split++
			}
			return strings.Join(parts, " ")
		})
	}
	return strings.Join(texts, " "), split
}

// looksLikeAddress reports web addresses, e-mail addresses and handles,
// which must never be split.
func looksLikeAddress(w string) bool {
	return strings.Contains(w, "://") || strings.Contains(w, "@") ||
		strings.HasPrefix(strings.ToLower(w), "www.")
}

// forEachLetterRun replaces every maximal run of ASCII letters in s that is
// not part of a longer alphanumeric token (so "2021s" and "G7" stay whole)
// by f(run).
func forEachLetterRun(s string, f func(string) string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	i := 0
	for i < len(s) {
		if !isASCIILetter(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && isASCIILetter(s[j]) {
			j++
		}
		run := s[i:j]
		touchesDigit := i > 0 && isDigit(s[i-1]) || j < len(s) && isDigit(s[j]) || touchesNonASCIILetter(s, i, j)
		if touchesDigit {
			b.WriteString(run)
		} else {
			b.WriteString(f(run))
		}
		i = j
	}
	return b.String()
}

// touchesNonASCIILetter reports whether the run s[i:j] is part of a word
// with non-ASCII letters ("Québec"), which the segmenter leaves alone.
func touchesNonASCIILetter(s string, i, j int) bool {
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		if r >= utf8.RuneSelf && unicode.IsLetter(r) {
			return true
		}
	}
	if j < len(s) {
		r, _ := utf8.DecodeRuneInString(s[j:])
		if r >= utf8.RuneSelf && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
