package rag

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/store/sqlite"
)

// countingEmbedder counts texts embedded; fail makes it fail.
type countingEmbedder struct {
	*embeddings.Local
	texts   atomic.Int64
	fail    atomic.Bool
	gate    chan struct{} // when set, each call waits for it
	entered chan struct{} // when set, told of each call before the wait
}

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if c.entered != nil {
		c.entered <- struct{}{}
	}
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if c.fail.Load() {
		return nil, errors.New("embedding server down")
	}
	c.texts.Add(int64(len(texts)))
	return c.Local.Embed(ctx, texts)
}

func (c *countingEmbedder) Name() string  { return "counting" }
func (c *countingEmbedder) Model() string { return "m" }

func bundledFS(t testing.TB) fstest.MapFS {
	return fstest.MapFS{"2021-06-28-global-coalition-rome.txt": {Data: []byte(readSeed(t))}}
}

// openStore opens the SQLite store in dir, closed when the test ends.
func openStore(t testing.TB, dir string, opt sqlite.Options) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openTestLibrary opens a library over a store in dir with a counting
// embedder.
func openTestLibrary(t *testing.T, dir string) (*Library, *Engine, *countingEmbedder) {
	t.Helper()
	return openLibraryOn(t, openStore(t, dir, sqlite.Options{}), dir)
}

