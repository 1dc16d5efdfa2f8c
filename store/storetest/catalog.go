package storetest

import (
	"context"
	"testing"

	"github.com/statementbot/statementbot/store"
)

// testCatalog: the catalog is the snapshot's statements without their
// paragraphs, with the number of paragraphs in all.
func testCatalog(t *testing.T, b Backend) {
	s := open(t, b, b.Fresh(t))
	z, a, g := statement("", "z-last", "h1"), statement("", "a-first", "h2", "h3"), statement("guild-1", "a-first", "h4")
	gen := put(t, s, nil, z, a, g)
	c, err := s.Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Generation != gen || c.Paragraphs != 4 || len(c.Statements) != 3 {
		t.Fatalf("catalog: generation %d, %d paragraphs, %d statements; want %d, 4, 3", c.Generation, c.Paragraphs, len(c.Statements), gen)
	}
	for i, want := range []store.StatementRecord{a, z, g} {
		if c.Statements[i].Paragraphs != nil {
			t.Errorf("statement %s in the catalog has paragraphs", want.ID)
		}
		want.Paragraphs = nil
		sameStatement(t, c.Statements[i], want, false)
	}
}
