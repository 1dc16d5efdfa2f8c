package rag

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/words"
)

// TextHash keys a paragraph's vector: the SHA-256, in hex, of the text it
// is embedded under (IndexText). The embedding cache of earlier versions
// was keyed by the same sum, so its vectors import as they are.
func TextHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// toRecord is what the store keeps of a parsed statement: its upload,
// the stored text it was parsed from, and its paragraphs with the hashes
// of their indexed texts and their terms (terms.go).
func toRecord(st *Statement, fileName string, upload []byte, text string) store.StatementRecord {
	return toRecordKnowing(st, fileName, upload, text, nil)
}

// toRecordKnowing is toRecord taking the terms of a paragraph from known
// (valid encoded terms by text hash, from an earlier parse) when there,
// rather than tokenising it again.
func toRecordKnowing(st *Statement, fileName string, upload []byte, text string, known map[string]string) store.StatementRecord {
	rec := store.StatementRecord{
		ID: st.ID, Title: st.Title, Date: st.Date, Issuer: st.Issuer, Place: st.Place, Source: st.Source,
		Hash: st.Hash, FileName: fileName, Upload: upload, Text: text,
		Paragraphs: make([]store.ParagraphRecord, len(st.Paragraphs)),
	}
	for i, p := range st.Paragraphs {
		indexed := IndexText(st, p)
		h := TextHash(indexed)
		terms, ok := known[h]
		if !ok {
			terms = encodeTerms(words.Terms(indexed))
		}
		rec.Paragraphs[i] = store.ParagraphRecord{N: p.N, Section: p.Section, Text: p.Text, Header: p.Header, TextHash: h, Terms: terms}
	}
	return rec
}

// fromRecord is the statement a stored record holds, without parsing,
// under its key (StatementKey) as the index names it.
func fromRecord(rec store.StatementRecord) *Statement {
	key := StatementKey(rec.Library, rec.ID)
	st := &Statement{ID: key, Title: rec.Title, Date: rec.Date, Issuer: rec.Issuer, Place: rec.Place, Source: rec.Source, Hash: rec.Hash,
		Paragraphs: make([]Paragraph, len(rec.Paragraphs))}
	for i, p := range rec.Paragraphs {
		st.Paragraphs[i] = Paragraph{Statement: key, N: p.N, Text: p.Text, Section: p.Section, Header: p.Header}
	}
	return st
}

// fromRecords are the statements stored records hold, with their
// paragraphs' text hashes and encoded terms, in statement then paragraph
// order.
func fromRecords(recs []store.StatementRecord) (stmts []*Statement, hashes, terms []string) {
	n := 0
	for _, rec := range recs {
		n += len(rec.Paragraphs)
	}
	stmts, hashes, terms = make([]*Statement, len(recs)), make([]string, 0, n), make([]string, 0, n)
	for i, rec := range recs {
		stmts[i] = fromRecord(rec)
		for _, p := range rec.Paragraphs {
			hashes, terms = append(hashes, p.TextHash), append(terms, p.Terms)
		}
	}
	return stmts, hashes, terms
}

// sameParagraphs reports whether a re-parse left a statement's stored
// paragraphs as they were, terms aside.
func sameParagraphs(a, b []store.ParagraphRecord) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		x.Terms, y.Terms = "", ""
		if x != y {
			return false
		}
	}
	return true
}
