package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/statementbot/statementbot/store"
)

// testCatalog: the catalog is the snapshot's statements without their
// paragraphs, with the number of paragraphs in all and per library.
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
	if len(c.LibraryParagraphs) != 2 || c.LibraryParagraphs[""] != 3 || c.LibraryParagraphs["guild-1"] != 1 {
		t.Errorf("paragraphs by library: %v, want shared 3, guild-1 1", c.LibraryParagraphs)
	}
	for i, want := range []store.StatementRecord{a, z, g} {
		if c.Statements[i].Paragraphs != nil {
			t.Errorf("statement %s in the catalog has paragraphs", want.ID)
		}
		want.Paragraphs = nil
		sameStatement(t, c.Statements[i], want, false)
	}
}

// testParagraphOrder: a snapshot orders each statement's paragraphs by
// number, whatever order they were stored in, and keeps statements'
// paragraphs apart when they were stored interleaved.
func testParagraphOrder(t *testing.T, b Backend) {
	s := open(t, b, b.Fresh(t))
	a := statement("", "a", "h1", "h2", "h3")
	z := statement("", "z", "h4", "h5")
	put(t, s, nil, z)
	shuffled := a
	shuffled.Paragraphs = []store.ParagraphRecord{a.Paragraphs[2], a.Paragraphs[0], a.Paragraphs[1]}
	put(t, s, nil, shuffled)
	// Rewriting z's terms may move its rows after a's (PostgreSQL does).
	change(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.PutTerms(ctx, map[string]string{"h5": "moved"})
	})
	z.Paragraphs[1].Terms = "moved"
	sameSnapshot(t, snapshot(t, s), a, z)
}

// testManyParagraphs reads a snapshot of more paragraphs than Snapshot
// reads into one chunk (sqlstore), of statements written out of order.
func testManyParagraphs(t *testing.T, b Backend) {
	s := open(t, b, b.Fresh(t))
	var want []store.StatementRecord
	for i := range 5 {
		hashes := make([]string, 2000+i)
		for j := range hashes {
			hashes[j] = fmt.Sprintf("h%d.%d", i, j)
		}
		want = append(want, statement("", fmt.Sprintf("s%d", i), hashes...))
	}
	put(t, s, nil, want[3], want[0], want[4])
	put(t, s, nil, want[2], want[1])
	sameSnapshot(t, snapshot(t, s), want...)
}
