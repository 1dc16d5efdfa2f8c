package rag_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/rag/llm"
	"github.com/statementbot/statementbot/rag/llm/llmtest"
	"github.com/statementbot/statementbot/store/sqlite"
)

// A fixtureFile is one statement file to add.
type fixtureFile struct{ name, text string }

// tieStatements are notices that share a letterhead, a closing paragraph
// and a "###" end mark word for word: questions about those paragraphs
// find more equally good candidates than retrieval keeps (so ties decide
// both the order and the cut-off), and "###" has no features at all. They
// are added in this order (part of "the same data").
func tieStatements() []fixtureFile {
	towns := []string{"Arden", "Brill", "Corran", "Dunmore", "Elgin", "Fenwick", "Garth", "Halden"}
	var out []fixtureFile
	for i := range 40 {
		town := towns[i%len(towns)]
		out = append(out, fixtureFile{
			name: fmt.Sprintf("2024-03-%02d-harbour-notice-%02d.md", 1+i%28, i),
			text: fmt.Sprintf(`---
title: Harbour Notice %[1]d
issuer: Office of the Harbour Spokesperson
---
OFFICE OF THE HARBOUR SPOKESPERSON. For immediate release to the press and the public.

The council of %[2]s approved a harbour budget of %[1]d million euros for the quays of %[2]s.

The council thanked the harbour master for the report on the lighthouse and the quays.

###
`, i+1, town),
		})
	}
	return out
}

// tieQuestions ask about the shared paragraphs, about one notice, and
// about nothing the notices say.
var tieQuestions = []string{
	"What did the council thank the harbour master for?",
	"Who issued the harbour notices?",
	"What is released to the press and the public?",
	"What harbour budget did the council of Corran approve?",
	"Which lighthouse report was mentioned?",
	"What is the capital of Peru?",
}

// citeAll is a deterministic model: it quotes the first sentence of every
// paragraph it is given, in the order given, each with its number, so any
// change of the prompt shows in the answer.
func citeAll(req llmtest.Request) llmtest.Reply {
	ps := llmtest.Paragraphs(req)
	if len(ps) == 0 {
		return llmtest.EchoFirstSentence(req)
	}
	var b strings.Builder
	for n := 1; n <= len(ps); n++ {
		first, _, _ := strings.Cut(ps[fmt.Sprint(n)], ". ")
		fmt.Fprintf(&b, "%s [%d]. ", strings.TrimSuffix(first, "."), n)
	}
	return llmtest.Reply{Content: b.String()}
}

// buildTieLibrary adds the fixture's statements one at a time to a fresh
// data directory, as an admin would, and returns engines over the result:
// extractive, and answering through the fake model at url.
func buildTieLibrary(t *testing.T, url string) (extractive, model *rag.Engine) {
	t.Helper()
	ctx := context.Background()
	local := embeddings.NewLocal(0)
	dir := t.TempDir()
	open := func() (*rag.Library, *rag.Index) {
		st, err := sqlite.Open(ctx, dir, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		lib, ix, _, err := rag.OpenLibrary(ctx, rag.LibraryConfig{Store: st, Docs: local})
		if err != nil {
			t.Fatal(err)
		}
		return lib, ix
	}
	lib, ix := open()
	lib.SetEngine(rag.NewEngine(ix, rag.Config{Queries: local}))
	files := tieStatements()
	for _, f := range files {
		if _, _, err := lib.Add(ctx, []rag.AddRequest{{Name: f.name, Data: []byte(f.text)}}, nil); err != nil {
			t.Fatalf("adding %s: %v", f.name, err)
		}
	}
	// Answer from the data directory as a new process would: reopened.
	_, ix = open()
	if n := len(ix.Statements()); n != len(files) {
		t.Fatalf("%d statements indexed, want %d", n, len(files))
	}
	client := llm.New(llm.Config{BaseURL: url, Model: "test", Timeout: 5 * time.Second, MaxRetries: 1})
	return rag.NewEngine(ix, rag.Config{Queries: local}), rag.NewEngine(ix, rag.Config{Queries: local, Chat: client})
}

// answersOf asks every question of tieQuestions and returns the answers
// (text, grounding, mode, citations) as JSON, one line per question.
func answersOf(t *testing.T, e *rag.Engine) string {
	t.Helper()
	var b strings.Builder
	for _, q := range tieQuestions {
		a, err := e.Ask(context.Background(), rag.AskRequest{Question: q})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		line, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestSameLibrarySameAnswers builds the same library twice and asks the
// same questions of each several times: every answer and citation must
// be byte-identical, in extractive and in model mode.
func TestSameLibrarySameAnswers(t *testing.T) {
	srv := llmtest.New(t)
	srv.Default = citeAll
	ext1, mod1 := buildTieLibrary(t, srv.URL())
	ext2, mod2 := buildTieLibrary(t, srv.URL())
	for _, mode := range []struct {
		name   string
		a, b   *rag.Engine
		expect string
	}{{"extractive", ext1, ext2, rag.AnswerExtractive}, {"model", mod1, mod2, rag.AnswerLLM}} {
		t.Run(mode.name, func(t *testing.T) {
			want := answersOf(t, mode.a)
			if !strings.Contains(want, `"mode":"`+mode.expect+`"`) {
				t.Fatalf("no %s answer among:\n%s", mode.expect, want)
			}
			for run := range 4 {
				for lib, e := range []*rag.Engine{mode.a, mode.b} {
					if got := answersOf(t, e); got != want {
						t.Fatalf("run %d on library %d differs from the first answers:\n%s", run, lib+1, lineDiff(want, got))
					}
				}
			}
		})
	}
}

// lineDiff shows the first differing line of two answer sets.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return fmt.Sprintf("question %d\nfirst: %s\nnow:   %s", i+1, w[i], g[i])
		}
	}
	return fmt.Sprintf("%d lines, then %d", len(w), len(g))
}
