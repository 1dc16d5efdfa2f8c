package ingest

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textParagraphs cuts plain text into paragraphs. Text extracted from a
// PDF, or showing the damage such extraction does (blank lines inside
// sentences, words glued at punctuation), is repaired: print chrome goes,
// false breaks are joined, and merged words are split where the text
// shows merged words. Typed text is taken as written: blank lines, or for
// text with a paragraph per line, line ends, separate paragraphs.
func textParagraphs(body, format string) []Paragraph {
	body = dropEndMarks(strings.ReplaceAll(body, "\f", "\n\n"))
	damaged := format == FormatPDF || showsDamage(body)
	var blocks []block
	if damaged {
		blocks = mergeBlocks(splitBlocks(body))
		if format == FormatPDF {
			blocks = splitPDFBlocks(blocks)
		}
	} else {
		blocks = typedBlocks(body)
		// Hard-wrapped text pasted without blank lines (from a PDF reader)
		// still breaks where a sentence ends a short line.
		if !linePerParagraph(strings.Split(body, "\n")) {
			blocks = splitPDFBlocks(blocks)
		}
	}
	width := typicalWidth(blocks)
	var out []Paragraph
	var sec sectioner
	for i, b := range blocks {
		if len(b) == 1 && i < len(blocks)-1 && isHeading(b[0]) && (format != FormatPDF || narrow(b[0], width)) {
			sec.heading(headingText(b[0]))
			continue
		}
		out = append(out, Paragraph{Text: strings.Join(b, "\n"), Section: sec.para()})
	}
	if !damaged {
		for i := range out {
			out[i].Text = strings.Join(strings.Fields(out[i].Text), " ")
		}
		return out
	}
	return repairParagraphs(out, DocumentSegmenter(body), len(strings.Fields(body)))
}

// dropEndMarks blanks the lines that are a press release's end mark
// ("###"): the last text line before one is no heading.
func dropEndMarks(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if isEndMark(l) {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// repairParagraphs joins the lines of each paragraph and repairs it. It
// splits merged words with seg only where the text shows them: when at
// least 3 of its tokens, and one in a hundred of all (tokens), are split.
// Text that lost spaces between words passes (the bundled Rome statement
// has 3 in a hundred); clean PDFs and typed text have under 0.3:
// compounds and names such as "offline" and "Bourita", which must stay
// whole. Lines are joined and punctuation unglued once, whichever way the
// count goes.
func repairParagraphs(paras []Paragraph, seg *Segmenter, tokens int) []Paragraph {
	words := make([][]inlineWord, len(paras))
	split := make([]string, len(paras))
	merged := 0
	for i, p := range paras {
		// joinLines reads only seg's dictionary, not the document's words.
		words[i] = unglue(joinLines(strings.Split(p.Text, "\n"), seg))
		var n int
		split[i], n = splitMerged(words[i], seg)
		merged += n
	}
	splitting := merged >= 3 && merged*100 >= tokens
	out := make([]Paragraph, len(paras))
	for i, p := range paras {
		text := split[i]
		if !splitting {
			text = joinWords(words[i])
		}
		out[i] = Paragraph{Text: text, Section: p.Section}
	}
	return out
}

var (
	// gluedRE is punctuation that lost the space after it: "Syria,and",
	// "ended.The".
	gluedRE = regexp.MustCompile(`\p{Ll}[,;]\p{Ll}{2}|\p{Ll}{2}\.\p{Lu}\p{Ll}`)
)

// showsDamage reports text with the marks of PDF extraction: blank lines
// inside sentences, punctuation glued to the next word.
func showsDamage(text string) bool {
	marks := 0
	lines := strings.Split(text, "\n")
	prev, blank := "", false
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			blank = prev != ""
			continue
		}
		if blank && !endsSentence(prev) && !isHeading(prev) && !isEndMark(prev) {
			if r, _ := utf8.DecodeRuneInString(t); r >= 'a' && r <= 'z' || strings.HasPrefix(t, "J.") {
				marks++
			}
		}
		blank = false
		prev = t
	}
	if marks >= 2 {
		return true
	}
	for _, loc := range gluedRE.FindAllStringIndex(text, -1) {
		start := strings.LastIndexAny(text[:loc[0]], " \n") + 1
		end := strings.IndexAny(text[loc[1]:], " \n")
		if end < 0 {
			end = len(text) - loc[1]
		}
		if !looksLikeAddress(text[start : loc[1]+end]) {
			marks++
		}
		if marks >= 2 {
			return true
		}
	}
	return false
}

