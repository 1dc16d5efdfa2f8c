package ingest

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
)

// Formats a statement's text can come in. They decide how the text is
// cut into paragraphs and whether extraction damage is looked for.
const (
	FormatText     = "text"     // typed or copied text; hard-wrapped or a paragraph per line
	FormatMarkdown = "markdown" // Markdown, read with goldmark
	FormatHTML     = "html"     // the text of a web page's article, as extract renders it
	FormatPDF      = "pdf"      // text extracted from a PDF: pages, print chrome, damage
)

// formatKey marks the front matter block Compose writes.
const formatKey = "ingest-format"

// Compose renders what a library stores for an uploaded file: the text as
// extracted (name's extension and format, as extract reports it, say how
// to read it), under a front matter block that keeps what the admin said
// (admin) apart from what the file said about itself (file). Parse
// resolves them with the text's own metadata, so the precedence rule lives
// in one place and a change to it applies at the next reindex.
func Compose(name, format, text string, file, admin Metadata) string {
	switch format {
	case FormatPDF, FormatHTML, FormatMarkdown:
	default:
		format = FormatText
		if ext := strings.ToLower(path.Ext(name)); ext == ".md" || ext == ".markdown" {
			format = FormatMarkdown
		}
	}
	var b strings.Builder
	b.WriteString("---\n")
	line := func(k, v string) {
		if v = strings.Join(strings.Fields(v), " "); v != "" {
			q, _ := json.Marshal(v) // a JSON string is a YAML double-quoted scalar
			fmt.Fprintf(&b, "%s: %s\n", k, q)
		}
	}
	line(formatKey, format)
	for _, m := range []struct {
		prefix string
		meta   Metadata
	}{{"", admin}, {"file-", file}} {
		line(m.prefix+"title", m.meta.Title)
		line(m.prefix+"date", m.meta.Date)
		line(m.prefix+"issuer", m.meta.Issuer)
		line(m.prefix+"place", m.meta.Place)
		line(m.prefix+"source", m.meta.Source)
	}
	b.WriteString("---\n")
	b.WriteString(text)
	return b.String()
}

// storedDoc is a statement's text with the metadata around it, by source.
type storedDoc struct {
	format string
	admin  Metadata // what the admin said
	front  Metadata // the text's own front matter
	text   Metadata // what the text says of itself: front, then its header
	file   Metadata // what the file said about itself
	body   string   // the text after all front matter
	// opening is the first date written in the text's opening paragraph:
	// weaker than a dateline or a page's date, stronger than a PDF's
	// creation date (the day it was printed) and the file name.
	opening string
	// meetingPlace is where the opening paragraph says a meeting took
	// place: the weakest witness of the place.
	meetingPlace string
}

// readText normalises a statement's text and reads it as readStored does.
// A non-breaking space is a space everywhere but in a Markdown body, where
// it is text, as CommonMark reads it (only spaces and tabs indent): pandoc
// writes a paragraph a page indented with "&nbsp;" as a line opening with
// them, which, made spaces, read as an indented code block, cut off from
// the rest of its sentence. A line of nothing but spaces is blank in every
// format.
func readText(raw string) storedDoc {
	d := readStored(normalize(raw, true, true))
	if d.format != FormatMarkdown {
		d.body = strings.ReplaceAll(d.body, "\u00a0", " ")
		return d
	}
	lines := strings.Split(d.body, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			lines[i] = ""
		}
	}
	d.body = strings.Join(lines, "\n")
	return d
}

// readStored splits text (normalised) into its metadata and body. Text
// without Compose's block is a file as written: its format is guessed.
func readStored(text string) storedDoc {
	var d storedDoc
	fm, body := splitFrontMatter(text)
	switch f, ok := fm[formatKey]; {
	case ok:
		d.format = f
		d.admin = metaFrom(fm, "")
		d.file = metaFrom(fm, "file-")
		fm, body = splitFrontMatter(body)
	case storedBefore(fm):
		// Metadata resolved at upload, the file's among it (a PDF's
		// creation date): it may not outrank the text's dateline.
		d.file, fm = metaFrom(fm, ""), nil
	}
	d.front = metaFrom(fm, "")
	if d.front.Issuer == "" {
		d.front.Issuer = fm["source_name"]
	}
	if d.front.Source == "" {
		d.front.Source = firstNonEmpty(fm["source_url"], fm["url"], fm["canonical_url"])
	}
	d.body = body
	if d.format == "" {
		d.format = guessFormat(strings.ReplaceAll(body, "\u00a0", " "))
	}
	return d
}

// storedBefore reports the front matter a library wrote before it kept
// the admin's and the file's metadata apart: title, date, issuer and
// source only, whatever their source.
func storedBefore(fm map[string]string) bool {
	if len(fm) == 0 {
		return false
	}
	for k := range fm {
		switch k {
		case "title", "date", "issuer", "source":
		default:
			return false
		}
	}
	return true
}

func metaFrom(fm map[string]string, prefix string) Metadata {
	return Metadata{
		Title: fm[prefix+"title"], Date: fm[prefix+"date"], Issuer: fm[prefix+"issuer"],
		Place: fm[prefix+"place"], Source: fm[prefix+"source"],
	}
}

// guessFormat tells the format of a file given as written (a bundled
// statement, or one stored before formats were recorded) from its body:
// form feeds and a browser's print headers and footers come from PDF
// extraction; ATX headings or bold lines make it Markdown; anything else
// is plain text.
func guessFormat(body string) string {
	if strings.Contains(body, "\f") {
		return FormatPDF
	}
	for _, line := range strings.Split(body, "\n") {
		if t := strings.TrimSpace(line); printHeaderRE.MatchString(t) || isPrintFooter(t) {
			return FormatPDF
		}
	}
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "# ") || strings.HasPrefix(t, "## ") || strings.HasPrefix(t, "### ") ||
			len(t) > 4 && strings.HasPrefix(t, "**") && strings.HasSuffix(t, "**") {
			return FormatMarkdown
		}
	}
	return FormatText
}
