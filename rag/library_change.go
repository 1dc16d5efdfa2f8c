package rag

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/ingest/extract"
	"github.com/statementbot/statementbot/store"
)

// ChangeStats summarise one change of the corpus.
type ChangeStats struct {
	BuildStats
	Added   int `json:"added"`   // paragraphs new to the index
	Changed int `json:"changed"` // paragraphs whose text changed
	Removed int `json:"removed"` // paragraphs gone
}

// String is the one-line summary shown to whoever made the change.
func (s ChangeStats) String() string {
	return fmt.Sprintf("Paragraphs: %d added, %d changed, %d removed (%d statements, %d paragraphs in all). Embeddings: %d computed, %d reused. Took %.1fs.",
		s.Added, s.Changed, s.Removed, s.Statements, s.Paragraphs, s.Embedded, s.Reused, s.Duration.Seconds())
}

// AddRequest is one file to add.
type AddRequest struct {
	// Library is the library the statement goes to: "" for the shared
	// one, else a server's id.
	Library string
	Name    string // file name: gives the id and the format
	Data    []byte
	Meta    Metadata // overrides what the file says
	Replace bool     // replace a statement with the same id
}

// Add parses new statements, embeds their paragraphs (outside any lock)
// and stores them in one transaction: all of them, or none. A server's
// library is held to the server limits, checked inside the transaction
// so that concurrent adds cannot pass them together. The ids returned
// are those within each request's library.
func (l *Library) Add(ctx context.Context, reqs []AddRequest, progress Progress) (ChangeStats, []string, error) {
	if l.st == nil {
		return ChangeStats{}, nil, ErrNoStore
	}
	start := time.Now()
	before, err := l.view(ctx)
	if err != nil {
		return ChangeStats{}, nil, err
	}
	byHash := before.byHash
	inBatch := map[string]bool{}
	var recs []store.StatementRecord
	var stmts []*Statement
	var ids []string
	for _, r := range reqs {
		st, text, err := l.prepare(ctx, r)
		if err != nil {
			return ChangeStats{}, nil, fmt.Errorf("%s: %w", r.Name, err)
		}
		// Refused early (before embedding) when the live index has it;
		// checked again in the change, against the store. Only the
		// request's own library is looked at: what other servers hold
		// is never told.
		key, hashKey := StatementKey(r.Library, st.ID), r.Library+"\x00"+st.Hash
		if title, ok := before.titles[key]; ok && !r.Replace {
			return ChangeStats{}, nil, fmt.Errorf("%s: %w", r.Name, alreadyIndexed(st.ID, title))
		}
		if inBatch[key] {
			return ChangeStats{}, nil, fmt.Errorf("%s: %w", r.Name, &InputError{Msg: fmt.Sprintf("two files give the id %q", st.ID)})
		}
		if other, dup := byHash[hashKey]; dup && other != key {
			_, otherID := SplitKey(other)
			return ChangeStats{}, nil, fmt.Errorf("%s: %w", r.Name, &InputError{Msg: fmt.Sprintf("the same text is already indexed as %q", otherID)})
		}
		inBatch[key], byHash[hashKey] = true, key
		rec := toRecord(st, r.Name, r.Data, text)
		rec.Library, rec.AddedAt = r.Library, time.Now().UTC()
		recs, stmts, ids = append(recs, rec), append(stmts, st), append(ids, st.ID)
	}
	vecs, computed, err := l.vectorsOf(ctx, stmts, recs, l.reusableIn(libraryOf(reqs), recs), progress)
	if err != nil {
		return ChangeStats{}, nil, err
	}
	var diff changeDiff
	_, err = l.st.Change(ctx, func(ctx context.Context, tx store.Tx) error {
		diff = changeDiff{}
		for i, rec := range recs {
			cur, err := tx.Statement(ctx, rec.Library, rec.ID)
			switch {
			case err == nil && !reqs[i].Replace:
				return fmt.Errorf("%s: %w", reqs[i].Name, alreadyIndexed(rec.ID, cur.Title))
			case err != nil && !errors.Is(err, store.ErrNotFound):
				return err
			}
			diff.count(cur.Paragraphs, rec.Paragraphs, err == nil)
			if err := tx.PutStatement(ctx, rec); err != nil {
				return err
			}
		}
		if err := l.checkLimits(ctx, tx, recs); err != nil {
			return err
		}
		return tx.PutVectors(ctx, l.docs.Name(), l.docs.Model(), vecs)
	})
	if err != nil {
		return ChangeStats{}, nil, err
	}
	stats, err := l.committed(ctx, before, diff, start, libraryOf(reqs))
	stats.Embedded, stats.Reused = len(computed), stats.Paragraphs-len(computed)
	return stats, ids, err
}

