package rag

import (
	"iter"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/statementbot/statementbot/words"
)

// A paragraph's terms are what the keyword index reads of it: the
// content-word stems of its indexed text (IndexText through words.Terms),
// each with how often it occurs. Tokenising and stemming every paragraph
// was most of the work of a start on a large library, so the library
// stores them with the paragraph when it is added (store.ParagraphRecord
// Terms) and a start reads them instead; a paragraph stored without them
// (by an earlier version) has them computed then. Terms of another
// tokenizer are computed too, and stored only by a start: a reload after
// another process's change keeps them in memory (library.go, build).
//
// Encoded, they are termsTag, then for each distinct term in order of
// first occurrence a space and the term, followed by ":N" when it occurs
// N > 1 times. Terms are runs of letters and digits: neither a space nor
// a colon occurs in one.

// termsTag heads every encoded term list: the format's version and the
// tokenizer's fingerprint (words.Fingerprint). Terms stored by a
// statementbot whose tokenizer, stop words or stemmer differ from this
// one's carry another tag and are computed again, not trusted.
var termsTag = "t2." + words.Fingerprint()

// encodeTerms encodes terms (in text order, repeats included).
func encodeTerms(terms []string) string {
	counts := make(map[string]int, len(terms))
	order := make([]string, 0, len(terms))
	for _, t := range terms {
		if counts[t] == 0 {
			order = append(order, t)
		}
		counts[t]++
	}
	var b strings.Builder
	b.Grow(len(termsTag) + 8*len(order))
	b.WriteString(termsTag)
	for _, t := range order {
		b.WriteByte(' ')
		b.WriteString(t)
		if n := counts[t]; n > 1 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(n))
		}
	}
	return b.String()
}

// paragraphTerms is the encoded terms of paragraph p of st.
func paragraphTerms(st *Statement, p Paragraph) string {
	return encodeTerms(words.Terms(IndexText(st, p)))
}

// validTerms reports whether enc was encoded by this statementbot's
// tokenizer (an empty or foreign list is not).
func validTerms(enc string) bool {
	rest, ok := strings.CutPrefix(enc, termsTag)
	return ok && (rest == "" || rest[0] == ' ')
}

// termsOf yields each term of a valid encoded list and how often it
// occurs. term is a substring of enc: clone it to keep it without
// keeping enc.
func termsOf(enc string) iter.Seq2[string, int32] {
	return func(yield func(string, int32) bool) {
		rest := enc[len(termsTag):]
		for rest != "" {
			rest = rest[1:] // the space
			entry := rest
			if i := strings.IndexByte(rest, ' '); i >= 0 {
				entry, rest = rest[:i], rest[i:]
			} else {
				rest = ""
			}
			tf := int32(1)
			if i := strings.IndexByte(entry, ':'); i >= 0 {
				n, _ := strconv.Atoi(entry[i+1:])
				entry, tf = entry[:i], int32(n)
			}
			if !yield(entry, tf) {
				return
			}
		}
	}
}

// fillTerms computes, in place, the terms of the paragraphs of stmts
// (in statement then paragraph order) whose entry in terms is not valid,
// and returns their positions, in order. The work is shared among the
// processors, each result in its paragraph's place.
func fillTerms(stmts []*Statement, terms []string) []int {
	type para struct {
		st *Statement
		p  Paragraph
		d  int
	}
	var todo []para
	d := 0
	for _, st := range stmts {
		for _, p := range st.Paragraphs {
			if !validTerms(terms[d]) {
				todo = append(todo, para{st, p, d})
			}
			d++
		}
	}
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(todo))
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(todo); i += workers {
				terms[todo[i].d] = paragraphTerms(todo[i].st, todo[i].p)
			}
		})
	}
	wg.Wait()
	filled := make([]int, len(todo))
	for i, t := range todo {
		filled[i] = t.d
	}
	return filled
}
