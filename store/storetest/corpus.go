package storetest

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/statementbot/statementbot/store"
)

// sameStatement fails t unless got is want; Upload and Text only if whole.
func sameStatement(t testing.TB, got, want store.StatementRecord, whole bool) {
	t.Helper()
	if whole {
		if !bytes.Equal(got.Upload, want.Upload) || got.Text != want.Text {
			t.Errorf("statement %s: upload %q text %q, want %q %q", want.ID, got.Upload, got.Text, want.Upload, want.Text)
		}
	} else if len(got.Upload) != 0 || got.Text != "" {
		t.Errorf("statement %s in a snapshot carries its upload or text", want.ID)
	}
	if !got.AddedAt.Equal(want.AddedAt) {
		t.Errorf("statement %s: added at %v, want %v", want.ID, got.AddedAt, want.AddedAt)
	}
	got.Upload, got.Text, got.AddedAt = nil, "", want.AddedAt
	want.Upload, want.Text = nil, ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("statement %s:\n got %+v\nwant %+v", want.ID, got, want)
	}
}

func snapshot(t testing.TB, s store.Store) store.Snapshot {
	t.Helper()
	snap, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return snap
}

func sameSnapshot(t testing.TB, got store.Snapshot, want ...store.StatementRecord) {
	t.Helper()
	if len(got.Statements) != len(want) {
		var ids []string
		for _, r := range got.Statements {
			ids = append(ids, r.Library+"/"+r.ID)
		}
		t.Fatalf("snapshot holds %v, want %d statements", ids, len(want))
	}
	for i := range want {
		sameStatement(t, got.Statements[i], want[i], false)
	}
}

func vectors(t testing.TB, s store.Store, embedder, model string, hashes ...string) map[string][]float32 {
	t.Helper()
	v, err := s.Vectors(context.Background(), embedder, model, hashes)
	if err != nil {
		t.Fatalf("vectors: %v", err)
	}
	return v
}

// haveVectors fails t unless exactly the hashes in want of those asked for
// have a vector of e/m, equal to want's.
func haveVectors(t testing.TB, s store.Store, asked []string, want map[string][]float32) {
	t.Helper()
	got := vectors(t, s, "e", "m", asked...)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("vectors of %v:\n got %v\nwant %v", asked, got, want)
	}
}

func generation(t testing.TB, s store.Store) int64 {
	t.Helper()
	g, err := s.Generation(context.Background())
	if err != nil {
		t.Fatalf("generation: %v", err)
	}
	return g
}

func testRoundTrip(t *testing.T, b Backend) {
	loc := b.Fresh(t)
	s := open(t, b, loc)
	if g := generation(t, s); g != 0 {
		t.Fatalf("a new store is at generation %d, want 0", g)
	}
	sameSnapshot(t, snapshot(t, s))
	// Two libraries hold the same id; the snapshot orders by library, id.
	z := statement("", "z-last", "h1", "h2")
	a := statement("", "a-first", "h3")
	g1 := statement("guild-1", "a-first", "h1")
	empty := statement("", "m-empty")
	empty.Upload, empty.Text = nil, ""
	vecs := map[string][]float32{"h1": vec(1), "h2": vec(2), "h3": vec(3)}
	if g := put(t, s, vecs, z, a, g1, empty); g != 1 {
		t.Errorf("first change: generation %d, want 1", g)
	}
	snap := snapshot(t, s)
	if snap.Generation != 1 {
		t.Errorf("snapshot generation %d, want 1", snap.Generation)
	}
	sameSnapshot(t, snap, a, empty, z, g1)
	for _, want := range []store.StatementRecord{z, g1, empty} {
		got, err := s.Statement(context.Background(), want.Library, want.ID)
		if err != nil {
			t.Fatalf("statement %s: %v", want.ID, err)
		}
		sameStatement(t, got, want, true)
	}
	if _, err := s.Statement(context.Background(), "guild-1", "z-last"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("statement of another library: %v, want ErrNotFound", err)
	}
	haveVectors(t, s, []string{"h1", "h2", "h3", "h4"}, vecs)
	if v := vectors(t, s, "e", "other-model", "h1"); len(v) != 0 {
		t.Errorf("another model's vectors: %v, want none", v)
	}
	// A second handle (another process) sees the same, after reopening too.
	sameSnapshot(t, snapshot(t, open(t, b, loc)), a, empty, z, g1)
}

