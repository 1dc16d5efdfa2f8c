package compare

import (
	"cmp"
	"slices"

	"github.com/statementbot/statementbot"
	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/ingest"
)

// minSimilarity is the share of content words (Dice coefficient) two
// sentences must have in common to be one sentence reworded rather than
// one removed and another added.
const minSimilarity = 0.5

// linkedBonus ranks a reworded pair up when its paragraphs already share
// a sentence: among equally similar candidates, the one nearby wins.
const linkedBonus = 0.1

// unmatched and wholeParagraph are the states of a sentence that has no
// counterpart of its own.
const (
	unmatched      = -1
	wholeParagraph = -2 // its paragraph has the same wording on the other side
)

type sentence struct {
	para  int // index in side.paras
	text  string
	key   string
	terms []int32 // distinct content words, sorted
}

// side is one statement's body paragraphs and their sentences.
type side struct {
	paras []statementbot.Paragraph
	sents []sentence
	span  [][2]int // sentences of paragraph p: span[p][0] <= s < span[p][1]
}

func newSide(st *statementbot.Statement, vocab map[string]int32) side {
	var sd side
	for _, p := range st.Paragraphs {
		if p.Header {
			continue
		}
		pi := len(sd.paras)
		sd.paras = append(sd.paras, p)
		lo := len(sd.sents)
		for _, s := range ingest.Sentences(p.Text) {
			sd.sents = append(sd.sents, sentence{para: pi, text: s, key: key(s), terms: termIDs(s, vocab)})
		}
		sd.span = append(sd.span, [2]int{lo, len(sd.sents)})
	}
	return sd
}

func termIDs(s string, vocab map[string]int32) []int32 {
	var ids []int32
	for _, t := range embeddings.Terms(s) {
		id, ok := vocab[t]
		if !ok {
			id = int32(len(vocab))
			vocab[t] = id
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// alignment pairs the sentences of two sides.
type alignment struct {
	old, new     side
	oldTo, newTo []int  // counterpart sentence, unmatched or wholeParagraph
	reworded     []bool // by old sentence: its counterpart differs in wording
	links        map[[2]int]int
}

func align(oldSt, newSt *statementbot.Statement) *alignment {
	vocab := map[string]int32{}
	a := &alignment{old: newSide(oldSt, vocab), new: newSide(newSt, vocab), links: map[[2]int]int{}}
	a.oldTo = filled(len(a.old.sents), unmatched)
	a.newTo = filled(len(a.new.sents), unmatched)
	a.reworded = make([]bool, len(a.old.sents))
	a.matchParagraphs()
	a.matchSentences()
	a.matchReworded()
	return a
}

func filled(n, v int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// matchParagraphs pairs paragraphs of the same wording, first come first
// served, whatever their sentence splits.
func (a *alignment) matchParagraphs() {
	free := map[string][]int{}
	for n, p := range a.new.paras {
		k := key(p.Text)
		free[k] = append(free[k], n)
	}
	for o, p := range a.old.paras {
		k := key(p.Text)
		q := free[k]
		if len(q) == 0 || k == "" {
			continue
		}
		n := q[0]
		free[k] = q[1:]
		for s := a.old.span[o][0]; s < a.old.span[o][1]; s++ {
			a.oldTo[s] = wholeParagraph
		}
		for t := a.new.span[n][0]; t < a.new.span[n][1]; t++ {
			a.newTo[t] = wholeParagraph
		}
		a.links[[2]int{o, n}] += max(1, a.old.span[o][1]-a.old.span[o][0])
	}
}

// matchSentences pairs the remaining sentences of the same wording, in
// order: a sentence that moved is found wherever it went.
func (a *alignment) matchSentences() {
	free := map[string][]int{}
	for t, s := range a.new.sents {
		if a.newTo[t] == unmatched && s.key != "" {
			free[s.key] = append(free[s.key], t)
		}
	}
	for s, st := range a.old.sents {
		if a.oldTo[s] != unmatched {
			continue
		}
		q := free[st.key]
		if len(q) == 0 {
			continue
		}
		a.pair(s, q[0], false)
		free[st.key] = q[1:]
	}
}

func (a *alignment) pair(s, t int, reworded bool) {
	a.oldTo[s], a.newTo[t] = t, s
	a.reworded[s] = reworded
	a.links[[2]int{a.old.sents[s].para, a.new.sents[t].para}]++
}

// matchReworded pairs the remaining sentences that share most of their
// content words, the most similar pairs first (ties: in order).
func (a *alignment) matchReworded() {
	postings := map[int32][]int{}
	for t, s := range a.new.sents {
		if a.newTo[t] != unmatched {
			continue
		}
		for _, id := range s.terms {
			postings[id] = append(postings[id], t)
		}
	}
	type candidate struct {
		s, t int
		rank float64
	}
	var cands []candidate
	shared := map[int]int{}
	for s, os := range a.old.sents {
		if a.oldTo[s] != unmatched || len(os.terms) == 0 {
			continue
		}
		clear(shared)
		for _, id := range os.terms {
			for _, t := range postings[id] {
				shared[t]++
			}
		}
		for t, n := range shared {
			sim := 2 * float64(n) / float64(len(os.terms)+len(a.new.sents[t].terms))
			if sim < minSimilarity {
				continue
			}
			if a.links[[2]int{os.para, a.new.sents[t].para}] > 0 {
				sim += linkedBonus
			}
			cands = append(cands, candidate{s, t, sim})
		}
	}
	slices.SortFunc(cands, func(x, y candidate) int {
		if c := cmp.Compare(y.rank, x.rank); c != 0 {
			return c
		}
		if c := cmp.Compare(x.s, y.s); c != 0 {
			return c
		}
		return cmp.Compare(x.t, y.t)
	})
	for _, c := range cands {
		if a.oldTo[c.s] == unmatched && a.newTo[c.t] == unmatched {
			a.pair(c.s, c.t, true)
		}
	}
}

// partners returns, for each old paragraph, the new paragraph it shares
// most sentences with (-1 if none), and the same the other way; ties go
// to the lower paragraph.
func (a *alignment) partners() (oldTo, newTo []int) {
	oldTo, newTo = filled(len(a.old.paras), -1), filled(len(a.new.paras), -1)
	ow, nw := make([]int, len(a.old.paras)), make([]int, len(a.new.paras))
	for l, w := range a.links {
		o, n := l[0], l[1]
		if w > ow[o] || w == ow[o] && n < oldTo[o] {
			oldTo[o], ow[o] = n, w
		}
		if w > nw[n] || w == nw[n] && o < newTo[n] {
			newTo[n], nw[n] = o, w
		}
	}
	return oldTo, newTo
}
