package storetest

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/statementbot/statementbot/store"
)

func testMemory(t *testing.T, b Backend) {
	ctx := context.Background()
	loc := b.Fresh(t)
	s := open(t, b, loc)
	at := time.Date(2026, 11, 28, 8, 0, 0, 654321000, time.UTC)
	audits := []store.AuditRecord{
		{Time: at, Actor: "cli:ann", Action: "add", Target: []string{"a", "b"}, OK: true, Summary: "added 2"},
		{Time: at.Add(time.Second), Actor: "discord:1", Guild: "g", Action: "remove", Target: []string{"a"}, Error: "no such statement"},
		{Time: at.Add(2 * time.Second), Actor: "cli:bob", Action: "reindex", OK: true},
	}
	for _, r := range audits {
		if err := s.AppendAudit(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	cites := []store.CitationRecord{{N: 1, Statement: "a", Paragraph: 5, TextHash: "h5"}, {N: 2, Library: "g", Statement: "b", Paragraph: 1, TextHash: "h1"}}
	feedback := []store.FeedbackRecord{
		{Time: at, Vote: "up", User: "u1", AnswerID: "k1", Question: "who?", Answer: "They [1].", Citations: cites},
		{Time: at.Add(time.Minute), Vote: "down", User: "u2", Answer: "only the message text"},
	}
	for _, r := range feedback {
		if err := s.AppendFeedback(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	answers := []store.AnswerRecord{
		{ID: "k1", Channel: "c1", Question: "who?", Answer: "They [1] [2].", Mode: "extractive", Grounded: true, Citations: cites, Time: at},
		{ID: "k2", Channel: "c2", Question: "when?", Answer: "Not covered.", Mode: "llm", Time: at.Add(time.Second)},
		{ID: "k3", Channel: "c1", Question: "where?", Answer: "Rome [1].", Mode: "extractive", Grounded: true, Citations: cites[:1], Time: at.Add(2 * time.Second)},
	}
	for _, r := range answers {
		if err := s.PutAnswer(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// Everything is there for another handle, as for another process.
	o := open(t, b, loc)
	gotAudit, err := o.ReadAudit(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !sameTimes(gotAudit, audits[1:], func(r *store.AuditRecord) *time.Time { return &r.Time }) || !reflect.DeepEqual(gotAudit, audits[1:]) {
		t.Errorf("latest 2 audit records:\n got %+v\nwant %+v", gotAudit, audits[1:])
	}
	gotFeedback, err := o.ReadFeedback(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !sameTimes(gotFeedback, feedback, func(r *store.FeedbackRecord) *time.Time { return &r.Time }) || !reflect.DeepEqual(gotFeedback, feedback) {
		t.Errorf("feedback:\n got %+v\nwant %+v", gotFeedback, feedback)
	}
	for _, want := range answers {
		got, err := o.GetAnswer(ctx, want.ID)
		if err != nil {
			t.Fatalf("answer %s: %v", want.ID, err)
		}
		sameAnswer(t, got, want)
	}
	last, err := o.LastAnswer(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	sameAnswer(t, last, answers[2])
	if _, err := o.GetAnswer(ctx, "k9"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown answer: %v, want ErrNotFound", err)
	}
	if _, err := o.LastAnswer(ctx, "c9"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("last answer of a quiet channel: %v, want ErrNotFound", err)
	}
	// Remembering under a known id replaces.
	edited := answers[0]
	edited.Answer = "They, edited [1]."
	if err := s.PutAnswer(ctx, edited); err != nil {
		t.Fatal(err)
	}
	got, err := o.GetAnswer(ctx, "k1")
	if err != nil {
		t.Fatal(err)
	}
	sameAnswer(t, got, edited)
	// None of it is a change of the corpus.
	if g := generation(t, o); g != 0 {
		t.Errorf("the bot's memory moved the generation to %d", g)
	}
}

func sameAnswer(t testing.TB, got, want store.AnswerRecord) {
	t.Helper()
	if !got.Time.Equal(want.Time) {
		t.Errorf("answer %s at %v, want %v", want.ID, got.Time, want.Time)
	}
	got.Time = want.Time
	if !reflect.DeepEqual(got, want) {
		t.Errorf("answer %s:\n got %+v\nwant %+v", want.ID, got, want)
	}
}

// sameTimes reports whether got and want have equal times, pair by pair,
// and then sets got's to want's (the location may differ).
func sameTimes[R any](got, want []R, at func(*R) *time.Time) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !at(&got[i]).Equal(*at(&want[i])) {
			return false
		}
		*at(&got[i]) = *at(&want[i])
	}
	return true
}

func testNewerSchema(t *testing.T, b Backend) {
	loc := b.Fresh(t)
	s, err := b.Open(context.Background(), loc)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	b.SetSchemaVersion(t, loc, 999)
	s, err = b.Open(context.Background(), loc)
	if err == nil {
		s.Close()
		t.Fatal("a store of schema version 999 was opened")
	}
	var newer *store.SchemaTooNewError
	if !errors.As(err, &newer) || newer.Have != 999 {
		t.Fatalf("opening schema 999: %v, want a SchemaTooNewError", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "upgrade statementbot") {
		t.Errorf("refusal %q: want one line that says what to do", msg)
	}
}
