package storetest

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/statementbot/statementbot/store"
)

// testKilled kills a process (this test binary again, with kill -9) in the
// middle of a change that has written a statement, replaced another and
// deleted a third: the store keeps the state before it, whole, and the
// next change goes through.
func testKilled(t *testing.T, b Backend) {
	if v := os.Getenv(childEnv); v != "" {
		_, loc, _ := strings.Cut(v, "\t")
		killedChild(t, b, loc)
		return
	}
	loc := b.Fresh(t)
	s := open(t, b, loc)
	keep, replaced, deleted := statement("", "keep", "k1"), statement("", "replaced", "r1", "r2"), statement("", "deleted", "d1")
	vecs := map[string][]float32{"k1": vec(1), "r1": vec(2), "r2": vec(3), "d1": vec(4)}
	put(t, s, vecs, keep, replaced, deleted)
	cmd := again(t, "killed", loc)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	inside := false
	for !inside && sc.Scan() {
		inside = sc.Text() == "storetest-inside"
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if !inside {
		t.Fatal("the child process never got inside its change")
	}
	after := open(t, b, loc)
	snap := snapshot(t, after)
	if snap.Generation != 1 {
		t.Errorf("generation %d after a killed change, want 1", snap.Generation)
	}
	sameSnapshot(t, snap, deleted, keep, replaced)
	all := []string{"k1", "r1", "r2", "d1", "new1", "new2"}
	haveVectors(t, after, all, vecs)
	if g := put(t, after, nil, statement("", "next")); g != 2 {
		t.Errorf("the change after a killed one: generation %d, want 2", g)
	}
}

// killedChild writes inside a change, says so, and waits to be killed.
func killedChild(t *testing.T, b Backend, loc string) {
	s := open(t, b, loc)
	s.Change(context.Background(), func(ctx context.Context, tx store.Tx) error {
		if err := tx.PutStatement(ctx, statement("", "new", "new1", "new2")); err != nil {
			return err
		}
		if err := tx.PutVectors(ctx, "e", "m", map[string][]float32{"new1": vec(5), "new2": vec(6)}); err != nil {
			return err
		}
		if err := tx.PutStatement(ctx, statement("", "replaced", "new1")); err != nil {
			return err
		}
		if err := tx.DeleteStatement(ctx, "", "deleted"); err != nil {
			return err
		}
		os.Stdout.WriteString("storetest-inside\n")
		time.Sleep(time.Hour) // until killed
		return nil
	})
}
