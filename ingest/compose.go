package ingest

import (
	"fmt"
	"strings"
)

// Compose renders what a library stores for an uploaded statement: text
// as extracted, under a front matter block holding its metadata. What the
// admin said (admin) wins; then what the text says of itself (front
// matter, dateline); then the file's own metadata (file: a PDF's creation
// date is a weaker witness than its dateline).
func Compose(text string, file, admin Metadata) string {
	front, body := splitFrontMatter(normalizeText(text))
	hd, _ := splitHeader(body)
	title := firstNonEmpty(front["title"], hd.title)
	if isGenericTitle(title) {
		title = ""
	}
	meta := Metadata{
		Title:  firstNonEmpty(admin.Title, title, file.Title),
		Date:   firstNonEmpty(admin.Date, front["date"], hd.date, file.Date),
		Issuer: firstNonEmpty(admin.Issuer, front["issuer"], hd.issuer, file.Issuer),
		Source: firstNonEmpty(admin.Source, front["source"], file.Source),
	}
	return withFrontMatter(text, meta)
}

// CheckText refuses empty and binary input with an *InputError.
func CheckText(raw []byte) error { return checkText(raw) }

// withFrontMatter prefixes text with a front matter block holding meta
// over whatever front matter text already had.
func withFrontMatter(text string, meta Metadata) string {
	front, body := splitFrontMatter(normalizeText(text))
	var b strings.Builder
	for _, kv := range [][2]string{{"title", meta.Title}, {"date", meta.Date}, {"issuer", meta.Issuer}, {"source", meta.Source}} {
		v := strings.Join(strings.Fields(firstNonEmpty(kv[1], front[kv[0]])), " ")
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", kv[0], v)
		}
	}
	if b.Len() == 0 {
		return body
	}
	return "---\n" + b.String() + "---\n" + body
}