func alreadyIndexed(id, title string) error {
	return &InputError{Msg: fmt.Sprintf("a statement with id %q is already indexed (%s): remove it first, or add with replace", id, title)}
}

// vectorsOf are the vectors of the paragraphs of stmts (recs are their
// records): held by the live index, stored, or computed now (reusable:
// see vectorsFor). All go into the change, so that none can be missing
// after it (a vector another process's change dropped meanwhile is put
// back). Those computed are also returned apart.
func (l *Library) vectorsOf(ctx context.Context, stmts []*Statement, recs []store.StatementRecord, reusable func(string) bool, progress Progress) (vecs, computed map[string][]float32, err error) {
	var hashes []string
	for _, rec := range recs {
		for _, p := range rec.Paragraphs {
			hashes = append(hashes, p.TextHash)
		}
	}
	return l.vectorsFor(ctx, stmts, hashes, reusable, progress, nil)
}

// reusableIn says which vectors a change of library (nil: of several)
// may reuse. A server's change reuses those of the paragraphs its scope
// holds (the shared library's and its own) only, and computes the others
// again: what it embeds, and so what it reports and how long it takes,
// must not tell whether another server holds a paragraph of the same
// text. nil (any vector) for the shared library, for a change of several
// libraries and for a library opened for changes only: the operator's.
func (l *Library) reusableIn(library *string, recs []store.StatementRecord) func(string) bool {
	l.mu.Lock()
	ix, held, hashes := l.live, l.vecs, l.hashes
	l.mu.Unlock()
	if library == nil || *library == "" || ix == nil {
		return nil
	}
	// Only the paragraphs whose vectors are held are looked for in the
	// scope: an add of new text reads nothing of it.
	look := map[string]bool{}
	for _, rec := range recs {
		for _, p := range rec.Paragraphs {
			if _, ok := held[p.TextHash]; ok {
				look[p.TextHash] = false
			}
		}
	}
	left := len(look)
	for _, i := range ix.In(ServerScope(*library)).scopeStatements() {
		if left == 0 {
			break
		}
		r := ix.ranges[i]
		for _, h := range hashes[r[0]:r[1]] {
			if found, ok := look[h]; ok && !found {
				look[h] = true
				left--
			}
		}
	}
	return func(h string) bool { return look[h] }
}

// committed swaps in the index of the store as it is after a change (it
// holds the change, and maybe others' made since) and sums up the change.
// The totals are those of library lib (nil: of every library), so a
// server's admin learns nothing of other servers'. A library opened for
// changes only builds no index.
func (l *Library) committed(ctx context.Context, before corpusView, diff changeDiff, start time.Time, lib *string) (ChangeStats, error) {
	stats := ChangeStats{Added: diff.added, Changed: diff.changed, Removed: diff.removed}
	if lib == nil {
		stats.Statements, stats.Paragraphs = before.statements+diff.statements, before.paragraphs+diff.paragraphs
	} else {
		stats.Statements, stats.Paragraphs = before.byLibrary[*lib]+diff.statements, before.parasByLibrary[*lib]+diff.paragraphs
	}
	var err error
	if !l.changesOnly {
		_, err = l.refresh(ctx, nil)
		after := l.Index()
		stats.Statements, stats.Paragraphs = 0, 0
		for _, st := range after.statements {
			if stLib, _ := SplitKey(st.ID); lib == nil || stLib == *lib {
				stats.Statements++
				stats.Paragraphs += len(st.Paragraphs)
			}
		}
	}
	stats.Duration = time.Since(start)
	if err != nil {
		return stats, fmt.Errorf("the change is stored, but the index was not rebuilt (the next start will): %w", err)
	}
	return stats, nil
}

