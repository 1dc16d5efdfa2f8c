package rag

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/statementbot/statementbot/words"
)

// A paragraph of names, dates and numbers only — a dateline ("October 29,
// 2021"), a signature block ("Joseph R. Biden, Jr. Emmanuel Macron October
// 29, 2021"), an all-capitals heading — says nothing a question asks
// about, yet its few words match the names a question uses to pick the
// statement, and BM25 favours short texts: it would lead the hits. Such a
// paragraph ranks and counts like the header paragraph: below the body,
// unless the question is about the statement itself.

// headerLike reports whether p is the header paragraph or a bare one.
// The index holds it per document (Index.headerLike), derived once at
// build: ask the index, not this.
func headerLike(p Paragraph) bool {
	return p.Header || bare(p.Text)
}

// headerLike reports whether document doc is the header paragraph or a
// bare one.
func (ix *Index) headerLike(doc int32) bool { return ix.headerish[doc] }

// bare reports whether text holds no word written in lower case other
// than function words: only names, dates and numbers.
func bare(text string) bool {
	for f := range strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if r, _ := utf8.DecodeRuneInString(f); !unicode.IsLower(r) {
			continue
		}
		if !words.IsStopword(strings.ToLower(f)) {
			return false
		}
	}
	return true
}
