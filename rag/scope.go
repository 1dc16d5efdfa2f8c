package rag

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/philippgille/chromem-go"
)

// Libraries and scopes. The index holds the statements of every library:
// the shared one (the bundled statements and what the operator adds) and
// each Discord server's own. A question is answered from a Scope: the
// shared library and at most one server's. Statements are indexed in
// library order (the store's snapshot is), so a library's paragraphs are
// one range of documents (or a few, for an index built from statements in
// another order); the keyword search runs over the scope's ranges only,
// and each library has its own vector collection, so a question reads the
// postings and vectors of its scope, never a scan of every server's.
//
// Statement keys. Within the index a statement is named by its key:
// its id for the shared library, "<server>/<id>" for a server's
// (StatementKey). Ids are slugs (no "/"), so keys never collide: a server
// may have a statement with the id of a shared one or of another
// server's. People name a statement by its Ref: the id for a shared one,
// "~" and the id for the server's own (a plain id the shared library
// lacks finds the server's own too: Resolve).

// A Scope is the libraries a question is answered from: the shared
// library, and the library of Server when it is set (a question asked in
// that server). The zero Scope is the shared library only (DMs, the CLI
// without --server).
type Scope struct {
	Server string
}

// ServerScope is the scope of a question asked in server (guild) id; ""
// (a DM) is the shared library only.
func ServerScope(id string) Scope { return Scope{Server: id} }

// Has reports whether the scope sees library.
func (s Scope) Has(library string) bool { return library == "" || library == s.Server }

func (s Scope) String() string {
	if s.Server == "" {
		return "shared"
	}
	return "shared+" + s.Server
}

// StatementKey is the key of statement id of library in the index.
func StatementKey(library, id string) string {
	if library == "" {
		return id
	}
	return library + "/" + id
}