// prepare extracts and parses one file, and renders what is stored: the
// statement's text with front matter carrying its metadata.
func (l *Library) prepare(ctx context.Context, r AddRequest) (*Statement, string, error) {
	// The extractor is the judge of file formats (it also decodes UTF-16
	// text); without one only UTF-8 .txt and .md are taken.
	doc := extract.Document{Text: string(r.Data), Format: extract.FormatText}
	if l.extract != nil {
		var err error
		if doc, err = l.extract(ctx, r.Name, r.Data); err != nil {
			return nil, "", err
		}
	} else {
		if !IsStatementFile(r.Name) {
			return nil, "", &InputError{Msg: "only .txt and .md files can be added here"}
		}
		if err := ingest.CheckText(r.Data); err != nil {
			return nil, "", err
		}
	}
	// UploadID always gives an id: from the name, else the title, else
	// a hash of the text.
	id := ingest.UploadID(r.Name, doc.Text, r.Meta.Title, doc.Title)
	// Front matter keeps what Discord options and the file's metadata said,
	// apart; the text below it stays as extracted, parsed again only by a
	// reindex.
	fileMeta := Metadata{Title: doc.Title, Date: doc.Date, Source: doc.Source}
	stored := ingest.Compose(r.Name, doc.Format, doc.Text, fileMeta, r.Meta)
	st, err := ingest.Parse(id, []byte(stored), Metadata{})
	if err != nil {
		return nil, "", err
	}
	return st, stored, nil
}

// Remove takes a statement out of the corpus; key is StatementKey(library,
// id). The shared library keeps at least one statement: counted inside
// the change, so that concurrent removes cannot together empty it.
func (l *Library) Remove(ctx context.Context, key string) (ChangeStats, error) {
	if l.st == nil {
		return ChangeStats{}, ErrNoStore
	}
	start := time.Now()
	before, err := l.view(ctx)
	if err != nil {
		return ChangeStats{}, err
	}
	library, id := SplitKey(key)
	var diff changeDiff
	_, err = l.st.Change(ctx, func(ctx context.Context, tx store.Tx) error {
		cur, err := tx.Statement(ctx, library, id)
		if errors.Is(err, store.ErrNotFound) {
			return UnknownStatement(id)
		}
		if err != nil {
			return err
		}
		// Counted inside the change, which the store serialises with
		// every other: two removes cannot both see a second statement.
		if library == "" {
			ids, err := tx.StatementIDs(ctx, "")
			if err != nil {
				return err
			}
			if len(ids) <= 1 {
				return &InputError{Msg: "that is the only statement left; add another before removing it"}
			}
		}
		diff = changeDiff{}
		diff.count(cur.Paragraphs, nil, true)
		diff.statements--
		return tx.DeleteStatement(ctx, library, id)
	})
	if err != nil {
		return ChangeStats{}, err
	}
	return l.committed(ctx, before, diff, start, &library)
}

// RemoveLibrary takes every statement of a server's library out of the
// corpus (a server the bot left keeps its statements until this) and,
// in the same change, forgets the answers given in the server and the
// votes on them (they quote its statements); the audit log is kept. The
// shared library cannot be removed whole.
func (l *Library) RemoveLibrary(ctx context.Context, library string) (ChangeStats, error) {
	if l.st == nil {
		return ChangeStats{}, ErrNoStore
	}
	if library == "" {
		return ChangeStats{}, &InputError{Msg: "the shared library cannot be removed whole; remove its statements one by one"}
	}
	start := time.Now()
	before, err := l.view(ctx)
	if err != nil {
		return ChangeStats{}, err
	}
	var diff changeDiff
	_, err = l.st.Change(ctx, func(ctx context.Context, tx store.Tx) error {
		diff = changeDiff{}
		ids, err := tx.StatementIDs(ctx, library)
		if err != nil {
			return err
		}
		for _, id := range ids {
			cur, err := tx.Statement(ctx, library, id)
			if err != nil {
				return err
			}
			diff.count(cur.Paragraphs, nil, true)
			diff.statements--
			if err := tx.DeleteStatement(ctx, library, id); err != nil {
				return err
			}
		}
		return tx.ForgetServer(ctx, library)
	})
	if err != nil {
		return ChangeStats{}, err
	}
	return l.committed(ctx, before, diff, start, &library)
}

// Reindex parses every stored statement again from its stored text (as a
// newer parser or repair would), stores those whose paragraphs or
// metadata changed, and computes the vectors the store lacks. A
// statement another process changed meanwhile is left as that process
// made it.
func (l *Library) Reindex(ctx context.Context, progress Progress) (ChangeStats, error) {
	return l.reindex(ctx, nil, progress)
}

// ReindexLibrary is Reindex of one library's statements.
func (l *Library) ReindexLibrary(ctx context.Context, library string, progress Progress) (ChangeStats, error) {
	return l.reindex(ctx, &library, progress)
}

