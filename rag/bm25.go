package rag

import (
	"math"
	"slices"
	"strings"
	"sync"
)

// bm25 is an Okapi BM25 index over stemmed terms (see embeddings.Terms).
// Documents are numbered 0..n-1 in the order given; postings are sorted by
// document. It is immutable once built and safe for concurrent searches.
type bm25 struct {
	k1, b    float64
	postings map[string][]posting
	docLen   []float32
	avgLen   float64
	scratch  sync.Pool // *accumulator
}

type posting struct {
	doc int32
	tf  int32
}

type scoredDoc struct {
	doc   int32
	score float64
}

// accumulator collects per-document scores for one query.
type accumulator struct {
	score   []float64
	touched []int32
}

// newBM25Encoded indexes documents given as their encoded terms (terms.go,
// all valid). One pass numbers the terms and counts each one's documents,
// keeping each document's entries as (term number, frequency); postings
// are then cut to size from one array and filled from those, so that
// building looks each term occurrence up once and leaves little garbage.
func newBM25Encoded(docs []string) *bm25 {
	ix := &bm25{k1: 1.2, b: 0.75, docLen: make([]float32, len(docs))}
	ids := map[string]int32{} // term -> its number, in order of first use
	var names []string
	var df []int32
	type entry struct{ term, tf int32 }
	count := 0
	for _, enc := range docs {
		count += strings.Count(enc, " ") // one space before each term
	}
	entries := make([]entry, 0, count) // document after document
	ends := make([]int, len(docs))     // where each document's entries end
	var total float64
	for d, enc := range docs {
		var n int32
		for term, tf := range termsOf(enc) {
			id, ok := ids[term]
			if !ok {
				term = strings.Clone(term) // not a piece of enc
				id = int32(len(names))
				ids[term] = id
				names = append(names, term)
				df = append(df, 0)
			}
			df[id]++
			n += tf
			entries = append(entries, entry{id, tf})
		}
		ends[d] = len(entries)
		ix.docLen[d] = float32(n)
		total += float64(n)
	}
	next := make([]int, len(df)) // where each term's next posting goes
	sum := 0
	for id, n := range df {
		next[id] = sum
		sum += int(n)
	}
	all := make([]posting, sum)
	ix.postings = make(map[string][]posting, len(names))
	for id, name := range names {
		lo := next[id]
		ix.postings[name] = all[lo : lo+int(df[id]) : lo+int(df[id])]
	}
	lo := 0
	for d, hi := range ends {
		for _, e := range entries[lo:hi] {
			all[next[e.term]] = posting{doc: int32(d), tf: e.tf}
			next[e.term]++
		}
		lo = hi
	}
	if len(docs) > 0 {
		ix.avgLen = total / float64(len(docs))
	}
	if ix.avgLen == 0 {
		ix.avgLen = 1
	}
	n := len(docs)
	ix.scratch.New = func() any { return &accumulator{score: make([]float64, n)} }
	return ix
}

// bm25Stats are the statistics BM25 weighs with, of the documents a
// question may find (its scope's): their ranges, their number and their
// average length. A term's document frequency is the number of its
// postings within the ranges, so that documents outside them (another
// server's statements) change no score.
type bm25Stats struct {
	ranges [][2]int32 // [lo, hi), disjoint
	n      int        // documents in ranges
	avgLen float64    // 1 when they hold no terms
	whole  bool       // ranges are every document
}

// whole are the statistics of every document.
func (ix *bm25) whole() *bm25Stats {
	n := int32(len(ix.docLen))
	return &bm25Stats{ranges: [][2]int32{{0, n}}, n: int(n), avgLen: ix.avgLen, whole: true}
}

// statsOf are the statistics of n documents in ranges of total length
// length.
func statsOf(ranges [][2]int32, n int, length float64) *bm25Stats {
	st := &bm25Stats{ranges: ranges, n: n, avgLen: 1}
	if n > 0 && length > 0 {
		st.avgLen = length / float64(n)
	}
	return st
}

// df is the number of documents of st's ranges in postings ps.
func (st *bm25Stats) df(ps []posting) int {
	if st.whole {
		return len(ps)
	}
	n := 0
	for _, r := range st.ranges {
		lo, _ := slices.BinarySearchFunc(ps, r[0], byDoc)
		hi, _ := slices.BinarySearchFunc(ps[lo:], r[1], byDoc)
		n += hi
	}
	return n
}

