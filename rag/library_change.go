package rag

import (
	"context"
	"errors"
	"fmt"
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
	Name    string // file name: gives the id and the format
	Data    []byte
	Meta    Metadata // overrides what the file says
	Replace bool     // replace a statement with the same id
}

// Add parses new statements, embeds their paragraphs (outside any lock)
// and stores them in one transaction: all of them, or none.
func (l *Library) Add(ctx context.Context, reqs []AddRequest, progress Progress) (ChangeStats, []string, error) {
	if l.st == nil {
		return ChangeStats{}, nil, ErrNoStore
	}
	start := time.Now()
	before := l.Index()
	byHash := map[string]string{}
	for _, st := range before.Statements() {
		byHash[st.Hash] = st.ID
	}
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
		// checked again in the change, against the store.
		if cur, ok := before.Statement(st.ID); ok && !r.Replace {
			return ChangeStats{}, nil, fmt.Errorf("%s: %w", r.Name, alreadyIndexed(st.ID, cur.Title))
		}
		if inBatch[st.ID] {
			return ChangeStats{}, nil, fmt.Errorf("%s: %w", r.Name, &InputError{Msg: fmt.Sprintf("two files give the id %q", st.ID)})
		}
		if other, dup := byHash[st.Hash]; dup && other != st.ID {
			return ChangeStats{}, nil, fmt.Errorf("%s: %w", r.Name, &InputError{Msg: fmt.Sprintf("the same text is already indexed as %q", other)})
		}
		inBatch[st.ID], byHash[st.Hash] = true, st.ID
		rec := toRecord(st, r.Name, r.Data, text)
		rec.AddedAt = time.Now().UTC()
		recs, stmts, ids = append(recs, rec), append(stmts, st), append(ids, st.ID)
	}
	vecs, computed, err := l.vectorsOf(ctx, stmts, recs, progress)
	if err != nil {
		return ChangeStats{}, nil, err
	}
	_, err = l.st.Change(ctx, func(ctx context.Context, tx store.Tx) error {
		for i, rec := range recs {
			cur, err := tx.Statement(ctx, rec.Library, rec.ID)
			switch {
			case err == nil && !reqs[i].Replace:
				return fmt.Errorf("%s: %w", reqs[i].Name, alreadyIndexed(rec.ID, cur.Title))
			case err != nil && !errors.Is(err, store.ErrNotFound):
				return err
			}
			if err := tx.PutStatement(ctx, rec); err != nil {
				return err
			}
		}
		return tx.PutVectors(ctx, l.docs.Name(), l.docs.Model(), vecs)
	})
	if err != nil {
		return ChangeStats{}, nil, err
	}
	stats, err := l.committed(ctx, before, start)
	stats.Embedded, stats.Reused = len(computed), stats.Paragraphs-len(computed)
	return stats, ids, err
}

func alreadyIndexed(id, title string) error {
	return &InputError{Msg: fmt.Sprintf("a statement with id %q is already indexed (%s): remove it first, or add with replace", id, title)}
}

// vectorsOf are the vectors of the paragraphs of stmts (recs are their
// records): held by the live index, stored, or computed now. All go into
// the change, so that none can be missing after it (a vector another
// process's change dropped meanwhile is put back). embedded counts those
// computed, which are also returned apart.
func (l *Library) vectorsOf(ctx context.Context, stmts []*Statement, recs []store.StatementRecord, progress Progress) (vecs, computed map[string][]float32, err error) {
	l.mu.Lock()
	held := l.vecs
	l.mu.Unlock()
	vecs = map[string][]float32{}
	var missing []string
	for _, rec := range recs {
		for _, p := range rec.Paragraphs {
			if v, ok := held[p.TextHash]; ok {
				vecs[p.TextHash] = v
			} else if _, seen := vecs[p.TextHash]; !seen {
				vecs[p.TextHash] = nil
				missing = append(missing, p.TextHash)
			}
		}
	}
	if len(missing) > 0 {
		stored, err := l.st.Vectors(ctx, l.docs.Name(), l.docs.Model(), missing)
		if err != nil {
			return nil, nil, fmt.Errorf("reading vectors: %w", err)
		}
		rest := missing[:0]
		for _, h := range missing {
			if v, ok := stored[h]; ok {
				vecs[h] = v
			} else {
				rest = append(rest, h)
			}
		}
		missing = rest
	}
	if len(missing) > 0 {
		var hashes []string
		for _, rec := range recs {
			for _, p := range rec.Paragraphs {
				hashes = append(hashes, p.TextHash)
			}
		}
		computed, err = l.embedMissing(ctx, stmts, hashes, missing, progress)
		if err != nil {
			return nil, nil, err
		}
		for h, v := range computed {
			vecs[h] = v
		}
	}
	return vecs, computed, nil
}

