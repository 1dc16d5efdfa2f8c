package rag

import (
	"github.com/statementbot/statementbot/thesaurus"
	"github.com/statementbot/statementbot/words"
)

// A question's two adjacent words that WordNet lists as one term
// ("exchange rate", "ice hockey", "cargo ship") mean that term: for the
// relevance gate a paragraph holds its first word, the modifier, only
// where it holds the term, the two words in a row (or joined:
// "money-laundering"). "What is today's exchange rate …?" is not covered
// by "the two leaders exchanged views … today"; the head still counts
// alone ("cargo ships" by "ships": taking both words back declined two
// answerable questions of a held-out-like set).

// compound is a two-word term of a question, as stems.
type compound struct{ first, second, joined string }

// compoundsOf returns the two-word WordNet terms among q's adjacent
// content words.
func compoundsOf(q string) []compound {
	toks := words.Tokens(q)
	var out []compound
	for i := 0; i+1 < len(toks); i++ {
		a, b := toks[i], toks[i+1]
		if words.IsStopword(a) || words.IsStopword(b) || isNumber(a) || isNumber(b) {
			continue
		}
		if thesaurus.Has(a + " " + b) {
			out = append(out, compound{words.Stem(a), words.Stem(b), words.Stem(a + b)})
		}
	}
	return out
}

// heldApart returns the stems of the compounds' modifiers that doc's
// text does not hold in the compound: those are not found in doc. It
// returns nil when there are none.
func (ix *Index) heldApart(cs []compound, doc int32) map[string]bool {
	var apart map[string]bool
	var stems []string
	for _, c := range cs {
		if !ix.keywords.has(c.first, doc) {
			continue // no modifier: nothing to take back
		}
		if stems == nil {
			for _, t := range words.Tokens(ix.paras[doc].Text) {
				stems = append(stems, words.Stem(t))
			}
		}
		if !inRow(stems, c) {
			if apart == nil {
				apart = map[string]bool{}
			}
			apart[c.first] = true
		}
	}
	return apart
}

// inRow reports whether stems hold c's words in a row, or joined.
func inRow(stems []string, c compound) bool {
	for i, s := range stems {
		if s == c.joined || s == c.first && i+1 < len(stems) && stems[i+1] == c.second {
			return true
		}
	}
	return false
}

// without returns terms with those whose stems are in apart left out (as
// found nowhere: they keep their weight), or terms itself if apart is
// empty.
func without(terms []queryTerm, apart map[string]bool) []queryTerm {
	if len(apart) == 0 {
		return terms
	}
	out := make([]queryTerm, len(terms))
	for i, t := range terms {
		out[i] = t
		if apart[t.stem] {
			out[i].stem, out[i].alts = "\x00"+t.stem, nil
		}
	}
	return out
}
