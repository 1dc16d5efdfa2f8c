package rag

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/statementbot/statementbot/ingest/extract"
	"github.com/statementbot/statementbot/store"
)

// A Library is the corpus and its live index. The corpus lives in a store
// (package store: statements, their parsed paragraphs and their vectors);
// the library turns what the store holds into the index questions are
// answered from, commits every change (add, replace, remove, reindex) as
// one store transaction, and follows changes other processes commit
// (Follow). Questions asked during a change are answered from the old
// index; the new one is swapped in, in one step, once committed.
//
// Start reads the stored paragraphs, their keyword terms and their
// vectors: nothing is parsed or tokenised again, and only vectors (or
// terms) the store lacks (another embedder, rows of an earlier version, a
// read-only store) are computed. Without a store (a read-only data dir that has none) the
// library is built in memory from an earlier version's data dir or the
// bundled statements, and refuses changes.
type Library struct {
	st      Store // nil: in memory, read-only
	bundled fs.FS
	legacy  string
	docs    NamedEmbedder
	extract ExtractFunc
	log     *slog.Logger
	// changesOnly: opened to change the corpus, not to answer (no index).
	changesOnly bool
	limits      ServerLimits

	reload sync.Mutex // one rebuild at a time
	mu     sync.Mutex // guards the fields below
	gen    int64      // generation of the live index
	live   *Index
	vecs   map[string][]float32 // by text hash: the live index's vectors (shared, not copied)
	hashes []string             // the text hash of each of the live index's documents, in order
	engine *Engine
}

// Store is what a library keeps its corpus in (store.Store is one).
type Store interface {
	Generation(ctx context.Context) (int64, error)
	Snapshot(ctx context.Context) (store.Snapshot, error)
	Catalog(ctx context.Context) (store.Catalog, error)
	Statement(ctx context.Context, library, id string) (store.StatementRecord, error)
	Texts(ctx context.Context, fn func(store.StatementRecord) error) error
	Vectors(ctx context.Context, embedder, model string, hashes []string) (map[string][]float32, error)
	Change(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) (int64, error)
	Watch(ctx context.Context) <-chan int64
}

var _ Store = store.Store(nil)

// NamedEmbedder embeds paragraphs and names itself, so that vectors of
// different embedders or models are never mixed in the store.
type NamedEmbedder interface {
	Embedder
	Name() string
	Model() string
}

// ExtractFunc turns an uploaded file into statement text, its format and
// what the file says about itself (PDF metadata, HTML title): it is
// (*extract.Extractor).Extract. Errors of bad input are *InputError.
type ExtractFunc func(ctx context.Context, name string, data []byte) (extract.Document, error)

// ErrNoStore refuses a change to a library kept in memory only.
var ErrNoStore = errors.New("the data directory is read-only and holds no store: changes are not possible here")

// LibraryConfig wires a Library.
type LibraryConfig struct {
	// Store holds the corpus; nil builds it in memory, read-only.
	Store Store
	// LegacyDir is a data dir of an earlier version (manifest.json,
	// statements/, cache/): imported into an empty store once, and read
	// in place when there is no store. It is never written.
	LegacyDir string
	// Bundled are the statements shipped in the binary: they seed a new
	// store (when there is nothing to import).
	Bundled fs.FS
	Docs    NamedEmbedder
	Extract ExtractFunc
	Log     *slog.Logger
	// ChangesOnly opens the library to add, remove or reindex, not to
	// answer: no index is built, at start or after a change (the CLI's
	// add, remove and reindex), and Index is nil.
	ChangesOnly bool
	// Limits bound each server's own library (zero: none).
	Limits ServerLimits
}

// OpenLibrary loads the corpus (importing or seeding a new store first)
// and builds its index, reusing stored vectors. It returns the library
// with the index it built, for the engine (SetEngine).
func OpenLibrary(ctx context.Context, cfg LibraryConfig) (*Library, *Index, BuildStats, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Docs == nil {
		return nil, nil, BuildStats{}, errors.New("library: no embedder")
	}
	l := &Library{st: cfg.Store, bundled: cfg.Bundled, legacy: cfg.LegacyDir, docs: cfg.Docs, extract: cfg.Extract, log: cfg.Log, changesOnly: cfg.ChangesOnly, limits: cfg.Limits}
	if !cfg.ChangesOnly {
		go warmAnswering()
	}
	var stats BuildStats
	var err error
	if l.st != nil {
		inMemory, err := l.seed(ctx)
		if err != nil {
			return nil, nil, BuildStats{}, err
		}
		if inMemory {
			l.st = nil
		}
	}
	switch {
	case l.st == nil && l.changesOnly:
		return nil, nil, BuildStats{}, ErrNoStore
	case l.changesOnly:
		return l, nil, BuildStats{}, nil
	case l.st == nil:
		stats, err = l.loadInMemory(ctx)
	default:
		stats, err = l.refresh(ctx, nil)
	}
	if err != nil {
		return nil, nil, stats, err
	}
	return l, l.Index(), stats, nil
}

