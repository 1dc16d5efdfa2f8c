package rag

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
)

// tiedIndex indexes statements of paragraphs whose vectors take turns
// among a few directions, so that many paragraphs tie exactly; every
// fifth paragraph has a zero vector (a paragraph without features).
func tiedIndex(t *testing.T, statements, paragraphs int) (*Index, [][]float32) {
	t.Helper()
	dirs := [][]float32{{1, 0, 0, 0}, {0.6, 0.8, 0, 0}, {0, 0, 1, 0}}
	var stmts []*Statement
	var vectors [][]float32
	d := 0
	for i := range statements {
		st := &Statement{ID: fmt.Sprintf("s%02d", i), Title: "T"}
		for j := range paragraphs {
			st.Paragraphs = append(st.Paragraphs, Paragraph{Statement: st.ID, N: j + 1, Text: "p"})
			v := slices.Clone(dirs[d%len(dirs)])
			if d%5 == 4 {
				v = make([]float32, 4)
			}
			vectors = append(vectors, v)
			d++
		}
		stmts = append(stmts, st)
	}
	ix, err := NewIndex(context.Background(), stmts, vectors)
	if err != nil {
		t.Fatal(err)
	}
	return ix, vectors
}

// TestVectorSearchTies: the vector candidates are the most similar
// paragraphs, ties to the earlier document, whatever chromem's order —
// also when the cut-off falls inside a run of equal similarities, and
// within one statement; zero vectors are never candidates.
func TestVectorSearchTies(t *testing.T) {
	ix, vectors := tiedIndex(t, 20, 6)
	ctx := context.Background()
	query := []float32{1, 0, 0, 0}
	// The reference: documents with a nonzero vector in (similarity,
	// document) order.
	want := func(lo, hi int32, depth int) []int32 {
		var docs []int32
		for d := lo; d < hi; d++ {
			if !isZero(vectors[d]) {
				docs = append(docs, d)
			}
		}
		slices.SortStableFunc(docs, func(a, b int32) int {
			return cmp.Compare(vectors[b][0], vectors[a][0])
		})
		return docs[:min(depth, len(docs))]
	}
	for _, tc := range []struct {
		depth     int
		statement string
	}{{1, ""}, {30, ""}, {37, ""}, {38, ""}, {80, ""}, {3, "s07"}, {6, "s07"}} {
		lo, hi := int32(0), int32(ix.Len())
		var where map[string]string
		if tc.statement != "" {
			r := ix.ranges[ix.byID[tc.statement]]
			lo, hi = r[0], r[1]
			where = map[string]string{"statement": tc.statement}
		}
		exp := want(lo, hi, tc.depth)
		for run := range 20 {
			got, err := vectorSearch(ctx, ix.libs.cols[""], query, tc.depth, where)
			if err != nil {
				t.Fatal(err)
			}
			docs := make([]int32, len(got))
			for i, g := range got {
				docs[i] = g.doc
			}
			if !slices.Equal(docs, exp) {
				t.Fatalf("depth %d statement %q run %d: docs %v, want %v", tc.depth, tc.statement, run, docs, exp)
			}
		}
	}
}