func testReplace(t *testing.T, b Backend) {
	s := open(t, b, b.Fresh(t))
	put(t, s, map[string][]float32{"h1": vec(1), "h2": vec(2), "h4": vec(4)}, statement("", "s", "h1", "h2", "h4"))
	next := statement("", "s", "h1", "h3")
	next.Title, next.Upload, next.Text = "New title", []byte("new upload"), "new text"
	if g := put(t, s, map[string][]float32{"h3": vec(3)}, next); g != 2 {
		t.Errorf("replacing: generation %d, want 2", g)
	}
	sameSnapshot(t, snapshot(t, s), next)
	got, err := s.Statement(context.Background(), "", "s")
	if err != nil {
		t.Fatal(err)
	}
	sameStatement(t, got, next, true)
	// h2 and h4 lost their only paragraphs in the replacement.
	haveVectors(t, s, []string{"h1", "h2", "h3", "h4"}, map[string][]float32{"h1": vec(1), "h3": vec(3)})
}

func testDelete(t *testing.T, b Backend) {
	s := open(t, b, b.Fresh(t))
	keep := statement("", "keep", "shared")
	put(t, s, map[string][]float32{"shared": vec(1), "own": vec(2)}, keep, statement("", "gone", "shared", "own"))
	g := change(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteStatement(ctx, "", "gone") })
	if g != 2 {
		t.Errorf("deleting: generation %d, want 2", g)
	}
	sameSnapshot(t, snapshot(t, s), keep)
	haveVectors(t, s, []string{"shared", "own"}, map[string][]float32{"shared": vec(1)})
	_, err := s.Change(context.Background(), func(ctx context.Context, tx store.Tx) error { return tx.DeleteStatement(ctx, "", "gone") })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting a missing statement: %v, want ErrNotFound", err)
	}
	if g := generation(t, s); g != 2 {
		t.Errorf("a failed change moved the generation to %d", g)
	}
}

