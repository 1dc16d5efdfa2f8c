package bot

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/store/sqlite"
)

// TestMemoryAcrossProcesses: an answer remembered by one bot process is
// found by another (or the same after a restart) through the store, its
// citations quoted from the index as it is now.
func TestMemoryAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stmt, err := ingest.Parse("harbour", []byte("Harbour Notice\n\nThe delegates approved the harbour budget.\n\nThe lighthouse will be repainted."), rag.Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	ix, _, err := rag.Build(ctx, []*rag.Statement{stmt}, embeddings.NewLocal(32), nil)
	if err != nil {
		t.Fatal(err)
	}
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
