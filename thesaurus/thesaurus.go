// Package thesaurus finds other words for a word: its WordNet synonyms and
// more general words (hypernyms), so that a question worded differently
// from a statement ("graft" for "bribery", "poison gas" for "chemical
// weapon") can still find its paragraph offline.
//
// The table (wordnet.txt.gz, embedded) is generated from Debian's
// wordnet-base package by generate.go in this directory; it is
// decompressed on first use and searched in place. Retrieval (package rag)
// asks it for the words of each question.
package thesaurus

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/statementbot/statementbot/wordtable"
)

//go:embed wordnet.txt.gz
var packed []byte

// An Alternative is another word for a looked-up word. Words holds the
// lemma's words ("chemical", "weapon").
type Alternative struct {
	Words []string
	// Hypernym marks a more general word rather than a synonym.
	Hypernym bool
}

var load = sync.OnceValue(func() *wordtable.Table { return wordtable.MustLoad("thesaurus", packed) })

// Lookup returns the alternatives of a lowercase word or two-word phrase
// ("poison gas"), trying its base forms ("refugees" -> "refugee",
// "attacking" -> "attack"); nil when WordNet has none.
func Lookup(phrase string) []Alternative {
	t := load()
	for _, form := range phraseForms(phrase) {
		rest, ok := t.Lookup(form)
		if !ok {
			continue
		}
		fields := strings.Fields(string(rest))
		out := make([]Alternative, 0, len(fields))
		for _, f := range fields {
			hyper := strings.HasPrefix(f, "^")
			out = append(out, Alternative{
				Words:    strings.FieldsFunc(strings.TrimPrefix(f, "^"), func(r rune) bool { return r == '_' || r == '-' }),
				Hypernym: hyper,
			})
		}
		return out
	}
	return nil
}

// Has reports whether WordNet lists phrase, or a base form of it, as a
// lemma with other words for it ("exchange rate"); Lookup without
// building the list.
func Has(phrase string) bool {
	t := load()
	for _, form := range phraseForms(phrase) {
		if _, ok := t.Lookup(form); ok {
			return true
		}
	}
	return false
}

// phraseForms returns phrase as WordNet writes lemmas ("look_into") and
// the base forms of its last word ("refugee camps") and, for a phrasal
// verb, of its first ("handing over" -> "hand_over").
func phraseForms(phrase string) []string {
	ws := strings.Fields(phrase)
	if len(ws) == 0 {
		return nil
	}
	out := baseForms(strings.Join(ws, "_"))
	if len(ws) > 1 {
		for _, f := range baseForms(ws[0])[1:] {
			out = append(out, f+"_"+strings.Join(ws[1:], "_"))
		}
	}
	return out
}

// baseForms returns w and the base forms English inflection rules give
// for it, most likely first.
func baseForms(w string) []string {
	out := []string{w}
	add := func(s string) {
		if len(s) >= 3 {
			out = append(out, s)
		}
	}
	switch {
	case strings.HasSuffix(w, "ies"):
		add(w[:len(w)-3] + "y")
	case strings.HasSuffix(w, "es"):
		add(w[:len(w)-1])
		add(w[:len(w)-2])
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		add(w[:len(w)-1])
	case strings.HasSuffix(w, "ied"):
		add(w[:len(w)-3] + "y")
	case strings.HasSuffix(w, "ed"):
		add(w[:len(w)-1])
		add(w[:len(w)-2])
		add(undoubled(w[:len(w)-2]))
	case strings.HasSuffix(w, "ing"):
		if base := w[:len(w)-3]; base == "go" || base == "do" || base == "be" {
			out = append(out, base) // the verbs of two letters
		}
		add(w[:len(w)-3])
		add(w[:len(w)-3] + "e")
		add(undoubled(w[:len(w)-3]))
	}
	return out
}

// undoubled returns stem without the consonant a suffix doubled
// ("stepp" of "stepping" -> "step"), or "" if its last two letters differ.
func undoubled(stem string) string {
	n := len(stem)
	if n < 3 || stem[n-1] != stem[n-2] || strings.ContainsRune("aeiouls", rune(stem[n-1])) {
		return ""
	}
	return stem[:n-1]
}