func testVacuum(t *testing.T, b Backend) {
	s := open(t, b, b.Fresh(t))
	// Vectors of one text under two embedders and models go together.
	change(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.PutStatement(ctx, statement("", "s", "h1", "h2")); err != nil {
			return err
		}
		for _, em := range [][2]string{{"e", "m"}, {"e", "m2"}, {"e2", "m"}} {
			if err := tx.PutVectors(ctx, em[0], em[1], map[string][]float32{"h1": vec(1), "h2": vec(2)}); err != nil {
				return err
			}
		}
		// No paragraph has this text: dropped when the change commits.
		return tx.PutVectors(ctx, "e", "m", map[string][]float32{"stray": vec(9)})
	})
	haveVectors(t, s, []string{"h1", "h2", "stray"}, map[string][]float32{"h1": vec(1), "h2": vec(2)})
	// A failed change that would have orphaned h2 keeps it: the vacuum is
	// part of the change's transaction.
	failed := errors.New("refused")
	_, err := s.Change(context.Background(), func(ctx context.Context, tx store.Tx) error {
		if err := tx.PutStatement(ctx, statement("", "s", "h1")); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("failed change: %v", err)
	}
	haveVectors(t, s, []string{"h1", "h2"}, map[string][]float32{"h1": vec(1), "h2": vec(2)})
	put(t, s, nil, statement("", "s", "h1"))
	for _, em := range [][2]string{{"e", "m"}, {"e", "m2"}, {"e2", "m"}} {
		got := vectors(t, s, em[0], em[1], "h1", "h2")
		if _, ok := got["h2"]; ok || len(got) != 1 {
			t.Errorf("%s/%s after h2 was orphaned: %v, want h1 only", em[0], em[1], got)
		}
		// Every vector of the model at once (a start reads them beside
		// the snapshot): the same, and none of another model's.
		if mv, ok := s.(interface {
			ModelVectors(ctx context.Context, embedder, model string) (map[string][]float32, error)
		}); ok {
			all, err := mv.ModelVectors(context.Background(), em[0], em[1])
			if err != nil || len(all) != 1 || !slices.Equal(all["h1"], vec(1)) {
				t.Errorf("ModelVectors(%s, %s) after h2 was orphaned: %v %v, want h1 only", em[0], em[1], all, err)
			}
		}
	}
	// Many orphans at once, more than one batch of the vacuum.
	var hashes []string
	many := map[string][]float32{}
	for i := range 700 {
		h := "many-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		hashes = append(hashes, h)
		many[h] = vec(i)
	}
	put(t, s, many, statement("", "big", hashes...))
	if got := vectors(t, s, "e", "m", hashes...); len(got) != len(hashes) {
		t.Fatalf("stored %d of %d vectors", len(got), len(hashes))
	}
	change(t, s, func(ctx context.Context, tx store.Tx) error { return tx.DeleteStatement(ctx, "", "big") })
	if got := vectors(t, s, "e", "m", hashes...); len(got) != 0 {
		t.Errorf("%d vectors of a deleted statement left", len(got))
	}
}

func testFailedChange(t *testing.T, b Backend) {
	s := open(t, b, b.Fresh(t))
	first := statement("", "first", "h1")
	put(t, s, map[string][]float32{"h1": vec(1)}, first)
	failed := errors.New("refused")
	_, err := s.Change(context.Background(), func(ctx context.Context, tx store.Tx) error {
		if err := tx.PutStatement(ctx, statement("", "second", "h2")); err != nil {
			return err
		}
		if err := tx.PutVectors(ctx, "e", "m", map[string][]float32{"h2": vec(2)}); err != nil {
			return err
		}
		if err := tx.DeleteStatement(ctx, "", "first"); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("failed change returned %v", err)
	}
	snap := snapshot(t, s)
	if snap.Generation != 1 {
		t.Errorf("generation %d after a failed change, want 1", snap.Generation)
	}
	sameSnapshot(t, snap, first)
	haveVectors(t, s, []string{"h1", "h2"}, map[string][]float32{"h1": vec(1)})
	// A statement that cannot be stored fails its change.
	bad := statement("", "bad", "h1", "h1")
	bad.Paragraphs[1].N = 1
	if _, err := s.Change(context.Background(), func(ctx context.Context, tx store.Tx) error { return tx.PutStatement(ctx, bad) }); err == nil {
		t.Error("two paragraphs numbered 1 were stored")
	}
}

func testTxReads(t *testing.T, b Backend) {
	s := open(t, b, b.Fresh(t))
	put(t, s, nil, statement("", "old"))
	change(t, s, func(ctx context.Context, tx store.Tx) error {
		if tx.Generation() != 1 {
			t.Errorf("tx generation %d, want 1", tx.Generation())
		}
		next := statement("", "new", "h1")
		if err := tx.PutStatement(ctx, next); err != nil {
			return err
		}
		got, err := tx.Statement(ctx, "", "new")
		if err != nil {
			return err
		}
		sameStatement(t, got, next, true)
		if err := tx.DeleteStatement(ctx, "", "old"); err != nil {
			return err
		}
		if _, err := tx.Statement(ctx, "", "old"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a statement deleted in this change: %v, want ErrNotFound", err)
		}
		return nil
	})
	ids := []string{}
	for _, r := range snapshot(t, s).Statements {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []string{"new"}) {
		t.Errorf("after the change: %v, want [new]", ids)
	}
}
