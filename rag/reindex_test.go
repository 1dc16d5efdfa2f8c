package rag

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"

	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/sqlite"
)

// readCounter counts the whole-statement reads a library makes outside
// its changes.
type readCounter struct {
	Store
	statements, texts atomic.Int64
}

func (c *readCounter) Statement(ctx context.Context, library, id string) (store.StatementRecord, error) {
	c.statements.Add(1)
	return c.Store.Statement(ctx, library, id)
}

func (c *readCounter) Texts(ctx context.Context, fn func(store.StatementRecord) error) error {
	c.texts.Add(1)
	return c.Store.Texts(ctx, fn)
}

// TestReindexReadsOnce: a reindex reads the texts in one pass, not each
// statement apart; it stores the terms of rows that lack them without
// rewriting the statements, and a statement whose stored metadata a
// re-parse changes keeps its upload.
func TestReindexReadsOnce(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st := openStore(t, dir, sqlite.Options{})
	counter := &readCounter{Store: st}
	lib, _, _ := openLibraryOn(t, counter, dir)
	for _, name := range []string{"2024-03-03-harbour.txt", "2024-03-04-harbour.txt", "2024-03-05-harbour.txt"} {
		text := harbour + "\n\nFiled as " + name + "."
		if _, _, err := lib.Add(ctx, []AddRequest{{Name: name, Data: []byte(text)}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	before, err := st.Statement(ctx, "", "2024-03-04-harbour")
	if err != nil {
		t.Fatal(err)
	}
	// An earlier version's rows: no terms; and a title the parser would
	// not give.
	stale := before
	stale.Title = "A title from an older parser"
	none := map[string]string{}
	for _, p := range storedParagraphs(t, st) {
		none[p.TextHash] = ""
	}
	_, err = st.Change(ctx, func(ctx context.Context, tx store.Tx) error {
		if err := tx.PutStatement(ctx, stale); err != nil {
			return err
		}
		return tx.PutTerms(ctx, none)
	})
	if err != nil {
		t.Fatal(err)
	}

	counter.statements.Store(0)
	stats, err := lib.Reindex(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, m := counter.statements.Load(), counter.texts.Load(); n != 0 || m != 1 {
		t.Errorf("reindex read %d statements apart and the texts %d times; want 0 and once", n, m)
	}
	if stats.Added+stats.Changed+stats.Removed != 0 || stats.Embedded != 0 {
		t.Errorf("reindex: %+v, want no paragraph changed or embedded", stats)
	}
	after, err := st.Statement(ctx, "", "2024-03-04-harbour")
	if err != nil {
		t.Fatal(err)
	}
	if after.Title != before.Title || !bytes.Equal(after.Upload, before.Upload) || after.FileName != before.FileName || !after.AddedAt.Equal(before.AddedAt) {
		t.Errorf("re-parsed statement: title %q upload %q file %q added %v; want %q %q %q %v",
			after.Title, after.Upload, after.FileName, after.AddedAt, before.Title, before.Upload, before.FileName, before.AddedAt)
	}
	snap, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range snap.Statements {
		for _, p := range rec.Paragraphs {
			if !validTerms(p.Terms) {
				t.Errorf("after reindex %s ¶%d has terms %q", rec.ID, p.N, p.Terms)
			}
		}
	}
}