// SplitKey is the library and id of an index key.
func SplitKey(key string) (library, id string) {
	if i := strings.IndexByte(key, '/'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return "", key
}

// ServerPrefix marks a reference to the server's own statement (Ref).
const ServerPrefix = "~"

// Ref is how a statement is named to the people of a server and in
// buttons: its id for a shared statement, ServerPrefix and the id for the
// server's own ("~budget-2026"). A Ref means nothing outside the scope it
// was made for: resolved in another server it names that server's
// statement, or none.
func Ref(key string) string {
	lib, id := SplitKey(key)
	if lib == "" {
		return id
	}
	return ServerPrefix + id
}

// Resolve is the key of the statement ref names in the view's scope: "~id"
// is the server's own; a plain id is the shared statement or, when the
// shared library has none of that id, the server's own (so that an id
// typed by hand finds it). A Ref always resolves to the statement it was
// made from, even when the server and the shared library share an id.
// With strict, a plain id is the shared statement only (buttons say
// exactly which they meant). ok is false when the scope has no such
// statement.
func (ix *Index) Resolve(ref string, strict bool) (key string, ok bool) {
	server := ix.view.Server
	if id, own := strings.CutPrefix(ref, ServerPrefix); own {
		if server == "" || id == "" {
			return "", false
		}
		key = StatementKey(server, id)
		_, ok = ix.byID[key]
		return key, ok
	}
	if strings.Contains(ref, "/") {
		return "", false // a key is not a reference
	}
	if ix.hasKey(ref) {
		return ref, true
	}
	if server != "" && !strict {
		if key = StatementKey(server, ref); ix.hasKey(key) {
			return key, true
		}
	}
	return "", false
}

func (ix *Index) hasKey(key string) bool {
	_, ok := ix.byID[key]
	return ok
}

// In is the index as seen from scope: Statements, Statement, Search and
// the answers of an Engine asked through it draw from scope's libraries
// only. It shares everything with ix and costs one small allocation.
func (ix *Index) In(scope Scope) *Index {
	if ix == nil || ix.view == scope {
		return ix
	}
	v := *ix
	v.view = scope
	return &v
}

// Scope is the scope the index is seen from.
func (ix *Index) Scope() Scope { return ix.view }

// inView reports whether the statement with key is in the view's scope.
func (ix *Index) inView(key string) bool {
	lib, _ := SplitKey(key)
	return ix.view.Has(lib)
}

// scopeStatements are the indices of the statements in the view's scope,
// in index order.
func (ix *Index) scopeStatements() []int {
	shared := ix.libs.stmts[""]
	if ix.view.Server == "" {
		return shared
	}
	own := ix.libs.stmts[ix.view.Server]
	if len(own) == 0 {
		return shared
	}
	out := make([]int, 0, len(shared)+len(own))
	out = append(append(out, shared...), own...)
	slices.Sort(out)
	return out
}

// AllStatements are the statements of every library, in index order
// (for the operator: metrics, the library's own checks).
func (ix *Index) AllStatements() []*Statement {
	return append([]*Statement(nil), ix.statements...)
}

// metaMatch is meta.matchIn over the statements in scope.
func (ix *Index) metaMatch(q string) []float64 {
	return ix.meta.matchIn(q, ix.scopeStatements())
}

// libraries is what the index keeps per library.
type libraries struct {
	stmts  map[string][]int      // statement indices, in order
	docs   map[string][][2]int32 // document ranges [lo, hi), merged, in order
	cols   map[string]*chromem.Collection
	docLib []string // the library of each document
	// size is each library's number of documents and their total
	// length in terms: the keyword statistics of a scope (keywordStats).
	size map[string]libSize
}

type libSize struct {
	docs   int
	length float64 // a sum of integers, exact
}

// newLibraries groups the index's statements and documents by library
// and builds one vector collection per library from vectors (one per
// paragraph); it returns the vectors' dimension. It reads the index's
// statements, ranges and paragraphs only: each library's length in terms
// is left for measure.
func newLibraries(ctx context.Context, ix *Index, vectors [][]float32) (*libraries, int, error) {
	l := &libraries{stmts: map[string][]int{}, docs: map[string][][2]int32{}, cols: map[string]*chromem.Collection{}, docLib: make([]string, len(ix.paras)), size: map[string]libSize{}}
	for i, st := range ix.statements {
		lib, _ := SplitKey(st.ID)
		l.stmts[lib] = append(l.stmts[lib], i)
		r := ix.ranges[i]
		rs := l.docs[lib]
		if n := len(rs); n > 0 && rs[n-1][1] == r[0] {
			rs[n-1][1] = r[1]
		} else {
			rs = append(rs, r)
		}
		l.docs[lib] = rs
		for d := r[0]; d < r[1]; d++ {
			l.docLib[d] = lib
		}
		sz := l.size[lib]
		sz.docs += int(r[1] - r[0])
		l.size[lib] = sz
	}
	// A chromem collection whose embedding function refuses: queries are
	// always embedded by us, and a nil function would silently fall back
	// to OpenAI.
	db := chromem.NewDB()
	refuse := func(context.Context, string) ([]float32, error) {
		return nil, errors.New("statementbot embeds queries itself")
	}
	libs := slices.Collect(maps.Keys(l.stmts))
	if _, ok := l.stmts[""]; !ok {
		libs = append(libs, "") // the shared library has one even when empty
	}
	for _, lib := range libs {
		col, err := db.CreateCollection("library:"+lib, nil, refuse)
		if err != nil {
			return nil, 0, fmt.Errorf("index: %w", err)
		}
		l.cols[lib] = col
	}
	dims, err := fillCollections(ctx, func(d int) *chromem.Collection { return l.cols[l.docLib[d]] }, ix.paras, vectors)
	if err != nil {
		return nil, 0, err
	}
	return l, dims, nil
}

// measure adds up each library's length in terms (libSize.length) from
// the length of each document (bm25's docLen), in document order.
func (l *libraries) measure(docLen []float32) {
	for d, lib := range l.docLib {
		sz := l.size[lib]
		sz.length += float64(docLen[d])
		l.size[lib] = sz
	}
}

// scopeLibraries are the libraries of the view's scope: shared first.
func (ix *Index) scopeLibraries() []string {
	if ix.view.Server == "" {
		return []string{""}
	}
	return []string{"", ix.view.Server}
}

// scopeDocs is the number of documents in the view's scope.
func (ix *Index) scopeDocs() int {
	n := 0
	for _, lib := range ix.scopeLibraries() {
		n += ix.libs.size[lib].docs
	}
	return n
}

// isWhole reports whether [lo, hi) is the whole index: the search of the
// view's scope (Search asks for a statement's range otherwise).
func (ix *Index) isWhole(lo, hi int32) bool { return lo == 0 && hi == int32(len(ix.paras)) }

// keywordStats are the BM25 statistics of the view's scope: document
// frequencies, the number of documents and their average length are
// those of the scope's libraries, so that what other servers hold changes
// no keyword score here.
func (ix *Index) keywordStats() *bm25Stats {
	var ranges [][2]int32
	n, length := 0, 0.0
	for _, lib := range ix.scopeLibraries() {
		ranges = append(ranges, ix.libs.docs[lib]...)
		n += ix.libs.size[lib].docs
		length += ix.libs.size[lib].length
	}
	if n == len(ix.paras) {
		return ix.keywords.whole() // the scope is every library
	}
	return statsOf(ranges, n, length)
}

// keywordQuery is terms made ready for the keyword search of the view's
// scope, weighed by its statistics.
func (ix *Index) keywordQuery(terms []weightedTerm) *bm25Query {
	return ix.keywords.query(terms, ix.keywordStats())
}

// keywordSearch is the BM25 search of [lo, hi) or, for the whole index,
// of the view's scope: the best k of the scope's ranges together (their
// scores are comparable: one vocabulary, one set of statistics).
func (ix *Index) keywordSearch(q *bm25Query, k int, lo, hi int32) []scoredDoc {
	if !ix.isWhole(lo, hi) {
		return ix.keywords.searchQuery(q, k, lo, hi)
	}
	var out []scoredDoc
	parts := 0
	for _, lib := range ix.scopeLibraries() {
		for _, r := range ix.libs.docs[lib] {
			out = append(out, ix.keywords.searchQuery(q, k, r[0], r[1])...)
			parts++
		}
	}
	if parts > 1 {
		sortScored(out)
	}
	return out[:min(k, len(out))]
}

// nearestIn is the vector search of [lo, hi) (one statement: its
// library's collection, filtered to it) or, for the whole index, of the
// view's scope: each library's collection, merged by (similarity,
// document).
func (ix *Index) nearestIn(ctx context.Context, vector []float32, n int, lo, hi int32) ([]scoredDoc, error) {
	if !ix.isWhole(lo, hi) {
		lib := ix.libs.docLib[lo]
		return vectorSearch(ctx, ix.libs.cols[lib], vector, n, map[string]string{"statement": ix.paras[lo].Statement})
	}
	var out []scoredDoc
	libs := ix.scopeLibraries()
	for _, lib := range libs {
		col, ok := ix.libs.cols[lib]
		if !ok {
			continue
		}
		found, err := vectorSearch(ctx, col, vector, n, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	if len(libs) > 1 {
		sortScored(out)
	}
	return out[:min(n, len(out))], nil
}

// collectionOf is the vector collection holding document doc.
func (ix *Index) collectionOf(doc int32) *chromem.Collection {
	return ix.libs.cols[ix.libs.docLib[doc]]
}

// knows reports whether a paragraph of the view's scope holds stem: the
// vocabulary the gate, respelling and expansion read is the scope's, so
// that a word only another server's statements hold is unknown here, as
// it would be without them.
func (ix *Index) knows(stem string) bool {
	ps := ix.keywords.postings[stem]
	if len(ps) == 0 {
		return false
	}
	if len(ix.libs.stmts) == 1 && ix.view.Has(ix.libs.docLib[0]) {
		return true // one library, in scope
	}
	for _, lib := range ix.scopeLibraries() {
		for _, r := range ix.libs.docs[lib] {
			i, _ := slices.BinarySearchFunc(ps, r[0], byDoc)
			if i < len(ps) && ps[i].doc < r[1] {
				return true
			}
		}
	}
	return false
}

// metaKnows reports whether the metadata of a statement of the view's
// scope holds stem.
func (ix *Index) metaKnows(stem string) bool {
	for _, i := range ix.meta.holders[stem] {
		if ix.inView(ix.statements[i].ID) {
			return true
		}
	}
	return false
}
