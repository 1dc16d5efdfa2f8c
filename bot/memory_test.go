package bot

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/sqlite"
)

// harbourMemoryStore opens a fresh SQLite store (closed when the test
// ends) and builds an index of one statement, "harbour", whose second
// paragraph says the delegates approved the harbour budget.
func harbourMemoryStore(t *testing.T) (*sqlite.Store, *rag.Statement, *rag.Index) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	stmt, err := ingest.Parse("harbour", []byte("Harbour Notice\n\nThe delegates approved the harbour budget.\n\nThe lighthouse will be repainted."), rag.Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	ix, _, err := rag.Build(ctx, []*rag.Statement{stmt}, embeddings.NewLocal(32), nil)
	if err != nil {
		t.Fatal(err)
	}
	return st, stmt, ix
}

// TestMemoryAcrossProcesses: an answer remembered by one bot process is
// found by another (or the same after a restart) through the store, its
// citations quoted from the index as it is now.
func TestMemoryAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	st, stmt, ix := harbourMemoryStore(t)
	p, _ := stmt.Paragraph(2)
	answer := &rag.Answer{Text: "They approved it [1].", Mode: rag.AnswerExtractive, Grounded: true,
		Citations: []rag.Citation{{N: 1, Statement: "harbour", Title: stmt.Title, Paragraph: 2, Text: p.Text}}}
	log := slog.New(slog.DiscardHandler)
	first := newMemory(10, st, log)
	first.put(ctx, "k1", "chan", "", answerRecord{Question: "What was approved?", Answer: answer})

	second := newMemory(10, st, log)
	for name, get := range map[string]func() (answerRecord, bool){
		"by key":     func() (answerRecord, bool) { return second.get(ctx, "k1", "", ix) },
		"by channel": func() (answerRecord, bool) { return second.last(ctx, "chan", "", ix) },
	} {
		rec, ok := get()
		if !ok || rec.Question != "What was approved?" || rec.Answer.Text != answer.Text || len(rec.Answer.Citations) != 1 {
			t.Fatalf("%s: %+v, %v", name, rec, ok)
		}
		if c := rec.Answer.Citations[0]; c.Text != p.Text || c.Title != stmt.Title || c.Paragraph != 2 {
			t.Errorf("%s: citation %+v", name, c)
		}
	}
	if _, ok := second.last(ctx, "other", "", ix); ok {
		t.Error("an answer found in a channel with none")
	}
	// The paragraph changed since: the citation says so.
	changed, _ := ingest.Parse("harbour", []byte("Harbour Notice\n\nThe delegates rejected the harbour budget.\n\nThe lighthouse will be repainted."), rag.Metadata{})
	ix2, _, err := rag.Build(ctx, []*rag.Statement{changed}, embeddings.NewLocal(32), nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := second.get(ctx, "k1", "", ix2)
	if c := rec.Answer.Citations[0]; !strings.Contains(c.Text, "Changed since") || !strings.Contains(c.Text, "rejected") {
		t.Errorf("changed paragraph quoted as %q", c.Text)
	}
	// Without a store, only this process remembers.
	alone := newMemory(10, nil, log)
	alone.put(ctx, "k2", "chan", "", answerRecord{Question: "q", Answer: answer})
	if _, ok := alone.last(ctx, "chan", "", ix); !ok {
		t.Error("storeless memory forgot its own answer")
	}
	if _, ok := newMemory(10, nil, log).get(ctx, "k2", "", ix); ok {
		t.Error("storeless memories share answers")
	}
}

// TestMemoryAnswersFromBeforeServers: an answer remembered before answers
// named their server (store.GuildUnknown, as the upgrade of an earlier
// release's store leaves them) is still found, in a server or a DM, as
// it was then: it cites shared statements only. One of a known server is
// found there only.
func TestMemoryAnswersFromBeforeServers(t *testing.T) {
	ctx := context.Background()
	st, _, ix := harbourMemoryStore(t)
	for _, r := range []store.AnswerRecord{
		{ID: "old", Channel: "chan-old", Guild: store.GuildUnknown, Question: "What was approved?", Answer: "The budget [1].", Mode: rag.AnswerExtractive, Grounded: true,
			Citations: []store.CitationRecord{{N: 1, Statement: "harbour", Paragraph: 2}}},
		{ID: "new", Channel: "chan-new", Guild: "111", Question: "What was approved?", Answer: "The budget [1].", Mode: rag.AnswerExtractive, Grounded: true},
	} {
		if err := st.PutAnswer(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	m := newMemory(10, st, slog.New(slog.DiscardHandler))
	for _, guild := range []string{"111", "222", ""} {
		rec, ok := m.get(ctx, "old", guild, ix)
		if !ok || len(rec.Answer.Citations) != 1 || !strings.Contains(rec.Answer.Citations[0].Text, "approved the harbour budget") {
			t.Errorf("an answer from before servers, by key in %q: %+v, %v", guild, rec, ok)
		}
		if _, ok := m.last(ctx, "chan-old", guild, ix); !ok {
			t.Errorf("an answer from before servers, by channel in %q: not found", guild)
		}
		_, ok = m.get(ctx, "new", guild, ix)
		if want := guild == "111"; ok != want {
			t.Errorf("server 111's answer by key in %q: found %v, want %v", guild, ok, want)
		}
	}
}
