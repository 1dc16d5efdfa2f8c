// Package ingest turns uploaded statement files into parsed statements:
// from the bytes of an upload (PDF, HTML, Markdown or plain text, read by
// the extract subpackage) through metadata resolution, repair of text
// extraction damage and paragraph splitting to a statementbot.Statement,
// which package rag indexes and answers from.
package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/statementbot/statementbot"
)

// Parse parses a statement: raw is the stored form Compose renders, or a
// plain text or Markdown file as written (the bundled statements). id is
// normally StatementID(file name). Metadata is resolved by one rule:
// meta (what the admin said) first, then what the text says of itself
// (front matter, title line, dateline), then what the file said about
// itself (a PDF's or a page's metadata), then the id.
//
// Parse sets no size limit of its own: the one limit on an upload is the
// caller's, on the file's own bytes (MAX_UPLOAD_BYTES in the CLI and the
// bot), and extract bounds the text a PDF may expand to. A limit here would
// count the front matter Compose adds and refuse files under the caller's.
func Parse(id string, raw []byte, meta Metadata) (*Statement, error) {
	if id == "" {
		return nil, &InputError{Msg: "the statement has no id: name the file, e.g. 2024-01-31-summit.txt"}
	}
	if err := checkText(raw); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	st := &Statement{ID: id, Hash: hex.EncodeToString(sum[:])}

	doc := readText(string(raw))
	doc.admin = overlay(meta, doc.admin)
	if doc.format == FormatPDF {
		doc.file.Issuer = firstNonEmpty(doc.file.Issuer, letterhead(doc.body))
		doc.body = dropPrintChrome(doc.body)
	}
	hd, body := splitHeader(doc.body, doc.format, doc.front.Title)
	doc.text = overlay(doc.front, hd.meta)
	bodyParas := bodyParagraphs(body, doc.format)
	doc.opening = openingDate(bodyParas)
	doc.meetingPlace = meetingPlace(bodyParas)
	resolved, kind := doc.resolve(id)
	st.Title, st.Date, st.Issuer, st.Place, st.Source = resolved.Title, resolved.Date, resolved.Issuer, resolved.Place, resolved.Source
	if st.Title == "" {
		st.Title = titleFromID(id, kind)
	}

	var paras []Paragraph
	if hd.line != "" {
		paras = append(paras, Paragraph{Text: hd.line, Header: true})
	} else if line := headerLine(resolved, doc); line != "" {
		paras = append(paras, Paragraph{Text: line, Header: true})
	}
	headerParas := len(paras)
	paras = append(paras, bodyParas...)
	if len(paras) == headerParas {
		return nil, &InputError{Msg: "the statement has no text paragraphs: check that the file holds the statement's text"}
	}
	for i := range paras {
		paras[i].Statement, paras[i].N = id, i+1
	}
	st.Paragraphs = paras
	return st, nil
}

type (
	// Statement is statementbot.Statement.
	Statement = statementbot.Statement
	// Paragraph is statementbot.Paragraph.
	Paragraph = statementbot.Paragraph
	// Metadata is statementbot.Metadata.
	Metadata = statementbot.Metadata
	// InputError is statementbot.InputError.
	InputError = statementbot.InputError
)

// checkText refuses empty and binary input.
func checkText(raw []byte) error {
	if len(strings.TrimSpace(string(raw))) == 0 {
		return &InputError{Msg: "the statement is empty: give a file with the statement's text"}
	}
	sample := raw
	if len(sample) > 8192 {
		sample = sample[:8192]
	}
	bad := 0
	for i := 0; i < len(sample); {
		r, size := utf8.DecodeRune(sample[i:])
		i += size
		switch {
		case r == 0:
			return &InputError{Msg: "the file is binary, not text: give a .txt or .md file with the statement's text"}
		case r == utf8.RuneError && size == 1 && i < len(sample)-utf8.UTFMax:
			bad++
		case r < 32 && r != '\n' && r != '\r' && r != '\t' && r != '\f':
			bad++
		}
	}
	if bad*20 > len(sample) {
		return &InputError{Msg: "the file does not look like UTF-8 text: save it as UTF-8 text and try again"}
	}
	return nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

var idDateRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(?:-|$)`)

func dateFromID(id string) string {
	if m := idDateRE.FindStringSubmatch(id); m != nil {
		if _, err := time.Parse("2006-01-02", m[1]); err == nil {
			return m[1]
		}
	}
	return ""
}

// isGenericTitle reports titles that say what a text is but not what it is
// about ("Statement", "News release").
func isGenericTitle(t string) bool {
	switch strings.ToLower(strings.Trim(t, " .:")) {
	case "statement", "joint statement", "news release", "press release", "media advisory",
		"readout", "communique", "communiqué", "backgrounder", "news", "release", "speech", "remarks":
		return true
	}
	return false
}

// titleFromID makes a title from the file name ("2021-06-28-global-
// coalition-rome" -> "Global Coalition Rome"), after kind when given
// ("Statement: Global Coalition Rome").
func titleFromID(id, kind string) string {
	slug := idDateRE.ReplaceAllString(id, "")
	words := strings.FieldsFunc(slug, func(r rune) bool { return r == '-' || r == '_' })
	for i, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[size:]
	}
	t := strings.Join(words, " ")
	switch {
	case t == "":
		return firstNonEmpty(kind, id)
	case kind != "":
		return kind + ": " + t
	}
	return t
}

// CheckText refuses empty and binary input with an *InputError.
func CheckText(raw []byte) error { return checkText(raw) }
