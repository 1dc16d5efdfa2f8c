package ingest

import (
	"bytes"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdownParagraphs reads Markdown with goldmark: each paragraph, list
// item (with its nested items) and code block is a paragraph; headings,
// and paragraphs that are only bold text, become the section of what
// follows. Escapes and entities are decoded; raw HTML and images are
// dropped, but for the rows of an HTML table (pandoc writes tables so),
// each a paragraph.
func markdownParagraphs(body string) []Paragraph {
	src := []byte(body)
	root := goldmark.New().Parser().Parse(text.NewReader(src))
	var out []Paragraph
	var sec sectioner
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Heading:
				sec.heading(inlineText(c, src))
			case *ast.Paragraph, *ast.TextBlock:
				text := inlineText(c, src)
				if boldOnly(c, src) && !endsStatement(text) {
					sec.heading(text)
					continue
				}
				out = append(out, Paragraph{Text: text, Section: sec.para()})
			case *ast.List:
				for i, item := 0, c.FirstChild(); item != nil; i, item = i+1, item.NextSibling() {
					out = append(out, Paragraph{Text: listMarker(c, i) + " " + itemText(item, src, 0), Section: sec.para()})
				}
			case *ast.FencedCodeBlock, *ast.CodeBlock:
				out = append(out, Paragraph{Text: linesText(c, src), Section: sec.para()})
			case *ast.HTMLBlock:
				for _, row := range tableRows(rawLines(c, src)) {
					out = append(out, Paragraph{Text: row, Section: sec.para()})
				}
			case *ast.Blockquote:
				walk(c)
			}
		}
	}
	walk(root)
	return append(out, sec.end()...)
}

// endsStatement reports text that ends a sentence with a full stop, a
// question or an exclamation mark: a bold line that does is a statement
// in bold ("**Promises made, promises kept.**"), not a heading.
func endsStatement(t string) bool {
	t = strings.TrimRight(t, " \"'”’»)]*")
	r, _ := utf8.DecodeLastRuneInString(t)
	return r == '.' || r == '!' || r == '?'
}

// listMarker is the marker of item i of list l: "3." or "•".
func listMarker(l *ast.List, i int) string {
	if l.IsOrdered() {
		return strconv.Itoa(l.Start+i) + "."
	}
	return "•"
}

// itemText is the text of a list item, its nested items after "◦".
func itemText(item ast.Node, src []byte, depth int) string {
	var parts []string
	for c := item.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.List:
			for sub := c.FirstChild(); sub != nil; sub = sub.NextSibling() {
				parts = append(parts, "◦ "+itemText(sub, src, depth+1))
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			parts = append(parts, linesText(c, src))
		default:
			parts = append(parts, inlineText(c, src))
		}
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// boldOnly reports a paragraph that is only strong text: "**Heading**",
// also with white space around it (a non-breaking space is text to
// goldmark).
func boldOnly(p ast.Node, src []byte) bool {
	bold := 0
	for c := p.FirstChild(); c != nil; c = c.NextSibling() {
		if e, ok := c.(*ast.Emphasis); ok && e.Level == 2 {
			bold++
			continue
		}
		if t, ok := c.(*ast.Text); !ok || strings.TrimSpace(string(t.Value(src))) != "" {
			return false
		}
	}
	return bold == 1
}

// inlineText renders the inline content of n as plain text.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				v := c.Value(src)
				if !c.IsRaw() {
					v = dropStrayStars(src, c.Segment)
					v = util.ResolveNumericReferences(util.ResolveEntityNames(util.UnescapePunctuations(v)))
				}
				b.Write(v)
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.AutoLink:
				b.Write(c.Label(src))
			case *ast.RawHTML, *ast.Image:
			case *ast.Paragraph, *ast.TextBlock:
				walk(c)
				b.WriteByte(' ')
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// dropStrayStars is the text of segment seg of src less the emphasis
// marks goldmark could not pair, which it leaves in the text: pandoc
// writes bold that ends in a space as "**Vaccinating the World. **The
// Summit …". A run of two or more asterisks goes, and a single one that
// touches a word on one side only; an escaped asterisk ("\*") and one
// between spaces ("5 * 3") or inside a word stay.
func dropStrayStars(src []byte, seg text.Segment) []byte {
	v := seg.Value(src)
	if !bytes.Contains(v, []byte("*")) {
		return v
	}
	// spaceBefore and spaceAfter report white space (or the text's edge)
	// before src[i] and at src[j].
	spaceBefore := func(i int) bool {
		r, n := utf8.DecodeLastRune(src[:i])
		return n == 0 || unicode.IsSpace(r)
	}
	spaceAfter := func(j int) bool {
		r, n := utf8.DecodeRune(src[j:])
		return n == 0 || unicode.IsSpace(r)
	}
	out := make([]byte, 0, len(v))
	for i := seg.Start; i < seg.Stop; {
		if src[i] != '*' || i > 0 && src[i-1] == '\\' {
			out = append(out, src[i])
			i++
			continue
		}
		j := i
		for j < seg.Stop && src[j] == '*' {
			j++
		}
		if j-i == 1 && spaceBefore(i) == spaceAfter(j) {
			out = append(out, '*')
		}
		i = j
	}
	return out
}

var (
	tableRowRE  = regexp.MustCompile(`(?is)<tr\b.*?(?:</tr>|$)`)
	tableCellRE = regexp.MustCompile(`(?is)<t[dh]\b[^>]*>(.*?)(?:</t[dh]>|$)`)
	htmlTagRE   = regexp.MustCompile(`<[^>]*>`)
)

// tableRows is the text of the rows of the HTML tables in raw, each row's
// cells joined by " | " ("Child Care and Preschool | 400"); none for HTML
// without a table (figures, captions, embeds).
func tableRows(raw string) []string {
	var rows []string
	for _, tr := range tableRowRE.FindAllString(raw, -1) {
		var cells []string
		for _, m := range tableCellRE.FindAllStringSubmatch(tr, -1) {
			cell := html.UnescapeString(htmlTagRE.ReplaceAllString(m[1], " "))
			if cell = strings.Join(strings.Fields(cell), " "); cell != "" {
				cells = append(cells, cell)
			}
		}
		if len(cells) > 0 {
			rows = append(rows, strings.Join(cells, " | "))
		}
	}
	return rows
}

// rawLines is the source of a block, its lines as written.
func rawLines(n ast.Node, src []byte) string { return blockLines(n, src, "") }

// linesText is the text of a code block, its lines joined by spaces.
func linesText(n ast.Node, src []byte) string {
	return strings.Join(strings.Fields(blockLines(n, src, " ")), " ")
}

// blockLines is the source of a block, each line followed by after.
func blockLines(n ast.Node, src []byte, after string) string {
	var b strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.Write(seg.Value(src))
		b.WriteString(after)
	}
	return b.String()
}
