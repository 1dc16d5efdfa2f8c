package rag

import (
	"cmp"
	"context"
	"strconv"

	"github.com/philippgille/chromem-go"
)

// vectorSlack is how many results beyond the depth chromem is asked for
// at first, so that a tie at the cut-off is usually seen in one query.
const vectorSlack = 8

// vectorSearch returns the depth paragraphs of col most similar to vector
// (among those matching where), most similar first, ties to the earlier document.
//
// chromem searches its documents concurrently, in map order, and keeps the
// best in a heap: paragraphs of equal similarity (a repeated letterhead)
// come back in any order, and at the cut-off any of them may be left out.
// So chromem is asked for more than depth until the last result it returns
// is strictly less similar than the depth-th (then every paragraph as
// similar as the depth-th is among the results), or for every paragraph;
// the results are ordered by (similarity, document) and cut to depth.
func vectorSearch(ctx context.Context, col *chromem.Collection, vector []float32, depth int, where map[string]string) ([]scoredDoc, error) {
	count := col.Count()
	if count == 0 {
		return nil, nil
	}
	n := min(depth+vectorSlack, count)
	for {
		res, err := col.QueryEmbedding(ctx, vector, n, where, nil)
		if err != nil {
			return nil, err
		}
		out := make([]scoredDoc, len(res))
		for i, r := range res {
			d, _ := strconv.Atoi(r.ID)
			out[i] = scoredDoc{doc: int32(d), score: float64(r.Similarity)}
		}
		sortScored(out)
		// Fewer than n results: the filter left no more.
		complete := len(out) < n || n == count
		if complete || cmp.Compare(out[depth-1].score, out[len(out)-1].score) > 0 {
			return out[:min(depth, len(out))], nil
		}
		n = min(2*n, count)
	}
}
