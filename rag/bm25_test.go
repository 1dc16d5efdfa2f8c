package rag

import (
	"math"
	"testing"

	"github.com/statementbot/statementbot/words"
)

// The index builds from encoded terms (newBM25Encoded) and searches by a
// query readied under a scope's statistics (searchQuery); the tests build
// and search the plain way.

// newBM25 indexes documents given as their terms, in text order.
func newBM25(docs [][]string) *bm25 {
	enc := make([]string, len(docs))
	for d, terms := range docs {
		enc[d] = encodeTerms(terms)
	}
	return newBM25Encoded(enc)
}

// search scores documents in [lo, hi) for the query terms (duplicates
// count once), weighed by the statistics of every document, and returns
// the best k, best first; ties go to the earlier document.
func (ix *bm25) search(terms []string, k int, lo, hi int32) []scoredDoc {
	return ix.searchQuery(ix.query(unitWeights(terms), ix.whole()), k, lo, hi)
}

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

// TestBM25StatsOfRanges: scored under the statistics of some ranges, the
// documents of those ranges score exactly as in an index of them alone,
// whatever the documents outside hold.
func TestBM25StatsOfRanges(t *testing.T) {
	texts := []string{
		"The ministers met in Rome.",                                 // 0 in
		"Foreign terrorist fighters in custody in Syria.",            // 1 in
		"Syria Syria Syria custody custody " + repeat("filler ", 80), // 2 out
		"Syria and Iraq and the ministers.",                          // 3 in
		"custody custody Rome Rome Syria " + repeat("filler ", 40),   // 4 out
		"A paragraph about the custody of fighters in Iraq.",         // 5 in
	}
	all := bm25Of(texts...)
	alone := bm25Of(texts[0], texts[1], texts[3], texts[5])
	ranges := [][2]int32{{0, 2}, {3, 4}, {5, 6}}
	n, length := 0, 0.0
	for _, r := range ranges {
		for d := r[0]; d < r[1]; d++ {
			n++
			length += float64(all.docLen[d])
		}
	}
	st := statsOf(ranges, n, length)
	terms := unitWeights(words.Terms("custody of fighters in Syria, Rome and Iraq"))
	q, qAlone := all.query(terms, st), alone.query(terms, alone.whole())
	for i, d := range []int32{0, 1, 3, 5} {
		if got, want := all.score(q, d), alone.score(qAlone, int32(i)); got != want {
			t.Errorf("doc %d scores %v under its ranges' statistics, %v in an index of them alone", d, got, want)
		}
	}
	// The whole index's statistics are those of its one range.
	total := 0.0
	for _, l := range all.docLen {
		total += float64(l)
	}
	whole := statsOf([][2]int32{{0, int32(len(texts))}}, len(texts), total)
	for d := range int32(len(texts)) {
		if a, b := all.score(all.query(terms, whole), d), all.score(all.query(terms, all.whole()), d); a != b {
			t.Errorf("doc %d: %v under the statistics of [0, n), %v under the whole index's", d, a, b)
		}
	}
}
