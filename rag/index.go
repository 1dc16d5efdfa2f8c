package rag

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/philippgille/chromem-go"

	"github.com/statementbot/statementbot/embeddings"
)

// Index is an immutable searchable snapshot of statements: a chromem-go
// collection of paragraph vectors beside a BM25 keyword index. Replacing
// the corpus means building a new Index; searches on the old one go on
// undisturbed.
type Index struct {
	statements []*Statement
	byID       map[string]int
	ranges     [][2]int32 // statement i holds docs ranges[i][0] <= d < ranges[i][1]
	paras      []Paragraph
	keywords   *bm25
	vectors    *chromem.Collection
	dims       int
}

// IndexText is the text a paragraph is indexed (and embedded) under. Body
// paragraphs are indexed as written; the header paragraph also carries the
// statement's metadata in words people use to ask for it ("who issued
// this, and when?").
func IndexText(st *Statement, p Paragraph) string {
	if !p.Header {
		return p.Text
	}
	var b strings.Builder
	b.WriteString(p.Text)
	b.WriteString("\nStatement published, released and issued")
	if st.Issuer != "" {
		b.WriteString(" by " + st.Issuer)
	}
	if st.Date != "" {
		b.WriteString(", dated " + st.Date)
	}
	if st.Place != "" {
		b.WriteString(", in " + st.Place)
	}
	b.WriteString(". Title: " + st.Title + ". Source and author.")
	return b.String()
}

// NewIndex indexes stmts. vectors holds one embedding per paragraph, in
// statement then paragraph order, all of one dimension.
func NewIndex(ctx context.Context, stmts []*Statement, vectors [][]float32) (*Index, error) {
	ix := &Index{statements: stmts, byID: make(map[string]int, len(stmts))}
	var docTerms [][]string
	for i, st := range stmts {
		if _, dup := ix.byID[st.ID]; dup {
			return nil, fmt.Errorf("index: statement %q twice", st.ID)
		}
		ix.byID[st.ID] = i
		lo := int32(len(ix.paras))
		for _, p := range st.Paragraphs {
			ix.paras = append(ix.paras, p)
			docTerms = append(docTerms, embeddings.Terms(IndexText(st, p)))
		}
		ix.ranges = append(ix.ranges, [2]int32{lo, int32(len(ix.paras))})
	}
	if len(vectors) != len(ix.paras) {
		return nil, fmt.Errorf("index: %d vectors for %d paragraphs", len(vectors), len(ix.paras))
	}
	ix.keywords = newBM25(docTerms)

	// A chromem collection whose embedding function refuses: queries are
	// always embedded by us, and a nil function would silently fall back to
	// OpenAI.
	db := chromem.NewDB()
	col, err := db.CreateCollection("paragraphs", nil, func(context.Context, string) ([]float32, error) {
		return nil, errors.New("statementbot embeds queries itself")
	})
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	docs := make([]chromem.Document, 0, len(ix.paras))
	for d, p := range ix.paras {
		v := vectors[d]
		if d == 0 {
			ix.dims = len(v)
		}
		if len(v) == 0 || len(v) != ix.dims {
			return nil, fmt.Errorf("index: paragraph %s ¶%d has a %d-dimensional vector; expected %d", p.Statement, p.N, len(v), ix.dims)
		}
		// A paragraph without features ("###") has a zero vector, which
		// chromem would normalise to NaNs; a NaN similarity breaks its
		// heap, and better paragraphs go missing at random. Such a
		// paragraph is found by keyword only.
		if isZero(v) {
			continue
		}
		docs = append(docs, chromem.Document{
			ID:        strconv.Itoa(d),
			Metadata:  map[string]string{"statement": p.Statement},
			Embedding: v,
			Content:   p.Text,
		})
	}
	if len(docs) > 0 {
		if err := col.AddDocuments(ctx, docs, runtime.GOMAXPROCS(0)); err != nil {
			return nil, fmt.Errorf("index: %w", err)
		}
	}
	ix.vectors = col
	return ix, nil
}

// Statements returns the indexed statements, in index order. The slice is
// a copy; the statements are shared and must not be modified.
func (ix *Index) Statements() []*Statement {
	return append([]*Statement(nil), ix.statements...)
}

// Statement returns the statement with the given id.
func (ix *Index) Statement(id string) (*Statement, bool) {
	i, ok := ix.byID[id]
	if !ok {
		return nil, false
	}
	return ix.statements[i], true
}

// Len is the number of indexed paragraphs.
func (ix *Index) Len() int { return len(ix.paras) }

