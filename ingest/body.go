package ingest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// bodyParagraphs cuts the text after the header into paragraphs, by the
// rules of its format, each with the heading it sits under. End marks,
// captions and photo credits are dropped; long paragraphs are cut.
func bodyParagraphs(body, format string) []Paragraph {
	var paras []Paragraph
	switch format {
	case FormatMarkdown:
		paras = markdownParagraphs(body)
	case FormatHTML:
		paras = htmlParagraphs(body)
	default:
		paras = textParagraphs(body, format)
	}
	var kept []Paragraph
	for _, p := range paras {
		p.Text = dropCaption(strings.TrimSpace(p.Text))
		if p.Text != "" && !isEndMark(p.Text) {
			kept = append(kept, p)
		}
	}
	var out []Paragraph
	for _, p := range withLeadIns(inlineSections(kept)) {
		for _, c := range Chunk([]string{p.Text}) {
			out = append(out, Paragraph{Text: c, Section: p.Section})
		}
	}
	return out
}

// inlineHeadRE is a heading that opens a paragraph's first sentence in
// capitals: "TERMINATING SANCTIONS: Today the President ...".
var inlineHeadRE = regexp.MustCompile(`^(\p{Lu}[\p{Lu}\d ,.'’&-]{2,60}\p{Lu}):\s`)

// turnRE opens a transcript's paragraph that a question ("Q  Thank you")
// or a speaker named in one word ("AUDIENCE: …") says: not the speaker
// an earlier paragraph named.
var turnRE = regexp.MustCompile(`^(?:Q\s|\p{Lu}{2,}:\s)`)

// inlineSections makes a capitals heading that opens a paragraph the
// section of that paragraph and the ones after it (until the next heading
// of either kind, or a transcript's next turn: a question or a speaker
// named in one word); the paragraph keeps its text. In a transcript the
// heading is the speaker's label ("MS. ROE: …"). One that opens the first
// paragraph under a heading follows that heading ("Background —
// TERMINATING SANCTIONS"), which no paragraph would carry else.
func inlineSections(paras []Paragraph) []Paragraph {
	inline, under := "", ""
	for i, p := range paras {
		first := p.Section != under
		if first {
			inline, under = "", p.Section
		}
		if m := inlineHeadRE.FindStringSubmatch(p.Text); m != nil && len(strings.Fields(m[1])) >= 2 {
			inline = m[1]
			if first && under != "" {
				inline = under + " — " + m[1]
			}
		} else if turnRE.MatchString(p.Text) {
			inline = ""
		}
		if inline != "" {
			paras[i].Section = inline
		}
	}
	return paras
}

// A list withLeadIns joins to its lead-in has items of at most
// maxJoinedItem bytes, maxJoinedList in all.
const (
	maxJoinedItem = 150
	maxJoinedList = 600
)

// withLeadIns joins a short list to the paragraph that leads into it
// ("They will support partners:" and "• training forces;" "• sharing
// data."): the items complete its sentence. The items of a longer list
// stay a paragraph each, whole.
func withLeadIns(paras []Paragraph) []Paragraph {
	var out []Paragraph
	for i := 0; i < len(paras); i++ {
		p := paras[i]
		j, size := i+1, 0
		short := true
		for j < len(paras) && isListItem(paras[j].Text) && paras[j].Section == p.Section {
			size += len(paras[j].Text)
			short = short && len(paras[j].Text) <= maxJoinedItem
			j++
		}
		if j > i+1 && strings.HasSuffix(p.Text, ":") && short && size <= maxJoinedList {
			for _, item := range paras[i+1 : j] {
				p.Text += " " + item.Text
			}
			i = j - 1
		}
		out = append(out, p)
	}
	return out
}

var (
	// creditRE is a photo credit: "(Official White House Photo by Adam
	// Schultz)", "(Photo: Reuters)", "(State Department photo)".
	creditRE = regexp.MustCompile(`\((?:[^()]{0,60}\s)?(?i:photo|photograph|image)(?:\s(?:by|courtesy)\b[^()]{0,80}|:[^()]{0,80})?\)`)
	// captionWords bounds the caption a credit closes.
	captionWords = 60
)

// dropCaption removes photo credits from p, and the caption they close
// when the caption opens p: a caption is never statement text.
func dropCaption(p string) string {
	for {
		loc := creditRE.FindStringIndex(p)
		if loc == nil {
			return p
		}
		if len(strings.Fields(p[:loc[0]])) <= captionWords {
			p = strings.TrimSpace(p[loc[1]:])
		} else {
			p = strings.TrimSpace(p[:loc[0]] + p[loc[1]:])
		}
	}
}

