package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/statementbot/statementbot/store"
)

// testTexts: Texts gives every statement with its text, not its upload or
// paragraphs, ordered by library and id, and stops at fn's error.
func testTexts(t *testing.T, b Backend) {
	s := open(t, b, b.Fresh(t))
	z, a, g := statement("", "z-last", "h1"), statement("", "a-first", "h2", "h3"), statement("guild-1", "a-first", "h4")
	put(t, s, nil, z, a, g)
	var got []store.StatementRecord
	if err := s.Texts(context.Background(), func(r store.StatementRecord) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []store.StatementRecord{a, z, g}
	if len(got) != len(want) {
		t.Fatalf("%d statements, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Text != w.Text || got[i].Upload != nil || got[i].Paragraphs != nil {
			t.Errorf("statement %s/%s: text %q, upload %q, %d paragraphs; want text %q alone", got[i].Library, got[i].ID, got[i].Text, got[i].Upload, len(got[i].Paragraphs), w.Text)
		}
		got[i].Text, got[i].Paragraphs = "", w.Paragraphs
		sameStatement(t, got[i], w, false)
	}
	stop := errors.New("enough")
	n := 0
	err := s.Texts(context.Background(), func(store.StatementRecord) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn failing at once: called %d times, returned %v", n, err)
	}
}
