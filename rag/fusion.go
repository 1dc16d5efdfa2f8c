package rag

import "sort"

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