// committed swaps in the index of the store as it is after a change (it
// holds the change, and maybe others' made since) and says what changed
// from before.
func (l *Library) committed(ctx context.Context, before *Index, start time.Time) (ChangeStats, error) {
	_, err := l.refresh(ctx, nil)
	after := l.Index()
	stats := ChangeStats{BuildStats: BuildStats{Statements: len(after.statements), Paragraphs: after.Len()}}
	stats.Added, stats.Changed, stats.Removed = diffParagraphs(before, after)
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
	id := ingest.StatementID(r.Name)
	if id == "" {
		return nil, "", &InputError{Msg: "the file name gives no id: name it like 2024-05-01-summit.txt"}
	}
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

// Remove takes a statement out of the corpus.
func (l *Library) Remove(ctx context.Context, id string) (ChangeStats, error) {
	if l.st == nil {
		return ChangeStats{}, ErrNoStore
	}
	start := time.Now()
	before := l.Index()
	if all := before.Statements(); len(all) == 1 && all[0].ID == id {
		return ChangeStats{}, &InputError{Msg: "that is the only statement left; add another before removing it"}
	}
	_, err := l.st.Change(ctx, func(ctx context.Context, tx store.Tx) error {
		err := tx.DeleteStatement(ctx, "", id)
		if errors.Is(err, store.ErrNotFound) {
			return &UnknownStatementError{ID: id}
		}
		return err
	})
	if err != nil {
		return ChangeStats{}, err
	}
	return l.committed(ctx, before, start)
}

// Reindex parses every stored statement again from its stored text (as a
// newer parser or repair would), stores those whose paragraphs or
// metadata changed, and computes the vectors the store lacks. A
// statement another process changed meanwhile is left as that process
// made it.
func (l *Library) Reindex(ctx context.Context, progress Progress) (ChangeStats, error) {
	if l.st == nil {
		return ChangeStats{}, ErrNoStore
	}
	start := time.Now()
	before := l.Index()
	snap, err := l.st.Snapshot(ctx)
	if err != nil {
		return ChangeStats{}, fmt.Errorf("reading the corpus: %w", err)
	}
	var updates []store.StatementRecord
	readHash := map[string]string{}
	var stmts []*Statement
	var recs []store.StatementRecord
	for _, old := range snap.Statements {
		if err := ctx.Err(); err != nil {
			return ChangeStats{}, err
		}
		st, rec, changed, err := l.reparse(ctx, old)
		if err != nil {
			l.log.Warn("reindex: a statement could not be parsed again; it is kept as stored", "statement", old.ID, "err", err)
			st, rec = fromRecord(old), old
		}
		stmts, recs = append(stmts, st), append(recs, store.StatementRecord{Paragraphs: rec.Paragraphs})
		if changed {
			readHash[rec.ID] = old.Hash
			updates = append(updates, rec)
		}
	}
	vecs, computed, err := l.vectorsOf(ctx, stmts, recs, progress)
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
	if len(updates) > 0 || len(put) > 0 {
		_, err = l.st.Change(ctx, func(ctx context.Context, tx store.Tx) error {
			for _, rec := range updates {
				cur, err := tx.Statement(ctx, rec.Library, rec.ID)
				if errors.Is(err, store.ErrNotFound) || (err == nil && cur.Hash != readHash[rec.ID]) {
					continue // removed or replaced meanwhile
				}
				if err != nil {
					return err
				}
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
	stats, err := l.committed(ctx, before, start)
	stats.Embedded, stats.Reused = len(computed), stats.Paragraphs-len(computed)
	return stats, err
}

// reparse parses a stored statement again from its stored text; changed
// tells whether what is stored of it differs.
func (l *Library) reparse(ctx context.Context, old store.StatementRecord) (*Statement, store.StatementRecord, bool, error) {
	full, err := l.st.Statement(ctx, old.Library, old.ID)
	if err != nil {
		return nil, old, false, err
	}
	st, err := ingest.Parse(full.ID, []byte(full.Text), Metadata{})
	if err != nil {
		return nil, old, false, err
	}
	rec := toRecord(st, full.FileName, full.Upload, full.Text)
	rec.Library, rec.AddedAt = full.Library, full.AddedAt
	changed := rec.Title != old.Title || rec.Date != old.Date || rec.Issuer != old.Issuer || rec.Place != old.Place ||
		rec.Source != old.Source || rec.Hash != old.Hash || !sameParagraphs(rec.Paragraphs, old.Paragraphs)
	return st, rec, changed, nil
}

// diffParagraphs counts paragraphs added, changed and removed between two
// indexes, matching them by statement and number.
func diffParagraphs(old, cur *Index) (added, changed, removed int) {
	type key struct {
		st string
		n  int
	}
	before := map[key]string{}
	if old != nil {
		for _, p := range old.paras {
			before[key{p.Statement, p.N}] = p.Text
		}
	}
	for _, p := range cur.paras {
		k := key{p.Statement, p.N}
		text, ok := before[k]
		switch {
		case !ok:
			added++
		case text != p.Text:
			changed++
		}
		delete(before, k)
	}
	return added, changed, len(before)
}
