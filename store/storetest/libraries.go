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
		want := int64(len("Texte de Genève") + len("Text of other") + len(g1.Upload) + len(statement("111", "other").Upload))
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
			if ids, err := tx.StatementIDs(ctx, lib); err != nil || len(ids) != want {
				t.Errorf("statement count of library %q after this change's writes: %d, %v; want %d", lib, len(ids), err, want)
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

// testForgetServer: ForgetServer deletes the answers and votes of one
// server, in its change (a failed change keeps them), and nothing else:
// not another server's, a DM's, an answer from before answers named
// their server, or the audit log.
func testForgetServer(t *testing.T, b Backend) {
	ctx := context.Background()
	s := open(t, b, b.Fresh(t))
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	guilds := []string{"111", "222", "", store.GuildUnknown}
	for _, g := range guilds {
		id := "a" + g
		if err := s.PutAnswer(ctx, store.AnswerRecord{ID: id, Channel: "c" + g, Guild: g, Question: "q", Answer: "a", Mode: "extractive", Time: at}); err != nil {
			t.Fatal(err)
		}
		if err := s.AppendFeedback(ctx, store.FeedbackRecord{Time: at, Guild: g, Vote: "up", User: "u", AnswerID: id}); err != nil {
			t.Fatal(err)
		}
		if err := s.AppendAudit(ctx, store.AuditRecord{Time: at, Actor: "cli", Guild: g, Action: "add", OK: true}); err != nil {
			t.Fatal(err)
		}
	}
	failed := errors.New("failed")
	if _, err := s.Change(ctx, func(ctx context.Context, tx store.Tx) error {
		if err := tx.ForgetServer(ctx, "111"); err != nil {
			return err
		}
		return failed
	}); !errors.Is(err, failed) {
		t.Fatalf("failing change: %v", err)
	}
	if _, err := s.GetAnswer(ctx, "a111"); err != nil {
		t.Errorf("an answer forgotten by a failed change: %v", err)
	}
	for _, g := range []string{"", store.GuildUnknown} {
		if _, err := s.Change(ctx, func(ctx context.Context, tx store.Tx) error { return tx.ForgetServer(ctx, g) }); err == nil {
			t.Errorf("ForgetServer(%q) passed: it is no server", g)
		}
	}
	change(t, s, func(ctx context.Context, tx store.Tx) error { return tx.ForgetServer(ctx, "111") })
	if _, err := s.GetAnswer(ctx, "a111"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("server 111's answer after ForgetServer: %v, want ErrNotFound", err)
	}
	if _, err := s.LastAnswer(ctx, "c111"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the last answer in server 111's channel after ForgetServer: %v, want ErrNotFound", err)
	}
	for _, g := range guilds[1:] {
		if _, err := s.GetAnswer(ctx, "a"+g); err != nil {
			t.Errorf("answer of guild %q after server 111 was forgotten: %v", g, err)
		}
	}
	fbs, err := s.ReadFeedback(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var votes []string
	for _, fb := range fbs {
		votes = append(votes, fb.Guild)
	}
	if want := guilds[1:]; !reflect.DeepEqual(votes, want) {
		t.Errorf("votes after server 111 was forgotten, by guild: %q, want %q", votes, want)
	}
	if recs, err := s.ReadAudit(ctx, 10); err != nil || len(recs) != len(guilds) {
		t.Errorf("audit log after ForgetServer: %d records, %v; want all %d kept", len(recs), err, len(guilds))
	}
}
