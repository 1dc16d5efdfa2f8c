package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/statementbot/statementbot/store"
)

// testLibraries: one id in the shared library and in two servers' is three
// statements; usage and ids are per library and see the change's own
// writes; answers and votes keep the server they came from.
func testLibraries(t *testing.T, b Backend) {
	ctx := context.Background()
	loc := b.Fresh(t)
	s := open(t, b, loc)
	shared, g1, g2 := statement("", "same", "h1"), statement("111", "same", "h2"), statement("222", "same", "h3")
	g1.Text = "Texte de Genève" // bytes, not characters, count
	put(t, s, nil, shared, g1, g2, statement("111", "other", "h4"))
	snap := snapshot(t, s)
	if len(snap.Statements) != 4 {
		t.Fatalf("%d statements stored, want 4", len(snap.Statements))
	}
	got, err := s.Statement(ctx, "111", "same")
	if err != nil || got.Paragraphs[0].TextHash != "h2" {
		t.Fatalf("server 111's statement: %+v, %v", got.Paragraphs, err)
	}
	change(t, s, func(ctx context.Context, tx store.Tx) error {
		n, size, err := tx.LibraryUsage(ctx, "111")
		if err != nil {
			return err
		}
		want := int64(len("Texte de Genève") + len("Text of other"))
		if n != 2 || size != want {
			t.Errorf("usage of 111: %d statements, %d bytes; want 2, %d", n, size, want)
		}
		if err := tx.PutStatement(ctx, statement("111", "third", "h5")); err != nil {
			return err
		}
		if n, _, _ := tx.LibraryUsage(ctx, "111"); n != 3 {
			t.Errorf("usage after a put in the same change: %d statements, want 3", n)
		}
		ids, err := tx.StatementIDs(ctx, "111")
		if err != nil {
			return err
		}
		if want := []string{"other", "same", "third"}; !reflect.DeepEqual(ids, want) {
			t.Errorf("ids of 111: %v, want %v", ids, want)
		}
		if n, size, err := tx.LibraryUsage(ctx, "999"); err != nil || n != 0 || size != 0 {
			t.Errorf("usage of an empty library: %d, %d, %v", n, size, err)
		}
		if err := tx.DeleteStatement(ctx, "222", "same"); err != nil {
			return err
		}
		for lib, want := range map[string]int{"": 1, "111": 3, "222": 0, "999": 0} {
			if n, err := tx.StatementCount(ctx, lib); err != nil || n != want {
				t.Errorf("statement count of library %q after this change's writes: %d, %v; want %d", lib, n, err, want)
			}
		}
		return nil
	})
	if _, err := s.Statement(ctx, "", "same"); err != nil {
		t.Errorf("deleting server 222's statement touched the shared one: %v", err)
	}
	if _, err := s.Statement(ctx, "222", "same"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("server 222's statement after its delete: %v, want ErrNotFound", err)
	}

	at := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	ans := store.AnswerRecord{ID: "k", Channel: "c", Guild: "111", Question: "q", Answer: "a", Mode: "extractive", Time: at,
		Citations: []store.CitationRecord{{N: 1, Library: "111", Statement: "same", Paragraph: 1}}}
	if err := s.PutAnswer(ctx, ans); err != nil {
		t.Fatal(err)
	}
	a, err := s.GetAnswer(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	sameAnswer(t, a, ans)
	fb := store.FeedbackRecord{Time: at, Guild: "111", Vote: "up", User: "u", AnswerID: "k"}
	if err := s.AppendFeedback(ctx, fb); err != nil {
		t.Fatal(err)
	}
	fbs, err := s.ReadFeedback(ctx, 1)
	if err != nil || len(fbs) != 1 || fbs[0].Guild != "111" {
		t.Errorf("feedback read back: %+v, %v; want guild 111", fbs, err)
	}
}

// testLimitUnderConcurrency: changes that each check the library's usage
// before adding cannot together pass a limit, from any number of handles.
func testLimitUnderConcurrency(t *testing.T, b Backend) {
	loc := b.Fresh(t)
	const limit, tries = 3, 8
	var wg sync.WaitGroup
	errs := make([]error, tries)
	for i := range tries {
		s := open(t, b, loc)
		wg.Go(func() {
			_, errs[i] = s.Change(context.Background(), func(ctx context.Context, tx store.Tx) error {
				if err := tx.PutStatement(ctx, statement("g", fmt.Sprintf("s%d", i), fmt.Sprintf("h%d", i))); err != nil {
					return err
				}
				n, _, err := tx.LibraryUsage(ctx, "g")
				if err != nil {
					return err
				}
				if n > limit {
					return errFull
				}
				return nil
			})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, errFull):
			t.Errorf("change: %v", err)
		}
	}
	if ok != limit {
		t.Errorf("%d changes committed under a limit of %d", ok, limit)
	}
	if n := len(snapshot(t, open(t, b, loc)).Statements); n != limit {
		t.Errorf("%d statements stored, limit %d", n, limit)
	}
}

var errFull = errors.New("full")
