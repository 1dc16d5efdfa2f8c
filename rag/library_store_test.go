package rag

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/sqlite"
)

// waitFor polls cond until it holds or a generous deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func answers(e *Engine, question, want string) bool {
	a, err := e.Ask(context.Background(), AskRequest{Question: question})
	return err == nil && strings.Contains(a.Text, want)
}

// TestLibraryFollowsOtherProcesses: a serving library (Follow running)
// answers from a statement another process added, and its own next change
// keeps that statement.
func TestLibraryFollowsOtherProcesses(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			loc := b.fresh(t)
			server, e, _ := openLibraryOn(t, b.openOn(t, loc), "")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			followed := make(chan struct{})
			go func() { defer close(followed); server.Follow(ctx) }()
			defer func() { cancel(); <-followed }()

			cli, _, _ := openLibraryOn(t, b.openOn(t, loc), "")
			if _, _, err := cli.Add(ctx, []AddRequest{{Name: "harbour.txt", Data: []byte(harbour)}}, nil); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the server to answer from the statement added elsewhere", func() bool {
				return answers(e, "What budget did the delegates approve?", "four million euros")
			})
			// The server's own change keeps the other's statement.
			airport := strings.ReplaceAll(harbour, "harbour", "airport")
			if _, _, err := server.Add(ctx, []AddRequest{{Name: "airport.txt", Data: []byte(airport)}}, nil); err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"harbour", "airport", "2021-06-28-global-coalition-rome"} {
				if _, ok := e.Index().Statement(id); !ok {
					t.Errorf("server index lacks %s", id)
				}
			}
			_, fresh, inner := openLibraryOn(t, b.openOn(t, loc), "")
			if n := len(fresh.Index().Statements()); n != 3 {
				t.Errorf("store holds %d statements, want 3", n)
			}
			if inner.texts.Load() != 0 {
				t.Errorf("a new process embedded %d paragraphs, want 0", inner.texts.Load())
			}
		})
	}
}

// TestLibraryReadOnly: a read-only store answers, with vectors it lacks
// (another embedder's) computed in memory, and refuses changes; a data
// dir without a store that cannot have one is read into memory.
func TestLibraryReadOnly(t *testing.T) {
	dir := t.TempDir()
	lib, _, _ := openTestLibrary(t, dir)
	if _, _, err := lib.Add(context.Background(), []AddRequest{{Name: "harbour.txt", Data: []byte(harbour)}}, nil); err != nil {
		t.Fatal(err)
	}
	ro := openStore(t, dir, sqlite.Options{ReadOnly: true})
	other := &countingEmbedder{Local: embeddings.NewLocal(32)} // another model: nothing stored for it
	rlib, ix, _, err := OpenLibrary(context.Background(), LibraryConfig{Store: ro, Docs: otherModel{other}})
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(ix, Config{Queries: other.Local})
	rlib.SetEngine(e)
	if !answers(e, "What budget did the delegates approve?", "four million euros") {
		t.Error("read-only store does not answer")
	}
	if other.texts.Load() != 13 {
		t.Errorf("embedded %d paragraphs in memory, want 13", other.texts.Load())
	}
	if _, _, err := rlib.Add(context.Background(), []AddRequest{{Name: "x.txt", Data: []byte(strings.ReplaceAll(harbour, "harbour", "x"))}}, nil); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("add to a read-only store: %v, want ErrReadOnly", err)
	}

	// No store at all: the bundled statements, in memory.
	mem, e2, _ := openLibraryOn(t, nil, t.TempDir())
	if !answers(e2, "What is the EU mission in Iraq called?", "EUAM") {
		t.Error("in-memory library does not answer")
	}
	if _, err := mem.Remove(context.Background(), "2021-06-28-global-coalition-rome"); !errors.Is(err, ErrNoStore) {
		t.Errorf("change without a store: %v", err)
	}
}

// otherModel names the embedder's model apart from the counting one's.
type otherModel struct{ *countingEmbedder }

func (otherModel) Model() string { return "other" }

// writeLegacyDir makes a data dir as earlier versions left it: a manifest
// naming a bundled statement and an added one, the added one's file, and
// an embedding cache holding the added one's vectors (for emb), plus a
// file of the operator's own.
func writeLegacyDir(t *testing.T, dir string, emb NamedEmbedder) {
	t.Helper()
	st, err := parseText("2024-03-03-harbour", harbour)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("statements", "2024-03-03-harbour."+st.Hash[:12]+".txt")
	manifest := fmt.Sprintf(`{"version": 1, "statements": [
  {"id": "2021-06-28-global-coalition-rome", "file": "bundled:2021-06-28-global-coalition-rome.txt", "hash": "", "title": "", "date": "", "added_at": "0001-01-01T00:00:00Z"},
  {"id": "2024-03-03-harbour", "file": %q, "hash": %q, "title": %q, "date": %q, "added_at": "2024-03-04T10:00:00Z"}
]}`, file, st.Hash, st.Title, st.Date)
	var texts []string
	for _, p := range st.Paragraphs {
		texts = append(texts, IndexText(st, p))
	}
	vecs, err := emb.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"manifest.json":        []byte(manifest),
		file:                   []byte(harbour),
		"statements/notes.txt": []byte("the operator's own notes"),
		"cache/" + embeddings.LegacyCacheFile(emb.Name(), emb.Model()): legacyCache(texts, vecs),
	}
	for name, data := range files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// dirContents maps every file under dir but the store's to its bytes.
