package rag

import (
	"strings"
	"sync/atomic"

	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/words"
)

// The extractive answerer reads the sentences of the paragraphs it is
// given. What it needs of each sentence — its words, the names and
// figures it holds, whether it mentions a date, a number, a person, a
// place or a plan — depends only on the paragraph, so it is worked out
// once, the first time the paragraph is read, and kept with the index
// (paragraphs never read cost a nil pointer).

// sentence is one sentence of a paragraph, analysed.
type sentence struct {
	text  string
	stems []string        // content-word stems, in order
	set   map[string]bool // the same, as a set
	// names holds the stems of its capitalised words and figures after
	// the first word (see novelNames).
	names                               []string
	date, number, person, place, future bool
}

// sentencesOf returns the analysed sentences of document doc. The header
// paragraph is one unit, analysed with the metadata words it is indexed
// under.
func (ix *Index) sentencesOf(doc int32) []sentence {
	if p := ix.sentences[doc].Load(); p != nil {
		return *p
	}
	par := ix.paras[doc]
	texts := ingest.Sentences(par.Text)
	if par.Header {
		texts = []string{par.Text}
	}
	out := make([]sentence, 0, len(texts))
	for _, s := range texts {
		scored := s
		if par.Header {
			st, _ := ix.Statement(par.Statement)
			scored = IndexText(st, par)
		}
		stems := words.Terms(scored)
		out = append(out, sentence{
			text: s, stems: stems, set: stemSet(stems), names: namesIn(s),
			date:   dateWordRE.MatchString(s),
			number: numberWordRE.MatchString(s),
			person: nameRE.MatchString(s),
			place:  placeRE.MatchString(s),
			future: futureRE.MatchString(s),
		})
	}
	ix.sentences[doc].Store(&out)
	return out
}

// stemSet is stems as a set.
func stemSet(stems []string) map[string]bool {
	set := make(map[string]bool, len(stems))
	for _, st := range stems {
		set[st] = true
	}
	return set
}

// namesIn returns the stems of the capitalised words and figures of s,
// its first word aside, once each.
func namesIn(s string) []string {
	var out []string
	seen := map[string]bool{}
	for i, f := range strings.Fields(s) {
		f = strings.Trim(f, `"'“”‘’()[],.;:!?`)
		if i == 0 || f == "" || !(f[0] >= 'A' && f[0] <= 'Z' || f[0] >= '0' && f[0] <= '9') {
			continue
		}
		for _, tok := range words.Tokens(f) {
			st := words.Stem(tok)
			if !seen[st] && !words.IsStopword(tok) {
				seen[st] = true
				out = append(out, st)
			}
		}
	}
	return out
}

// sentenceCache holds the analysed sentences of each document, filled on
// first use.
type sentenceCache []atomic.Pointer[[]sentence]
