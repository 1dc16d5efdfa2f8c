package rag

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/store/sqlite"
)

// slowEmbedder takes its time, so a change can be killed in the middle.
type slowEmbedder struct{ *embeddings.Local }

func (s slowEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	time.Sleep(time.Duration(len(texts)) * 300 * time.Microsecond)
	return s.Local.Embed(ctx, texts)
}
func (slowEmbedder) Name() string  { return "slow" }
func (slowEmbedder) Model() string { return "m" }

// bigStatement has n paragraphs.
func bigStatement(n int, salt string) []byte {
	var b strings.Builder
	b.WriteString("Big Statement\n\nMay 5, 2024 - Capital - Ministry\n\n")
	for i := range n {
		fmt.Fprintf(&b, "Paragraph %d (%s) says that the ministers agreed on item number %d of the plan.\n\n", i, salt, i)
	}
	return []byte(b.String())
}

// childLibrary opens the library over the store in dir; close closes
// the store.
func childLibrary(dir string) (lib *Library, e *Engine, close func(), err error) {
	st, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		return nil, nil, nil, err
	}
	lib, ix, _, err := OpenLibrary(context.Background(), LibraryConfig{Store: st, Bundled: bundledFS(nilTB{}), Docs: slowEmbedder{embeddings.NewLocal(64)}})
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	e = NewEngine(ix, Config{Queries: embeddings.NewLocal(64)})
	lib.SetEngine(e)
	return lib, e, func() { st.Close() }, nil
}

// forgetVectors deletes every stored vector of the store in dir.
func forgetVectors(t *testing.T, dir string) {
	st := openStore(t, dir, sqlite.Options{})
	if _, err := st.SQL().Exec("DELETE FROM vectors"); err != nil {
		t.Fatal(err)
	}
	st.Close()
}

// TestKillChild is the child process of TestKillDuringChanges: it runs one
// change and is killed by its parent at some point.
func TestKillChild(t *testing.T) {
	dir := os.Getenv("STATEMENTBOT_KILL_CHILD")
	if dir == "" {
		t.Skip("child of TestKillDuringChanges")
	}
	lib, _, _, err := childLibrary(dir)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("ready")
	switch os.Getenv("STATEMENTBOT_KILL_MODE") {
	case "add":
		_, _, err = lib.Add(context.Background(), []AddRequest{{Name: "big.txt", Data: bigStatement(400, "v2"), Replace: true}}, nil)
	case "reindex":
		_, err = lib.Reindex(context.Background(), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("done")
}

// nilTB satisfies readSeed's testing.TB outside a test.
type nilTB struct{ testing.TB }

func (nilTB) Helper()                   {}
func (nilTB) Fatal(args ...any)         { panic(fmt.Sprint(args...)) }
func (nilTB) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }

// TestKillDuringChanges kills (SIGKILL) a process in the middle of adding
// a 400-paragraph statement or reindexing, at many points, and checks that
// a restart always finds the old or the new corpus, whole, and answers.
func TestKillDuringChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]int{}
	for round := range 12 {
		mode := "add"
		if round%2 == 1 {
			mode = "reindex"
		}
		dir := t.TempDir()
		// The starting corpus: the seed plus big.txt version 1.
		lib, _, closeLib, err := childLibrary(dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := lib.Add(context.Background(), []AddRequest{{Name: "big.txt", Data: bigStatement(400, "v1")}}, nil); err != nil {
			t.Fatal(err)
		}
		closeLib()
		if mode == "reindex" {
			// Forget every vector, so the reindex has work to do.
			forgetVectors(t, dir)
		}
		cmd := exec.Command(exe, "-test.run=^TestKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "STATEMENTBOT_KILL_CHILD="+dir, "STATEMENTBOT_KILL_MODE="+mode)
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 6)
		_, _ = stdout.Read(buf) // "ready\n": the child opened the library
		// Kill somewhere in the change (the add embeds for ~120 ms, then commits).
		time.Sleep(time.Duration(round*35) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()

		lib2, e, closeLib2, err := childLibrary(dir)
		if err != nil {
			t.Fatalf("round %d (%s): restart failed: %v", round, mode, err)
		}
		defer closeLib2()
		st, ok := e.Index().Statement("big")
		if !ok || len(st.Paragraphs) != 401 {
			t.Fatalf("round %d: big statement missing or partial after restart", round)
		}
		version := "v1"
		if strings.Contains(st.Paragraphs[1].Text, "(v2)") {
			version = "v2"
		}
		for _, p := range st.Paragraphs[1:] {
			if !strings.Contains(p.Text, "("+version+")") {
				t.Fatalf("round %d: statement mixes versions: %q", round, p.Text)
			}
		}
		outcomes[mode+" "+version]++
		a, err := e.Ask(context.Background(), AskRequest{Question: "What is the EU mission in Iraq called?"})
		if err != nil || !strings.Contains(a.Text, "EUAM") {
			t.Fatalf("round %d: not answering after restart: %+v %v", round, a, err)
		}
		// The library works on: the change can be made now.
		if _, _, err := lib2.Add(context.Background(), []AddRequest{{Name: "big.txt", Data: bigStatement(400, "v3"), Replace: true}}, nil); err != nil {
			t.Fatalf("round %d: change after restart: %v", round, err)
		}
	}
	t.Logf("outcomes after kill -9: %v", outcomes)
}
