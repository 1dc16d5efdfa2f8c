// Package ingest turns uploaded statement files into parsed statements:
// from the bytes of an upload (PDF, HTML, Markdown or plain text, read by
// the extract subpackage) through metadata resolution, repair of text
// extraction damage and paragraph splitting to a statementbot.Statement,
// which package rag indexes and answers from.
package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/statementbot/statementbot"
)

// MaxStatementBytes bounds the size of one statement's text.
const MaxStatementBytes = 4 << 20

// Parse parses raw text (plain text or Markdown, with optional
// front matter) into a statement. id is normally StatementID(file name).
// The header of the text (title line, dateline "June 28, 2021 - Ottawa,
// Ontario - Global Affairs Canada") gives title, date, place and issuer;
// meta overrides what it sets.
func Parse(id string, raw []byte, meta Metadata) (*Statement, error) {
	if id == "" {
		return nil, &InputError{Msg: "the statement has no id: name the file, e.g. 2024-01-31-summit.txt"}
	}
	if len(raw) > MaxStatementBytes {
		return nil, &InputError{Msg: fmt.Sprintf("the statement is %d bytes; the limit is %d", len(raw), MaxStatementBytes)}
	}
	if err := checkText(raw); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	st := &Statement{ID: id, Hash: hex.EncodeToString(sum[:])}
	text := normalizeText(string(raw))

	front, body := splitFrontMatter(text)
	hd, body := splitHeader(body)
	st.Title = firstNonEmpty(meta.Title, front["title"], hd.title)
	st.Date = normalizeDate(firstNonEmpty(meta.Date, front["date"], hd.date))
	st.Issuer = firstNonEmpty(meta.Issuer, front["issuer"], front["source_name"], hd.issuer)
	st.Place = firstNonEmpty(front["place"], hd.place)
	st.Source = firstNonEmpty(meta.Source, front["source"], front["url"])
	if st.Date == "" {
		st.Date = dateFromID(id)
	}
	if st.Title == "" || isGenericTitle(st.Title) {
		st.Title = titleFromID(id, st.Title)
	}

	seg := DocumentSegmenter(text)
	var paras []string
	if hd.line != "" {
		paras = append(paras, repairInline(hd.line, seg))
	} else if line := headerLine(st, front); line != "" {
		paras = append(paras, line)
	}
	headerParas := len(paras)
	paras = append(paras, Chunk(Repair(body, seg))...)
	if len(paras) == headerParas {
		return nil, &InputError{Msg: "the statement has no text paragraphs: check that the file holds the statement's text"}
	}
	for i, p := range paras {
		st.Paragraphs = append(st.Paragraphs, Paragraph{Statement: id, N: i + 1, Text: p, Header: i < headerParas})
	}
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

// splitFrontMatter reads a leading "---" block of "key: value" lines.
func splitFrontMatter(text string) (map[string]string, string) {
	t := strings.TrimLeft(text, " \n")
	if !strings.HasPrefix(t, "---\n") {
		return nil, text
	}
	if rest, ok := strings.CutPrefix(t[4:], "---\n"); ok {
		return map[string]string{}, rest // an empty block
	}
	end := strings.Index(t[4:], "\n---")
	if end < 0 {
		return nil, text
	}
	fm := map[string]string{}
	for _, line := range strings.Split(t[4:4+end], "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		if k != "" && v != "" {
			fm[k] = v
		}
	}
	rest := t[4+end+4:]
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[i+1:]
	} else {
		rest = ""
	}
	return fm, rest
}

type header struct {
	title, date, place, issuer string
	line                       string // the dateline as written
}

var (
	monthNames = `(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`
	dateRE     = regexp.MustCompile(`(?i)^(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(` +
		monthNames + `\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+` + monthNames + `,?\s+\d{4}|\d{4}-\d{2}-\d{2})`)
	datelineSepRE = regexp.MustCompile(`\s+[-–—|]\s+`)
)

// splitHeader finds a dateline among the first lines of the text, and a
// title above it; it returns them and the text after the dateline.
func splitHeader(text string) (header, string) {
	lines := strings.Split(text, "\n")
	var h header
	var titleLines []string
	seen := 0
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		seen++
		if seen > 4 || utf8.RuneCountInString(t) > 200 {
			break
		}
		if strings.HasPrefix(t, "#") && h.title == "" && len(titleLines) == 0 {
			titleLines = append(titleLines, strings.TrimSpace(strings.TrimLeft(t, "#")))
			continue
		}
		if m := dateRE.FindStringSubmatch(t); m != nil {
			h.line = t
			h.date = m[1]
			parts := datelineSepRE.Split(t, -1)
			switch {
			case len(parts) >= 3:
				h.place = strings.Join(parts[1:len(parts)-1], " - ")
				h.issuer = parts[len(parts)-1]
			case len(parts) == 2:
				h.issuer = parts[1]
			}
			h.title = strings.Join(titleLines, " ")
			return h, strings.Join(lines[i+1:], "\n")
		}
		if endsSentence(t) {
			break
		}
		titleLines = append(titleLines, t)
	}
	// No dateline: a Markdown "# Title" still counts.
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if strings.HasPrefix(t, "# ") {
			h.title = strings.TrimSpace(t[2:])
			return h, strings.Join(lines[i+1:], "\n")
		}
		break
	}
	return header{}, text
}

// headerLine builds the searchable header paragraph of a statement whose
// text has no dateline, from what its front matter says.
func headerLine(st *Statement, front map[string]string) string {
	if front == nil {
		return ""
	}
	var parts []string
	for _, v := range []string{front["date"], st.Place, st.Issuer, front["title"]} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " - ")
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

var dateLayouts = []string{
	"2006-01-02", "January 2, 2006", "January 2 2006", "Jan 2, 2006", "Jan. 2, 2006", "Jan 2 2006",
	"2 January 2006", "2 January, 2006", "2 Jan 2006", "Monday, January 2, 2006", "Monday, 2 January 2006",
}

// normalizeDate returns s as YYYY-MM-DD when it parses, else s unchanged.
func normalizeDate(s string) string {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	if s2 := strings.Replace(s, "Sept", "Sep", 1); s2 != s {
		return normalizeDate(s2)
	}
	return s
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

var idCleanRE = regexp.MustCompile(`[^a-z0-9]+`)

// StatementID derives a statement's id from its file name: the base name
// without extension, lowercased, with runs of other characters as "-".
func StatementID(fileName string) string {
	base := path.Base(strings.ReplaceAll(fileName, `\`, "/"))
	if ext := path.Ext(base); ext != "" && len(ext) <= 6 {
		base = strings.TrimSuffix(base, ext)
	}
	id := strings.Trim(idCleanRE.ReplaceAllString(strings.ToLower(base), "-"), "-")
	if len(id) > 80 {
		id = strings.Trim(id[:80], "-")
	}
	return id
}
