package rag

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/statementbot/statementbot/words"
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
	headerish  []bool // per document: headerLike(paras[d]) (bare.go)
	keywords   *bm25
	libs       *libraries // per library: statements, documents, vectors (scope.go)
	dims       int
	meta       *metaIndex
	spell      *spellIndex   // the vocabulary for respelling (spell.go)
	sentences  sentenceCache // per document, filled on first read (sentences.go)
	// view is the scope the index is seen from (In); the zero Scope, the
	// shared library only, unless a view names a server.
	view Scope
}

// IndexText is the text a paragraph is indexed (and embedded) under. Body
// paragraphs are indexed as written; the header paragraph also carries the
// statement's metadata in words people use to ask for it ("who issued
// this, and when?").
//
// A paragraph under a heading is indexed with the heading too ("what did
// they agree under Promoting Stability?").
func IndexText(st *Statement, p Paragraph) string {
	if !p.Header {
		if p.Section != "" {
			return p.Section + "\n" + p.Text
		}
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
	return newIndex(ctx, stmts, vectors, nil)
}

// newIndex is NewIndex with each paragraph's encoded terms (terms.go) in
// the same order, as the store keeps them; those missing or not valid
// (and all, when terms is nil) are computed.
func newIndex(ctx context.Context, stmts []*Statement, vectors [][]float32, terms []string) (*Index, error) {
	ix, err := newIndexOf(stmts)
	if err != nil {
		return nil, err
	}
	if _, err := ix.addKeywords(terms); err != nil {
		return nil, err
	}
	libs, dims, err := ix.vectorIndex(ctx, vectors)
	if err != nil {
		return nil, err
	}
	ix.setVectors(libs, dims)
	return ix, nil
}

// newIndexOf is the index of stmts with its paragraphs and statement
// ranges only: addKeywords adds the keyword index and metadata,
// vectorIndex and setVectors the vector collections. addKeywords and
// vectorIndex read nothing the other writes, so the two may run at once
// (a start does: the library's build).
func newIndexOf(stmts []*Statement) (*Index, error) {
	ix := &Index{statements: stmts, byID: make(map[string]int, len(stmts))}
	n := 0
	for _, st := range stmts {
		n += len(st.Paragraphs)
	}
	ix.paras = make([]Paragraph, 0, n)
	for i, st := range stmts {
		if _, dup := ix.byID[st.ID]; dup {
			return nil, fmt.Errorf("index: statement %q twice", st.ID)
		}
		ix.byID[st.ID] = i
		lo := int32(len(ix.paras))
		ix.paras = append(ix.paras, st.Paragraphs...)
		ix.ranges = append(ix.ranges, [2]int32{lo, int32(len(ix.paras))})
	}
	return ix, nil
}

// addKeywords adds to an index from newIndexOf its BM25 index, statement
// metadata and per-document caches. terms are as for newIndex; filled
// are the positions of those it computed (in terms, in place).
func (ix *Index) addKeywords(terms []string) (filled []int, err error) {
	if terms == nil {
		terms = make([]string, len(ix.paras))
	}
	if len(terms) != len(ix.paras) {
		return nil, fmt.Errorf("index: %d term lists for %d paragraphs", len(terms), len(ix.paras))
	}
	// The statements' metadata index needs nothing of the keyword
	// index: it is built beside it, on another processor.
	meta := make(chan *metaIndex, 1)
	go func() { meta <- newMetaIndex(ix.statements) }()
	filled = fillTerms(ix.statements, terms)
	ix.keywords = newBM25Encoded(terms)
	ix.meta = <-meta
	ix.spell = &spellIndex{}
	ix.sentences = make(sentenceCache, len(ix.paras))
	ix.headerish = make([]bool, len(ix.paras))
	for d, p := range ix.paras {
		ix.headerish[d] = headerLike(p)
	}
	return filled, nil
}

// vectorIndex is the vector side of an index from newIndexOf, for
// setVectors: one vector collection per library (scope.go) of one
// embedding per paragraph, in statement then paragraph order, all of one
// dimension, and that dimension.
func (ix *Index) vectorIndex(ctx context.Context, vectors [][]float32) (*libraries, int, error) {
	if len(vectors) != len(ix.paras) {
		return nil, 0, fmt.Errorf("index: %d vectors for %d paragraphs", len(vectors), len(ix.paras))
	}
	return newLibraries(ctx, ix, vectors)
}

// setVectors completes an index that has its keywords (addKeywords) with
// its vector side (vectorIndex): each library's length in terms, which
// the keyword statistics of a scope read, is counted now.
func (ix *Index) setVectors(libs *libraries, dims int) {
	libs.measure(ix.keywords.docLen)
	ix.libs, ix.dims = libs, dims
}

// Statements returns the statements in the index's scope (see In), in
// index order. The slice is a copy; the statements are shared and must
// not be modified.
func (ix *Index) Statements() []*Statement {
	in := ix.scopeStatements()
	out := make([]*Statement, len(in))
	for j, i := range in {
		out[j] = ix.statements[i]
	}
	return out
}

// Statement returns the statement with the given key (StatementKey), if
// it is in the index's scope.
func (ix *Index) Statement(id string) (*Statement, bool) {
	i, ok := ix.byID[id]
	if !ok || !ix.inView(id) {
		return nil, false
	}
	return ix.statements[i], true
}

// Len is the number of indexed paragraphs.
func (ix *Index) Len() int { return len(ix.paras) }

// Dims is the vector dimension (0 for an empty index).
func (ix *Index) Dims() int { return ix.dims }

// Retrieval selects the retrievers a search uses.
type Retrieval int

const (
	Hybrid      Retrieval = iota // keyword and vector, fused by score (fusion.go)
	KeywordOnly                  // BM25 only
	VectorOnly                   // embeddings only
	RRF                          // keyword and vector, fused by reciprocal rank
	Literal                      // Hybrid without other words for the question's (expand.go)
)

func (m Retrieval) String() string {
	switch m {
	case KeywordOnly:
		return "bm25"
	case VectorOnly:
		return "vector"
	case RRF:
		return "rrf"
	case Literal:
		return "literal"
	}
	return "hybrid"
}

// SearchOptions shape a search.
type SearchOptions struct {
	K         int    // results wanted; clamped to what exists
	Statement string // only this statement's paragraphs, when set
	Retrieval Retrieval
	// Scope, when it names a server, is searched instead of the index's
	// own (In); the zero Scope leaves the index's.
	Scope Scope
	// Carried are words of the query carried from earlier questions of
	// a conversation (followup.go): they count carriedWeight of the
	// query's own words.
	Carried []string
	// respelled, when set, is the query already respelled (Engine.Ask
	// does it once for the search and the gate).
	respelled string
}

// carriedWeight is what a word carried into a follow-up counts for.
const carriedWeight = 0.35

// A Hit is one retrieved paragraph.
type Hit struct {
	Paragraph
	Rank       int     // 1-based
	Score      float64 // fused (or single-retriever) score
	Keyword    float64 // BM25 score, 0 when not found by keyword
	Similarity float64 // cosine similarity of the vectors
	doc        int32
}

// ErrUnknownStatement is wrapped by the InputError of a request that names
// a statement not indexed (UnknownStatement): front ends add how to list
// the statements there are.
var ErrUnknownStatement = errors.New("unknown statement")

// UnknownStatement is the InputError for a statement id that is not
// indexed.
func UnknownStatement(id string) error {
	if len([]rune(id)) > 100 {
		id = string([]rune(id)[:100]) + "…"
	}
	return &InputError{Msg: fmt.Sprintf("no statement %q is indexed", id), Err: ErrUnknownStatement}
}

// candidates is how deep each retriever looks before fusion.
func candidates(k int) int { return max(4*k, 30) }

// Search retrieves the paragraphs that best match query. vector is the
// query's embedding (from the embedder the index was built with); a nil or
// zero vector searches by keyword only, and a query without content words
// by vector only. Statements the query names by their metadata (see
// meta.go) are searched as well and their paragraphs ranked up; the
// header paragraph ranks last unless the query asks about a statement
// itself. Equal scores are ordered by paragraph: the same query on the
// same index gives the same hits.
func (ix *Index) Search(ctx context.Context, query string, vector []float32, opt SearchOptions) ([]Hit, error) {
	if opt.Scope != (Scope{}) && opt.Scope != ix.view {
		return ix.In(opt.Scope).Search(ctx, query, vector, opt)
	}
	lo, hi := int32(0), int32(len(ix.paras))
	size := ix.scopeDocs()
	if opt.Statement != "" {
		i, ok := ix.byID[opt.Statement]
		if !ok || !ix.inView(opt.Statement) {
			return nil, UnknownStatement(opt.Statement)
		}
		lo, hi = ix.ranges[i][0], ix.ranges[i][1]
		size = int(hi - lo)
	}
	k := min(max(opt.K, 1), size)
	if k == 0 {
		return nil, nil
	}
	if len(vector) > 0 && len(vector) != ix.dims {
		return nil, fmt.Errorf("search: query vector has %d dimensions, the index %d (was the index built with another embedder?)", len(vector), ix.dims)
	}
	if opt.respelled != "" {
		query = opt.respelled
	} else {
		query = ix.respellQuery(query)
	}
	useKW := opt.Retrieval != VectorOnly
	useVec := opt.Retrieval != KeywordOnly && !isZero(vector)
	terms := unitWeights(words.Terms(query))
	// The words of a phrase naming the source ("…, according to the G7
	// leaders?") pick the statement (metaMatch below); in a paragraph's
	// text they weigh as in choosing a sentence. Corpus recall@1 0.708
	// -> 0.729; every other row unchanged.
	if asked, ok := withoutSourcePhrase(query); ok {
		in := map[string]bool{}
		for _, t := range words.Terms(asked) {
			in[t] = true
		}
		for i := range terms {
			if !in[terms[i].term] {
				terms[i].weight = sourcePhraseWeight
			}
		}
	}
	carried := map[string]bool{}
	for _, t := range words.Terms(strings.Join(opt.Carried, " ")) {
		carried[t] = true
	}
	for i := range terms {
		if carried[terms[i].term] {
			terms[i].weight = carriedWeight
		}
	}
	// The other words for the question's words the index lacks: looked
	// up once, for the keyword terms and for coverage in ranking.
	var alts map[string][]alternative
	if opt.Retrieval != Literal {
		alts = alternativesOf(query, ix.lacks)
		terms = ix.withAlternatives(terms, alts)
	}
	// The initials of the question's capitalised runs ("UNSCR" for "UN
	// Security Council Resolution") are searched as its words.
	acrs := ix.initialismsOf(query)
	for _, a := range acrs {
		if !slices.ContainsFunc(terms, func(t weightedTerm) bool { return t.term == a.stem }) {
			terms = append(terms, weightedTerm{a.stem, 1})
		}
	}

	kq := ix.keywordQuery(terms) // weighed by the scope's statistics

	var meta []float64
	dated := -1
	if opt.Statement == "" {
		meta = ix.metaMatch(query)
		dated = ix.meta.datePick(query, ix.scopeStatements())
	}
	// The retrievers' candidates: the whole range, then each statement
	// the query names (so that in a large library its paragraphs compete).
	type span struct{ lo, hi int32 }
	spans := []span{{lo, hi}}
	for i, m := range meta {
		if m == 1 && len(spans) <= maxNamedStatements {
			spans = append(spans, span{ix.ranges[i][0], ix.ranges[i][1]})
		}
	}
	var kwList, vecList []int32
	seen := map[int32]bool{}
	cosine := map[int32]float64{} // as the vector search found it
	for n, sp := range spans {
		depth := min(candidates(k), int(sp.hi-sp.lo))
		if n > 0 {
			depth = min(k, int(sp.hi-sp.lo))
		}
		if useKW {
			for _, s := range ix.keywordSearch(kq, depth, sp.lo, sp.hi) {
				kwList = appendNew(kwList, seen, s.doc)
			}
		}
		if useVec {
			found, err := ix.nearest(ctx, vector, depth, sp.lo, sp.hi)
			if err != nil {
				return nil, err
			}
			for _, f := range found {
				cosine[f.doc] = f.score
				vecList = appendNew(vecList, seen, f.doc)
			}
		}
	}
	if len(kwList)+len(vecList) == 0 {
		return nil, nil
	}

	// Every candidate gets both scores, whichever retriever found it (the
	// two lists share no document).
	cands := make([]fusedDoc, 0, len(seen))
	byDoc := make(map[int32]int, len(seen))
	for _, d := range append(append([]int32(nil), kwList...), vecList...) {
		byDoc[d] = len(cands)
		c := fusedDoc{doc: d, keyword: ix.keywords.score(kq, d)}
		if sim, ok := cosine[d]; ok {
			c.cosine = sim
		} else if len(vector) == ix.dims {
			c.cosine = ix.similarity(ctx, vector, d)
		}
		cands = append(cands, c)
	}

	var ranked []scoredDoc
	switch {
	case !useVec || opt.Retrieval == KeywordOnly:
		for _, c := range cands {
			if c.keyword > 0 {
				ranked = append(ranked, scoredDoc{doc: c.doc, score: c.keyword})
			}
		}
	case !useKW || opt.Retrieval == VectorOnly:
		for _, c := range cands {
			ranked = append(ranked, scoredDoc{doc: c.doc, score: c.cosine})
		}
	case opt.Retrieval == RRF:
		ranked = fuse(rankedBy(cands, func(c fusedDoc) float64 { return c.keyword }), rankedBy(cands, func(c fusedDoc) float64 { return c.cosine }))
	default:
		ranked = fuseScores(cands)
	}
	normalise(ranked)

	// The coverage boost is the follow-up's own: carried words found the
	// conversation's paragraphs already.
	qterms := queryTerms(query)
	own := qterms[:0]
	for _, t := range qterms {
		if !carried[t.stem] {
			own = append(own, t)
		}
	}
	qterms = own
	header := headerIntent(query, qterms)
	ix.withTermAlternatives(qterms, alts)
	withInitialisms(qterms, acrs)
	for i := range ranked {
		p := ix.paras[ranked[i].doc]
		// How much of the question the paragraph holds, each word
		// weighted by its rarity in English: a paragraph without the
		// one rare name asked about ("INTERPOL") ranks below those with it.
		ranked[i].score += coverageBoost * ix.coverage(qterms, ranked[i].doc)
		if meta != nil {
			ranked[i].score += metaBoost * meta[ix.byID[p.Statement]]
		}
		if dated >= 0 && ix.byID[p.Statement] == dated {
			ranked[i].score += dateBoost
		}
		if ix.headerLike(ranked[i].doc) && !header {
			ranked[i].score -= 2 // below every body paragraph
		}
	}
	sortScored(ranked)
	if len(ranked) > k {
		ranked = ranked[:k]
	}
	hits := make([]Hit, len(ranked))
	for i, s := range ranked {
		c := cands[byDoc[s.doc]]
		hits[i] = Hit{
			Paragraph:  ix.paras[s.doc],
			Rank:       i + 1,
			Score:      s.score,
			Keyword:    c.keyword,
			Similarity: c.cosine,
			doc:        s.doc,
		}
	}
	return hits, nil
}

// maxNamedStatements bounds the statements searched apart because the
// query names them.
const maxNamedStatements = 3

// coverageBoost is what covering the whole question adds to a
// paragraph's score (normalised to at most 1).
const coverageBoost = 1.0

// metaBoost is what naming a statement adds to its paragraphs' scores
// (which are normalised to at most 1).
const metaBoost = 0.3

// dateBoost is what naming the month and year of exactly one statement
// adds to its paragraphs, on top of metaBoost ("What did they discuss
// on their call in October 2023?" of three calls with Iraq's prime
// ministers: the metadata match alone left the 2022 call first). On a
// held-out-like set of 14 statements key facts 0.733 -> 0.767, wrong
// statement 0.067 -> 0.033, the same from 0.3 to 1.0; no development
// row changes.
const dateBoost = 0.5

// nearest returns the documents in [lo, hi) (the whole index: the
// scope's) most similar to vector, with their similarity, best first.
func (ix *Index) nearest(ctx context.Context, vector []float32, n int, lo, hi int32) ([]scoredDoc, error) {
	res, err := ix.nearestIn(ctx, vector, n, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

func appendNew(list []int32, seen map[int32]bool, d int32) []int32 {
	if seen[d] {
		return list
	}
	seen[d] = true
	return append(list, d)
}

// rankedBy lists the candidates with a positive score by that score, best
// first.
func rankedBy(cands []fusedDoc, score func(fusedDoc) float64) []int32 {
	var s []scoredDoc
	for _, c := range cands {
		if v := score(c); v > 0 {
			s = append(s, scoredDoc{doc: c.doc, score: v})
		}
	}
	sortScored(s)
	return docsOf(s)
}

// normalise scales scores so the best is 1.
func normalise(s []scoredDoc) {
	best := 0.0
	for _, x := range s {
		best = max(best, x.score)
	}
	if best <= 0 {
		return
	}
	for i := range s {
		s[i].score /= best
	}
}

// similarity is the cosine similarity of vector with document doc.
func (ix *Index) similarity(ctx context.Context, vector []float32, doc int32) float64 {
	d, err := ix.collectionOf(doc).GetByID(ctx, strconv.Itoa(int(doc)))
	if err != nil || len(d.Embedding) != len(vector) {
		return 0
	}
	var dot float64
	for i, x := range vector {
		dot += float64(x) * float64(d.Embedding[i])
	}
	if math.IsNaN(dot) {
		return 0 // a paragraph without words has no direction
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