func byDoc(p posting, d int32) int { return int(p.doc - d) }

// idf is the BM25 inverse document frequency of a term in df of n
// documents, kept positive for terms in more than half of them.
func idf(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// A bm25Query is weighted query terms made ready to score under some
// statistics: each term's postings, and its weight times its idf.
type bm25Query struct {
	terms  []bm25Term
	avgLen float64
}

type bm25Term struct {
	postings []posting
	weight   float64 // the term's weight times its idf
}

// query readies distinct weighted terms for scoring under st; terms
// without postings are left out (they score nothing).
func (ix *bm25) query(terms []weightedTerm, st *bm25Stats) *bm25Query {
	q := &bm25Query{terms: make([]bm25Term, 0, len(terms)), avgLen: st.avgLen}
	for _, wt := range terms {
		ps := ix.postings[wt.term]
		if len(ps) == 0 {
			continue
		}
		q.terms = append(q.terms, bm25Term{ps, wt.weight * idf(st.n, st.df(ps))})
	}
	return q
}

// has reports whether term occurs in document doc.
func (ix *bm25) has(term string, doc int32) bool {
	_, ok := slices.BinarySearchFunc(ix.postings[term], doc, byDoc)
	return ok
}

// weightedTerm is a query term with the share of its score it carries: 1
// for the question's own words, less for other words for them (expand.go).
type weightedTerm struct {
	term   string
	weight float64
}

// unitWeights gives each distinct term weight 1.
func unitWeights(terms []string) []weightedTerm {
	out := make([]weightedTerm, 0, len(terms))
	seen := make(map[string]bool, len(terms))
	for _, t := range terms {
		if !seen[t] {
			seen[t] = true
			out = append(out, weightedTerm{t, 1})
		}
	}
	return out
}

// searchQuery scores documents in [lo, hi) for q and returns the best k,
// best first; ties go to the earlier document.
func (ix *bm25) searchQuery(q *bm25Query, k int, lo, hi int32) []scoredDoc {
	if k <= 0 || len(ix.docLen) == 0 {
		return nil
	}
	acc := ix.scratch.Get().(*accumulator)
	defer func() {
		for _, d := range acc.touched {
			acc.score[d] = 0
		}
		acc.touched = acc.touched[:0]
		ix.scratch.Put(acc)
	}()
	for _, t := range q.terms {
		ps, w := t.postings, t.weight
		start, _ := slices.BinarySearchFunc(ps, lo, byDoc)
		for _, p := range ps[start:] {
			if p.doc >= hi {
				break
			}
			tf := float64(p.tf)
			norm := ix.k1 * (1 - ix.b + ix.b*float64(ix.docLen[p.doc])/q.avgLen)
			if acc.score[p.doc] == 0 {
				acc.touched = append(acc.touched, p.doc)
			}
			acc.score[p.doc] += w * tf * (ix.k1 + 1) / (tf + norm)
		}
	}
	return topK(acc.touched, acc.score, k)
}

// topK returns the k best of docs by score, best first, ties by doc.
func topK(docs []int32, score []float64, k int) []scoredDoc {
	out := make([]scoredDoc, 0, min(k, len(docs))+1)
	better := func(a, b scoredDoc) bool {
		return a.score > b.score || a.score == b.score && a.doc < b.doc
	}
	for _, d := range docs {
		sd := scoredDoc{doc: d, score: score[d]}
		if len(out) == k && !better(sd, out[k-1]) {
			continue
		}
		// insertion into the small sorted prefix
		i := len(out)
		if i < k {
			out = append(out, sd)
		} else {
			i = k - 1
			out[i] = sd
		}
		for i > 0 && better(out[i], out[i-1]) {
			out[i], out[i-1] = out[i-1], out[i]
			i--
		}
	}
	return out
}

// score is the BM25 score of document doc for q, the score searchQuery
// would give it.
func (ix *bm25) score(q *bm25Query, doc int32) float64 {
	var s float64
	for _, t := range q.terms {
		ps := t.postings
		i, ok := slices.BinarySearchFunc(ps, doc, byDoc)
		if !ok {
			continue
		}
		tf := float64(ps[i].tf)
		norm := ix.k1 * (1 - ix.b + ix.b*float64(ix.docLen[doc])/q.avgLen)
		s += t.weight * tf * (ix.k1 + 1) / (tf + norm)
	}
	return s
}
