package rag

import (
	"cmp"
	"slices"
	"sort"
)

// rrfK is the reciprocal-rank-fusion constant of Cormack et al. (2009):
// large enough that one list's top rank does not drown the other's.
const rrfK = 60

// fuse merges ranked lists of document numbers by reciprocal rank fusion:
// score(d) = Σ 1/(rrfK + rank(d)), rank from 1. The result is ordered by
// fused score, ties broken by the best rank in any list, then by doc.
func fuse(lists ...[]int32) []scoredDoc {
	score := map[int32]float64{}
	best := map[int32]int{}
	for _, list := range lists {
		for i, d := range list {
			score[d] += 1 / float64(rrfK+i+1)
			if r, ok := best[d]; !ok || i < r {
				best[d] = i
			}
		}
	}
	out := make([]scoredDoc, 0, len(score))
	for d, s := range score {
		out = append(out, scoredDoc{doc: d, score: s})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if best[a.doc] != best[b.doc] {
			return best[a.doc] < best[b.doc]
		}
		return a.doc < b.doc
	})
	return out
}

// Score-aware fusion. Reciprocal ranks throw the scores away: over a few
// dozen paragraphs RRF is almost flat, and a paragraph BM25 ranks far
// ahead (the only one naming INTERPOL) can end up fourth. fuseScores
// combines the scores themselves, each normalised by the best candidate's:
//
//	score(d) = kwWeight·bm25(d)/max bm25 + (1-kwWeight)·cos(d)/max cos
//
// kwWeight was chosen with `statementbot eval` on the development sets
// (see the table in gate.go).
const kwWeight = 0.5

// fuseScores fuses candidates that carry both scores (bm25 ≥ 0, cos).
func fuseScores(cands []fusedDoc) []scoredDoc {
	var maxKW, maxCos float64
	for _, c := range cands {
		maxKW = max(maxKW, c.keyword)
		maxCos = max(maxCos, c.cosine)
	}
	out := make([]scoredDoc, len(cands))
	for i, c := range cands {
		var s float64
		if maxKW > 0 {
			s += kwWeight * c.keyword / maxKW
		}
		if maxCos > 0 {
			s += (1 - kwWeight) * max(c.cosine, 0) / maxCos
		}
		out[i] = scoredDoc{doc: c.doc, score: s}
	}
	sortScored(out)
	return out
}

// fusedDoc is one candidate with both retrievers' scores.
type fusedDoc struct {
	doc             int32
	keyword, cosine float64
}

// sortScored orders by score, best first, ties by document number: the
// one order every run gives.
func sortScored(s []scoredDoc) {
	slices.SortFunc(s, func(a, b scoredDoc) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.doc, b.doc)
	})
}