// SetEngine tells the library which engine answers from its index: every
// new index is swapped into it.
func (l *Library) SetEngine(e *Engine) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.engine = e
	if l.live != nil {
		e.SetIndex(l.live)
	}
}

// Index is the live index.
func (l *Library) Index() *Index {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.live
}

// Generation is the store generation the live index was built from.
func (l *Library) Generation() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gen
}

// Statements lists the keys (StatementKey) of the live corpus, every
// library's (none for a library opened for changes only).
func (l *Library) Statements() []string {
	ix := l.Index()
	if ix == nil {
		return nil
	}
	var ids []string
	for _, st := range ix.AllStatements() {
		ids = append(ids, st.ID)
	}
	return ids
}

// refresh reads the store and, unless the live index is as new, builds
// and swaps in the index of what it read. Vectors of the live index are
// reused; those the store lacks are computed (and stored when possible).
func (l *Library) refresh(ctx context.Context, progress Progress) (BuildStats, error) {
	l.reload.Lock()
	defer l.reload.Unlock()
	isCurrent := func(gen int64) bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.live != nil && l.gen >= gen
	}
	// The generation first: a whole snapshot is read only when it moved.
	gen, err := l.st.Generation(ctx)
	if err != nil {
		return BuildStats{}, fmt.Errorf("reading the corpus: %w", err)
	}
	if isCurrent(gen) {
		return BuildStats{}, nil
	}
	early := l.readVectorsEarly(ctx)
	defer early.stop()
	snap, err := l.st.Snapshot(ctx)
	if err != nil {
		return BuildStats{}, fmt.Errorf("reading the corpus: %w", err)
	}
	if isCurrent(snap.Generation) {
		return BuildStats{}, nil
	}
	stmts, hashes, terms := fromRecords(snap.Statements)
	return l.build(ctx, snap.Generation, stmts, hashes, terms, progress, early)
}

// build indexes stmts (whose paragraphs' text hashes and encoded terms
// are hashes and terms, in order) with the vectors held, stored or,
// failing both, computed, and swaps the index in as that of generation
// gen. Terms missing or not valid are computed (in terms, in place);
// what was computed is stored when the store takes it. terms is cleared
// once the keyword index holds them.
//
// early, when not nil, is the stored vectors being read (at the first
// start) while the snapshot was: they are used as if held.
func (l *Library) build(ctx context.Context, gen int64, stmts []*Statement, hashes, terms []string, progress Progress, early *earlyVectors) (BuildStats, error) {
	stats := BuildStats{Statements: len(stmts), Paragraphs: len(hashes)}
	start := time.Now()
	ix, err := newIndexOf(stmts)
	if err != nil {
		return stats, err
	}
	// The vectors are read (or computed) and put into their collections
	// while the keyword index is built: neither reads what the other
	// writes (newIndexOf), and at start the two take about as long. The
	// collections are cancelled if the keyword index fails.
	vctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var vecs, computed map[string][]float32
	var libs *libraries
	var dims int
	var vecErr, fillErr error
	read := make(chan struct{})
	go func() {
		defer close(read)
		var pre map[string][]float32
		if pre, vecErr = early.wait(); vecErr != nil {
			return
		}
		if vecs, computed, vecErr = l.vectorsFor(vctx, stmts, hashes, nil, progress, pre); vecErr != nil {
			return
		}
		vectors := make([][]float32, len(hashes))
		for i, h := range hashes {
			vectors[i] = vecs[h]
		}
		libs, dims, fillErr = ix.vectorIndex(vctx, vectors)
	}()
	// Terms another tokenizer stored (another version's process on the
	// same store, as in a rolling restart) are replaced in the store only
	// at this process's start: were a reload after that process's change
	// to write them back, it would reload after this one's and write its
	// own again, without end. A reload computes them in memory.
	l.mu.Lock()
	reload := l.live != nil
	l.mu.Unlock()
	var foreign map[int]bool
	if reload {
		for d, enc := range terms {
			if enc != "" && !validTerms(enc) {
				if foreign == nil {
					foreign = map[int]bool{}
				}
				foreign[d] = true
			}
		}
	}
	filled, err := ix.addKeywords(terms)
	if err != nil {
		cancel()
	}
	var newTerms map[string]string
	for _, d := range filled {
		if foreign[d] {
			continue
		}
		if newTerms == nil {
			newTerms = make(map[string]string, len(filled))
		}
		newTerms[hashes[d]] = terms[d]
	}
	// The terms are in the index now: at 100k paragraphs some 40 MB that
	// need not outlive the reading of the vectors.
	clear(terms)
	<-read
	if err = cmp.Or(vecErr, err); err != nil {
		return stats, err
	}
	stats.Embedded, stats.Reused = len(computed), len(hashes)-len(computed)
	gen = l.keep(ctx, gen, computed, newTerms)
	if fillErr != nil {
		return stats, fillErr
	}
	ix.setVectors(libs, dims)
	l.mu.Lock()
	if l.live == nil || gen >= l.gen {
		l.gen, l.live, l.vecs, l.hashes = gen, ix, vecs, hashes
		if l.engine != nil {
			l.engine.SetIndex(ix)
		}
	}
	l.mu.Unlock()
	stats.Duration = time.Since(start)
	return stats, nil
}