// reindex is Reindex of library's statements, or of every statement when
// library is nil.
func (l *Library) reindex(ctx context.Context, library *string, progress Progress) (ChangeStats, error) {
	if l.st == nil {
		return ChangeStats{}, ErrNoStore
	}
	start := time.Now()
	snap, err := l.st.Snapshot(ctx)
	if err != nil {
		return ChangeStats{}, fmt.Errorf("reading the corpus: %w", err)
	}
	before := viewOf(snap)
	if library != nil {
		snap.Statements = slices.DeleteFunc(snap.Statements, func(r store.StatementRecord) bool { return r.Library != *library })
	}
	// Every text in one read; a statement changed since the snapshot was
	// (its hash differs) is parsed already, and kept as stored.
	type key struct{ library, id string }
	texts := make(map[key]store.StatementRecord, len(snap.Statements))
	err = l.st.Texts(ctx, func(full store.StatementRecord) error {
		if library == nil || full.Library == *library {
			texts[key{full.Library, full.ID}] = full
		}
		return ctx.Err()
	})
	if err != nil {
		return ChangeStats{}, fmt.Errorf("reading the corpus: %w", err)
	}
	// Parsing is most of a reindex's work: it is shared among the
	// processors, each result in its statement's place.
	type parsed struct {
		st      *Statement
		rec     store.StatementRecord
		changed bool
		err     error
	}
	results := make([]parsed, len(snap.Statements))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(snap.Statements) && ctx.Err() == nil; i += workers {
				old := snap.Statements[i]
				r := parsed{st: fromRecord(old), rec: old}
				if full, ok := texts[key{old.Library, old.ID}]; ok && full.Hash == old.Hash {
					if st, rec, changed, err := reparse(full, old); err != nil {
						r.err = err
					} else {
						r = parsed{st: st, rec: rec, changed: changed}
					}
				}
				results[i] = r
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return ChangeStats{}, err
	}
	texts = nil
	var updates []store.StatementRecord
	readHash := map[string]string{}
	terms := map[string]string{} // of statements otherwise unchanged, by text hash
	var stmts []*Statement
	var recs []store.StatementRecord
	for i, old := range snap.Statements {
		st, rec, changed := results[i].st, results[i].rec, results[i].changed
		if err := results[i].err; err != nil {
			// A server's statement is not named in the log (its server
			// may be told; the log is the operator's).
			if old.Library == "" {
				l.log.Warn("reindex: a statement could not be parsed again; it is kept as stored", "statement", old.ID, "err", err)
			} else {
				l.log.Warn("reindex: a server's statement could not be parsed again; it is kept as stored", "server", old.Library)
			}
		}
		stmts, recs = append(stmts, st), append(recs, store.StatementRecord{Paragraphs: rec.Paragraphs})
		if changed {
			readHash[StatementKey(rec.Library, rec.ID)] = old.Hash
			updates = append(updates, rec)
		} else {
			// Terms stored without them, or by another tokenizer, are
			// stored anew: by text hash, no statement is rewritten.
			for i, p := range rec.Paragraphs {
				if p.Terms != old.Paragraphs[i].Terms {
					terms[p.TextHash] = p.Terms
				}
			}
		}
	}
	vecs, computed, err := l.vectorsOf(ctx, stmts, recs, nil, progress)
	if err != nil {
		return ChangeStats{}, err
	}
	// Stored are the vectors computed and those of the changed
	// statements, not the whole corpus's again.
	put := computed
	if put == nil {
		put = map[string][]float32{}
	}
	for _, rec := range updates {
		for _, p := range rec.Paragraphs {
			put[p.TextHash] = vecs[p.TextHash]
		}
	}
	var diff changeDiff
	if len(updates) > 0 || len(put) > 0 || len(terms) > 0 {
		_, err = l.st.Change(ctx, func(ctx context.Context, tx store.Tx) error {
			diff = changeDiff{}
			if err := tx.PutTerms(ctx, terms); err != nil {
				return err
			}
			for _, rec := range updates {
				cur, err := tx.Statement(ctx, rec.Library, rec.ID)
				if errors.Is(err, store.ErrNotFound) || (err == nil && cur.Hash != readHash[StatementKey(rec.Library, rec.ID)]) {
					continue // removed or replaced meanwhile
				}
				if err != nil {
					return err
				}
				rec.Upload = cur.Upload // not read with the texts
				diff.count(cur.Paragraphs, rec.Paragraphs, true)
				if err := tx.PutStatement(ctx, rec); err != nil {
					return err
				}
			}
			return tx.PutVectors(ctx, l.docs.Name(), l.docs.Model(), put)
		})
		if err != nil {
			return ChangeStats{}, err
		}
	}
	stats, err := l.committed(ctx, before, diff, start, library)
	stats.Embedded, stats.Reused = len(computed), stats.Paragraphs-len(computed)
	return stats, err
}

