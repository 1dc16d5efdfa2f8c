package rag

import (
	"math"
	"testing"

	"github.com/statementbot/statementbot/words"
)

func bm25Of(texts ...string) *bm25 {
	var docs [][]string
	for _, t := range texts {
		docs = append(docs, words.Terms(t))
	}
	return newBM25(docs)
}

func TestBM25Ranking(t *testing.T) {
	ix := bm25Of(
		"The ministers met in Rome.",                          // 0
		"Foreign terrorist fighters in custody in Syria.",     // 1
		"Syria Syria Syria and more about Syria and Iraq.",    // 2
		"A long paragraph about Syria "+repeat("filler ", 60), // 3
	)
	got := ix.search(words.Terms("Syria"), 10, 0, 4)
	if len(got) != 3 {
		t.Fatalf("got %d hits, want 3", len(got))
	}
	if got[0].doc != 2 || got[2].doc != 3 {
		t.Errorf("order = %v, want doc 2 first (tf) and doc 3 last (length)", got)
	}
	for i := 1; i < len(got); i++ {
		if got[i].score > got[i-1].score {
			t.Errorf("scores not descending: %v", got)
		}
	}
	// A rarer term outweighs a common one.
	got = ix.search(words.Terms("custody Syria"), 1, 0, 4)
	if got[0].doc != 1 {
		t.Errorf("custody Syria: top = %d, want 1", got[0].doc)
	}
	// Range filter and k.
	if got := ix.search(words.Terms("Syria"), 10, 2, 3); len(got) != 1 || got[0].doc != 2 {
		t.Errorf("range [2,3): %v", got)
	}
	if got := ix.search(words.Terms("Syria"), 1, 0, 4); len(got) != 1 {
		t.Errorf("k=1 gave %d", len(got))
	}
	if got := ix.search(words.Terms("penguins"), 5, 0, 4); len(got) != 0 {
		t.Errorf("unknown term matched %v", got)
	}
}

func TestBM25Score(t *testing.T) {
	// One document, one term: idf = ln(1 + (1-1+.5)/(1+.5)), and with
	// |d| = avgdl, score = idf * tf*(k1+1)/(tf+k1).
	ix := bm25Of("rome rome")
	got := ix.search([]string{"rome"}, 1, 0, 1)
	idf := math.Log(1 + 0.5/1.5)
	want := idf * 2 * 2.2 / (2 + 1.2)
	if len(got) != 1 || math.Abs(got[0].score-want) > 1e-9 {
		t.Errorf("score = %v, want %v", got, want)
	}
	if !ix.has("rome", 0) || ix.has("paris", 0) {
		t.Error("has() wrong")
	}
}

func TestFuse(t *testing.T) {
	got := fuse([]int32{1, 2, 3}, []int32{3, 1, 4})
	order := []int32{1, 3, 2, 4}
	if len(got) != len(order) {
		t.Fatalf("got %v", got)
	}
	for i, d := range order {
		if got[i].doc != d {
			t.Errorf("rank %d = doc %d, want %d (%v)", i+1, got[i].doc, d, got)
		}
	}
	want := 1.0/61 + 1.0/62
	if math.Abs(got[0].score-want) > 1e-12 {
		t.Errorf("score(1) = %v, want %v", got[0].score, want)
	}
	if len(fuse()) != 0 {
		t.Error("fuse() not empty")
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
