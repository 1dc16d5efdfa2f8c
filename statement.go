// Package statementbot holds the domain types shared by ingestion
// (package ingest), indexing and answering (package rag), the store and the
// bot: a Statement split into numbered Paragraphs, the Metadata a caller
// may know about it, and InputError, the error of bad input whose message
// is safe to show to the person who supplied it.
package statementbot

// A Statement is one official text, split into numbered paragraphs.
type Statement struct {
	ID     string // from the file name: "2021-06-28-global-coalition-rome"
	Title  string
	Date   string // ISO 8601 (2021-06-28) when it could be parsed, else as written
	Issuer string // "Global Affairs Canada"
	Place  string // "Ottawa, Ontario"
	Source string // URL or other origin, when known
	// Hash identifies the raw text the statement was parsed from.
	Hash string
	// Paragraphs are numbered from 1; Paragraphs[i].N == i+1.
	Paragraphs []Paragraph
}

// A Paragraph is one numbered, repaired paragraph of a statement.
type Paragraph struct {
	Statement string // statement ID
	N         int    // 1-based
	Text      string
	// Section is the heading the paragraph sits under, "" if none.
	Section string
	// Header marks the paragraph made of the statement's header (title,
	// dateline, issuer), kept so "who issued this, and when?" can be found.
	Header bool
}

// Paragraph returns paragraph n (1-based) and whether it exists.
func (s *Statement) Paragraph(n int) (Paragraph, bool) {
	if n < 1 || n > len(s.Paragraphs) {
		return Paragraph{}, false
	}
	return s.Paragraphs[n-1], true
}

// Metadata is what a caller may know about a statement besides its text
// (Discord options, front matter, a file's own metadata). Empty fields are
// filled from the text.
type Metadata struct {
	Title, Date, Issuer, Place, Source string
}

// InputError is bad input: Msg says what was wrong and what to do, in one
// line safe to show to the person who supplied it; Err, when set, is the
// underlying cause, for the log.
type InputError struct {
	Msg string
	Err error
}

func (e *InputError) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *InputError) Unwrap() error { return e.Err }