// reparse parses a stored statement again from its stored text (full,
// read without its upload); changed tells whether what is stored of it
// (old, as the snapshot has it) differs, terms aside.
func reparse(full, old store.StatementRecord) (*Statement, store.StatementRecord, bool, error) {
	st, err := ingest.Parse(full.ID, []byte(full.Text), Metadata{})
	if err != nil {
		return nil, old, false, err
	}
	known := make(map[string]string, len(old.Paragraphs))
	for _, p := range old.Paragraphs {
		if validTerms(p.Terms) {
			known[p.TextHash] = p.Terms
		}
	}
	rec := toRecordKnowing(st, full.FileName, nil, full.Text, known)
	rec.Library, rec.AddedAt = full.Library, full.AddedAt
	changed := rec.Title != old.Title || rec.Date != old.Date || rec.Issuer != old.Issuer || rec.Place != old.Place ||
		rec.Source != old.Source || rec.Hash != old.Hash || !sameParagraphs(rec.Paragraphs, old.Paragraphs)
	return st, rec, changed, nil
}

// A changeDiff counts what a change did: paragraphs added, changed and
// removed (matched by statement and number), and how the number of
// statements and paragraphs moved.
type changeDiff struct {
	added, changed, removed int
	statements, paragraphs  int
}

// count adds the change of one statement from old (existed says whether
// it did) to cur (nil: removed).
func (d *changeDiff) count(old, cur []store.ParagraphRecord, existed bool) {
	if !existed {
		old = nil
		d.statements++
	}
	d.paragraphs += len(cur) - len(old)
	texts := make(map[int]string, len(old))
	for _, p := range old {
		texts[p.N] = p.Text
	}
	for _, p := range cur {
		text, ok := texts[p.N]
		switch {
		case !ok:
			d.added++
		case text != p.Text:
			d.changed++
		}
		delete(texts, p.N)
	}
	d.removed += len(texts)
}

// A corpusView is what a change checks before it starts: the statements'
// titles by key, keys by library and content hash (library + "\x00" +
// hash), and the totals, in all and by library.
type corpusView struct {
	titles                    map[string]string
	byHash                    map[string]string
	statements, paragraphs    int
	byLibrary, parasByLibrary map[string]int
}

func newCorpusView() corpusView {
	return corpusView{titles: map[string]string{}, byHash: map[string]string{}, byLibrary: map[string]int{}, parasByLibrary: map[string]int{}}
}

func (v *corpusView) note(library, id, title, hash string, paragraphs int) {
	key := StatementKey(library, id)
	v.titles[key], v.byHash[library+"\x00"+hash] = title, key
	v.statements++
	v.paragraphs += paragraphs
	v.byLibrary[library]++
	v.parasByLibrary[library] += paragraphs
}

// view is the corpus as the live index has it or, for a library opened
// for changes only, as the store's catalog has it now (no paragraph is
// read).
func (l *Library) view(ctx context.Context) (corpusView, error) {
	if ix := l.Index(); ix != nil {
		v := newCorpusView()
		for _, st := range ix.statements {
			lib, id := SplitKey(st.ID)
			v.note(lib, id, st.Title, st.Hash, len(st.Paragraphs))
		}
		return v, nil
	}
	c, err := l.st.Catalog(ctx)
	if err != nil {
		return corpusView{}, fmt.Errorf("reading the corpus: %w", err)
	}
	v := viewOf(store.Snapshot{Statements: c.Statements})
	v.paragraphs = c.Paragraphs
	for lib, n := range c.LibraryParagraphs {
		v.parasByLibrary[lib] = n
	}
	return v, nil
}

func viewOf(snap store.Snapshot) corpusView {
	v := newCorpusView()
	for _, rec := range snap.Statements {
		v.note(rec.Library, rec.ID, rec.Title, rec.Hash, len(rec.Paragraphs))
	}
	return v
}
