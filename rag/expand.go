package rag

import (
	"strings"

	"github.com/statementbot/statementbot/glove"
	"github.com/statementbot/statementbot/thesaurus"
	"github.com/statementbot/statementbot/words"
)

// Questions are often worded otherwise than the statement: "graft" for
// "corruption", "jail" for "prison", "poison gas" for "chemical weapons".
// Each content word of a question that no indexed paragraph uses (and each
// pair of adjacent words, for two-word lemmas) is looked up in WordNet
// (package thesaurus); its synonyms and more general words join the
// keyword search, weighted below the question's own words (the relevance
// gate reads the question's own words and their nearest GloVe neighbours
// only: gate.go). A word the library uses is not expanded: the statements
// say it that way, and expanding it ("countries" -> "nations") only adds
// noise.
//
// Measured with `statementbot eval` (rows hybrid vs literal). Expanding
// every word, synonyms at 0.6 and hypernyms at 0.35, let two off-topic
// questions through ("population" -> "people") and broke the README's own
// example; hypernyms at 0.3 on top of synonyms answered one more off-topic
// question in two sets, so they stay in the table but count for nothing.
// With everything else in place, expanding only the words the library
// lacks, synonyms at 0.4, gives the same key facts as literal on every
// set (0.812 corpus, 0.900 bundled) and recall@3 0.833 vs 0.854 on the
// corpus: on these sets it buys nothing yet.
//
// The other words also count, at their credit, in the coverage that ranks
// the candidates (not in the gate's), and a lemma of two words is also
// looked for joined ("cease-fire" -> "ceasefire", as words.Tokens indexes
// hyphenated words): corpus recall@1 0.667 -> 0.688, key facts unchanged.
const (
	synonymCredit  = 0.4 // a synonym found counts for this share of the word
	hypernymCredit = 0.0 // more general words: off (see above)
	// The more general words of a two-word lemma are still specific
	// ("poison gas" -> "chemical weapon", where "gas" -> "fluid" is not):
	// corpus recall@1 0.688 -> 0.708, recall@3 0.875 -> 0.917, key facts
	// and every off-topic row unchanged.
	phraseHypernymCredit = 0.4
)

// GloVe neighbours (package glove) of a word the library lacks join the
// search too, from minNeighbour on, each credited neighbourCredit times
// its similarity ("jail" -> "prison" 0.94 counts 0.47). Corpus recall@3
// 0.854 -> 0.875; key facts unchanged; the credit (0.5 to 1.0) and the
// floor (0.6 to 0.75) change nothing measurable, credit 3 loses key facts.
const (
	minNeighbour    = 0.7
	neighbourCredit = 0.5
)

// alternative is another word (stem) for a question word.
type alternative struct {
	stem   string
	credit float64
}