func dirContents(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), sqlite.FileName) {
			return err
		}
		data, err := os.ReadFile(path)
		out[path] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLibraryImportsLegacyDir: a data dir of an earlier version is
// imported into the new store once, with its cached vectors, and left as
// it was; a read-only one without a store is served from memory.
func TestLibraryImportsLegacyDir(t *testing.T) {
	dir := t.TempDir()
	writeLegacyDir(t, dir, &countingEmbedder{Local: embeddings.NewLocal(64)})
	before := dirContents(t, dir)

	// Read-only, no store: served in memory, nothing written.
	_, mem, memEmb := openLibraryOn(t, nil, dir)
	if !answers(mem, "What budget did the delegates approve?", "four million euros") {
		t.Error("the old data dir is not served from memory")
	}
	if got := memEmb.texts.Load(); got != 10 {
		t.Errorf("in memory, embedded %d paragraphs, want 10 (the old cache has the added statement's)", got)
	}
	if entries, _ := os.ReadDir(dir); slices.ContainsFunc(entries, func(e os.DirEntry) bool { return strings.HasPrefix(e.Name(), sqlite.FileName) }) {
		t.Error("serving from memory made a store")
	}

	// Writable: imported once.
	_, e, inner := openTestLibrary(t, dir)
	if !answers(e, "What budget did the delegates approve?", "four million euros") {
		t.Error("imported statement not answered")
	}
	if got := inner.texts.Load(); got != 10 {
		t.Errorf("import embedded %d paragraphs, want 10", got)
	}
	if st, _ := e.Index().Statement("2024-03-03-harbour"); st == nil || st.Title != "Harbour Notice" {
		t.Errorf("imported statement: %+v", st)
	}
	// A later start reads the store: nothing parsed from the old files
	// (a changed old file does not matter), nothing embedded.
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{"version": 1, "statements": []}`), 0o644)
	_, e2, inner2 := openTestLibrary(t, dir)
	if n := len(e2.Index().Statements()); n != 2 || inner2.texts.Load() != 0 {
		t.Errorf("second start: %d statements, %d embedded", n, inner2.texts.Load())
	}
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(before[filepath.Join(dir, "manifest.json")]), 0o644)
	after := dirContents(t, dir)
	if len(after) != len(before) {
		t.Errorf("files before %d, after %d", len(before), len(after))
	}
	for name, data := range before {
		if after[name] != data {
			t.Errorf("%s changed or went", name)
		}
	}
}

func parseText(id, text string) (*Statement, error) {
	return ingest.Parse(id, []byte(text), Metadata{})
}

// legacyCache renders vectors of texts as the old embedding cache file.
func legacyCache(texts []string, vecs [][]float32) []byte {
	b := append([]byte(nil), embeddings.LegacyCacheMagic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(vecs[0])))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(texts)))
	for i, text := range texts {
		sum := sha256.Sum256([]byte(text))
		b = append(b, sum[:]...)
		for _, x := range vecs[i] {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// TestConcurrentAddsChild is a child process of
// TestLibraryConcurrentProcesses: it adds statements from many goroutines
// and prints the id of each it was told succeeded.
func TestConcurrentAddsChild(t *testing.T) {
	loc, who := os.Getenv("STATEMENTBOT_ADDS_CHILD"), os.Getenv("STATEMENTBOT_ADDS_WHO")
	if loc == "" {
		t.Skip("child of TestLibraryConcurrentProcesses")
	}
	b := sqliteBackend
	for _, x := range backends() {
		if x.name == os.Getenv("STATEMENTBOT_ADDS_BACKEND") {
			b = x
		}
	}
	lib, _, _ := openLibraryOn(t, b.openOn(t, loc), "")
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range addsPerProcess {
		wg.Go(func() {
			id := fmt.Sprintf("%s-%02d", who, i)
			text := strings.ReplaceAll(harbour, "harbour", "harbour "+id)
			_, _, err := lib.Add(context.Background(), []AddRequest{{Name: id + ".txt", Data: []byte(text)}}, nil)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				fmt.Printf("failed %s: %v\n", id, err)
				return
			}
			fmt.Printf("added %s\n", id)
		})
	}
	wg.Wait()
}

const addsPerProcess = 20

// TestLibraryConcurrentProcesses: two processes add 20 statements each,
// all at once: every add reported as done is in the store, and none is
// lost.
func TestLibraryConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			loc := b.fresh(t)
			openLibraryOn(t, b.openOn(t, loc), "") // seeded before the race
			var cmds []*exec.Cmd
			var outs []*bufio.Scanner
			for _, who := range []string{"a", "b"} {
				cmd := exec.Command(exe, "-test.run=^TestConcurrentAddsChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), "STATEMENTBOT_ADDS_CHILD="+loc, "STATEMENTBOT_ADDS_WHO="+who, "STATEMENTBOT_ADDS_BACKEND="+b.name)
				stdout, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				cmds, outs = append(cmds, cmd), append(outs, bufio.NewScanner(stdout))
			}
			var reported []string
			for i, cmd := range cmds {
				for outs[i].Scan() {
					line := outs[i].Text()
					if id, ok := strings.CutPrefix(line, "added "); ok {
						reported = append(reported, id)
					} else if strings.HasPrefix(line, "failed ") {
						t.Error(line)
					}
				}
				if err := cmd.Wait(); err != nil {
					t.Errorf("child: %v", err)
				}
			}
			_, e, _ := openLibraryOn(t, b.openOn(t, loc), "")
			for _, id := range reported {
				if _, ok := e.Index().Statement(id); !ok {
					t.Errorf("%s was reported added but is not stored", id)
				}
			}
			if len(reported) != 2*addsPerProcess || len(e.Index().Statements()) != 2*addsPerProcess+1 {
				t.Errorf("%d adds reported, %d statements stored; want %d and %d", len(reported), len(e.Index().Statements()), 2*addsPerProcess, 2*addsPerProcess+1)
			}
		})
	}
}

// TestLibraryChangesOnly: a library opened for changes only (the CLI's
// add, remove, reindex) builds no index, and its changes are whole and
// summed up as an answering library's are.
func TestLibraryChangesOnly(t *testing.T) {
	dir := t.TempDir()
	inner := &countingEmbedder{Local: embeddings.NewLocal(64)}
	lib, ix, _, err := OpenLibrary(context.Background(), LibraryConfig{Store: openStore(t, dir, sqlite.Options{}), Bundled: bundledFS(t), Docs: inner, ChangesOnly: true})
	if err != nil || ix != nil || lib.Index() != nil {
		t.Fatalf("changes-only open: index %v, err %v", ix, err)
	}
	if inner.texts.Load() != 0 {
		t.Errorf("changes-only open embedded %d paragraphs", inner.texts.Load())
	}
	stats, _, err := lib.Add(context.Background(), []AddRequest{{Name: "harbour.txt", Data: []byte(harbour)}}, nil)
	if err != nil || stats.Added != 3 || stats.Statements != 2 || stats.Paragraphs != 13 || stats.Embedded != 3 {
		t.Errorf("add: %+v %v", stats, err)
	}
	if _, _, err := lib.Add(context.Background(), []AddRequest{{Name: "copy.txt", Data: []byte(harbour)}}, nil); err == nil || !strings.Contains(err.Error(), "already indexed as") {
		t.Errorf("same text under another id: %v", err)
	}
	stats, err = lib.Remove(context.Background(), "harbour")
	if err != nil || stats.Removed != 3 || stats.Statements != 1 {
		t.Errorf("remove: %+v %v", stats, err)
	}
	if _, err := lib.Remove(context.Background(), "2021-06-28-global-coalition-rome"); err == nil {
		t.Error("removed the last statement")
	}
	_, e, _ := openTestLibrary(t, dir)
	if n := len(e.Index().Statements()); n != 1 {
		t.Errorf("store holds %d statements, want 1", n)
	}
}

// TestLibraryImportsDamagedLegacyDir: an old data dir whose manifest is
// damaged still gives up its statements: the statement files are
// imported by their names, foreign files left out (and in place).
func TestLibraryImportsDamagedLegacyDir(t *testing.T) {
	dir := t.TempDir()
	writeLegacyDir(t, dir, &countingEmbedder{Local: embeddings.NewLocal(64)})
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, e, _ := openTestLibrary(t, dir)
	var ids []string
	for _, st := range e.Index().Statements() {
		ids = append(ids, st.ID)
	}
	slices.Sort(ids)
	if strings.Join(ids, " ") != "2021-06-28-global-coalition-rome 2024-03-03-harbour" {
		t.Errorf("imported %v", ids)
	}
	if _, err := os.Stat(filepath.Join(dir, "statements", "notes.txt")); err != nil {
		t.Errorf("a foreign file went: %v", err)
	}
}
