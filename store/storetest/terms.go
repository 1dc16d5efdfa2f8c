package storetest

import (
	"context"
	"testing"

	"github.com/statementbot/statementbot/store"
)

// testTerms: PutTerms sets the terms of every paragraph with a text hash
// it names, in every library, and leaves the others as they are.
func testTerms(t *testing.T, b Backend) {
	loc := b.Fresh(t)
	s := open(t, b, loc)
	one := statement("", "one", "h1", "h2", "h3")
	two := statement("guild-1", "two", "h4", "h2")
	put(t, s, nil, one, two)
	g := change(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.PutTerms(ctx, map[string]string{"h2": "new h2", "h4": "new h4", "h-none": "nobody's"})
	})
	one.Paragraphs[1].Terms = "new h2"
	two.Paragraphs[0].Terms, two.Paragraphs[1].Terms = "new h4", "new h2"
	snap := snapshot(t, open(t, b, loc))
	if snap.Generation != g {
		t.Errorf("snapshot generation %d, want %d", snap.Generation, g)
	}
	sameSnapshot(t, snap, one, two)
	got, err := s.Statement(context.Background(), "guild-1", "two")
	if err != nil {
		t.Fatal(err)
	}
	sameStatement(t, got, two, true)
}