// typedBlocks cuts typed text into paragraph blocks. Text written with a
// paragraph per line (copied from a web page) breaks at every line end;
// hard-wrapped text at blank lines only. Either way a list item starts a
// block, and its indented continuation lines and nested items ("◦") stay
// in it.
//
// In hard-wrapped text a line that looks like a heading is one only where
// a heading can stand: after a sentence's end, and before a blank line or
// clearly short of the text's width. A wrapped line of a sentence that
// happens to be in capitals ("… FEMA has an" / "Incident Management
// Assistance Team and a Mobile Emergency Response" / "Support team …")
// stays in its paragraph.
func typedBlocks(text string) []block {
	lines := strings.Split(text, "\n")
	perLine := linePerParagraph(lines)
	width := typicalWidth([]block{lines})
	heading := func(i int, t string, cur block) bool {
		if !isHeading(t) {
			return false
		}
		if perLine {
			return true
		}
		if len(cur) > 0 && !endsSentence(strings.TrimSpace(cur[len(cur)-1])) {
			return false
		}
		next := ""
		if i+1 < len(lines) {
			next = strings.TrimSpace(lines[i+1])
		}
		return next == "" || narrow(t, width) || isListItem(next)
	}
	var c blockCutter
	headed := false // c.cur is a heading line
	for i, line := range lines {
		line = strings.TrimRight(line, " ")
		t := strings.TrimSpace(line)
		if t == "" {
			c.cut()
			headed = false
			continue
		}
		indented := len(t) < len(line)
		isHead := false
		switch {
		case len(c.cur) > 0 && isNestedItem(t):
			// a nested item stays in its parent item
		case len(c.cur) > 0 && indented && isListItem(strings.TrimSpace(c.cur[0])) && !isListItem(t):
			// the wrapped line of a list item
		case startsItem(t, c.cur) || headed:
			c.cut()
		case heading(i, t, c.cur):
			c.cut()
			isHead = true
		case perLine:
			c.cut()
		}
		c.cur = append(c.cur, line)
		headed = isHead
	}
	return c.done()
}

// startsItem reports whether line t starts a list item after the lines
// cur of the block so far. A dash or a number that opens a line inside a
// sentence is the sentence's, wrapped there ("… come back into North
// Carolina" / "— the furniture business.", "… on August" / "25. Notably
// …"), unless the block is a list.
func startsItem(t string, cur block) bool {
	if !isListItem(t) {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(t); r != '-' && r != '–' && r != '—' && !unicode.IsDigit(r) || len(cur) == 0 {
		return true
	}
	return isListItem(strings.TrimSpace(cur[0])) || endsSentence(strings.TrimSpace(cur[len(cur)-1]))
}

// linePerParagraph reports text whose lines are whole paragraphs: most
// lines followed by another line end a sentence (or are headings or list
// items), as in text copied from a web page; hard-wrapped text ends most
// lines mid-sentence.
func linePerParagraph(lines []string) bool {
	pairs, whole := 0, 0
	for i := 0; i+1 < len(lines); i++ {
		t, next := strings.TrimSpace(lines[i]), strings.TrimSpace(lines[i+1])
		if t == "" || next == "" {
			continue
		}
		pairs++
		if endsSentence(t) || isHeading(t) || startsItem(next, block{t}) || isNestedItem(next) {
			whole++
		}
	}
	return pairs >= 2 && whole*10 >= pairs*7
}

// isNestedItem reports a nested list item: "◦", "▪", "o " or "-" bullets
// that a typed list uses under its "•" items.
func isNestedItem(t string) bool {
	return strings.HasPrefix(t, "◦") || strings.HasPrefix(t, "▪") || strings.HasPrefix(t, "‣") || strings.HasPrefix(t, "o ")
}

// splitPDFBlocks breaks blocks of PDF text, which often marks paragraphs
// by no blank line, where a line that ends a sentence stops clearly short
// of the text's width and the next line starts a sentence, and around a
// heading line.
func splitPDFBlocks(blocks []block) []block {
	width := typicalWidth(blocks)
	var c blockCutter
	for _, b := range blocks {
		for i, line := range b {
			t := strings.TrimSpace(line)
			// The indented lines of a list item continue it.
			continued := len(c.cur) > 0 && isListItem(strings.TrimSpace(c.cur[0])) && len(t) < len(strings.TrimRight(line, " "))
			if len(c.cur) > 0 && !continued {
				prev := strings.TrimSpace(c.cur[len(c.cur)-1])
				short := utf8.RuneCountInString(prev)*100 < width*85
				headingLine := func(l string) bool { return narrow(l, width) && isHeading(l) }
				heading := headingLine(t) && (endsSentence(prev) || headingLine(prev)) && (i+1 == len(b) || startsSentence(b[i+1]))
				if heading || headingLine(prev) && len(c.cur) == 1 || short && endsSentence(prev) && startsSentence(t) {
					c.cut()
				}
			}
			c.cur = append(c.cur, line)
		}
		c.cut()
	}
	return c.done()
}

// narrow reports a line well short of the text's width, as a heading in
// a PDF is.
func narrow(line string, width int) bool {
	return utf8.RuneCountInString(strings.TrimSpace(line))*10 < width*7
}

// typicalWidth is the length of a full line of the text: the 80th
// percentile of the lengths of its lines.
func typicalWidth(blocks []block) int {
	var n []int
	for _, b := range blocks {
		for _, l := range b {
			if c := utf8.RuneCountInString(strings.TrimSpace(l)); c >= 20 {
				n = append(n, c)
			}
		}
	}
	if len(n) == 0 {
		return 0
	}
	slices.Sort(n)
	return n[len(n)*8/10]
}
