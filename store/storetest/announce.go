package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/statementbot/statementbot/store"
)

// testAnnounce checks the announcement claims: announcements begin once
// per library with what is stored then marked, later statements (and new
// versions) are unannounced until claimed, and of claimers racing on two
// handles (two processes) exactly one wins each version.
func testAnnounce(t *testing.T, b Backend) {
	ctx := context.Background()
	loc := b.Fresh(t)
	s1, s2 := open(t, b, loc), open(t, b, loc)
	put(t, s1, nil, statement("", "a", "ha"), statement("", "b", "hb"), statement("other", "z", "hz"))

	if got := unannounced(t, s1, ""); len(got) != 0 {
		t.Errorf("unannounced before announcements began: %v", got)
	}
	// Two processes start at once: one begins, the other finds it begun.
	var wins countWins
	var wg sync.WaitGroup
	for _, s := range []store.Store{s1, s2, s1, s2} {
		wg.Go(func() { wins.add(t, func() (bool, error) { return s.StartAnnouncements(ctx, "") }) })
	}
	wg.Wait()
	if wins.n != 1 {
		t.Errorf("%d starts began the announcements, want 1", wins.n)
	}
	if got := unannounced(t, s2, ""); len(got) != 0 {
		t.Errorf("statements stored before announcements began are unannounced: %v", got)
	}

	// A new statement and a new version of a: both to announce, the
	// other library's untouched (its announcements have not begun).
	a2 := statement("", "a", "ha")
	a2.Hash = "sha-a-v2"
	put(t, s2, nil, a2, statement("", "c", "hc"))
	want := []store.StatementVersion{{ID: "a", Hash: "sha-a-v2"}, {ID: "c", Hash: "sha-c"}}
	if got := unannounced(t, s1, ""); !slices.Equal(got, want) {
		t.Errorf("unannounced %v, want %v", got, want)
	}
	if got := unannounced(t, s1, "other"); len(got) != 0 {
		t.Errorf("unannounced in a library whose announcements have not begun: %v", got)
	}

	// Claimers race on each version from both handles: one wins each.
	for _, v := range want {
		var wins countWins
		var wg sync.WaitGroup
		for i := range 8 {
			s := []store.Store{s1, s2}[i%2]
			wg.Go(func() { wins.add(t, func() (bool, error) { return s.ClaimAnnouncement(ctx, v) }) })
		}
		wg.Wait()
		if wins.n != 1 {
			t.Errorf("%v claimed by %d of 8 claimers, want 1", v, wins.n)
		}
	}
	if got := unannounced(t, s2, ""); len(got) != 0 {
		t.Errorf("unannounced after claiming everything: %v", got)
	}

	// A released claim is unannounced again and can be won again; a
	// version marked when announcements began stays marked.
	c := store.StatementVersion{ID: "c", Hash: "sha-c"}
	if err := s1.ReleaseAnnouncement(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s1.ReleaseAnnouncement(ctx, store.StatementVersion{ID: "b", Hash: "sha-b"}); err != nil {
		t.Fatal(err)
	}
	if got := unannounced(t, s2, ""); !slices.Equal(got, []store.StatementVersion{c}) {
		t.Errorf("unannounced after a release: %v, want %v", got, []store.StatementVersion{c})
	}
	if won, err := s2.ClaimAnnouncement(ctx, c); err != nil || !won {
		t.Errorf("claiming a released version: won %v, err %v", won, err)
	}
	if won, err := s1.ClaimAnnouncement(ctx, c); err != nil || won {
		t.Errorf("claiming a claimed version again: won %v, err %v", won, err)
	}
}

// countWins counts the calls that report true.
type countWins struct {
	mu sync.Mutex
	n  int
}

func (c *countWins) add(t *testing.T, call func() (bool, error)) {
	won, err := call()
	if err != nil {
		t.Error(err)
	}
	if won {
		c.mu.Lock()
		c.n++
		c.mu.Unlock()
	}
}

// unannounced lists the unannounced versions of library with Library
// left empty, for comparison.
func unannounced(t *testing.T, s store.Store, library string) []store.StatementVersion {
	t.Helper()
	got, err := s.Unannounced(context.Background(), library)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i].Library != library {
			t.Errorf("unannounced %v in library %q", got[i], library)
		}
		got[i].Library = ""
	}
	return got
}
