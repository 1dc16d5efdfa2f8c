package rag

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/statementbot/statementbot/words"
)

// Statements often name a body by its initials where a question spells
// it out, or the other way round in the same library: "UN Security
// Council Resolution 2254" in one statement, "UNSCR 2254" in the next.
// A run of capitalised words in a question stands also for its initials
// (an all-capitals word gives all its letters: "UN" -> "un"), and words
// such as "of" and "the" inside the run give none ("Organisation for the
// Prohibition of Chemical Weapons" -> "opcw"). Where the scope's
// paragraphs use the initials, they are searched as a word of the
// question, and a paragraph or sentence holding them holds each word of
// the run.

// initialism is the initials of a run of a question's words.
type initialism struct {
	stem  string   // the initials, lowercased, as indexed
	words []string // the stems of the run's words
}

// runConnectors may stand inside a run of capitalised words and give no
// letter to its initials.
var runConnectors = map[string]bool{"of": true, "for": true, "the": true, "and": true, "on": true, "to": true}

// initialismsOf returns the initials of the runs of two or more
// capitalised words of q (any part of a longer run: "Which UN Security
// Council Resolution" holds "UN Security Council Resolution") that the
// index's paragraphs use.
func (ix *Index) initialismsOf(q string) []initialism {
	type word struct {
		text    string // as written
		letters string // its part of the initials; "" for a connector
	}
	var out []initialism
	var run []word
	var letters strings.Builder
	flush := func() {
		for i := range run {
			for j := i + 1; j < len(run); j++ {
				if run[i].letters == "" || run[j].letters == "" {
					continue
				}
				letters.Reset()
				for _, w := range run[i : j+1] {
					letters.WriteString(w.letters)
				}
				// Initials a stemmer would cut ("uns" -> "un") are not
				// matched: the cut form is some other word.
				st := letters.String()
				if len(st) < 3 || words.Stem(st) != st || !ix.knows(st) ||
					slices.ContainsFunc(out, func(a initialism) bool { return a.stem == st }) {
					continue
				}
				var stems []string
				for _, w := range run[i : j+1] {
					for _, tok := range words.Tokens(w.text) {
						stems = append(stems, words.Stem(tok))
					}
				}
				out = append(out, initialism{stem: st, words: stems})
			}
		}
		run = run[:0]
	}
	for f := range strings.FieldsSeq(q) {
		w := strings.Trim(f, `"'“”‘’()?!.,;:`)
		r, _ := utf8.DecodeRuneInString(w)
		switch {
		case w == "":
			flush()
		case runConnectors[w] && len(run) > 0:
			run = append(run, word{})
		case unicode.IsUpper(r):
			l := string(unicode.ToLower(r))
			if allCaps(w) {
				l = strings.ToLower(strings.ReplaceAll(w, ".", ""))
			}
			run = append(run, word{w, l})
		default:
			flush()
		}
		if strings.ContainsAny(f, ",;:?!") {
			flush()
		}
	}
	flush()
	return out
}

// allCaps reports whether w, of two letters or more, is written in
// capitals ("UN", "U.S.").
func allCaps(w string) bool {
	n := 0
	for _, r := range w {
		switch {
		case unicode.IsLower(r):
			return false
		case unicode.IsUpper(r):
			n++
		}
	}
	return n >= 2
}

// withInitialisms adds to terms, the question's content words, each
// initialism as another word for every word of its run, found at full
// credit.
func withInitialisms(terms []queryTerm, acrs []initialism) {
	for _, a := range acrs {
		for i := range terms {
			for _, w := range a.words {
				if terms[i].stem == w {
					terms[i].alts = addAlternative(terms[i].alts, alternative{a.stem, 1})
				}
			}
		}
	}
}