// alternativesOf returns, for each content-word stem of q that want
// accepts, the stems of other words for it, best credit first; no stem of
// q itself is among them.
func alternativesOf(q string, want func(stem string) bool) map[string][]alternative {
	toks := words.Tokens(q)
	own := map[string]bool{}
	for _, t := range toks {
		own[words.Stem(t)] = true
	}
	out := map[string][]alternative{}
	// phrase: the alternatives are of a two-word lemma, whose more
	// general words are still specific.
	add := func(stems []string, alts []thesaurus.Alternative, phrase bool) {
		for _, a := range alts {
			credit := synonymCredit
			if a.Hypernym {
				credit = hypernymCredit
				if phrase {
					credit = phraseHypernymCredit
				}
			}
			if credit == 0 {
				continue
			}
			ws := a.Words
			if len(ws) > 1 {
				// "cease-fire" is also written "ceasefire" (words.Tokens
				// indexes a hyphenated word joined as well).
				ws = append(ws[:len(ws):len(ws)], strings.Join(ws, ""))
			}
			for _, w := range ws {
				if words.IsStopword(w) {
					continue
				}
				st := words.Stem(w)
				if own[st] {
					continue
				}
				for _, s := range stems {
					out[s] = addAlternative(out[s], alternative{st, credit})
				}
			}
		}
	}
	// Whether want accepts each token's stem, asked once per token.
	wanted := make([]bool, len(toks))
	for i, t := range toks {
		wanted[i] = !words.IsStopword(t) && want(words.Stem(t))
	}
	for i, t := range toks {
		if words.IsStopword(t) || isNumber(t) {
			continue
		}
		st := words.Stem(t)
		if wanted[i] && !lightVerbs[t] {
			add([]string{st}, thesaurus.Lookup(t), false)
			for _, n := range glove.Neighbours(t) { // best first
				if n.Similarity < minNeighbour {
					break
				}
				if words.IsStopword(n.Word) {
					continue
				}
				ns := words.Stem(n.Word)
				if !own[ns] {
					out[st] = addAlternative(out[st], alternative{ns, neighbourCredit * n.Similarity})
				}
			}
		}
		if i+1 < len(toks) && words.IsStopword(toks[i+1]) {
			// A phrasal verb: "look into" -> "investigate".
			if wanted[i] {
				add([]string{st}, thesaurus.Lookup(t+" "+toks[i+1]), true)
			}
		} else if i+1 < len(toks) {
			next := words.Stem(toks[i+1])
			if wanted[i] || wanted[i+1] {
				add([]string{st, next}, thesaurus.Lookup(t+" "+toks[i+1]), true)
			}
		}
	}
	return out
}

// lightVerbs are the forms of the verbs that say little by themselves
// (go, get, make, take, come, put, let): their WordNet synonyms and GloVe
// neighbours are one another ("go" -> "come" 0.92), so they get no other
// words of their own, in the search or the gate (nearSynonyms); a
// phrasal verb of one does ("go back" -> "return"). "Where did Jake
// Sullivan go to law school?" found "go" in every paragraph saying
// "make" (a third held-out-like set's off-topic declined 8/10 -> 9/10);
// "How is Iraq supposed to get cheaper electricity …?" had been answered
// only because "get" was bridged to "acquire" (corpus key facts 0.875 ->
// 0.854).
var lightVerbs = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`go goes going went gone get gets getting got gotten make makes
	making made take takes taking took taken come comes coming came put puts putting let lets`) {
		lightVerbs[w] = true
	}
}

// lacks reports whether no paragraph and no statement's metadata holds
// stem: the words worth expanding.
func (ix *Index) lacks(stem string) bool {
	return !ix.knows(stem) && !ix.metaKnows(stem)
}

// addAlternative adds a to list, keeping the better credit of a stem.
func addAlternative(list []alternative, a alternative) []alternative {
	for i, b := range list {
		if b.stem == a.stem {
			list[i].credit = max(b.credit, a.credit)
			return list
		}
	}
	return append(list, a)
}

// withAlternatives adds to the query terms the other words (alts, from
// alternativesOf with ix.lacks) for those the index does not hold, each
// weighted by its credit (the best, when several words give it).
func (ix *Index) withAlternatives(terms []weightedTerm, alts map[string][]alternative) []weightedTerm {
	if len(alts) == 0 {
		return terms
	}
	idx := make(map[string]int, len(terms))
	for i, t := range terms {
		idx[t.term] = i
	}
	for _, t := range terms[:len(terms):len(terms)] {
		if !ix.lacks(t.term) {
			continue
		}
		for _, a := range alts[t.term] {
			if i, ok := idx[a.stem]; ok {
				terms[i].weight = max(terms[i].weight, a.credit)
				continue
			}
			idx[a.stem] = len(terms)
			terms = append(terms, weightedTerm{a.stem, a.credit})
		}
	}
	return terms
}

// withTermAlternatives sets the other words (alts, from alternativesOf
// with ix.lacks) of the terms the index lacks, for coverage in ranking.
func (ix *Index) withTermAlternatives(terms []queryTerm, alts map[string][]alternative) {
	if len(alts) == 0 {
		return
	}
	for i := range terms {
		if ix.lacks(terms[i].stem) {
			terms[i].alts = alts[terms[i].stem]
		}
	}
}