// htmlParagraphs reads the article text extract renders from a page:
// paragraphs separated by blank lines, headings marked "## ".
func htmlParagraphs(body string) []Paragraph {
	var out []Paragraph
	var sec sectioner
	for _, b := range strings.Split(body, "\n\n") {
		b = strings.Join(strings.Fields(b), " ")
		if b == "" {
			continue
		}
		if h, ok := strings.CutPrefix(b, "## "); ok {
			sec.heading(strings.TrimSpace(h))
			continue
		}
		out = append(out, Paragraph{Text: b, Section: sec.para()})
	}
	return append(out, sec.end()...)
}

// A sectioner tracks the heading the paragraphs of a text sit under. A
// heading no paragraph has followed yet is not lost to the next one: the
// two are joined ("II. Outcomes — A. Connectivity"); one that ends the
// text is a paragraph of its own.
type sectioner struct {
	section string
	open    bool   // section is a heading no paragraph has followed yet
	before  string // the section before the open heading
}

// heading starts a section headed h.
func (s *sectioner) heading(h string) {
	switch {
	case h == "":
	case s.open:
		s.section += " — " + h
	default:
		s.before, s.section, s.open = s.section, h, true
	}
}

// para is the section of the next paragraph.
func (s *sectioner) para() string {
	s.open = false
	return s.section
}

// end is the paragraph an open heading at the end of the text makes, if
// any.
func (s *sectioner) end() []Paragraph {
	if !s.open {
		return nil
	}
	s.open = false
	return []Paragraph{{Text: s.section, Section: s.before}}
}

// isHeading reports a line that heads what follows: "## Heading",
// "**Heading**" alone, or a short title-case line without sentence
// punctuation that does not end in a function word nor hold the end of
// a sentence ("Strategic Framework Agreement", "Background"; not "the
// President of the French Republic and the", nor "Stoltenberg of the
// North Atlantic Treaty Organization (NATO). They", wrapped lines of
// sentences).
func isHeading(t string) bool {
	t = strings.TrimSpace(t)
	if strings.HasPrefix(t, "#") && !isEndMark(t) {
		return true
	}
	if s, ok := strings.CutPrefix(t, "**"); ok && strings.HasSuffix(s, "**") && len(s) > 2 && !strings.Contains(s[:len(s)-2], "**") {
		return true
	}
	words := strings.Fields(t)
	if utf8.RuneCountInString(t) > 80 || len(words) > 10 || isListItem(t) || isNumberLine(t) {
		return false
	}
	if last, _ := utf8.DecodeLastRuneInString(t); strings.ContainsRune(".,;:!?-–—", last) || strings.ContainsAny(t, ",;") {
		return false
	}
	if last := strings.ToLower(words[len(words)-1]); functionWords[last] {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	if long, caps := capitalised(words, `"'“”‘’()[]`); caps*3 < long*2 {
		return false
	}
	// Last, as it costs most: a sentence ends inside ("… Organization
	// (NATO). They"), a wrapped line.
	return len(Sentences(t)) <= 1
}

// capitalised counts the words of at least 4 letters, once the characters
// in cutset are trimmed from their ends, and how many of those start with
// a capital: isHeading and titleLike judge a line's capitals by them.
func capitalised(words []string, cutset string) (long, caps int) {
	for _, w := range words {
		w = strings.Trim(w, cutset)
		if utf8.RuneCountInString(w) < 4 {
			continue
		}
		long++
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			caps++
		}
	}
	return long, caps
}

// functionWords never end a heading or a title.
var functionWords = map[string]bool{
	"the": true, "a": true, "an": true, "of": true, "and": true, "or": true, "to": true,
	"in": true, "on": true, "at": true, "by": true, "for": true, "with": true, "from": true,
	"their": true, "our": true, "its": true, "his": true, "her": true, "that": true,
	"which": true, "as": true, "is": true, "are": true, "be": true, "we": true, "this": true,
}

// headingText strips heading marks.
func headingText(t string) string {
	t = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(t), "#"))
	t = strings.TrimSuffix(strings.TrimPrefix(t, "**"), "**")
	return strings.TrimSpace(t)
}

func isNumberLine(t string) bool {
	return strings.Trim(t, "0123456789/ .-–—") == ""
}
