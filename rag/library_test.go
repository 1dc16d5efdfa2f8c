package rag

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/statementbot/statementbot/embeddings"
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

// openTestLibrary opens a library over dir with a cached counting embedder.
func openTestLibrary(t *testing.T, dir string) (*Library, *Engine, *countingEmbedder) {
	t.Helper()
	inner := &countingEmbedder{Local: embeddings.NewLocal(64)}
	cache, err := embeddings.OpenCache(filepath.Join(dir, "cache"), inner)
	if err != nil {
		t.Fatal(err)
	}
	lib, ix, _, err := OpenLibrary(context.Background(), LibraryConfig{Dir: dir, Bundled: bundledFS(t), Docs: cache})
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
	if files, _ := filepath.Glob(filepath.Join(dir, "statements", "*")); len(files) != 1 {
		t.Errorf("after same-text replace: files %v", files)
	}

	// Reindex of an unchanged corpus embeds nothing.
	before := inner.texts.Load()
	var progress []int
	stats, err = lib.Reindex(ctx, func(done, total int) { progress = append(progress, done) })
	if err != nil || stats.Embedded != 0 || stats.Added+stats.Changed+stats.Removed != 0 || inner.texts.Load() != before {
		t.Errorf("reindex: %+v %v (embedded %d)", stats, err, inner.texts.Load()-before)
	}
	if len(progress) == 0 || progress[len(progress)-1] != 13 {
		t.Errorf("progress = %v", progress)
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
	files, _ := filepath.Glob(filepath.Join(dir, "statements", "*"))
	if len(files) != 0 {
		t.Errorf("statement files left after remove: %v", files)
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
	files, _ := filepath.Glob(filepath.Join(dir, "statements", "*"))
	if len(files) != 0 {
		t.Errorf("failed add left files: %v", files)
	}
	if got := lib.Statements(); len(got) != 1 {
		t.Errorf("manifest after failed add: %v", got)
	}
	// Bad input changes nothing either.
	for _, data := range [][]byte{nil, []byte("\x00\x01binary"), []byte("  ")} {
		if _, _, err := lib.Add(context.Background(), []AddRequest{{Name: "x.txt", Data: data}}, nil); err == nil {
			t.Errorf("bad input %q accepted", data)
		}
	}
}

func TestLibraryBusy(t *testing.T) {
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
	// Wait until the add is embedding, then try a second change and a
	// question.
	<-inner.entered
	if _, err := lib.Reindex(context.Background(), nil); !errors.Is(err, ErrBusy) {
		t.Errorf("second change: err = %v, want ErrBusy", err)
	}
	a, err := e.Ask(context.Background(), AskRequest{Question: "What is the EU mission in Iraq called?"})
	if err != nil || !strings.Contains(a.Text, "EUAM") {
		t.Errorf("question during change: %+v %v", a, err)
	}
	close(inner.gate)
	wg.Wait()
	if first != nil {
		t.Errorf("first change failed: %v", first)
	}
}

func TestLibraryOrphansAndDamage(t *testing.T) {
	dir := t.TempDir()
	openTestLibrary(t, dir)
	orphan := filepath.Join(dir, "statements", "crashed.abc.txt")
	if err := os.WriteFile(orphan, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	openTestLibrary(t, dir)
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Error("orphan statement file not cleaned up")
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := OpenLibrary(context.Background(), LibraryConfig{Dir: dir, Bundled: bundledFS(t), Docs: embeddings.NewLocal(64)})
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged manifest: err = %v", err)
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
	// Make the next build fail: an embedder that is down, no cache.
	broken := &countingEmbedder{Local: embeddings.NewLocal(64)}
	broken.fail.Store(true)
	lib.docs = broken
	if _, _, err := lib.Add(ctx, []AddRequest{{Name: "harbour.txt", Data: []byte(harbour), Replace: true}}, nil); err == nil {
		t.Fatal("replace succeeded with a broken embedder")
	}
	if _, _, _, err := OpenLibrary(ctx, LibraryConfig{Dir: dir, Bundled: bundledFS(t), Docs: embeddings.NewLocal(64)}); err != nil {
		t.Fatalf("library no longer opens after a failed replace: %v", err)
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