// openLibraryOn opens a library over st (nil: in memory from dir).
func openLibraryOn(t *testing.T, st Store, dir string) (*Library, *Engine, *countingEmbedder) {
	t.Helper()
	inner := &countingEmbedder{Local: embeddings.NewLocal(64)}
	cfg := LibraryConfig{LegacyDir: dir, Bundled: bundledFS(t), Docs: inner}
	if st != nil {
		cfg.Store = st
	}
	lib, ix, _, err := OpenLibrary(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(ix, Config{Queries: inner.Local})
	lib.SetEngine(e)
	return lib, e, inner
}

const harbour = "Harbour Notice\n\nMarch 3, 2024 - Port Town - Harbour Office\n\nThe delegates approved the harbour budget of four million euros.\n\nThe lighthouse will be repainted in May."

func TestLibraryAddRemoveReindex(t *testing.T) {
	dir := t.TempDir()
	lib, e, inner := openTestLibrary(t, dir)
	ctx := context.Background()
	if got := inner.texts.Load(); got != 10 {
		t.Fatalf("first open embedded %d paragraphs, want 10", got)
	}

	stats, ids, err := lib.Add(ctx, []AddRequest{{Name: "2024-03-03-harbour.txt", Data: []byte(harbour)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 || ids[0] != "2024-03-03-harbour" || stats.Added != 3 || stats.Embedded != 3 || stats.Reused != 10 || stats.Statements != 2 {
		t.Errorf("add: ids %v stats %+v", ids, stats)
	}
	a, _ := e.Ask(ctx, AskRequest{Question: "What budget did the delegates approve?"})
	if !a.Grounded || !strings.Contains(a.Text, "four million euros") {
		t.Errorf("new statement not answerable: %+v", a)
	}

	// Duplicates change nothing.
	for _, req := range []AddRequest{
		{Name: "2024-03-03-harbour.txt", Data: []byte(harbour + "\n\nMore.")},
		{Name: "copy.txt", Data: []byte(harbour)},
	} {
		_, _, err := lib.Add(ctx, []AddRequest{req}, nil)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("duplicate %s: err = %v, want InputError", req.Name, err)
		}
	}
	// Replace.
	stats, _, err = lib.Add(ctx, []AddRequest{{Name: "2024-03-03-harbour.txt", Data: []byte(strings.Replace(harbour, "May", "June", 1)), Replace: true}}, nil)
	if err != nil || stats.Changed != 1 || stats.Embedded != 1 {
		t.Errorf("replace: %+v %v", stats, err)
	}

	// Replacing with the same text keeps the statement.
	if _, _, err := lib.Add(ctx, []AddRequest{{Name: "2024-03-03-harbour.txt", Data: []byte(strings.Replace(harbour, "May", "June", 1)), Replace: true}}, nil); err != nil {
		t.Fatal(err)
	}
	if got := lib.Statements(); len(got) != 2 {
		t.Errorf("after same-text replace: %v", got)
	}

	// Reindex of an unchanged corpus embeds nothing.
	before := inner.texts.Load()
	stats, err = lib.Reindex(ctx, nil)
	if err != nil || stats.Embedded != 0 || stats.Added+stats.Changed+stats.Removed != 0 || inner.texts.Load() != before {
		t.Errorf("reindex: %+v %v (embedded %d)", stats, err, inner.texts.Load()-before)
	}

	// Remove.
	stats, err = lib.Remove(ctx, "2024-03-03-harbour")
	if err != nil || stats.Removed != 3 {
		t.Errorf("remove: %+v %v", stats, err)
	}
	if _, ok := e.Index().Statement("2024-03-03-harbour"); ok {
		t.Error("removed statement still indexed")
	}
	if _, err := lib.Remove(ctx, "2024-03-03-harbour"); err == nil {
		t.Error("removing twice succeeded")
	}
	if _, err := lib.Remove(ctx, "2021-06-28-global-coalition-rome"); err == nil {
		t.Error("removed the last statement")
	}
	// The statements left open again without embedding anything (the
	// store's own tests check that the removed one's vectors are dropped).
	_, e2, inner2 := openTestLibrary(t, dir)
	if inner2.texts.Load() != 0 || len(e2.Index().Statements()) != 1 {
		t.Errorf("after remove, a restart embedded %d and has %d statements", inner2.texts.Load(), len(e2.Index().Statements()))
	}
}

func TestLibraryRestartReusesEverything(t *testing.T) {
	dir := t.TempDir()
	lib, _, _ := openTestLibrary(t, dir)
	if _, _, err := lib.Add(context.Background(), []AddRequest{{Name: "harbour.md", Data: []byte(harbour), Meta: Metadata{Title: "Given title"}}}, nil); err != nil {
		t.Fatal(err)
	}
	_, e2, inner2 := openTestLibrary(t, dir)
	if inner2.texts.Load() != 0 {
		t.Errorf("restart embedded %d paragraphs, want 0", inner2.texts.Load())
	}
	st, ok := e2.Index().Statement("harbour")
	if !ok || st.Title != "Given title" || st.Date != "2024-03-03" {
		t.Errorf("after restart: %+v", st)
	}
}

func TestLibraryFailedChangeKeepsOldIndex(t *testing.T) {
	dir := t.TempDir()
	lib, e, inner := openTestLibrary(t, dir)
	old := e.Index()
	inner.fail.Store(true)
	_, _, err := lib.Add(context.Background(), []AddRequest{{Name: "harbour.txt", Data: []byte(harbour)}}, nil)
	if err == nil || !strings.Contains(err.Error(), "embedding server down") {
		t.Fatalf("err = %v", err)
	}
	if e.Index() != old {
		t.Error("a failed add swapped the index")
	}
	if got := lib.Statements(); len(got) != 1 {
		t.Errorf("corpus after failed add: %v", got)
	}
	_, e2, _ := openTestLibrary(t, dir)
	if got := e2.Index().Statements(); len(got) != 1 {
		t.Errorf("store after failed add: %d statements", len(got))
	}
	// Bad input changes nothing either.
	for _, data := range [][]byte{nil, []byte("\x00\x01binary"), []byte("  ")} {
		if _, _, err := lib.Add(context.Background(), []AddRequest{{Name: "x.txt", Data: data}}, nil); err == nil {
			t.Errorf("bad input %q accepted", data)
		}
	}
}

// TestLibraryChangeDuringChange: a change committed while another is
// embedding is not refused nor lost; both land, and questions are
// answered meanwhile.
func TestLibraryChangeDuringChange(t *testing.T) {
	dir := t.TempDir()
	lib, e, inner := openTestLibrary(t, dir)
	inner.gate = make(chan struct{})
	inner.entered = make(chan struct{}, 16)
	var wg sync.WaitGroup
	wg.Add(1)
	var first error
	go func() {
		defer wg.Done()
		_, _, first = lib.Add(context.Background(), []AddRequest{{Name: "harbour.txt", Data: []byte(harbour)}}, nil)
	}()
	// Wait until the add is embedding, then make a second change and ask.
	<-inner.entered
	a, err := e.Ask(context.Background(), AskRequest{Question: "What is the EU mission in Iraq called?"})
	if err != nil || !strings.Contains(a.Text, "EUAM") {
		t.Errorf("question during change: %+v %v", a, err)
	}
	// Another library on the same store (as another process would be).
	other, _, _ := openTestLibrary(t, dir)
	second := strings.ReplaceAll(harbour, "harbour", "airport")
	if _, _, err := other.Add(context.Background(), []AddRequest{{Name: "airport.txt", Data: []byte(second)}}, nil); err != nil {
		t.Errorf("second change: %v", err)
	}
	close(inner.gate)
	wg.Wait()
	if first != nil {
		t.Errorf("first change failed: %v", first)
	}
	for _, id := range []string{"harbour", "airport"} {
		if _, ok := e.Index().Statement(id); !ok {
			t.Errorf("%s missing after both changes", id)
		}
	}
}

// TestLibraryReplaceSameTextFailure: a failed replace with the same text
// leaves the live statement's file alone.
func TestLibraryReplaceSameTextFailure(t *testing.T) {
	dir := t.TempDir()
	lib, _, _ := openTestLibrary(t, dir)
	ctx := context.Background()
	if _, _, err := lib.Add(ctx, []AddRequest{{Name: "harbour.txt", Data: []byte(harbour)}}, nil); err != nil {
		t.Fatal(err)
	}
	// Make the next change fail: an embedder that is down.
	broken := &countingEmbedder{Local: embeddings.NewLocal(64)}
	broken.fail.Store(true)
	lib.docs = broken
	if _, _, err := lib.Add(ctx, []AddRequest{{Name: "harbour.txt", Data: []byte(harbour + "\n\nNew."), Replace: true}}, nil); err == nil {
		t.Fatal("replace succeeded with a broken embedder")
	}
	_, e, _ := openTestLibrary(t, dir)
	if st, ok := e.Index().Statement("harbour"); !ok || len(st.Paragraphs) != 3 {
		t.Fatalf("after a failed replace: %+v", st)
	}
}

// TestLibraryRemoveReplacedBundled: removing an upload that replaced a
// bundled statement keeps it removed after a restart.
func TestLibraryRemoveReplacedBundled(t *testing.T) {
	dir := t.TempDir()
	lib, _, _ := openTestLibrary(t, dir)
	ctx := context.Background()
	if _, _, err := lib.Add(ctx, []AddRequest{{Name: "harbour.txt", Data: []byte(harbour)}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := lib.Add(ctx, []AddRequest{{Name: "2021-06-28-global-coalition-rome.txt", Data: []byte(harbour + "\n\nChanged."), Replace: true}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Remove(ctx, "2021-06-28-global-coalition-rome"); err != nil {
		t.Fatal(err)
	}
	_, e, _ := openTestLibrary(t, dir)
	if _, ok := e.Index().Statement("2021-06-28-global-coalition-rome"); ok {
		t.Error("removed statement came back after a restart")
	}
}