// Dims is the vector dimension (0 for an empty index).
func (ix *Index) Dims() int { return ix.dims }

// Mode selects the retrievers a search uses.
type Mode int

const (
	Hybrid      Mode = iota // keyword and vector, fused by reciprocal rank
	KeywordOnly             // BM25 only
	VectorOnly              // embeddings only
)

func (m Mode) String() string {
	switch m {
	case KeywordOnly:
		return "bm25"
	case VectorOnly:
		return "vector"
	}
	return "hybrid"
}

// SearchOptions shape a search.
type SearchOptions struct {
	K         int    // results wanted; clamped to what exists
	Statement string // only this statement's paragraphs, when set
	Mode      Mode
}

// A Hit is one retrieved paragraph.
type Hit struct {
	Paragraph
	Rank       int     // 1-based
	Score      float64 // fused (or single-retriever) score
	Keyword    float64 // BM25 score, 0 when not found by keyword
	Similarity float64 // cosine similarity of the vectors
	doc        int32
}

// UnknownStatementError is a search restricted to a statement that is not
// indexed.
type UnknownStatementError struct{ ID string }

func (e *UnknownStatementError) Error() string {
	return fmt.Sprintf("no statement %q is indexed: list them with `statements`", e.ID)
}

// candidates is how deep each retriever looks before fusion.
func candidates(k int) int { return max(4*k, 30) }

// Search retrieves the paragraphs that best match query. vector is the
// query's embedding (from the embedder the index was built with); a nil or
// zero vector searches by keyword only, and a query without content words
// by vector only.
func (ix *Index) Search(ctx context.Context, query string, vector []float32, opt SearchOptions) ([]Hit, error) {
	lo, hi := int32(0), int32(len(ix.paras))
	var where map[string]string
	if opt.Statement != "" {
		i, ok := ix.byID[opt.Statement]
		if !ok {
			return nil, &UnknownStatementError{ID: opt.Statement}
		}
		lo, hi = ix.ranges[i][0], ix.ranges[i][1]
		where = map[string]string{"statement": opt.Statement}
	}
	size := int(hi - lo)
	k := min(max(opt.K, 1), size)
	if k == 0 {
		return nil, nil
	}
	depth := min(candidates(k), size)

	var kw []scoredDoc
	if opt.Mode != VectorOnly {
		kw = ix.keywords.search(embeddings.Terms(query), depth, lo, hi)
	}
	var vec []scoredDoc
	if opt.Mode != KeywordOnly && !isZero(vector) {
		if len(vector) != ix.dims {
			return nil, fmt.Errorf("search: query vector has %d dimensions, the index %d (was the index built with another embedder?)", len(vector), ix.dims)
		}
		var err error
		if vec, err = ix.vectorSearch(ctx, vector, depth, where); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
	}

	var ranked []scoredDoc
	switch {
	case opt.Mode == KeywordOnly || len(vec) == 0:
		ranked = kw
	case opt.Mode == VectorOnly || len(kw) == 0:
		ranked = vec
	default:
		ranked = fuse(docsOf(kw), docsOf(vec))
	}
	if len(ranked) > k {
		ranked = ranked[:k]
	}
	kwScore := make(map[int32]float64, len(kw))
	for _, s := range kw {
		kwScore[s.doc] = s.score
	}
	simScore := make(map[int32]float64, len(vec))
	for _, s := range vec {
		simScore[s.doc] = s.score
	}
	hits := make([]Hit, len(ranked))
	for i, s := range ranked {
		sim, ok := simScore[s.doc]
		if !ok && len(vector) == ix.dims {
			sim = ix.similarity(ctx, vector, s.doc)
		}
		hits[i] = Hit{
			Paragraph:  ix.paras[s.doc],
			Rank:       i + 1,
			Score:      s.score,
			Keyword:    kwScore[s.doc],
			Similarity: sim,
			doc:        s.doc,
		}
	}
	return hits, nil
}

// similarity is the cosine similarity of vector with document doc.
func (ix *Index) similarity(ctx context.Context, vector []float32, doc int32) float64 {
	d, err := ix.vectors.GetByID(ctx, strconv.Itoa(int(doc)))
	if err != nil || len(d.Embedding) != len(vector) {
		return 0
	}
	var dot float64
	for i, x := range vector {
		dot += float64(x) * float64(d.Embedding[i])
	}
	return dot
}

func docsOf(s []scoredDoc) []int32 {
	out := make([]int32, len(s))
	for i, x := range s {
		out[i] = x.doc
	}
	return out
}

func isZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}
