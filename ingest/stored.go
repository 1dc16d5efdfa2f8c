package ingest

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
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

// readStored splits text (normalised) into its metadata and body. Text
// without Compose's block is a file as written: its format is guessed.
func readStored(text string) storedDoc {
	var d storedDoc
	fm, body := splitFrontMatter(text)
	if f, ok := fm[formatKey]; ok {
		d.format = f
		d.admin = metaFrom(fm, "")
		d.file = metaFrom(fm, "file-")
		fm, body = splitFrontMatter(body)
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
		d.format = guessFormat(body)
	}
	return d
}

func metaFrom(fm map[string]string, prefix string) Metadata {
	return Metadata{
		Title: fm[prefix+"title"], Date: fm[prefix+"date"], Issuer: fm[prefix+"issuer"],
		Place: fm[prefix+"place"], Source: fm[prefix+"source"],
	}
}

// guessFormat tells the format of a file given as written (a bundled
// statement, or one stored before formats were recorded) from its body:
// form feeds come from PDF extraction; ATX headings or bold lines make it
// Markdown; anything else is plain text.
func guessFormat(body string) string {
	if strings.Contains(body, "\f") {
		return FormatPDF
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

// overlay fills the empty fields of top from under.
func overlay(top, under Metadata) Metadata {
	return Metadata{
		Title:  firstNonEmpty(top.Title, under.Title),
		Date:   firstNonEmpty(top.Date, under.Date),
		Issuer: firstNonEmpty(top.Issuer, under.Issuer),
		Place:  firstNonEmpty(top.Place, under.Place),
		Source: firstNonEmpty(top.Source, under.Source),
	}
}

// resolve applies the one precedence rule: the admin, then the text, then
// the file's metadata, then the id (date only; the caller makes a title
// from the id). A date merely written in the opening paragraph comes after
// the file's, except a PDF's, which is the day it was made. A generic title ("Statement") gives way to a specific one
// from a weaker source and is returned as kind when none has one.
func (d storedDoc) resolve(id string) (m Metadata, kind string) {
	layers := []Metadata{d.admin, d.text, d.file}
	for _, l := range layers {
		t := strings.TrimSpace(l.Title)
		switch {
		case t == "":
		case isGenericTitle(t):
			kind = firstNonEmpty(kind, t)
			continue
		case m.Title == "":
			m.Title = t
		}
	}
	dates := []string{d.admin.Date, d.text.Date, d.file.Date, d.opening}
	if d.format == FormatPDF {
		dates = []string{d.admin.Date, d.text.Date, d.opening, d.file.Date}
	}
	for _, v := range dates {
		if v = strings.TrimSpace(v); v != "" && m.Date == "" {
			m.Date = firstNonEmpty(ParseDate(v), v)
		}
	}
	for _, l := range layers {
		m.Place = firstNonEmpty(m.Place, l.Place)
		m.Source = firstNonEmpty(m.Source, l.Source)
	}
	m.Place = firstNonEmpty(m.Place, d.meetingPlace)
	if m.Date == "" {
		m.Date = dateFromID(id)
	}
	// A title that names its issuer ("Statement by ...") is the text's
	// word, above a letterhead's.
	m.Issuer = firstNonEmpty(d.admin.Issuer, d.text.Issuer, issuerFromTitle(m.Title), d.file.Issuer)
	return m, kind
}

var (
	// byTitleRE is a title naming who speaks: "Statement by NSC
	// Spokesperson Jane Roe on Syria", "Joint Statement of the Ministers".
	byTitleRE = regexp.MustCompile(`^(?:Joint\s+)?(?:Statement|Remarks|Fact Sheet|Press Release|Communiqu[eé]|Declaration|Message|Letter)s?\s+(?:by|from|of)\s+(?:the\s+)?(.+?)(?:\s+(?:on|regarding|concerning|following|about|at|to|for)\s+.*)?$`)
	// possessiveTitleRE is "G7 Leaders’ Statement on Syria".
	possessiveTitleRE = regexp.MustCompile(`^(.{2,60}?)['’]s?\s+(?i:joint\s+)?(?i:statement|communiqu[eé]|declaration)\b`)
)

// issuerFromTitle reads who issued a statement from a title that says so,
// or returns "".
func issuerFromTitle(title string) string {
	if m := byTitleRE.FindStringSubmatch(title); m != nil {
		return strings.TrimSpace(m[1])
	}
	if m := possessiveTitleRE.FindStringSubmatch(title); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

// headerLine builds the searchable header paragraph of a statement whose
// text has no dateline, from its resolved metadata: none when nothing but
// the id is known.
func headerLine(m Metadata, d storedDoc) string {
	known := m.Title != "" || d.admin.Date != "" || d.text.Date != "" || d.file.Date != "" || d.opening != ""
	if !known {
		return ""
	}
	var parts []string
	for _, v := range []string{m.Date, m.Place, m.Issuer, m.Title} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " - ")
}