// vectorsFor are the vectors of the paragraphs of stmts, whose text
// hashes are hashes (in order): held by the live index, in pre (read
// already; may be nil), stored, or computed now. Those computed are also
// returned apart. reusable, when not nil, says which held or stored
// vectors may be reused; the others are computed again (reusableIn).
func (l *Library) vectorsFor(ctx context.Context, stmts []*Statement, hashes []string, reusable func(hash string) bool, progress Progress, pre map[string][]float32) (vecs, computed map[string][]float32, err error) {
	l.mu.Lock()
	held := l.vecs
	l.mu.Unlock()
	vecs = make(map[string][]float32, len(hashes))
	var missing, fresh []string
	for _, h := range hashes {
		if _, dup := vecs[h]; dup {
			continue
		}
		switch v, ok := held[h]; {
		case reusable != nil && !reusable(h):
			vecs[h] = nil
			fresh = append(fresh, h)
		case ok:
			vecs[h] = v
		case pre[h] != nil:
			vecs[h] = pre[h]
		default:
			vecs[h] = nil
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 && l.st != nil {
		if missing, err = l.storedVectors(ctx, missing, vecs); err != nil {
			return nil, nil, err
		}
	}
	missing = append(missing, fresh...)
	if len(missing) > 0 {
		if computed, err = l.embedMissing(ctx, stmts, hashes, missing, progress); err != nil {
			return nil, nil, err
		}
		for h, v := range computed {
			vecs[h] = v
		}
	}
	// A vector computed again only so as not to tell whether it was
	// there does not replace the one held or stored: the paragraphs of
	// the same text elsewhere keep theirs (an embedder may differ in the
	// last bits).
	var unheld []string
	for _, h := range fresh {
		if v, ok := held[h]; ok {
			vecs[h] = v
		} else {
			unheld = append(unheld, h)
		}
	}
	if len(unheld) > 0 && l.st != nil {
		if _, err = l.storedVectors(ctx, unheld, vecs); err != nil {
			return nil, nil, err
		}
	}
	return vecs, computed, nil
}

// embedMissing computes the vectors of the paragraphs whose text hashes
// are in missing.
func (l *Library) embedMissing(ctx context.Context, stmts []*Statement, hashes, missing []string, progress Progress) (map[string][]float32, error) {
	want := make(map[string]bool, len(missing))
	for _, h := range missing {
		want[h] = true
	}
	var texts, keys []string
	i := 0
	for _, st := range stmts {
		for _, p := range st.Paragraphs {
			h := hashes[i]
			i++
			if want[h] {
				want[h] = false
				texts = append(texts, IndexText(st, p))
				keys = append(keys, h)
			}
		}
	}
	vs, err := embedAll(ctx, l.docs, texts, progress)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]float32, len(keys))
	for i, h := range keys {
		out[h] = vs[i]
	}
	return out, nil
}

// keep stores the vectors and terms computed (by text hash) for the
// corpus of generation gen, so that the next start need not compute
// them, and returns the generation that corpus has now (the change that
// stored them, when nothing came between). A read-only or full store
// keeps them in memory only: reads never need writes.
func (l *Library) keep(ctx context.Context, gen int64, vecs map[string][]float32, terms map[string]string) int64 {
	if l.st == nil || len(vecs)+len(terms) == 0 {
		return gen
	}
	var base int64
	next, err := l.st.Change(ctx, func(ctx context.Context, tx store.Tx) error {
		base = tx.Generation()
		if err := tx.PutTerms(ctx, terms); err != nil {
			return err
		}
		if len(vecs) == 0 {
			return nil
		}
		return tx.PutVectors(ctx, l.docs.Name(), l.docs.Model(), vecs)
	})
	if err != nil {
		// Terms alone cost a start only some time: a read-only store that
		// lacks them is no cause for a warning on every start.
		level := slog.LevelWarn
		if len(vecs) == 0 {
			level = slog.LevelInfo
		}
		l.log.Log(ctx, level, "vectors and terms computed for the index are kept in memory only", "vectors", len(vecs), "terms", len(terms), "err", err)
		return gen
	}
	if base == gen {
		return next
	}
	return gen
}

// storedVectors fills vecs with the store's vectors for the hashes in
// missing and returns those it lacks (reusing missing's array).
func (l *Library) storedVectors(ctx context.Context, missing []string, vecs map[string][]float32) ([]string, error) {
	stored, err := l.st.Vectors(ctx, l.docs.Name(), l.docs.Model(), missing)
	if err != nil {
		return nil, fmt.Errorf("reading vectors: %w", err)
	}
	rest := missing[:0]
	for _, h := range missing {
		if v, ok := stored[h]; ok {
			vecs[h] = v
		} else {
			rest = append(rest, h)
		}
	}
	return rest, nil
}
