package rag

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/ingest"
)

// seedEngine builds an engine over the seed statement and a second, small
// statement, with the local embedder.
func seedEngine(t testing.TB) *Engine {
	t.Helper()
	seed, err := ingest.Parse("2021-06-28-global-coalition-rome", []byte(readSeed(t)), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := ingest.Parse("2024-01-01-other", []byte("Fisheries Notice\n\nJanuary 1, 2024 - Halifax - Fisheries Office\n\nThe cod quota rises by ten percent.\n\nSalmon rivers stay closed."), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	loc := embeddings.NewLocal(0)
	ix, _, err := Build(context.Background(), []*Statement{seed, other}, loc, nil)
	if err != nil {
		t.Fatal(err)
	}
	return NewEngine(ix, Config{Queries: loc})
}

var markerRE = regexp.MustCompile(`\[(\d+)\]`)

// checkCitations verifies that every [n] refers to a citation, that
// citations are numbered 1..k in order, that each quotes its paragraph
// verbatim, and that an extractive answer's sentences come from the
// paragraphs they cite.
func checkCitations(t *testing.T, ix *Index, a *Answer) {
	t.Helper()
	for i, c := range a.Citations {
		if c.N != i+1 {
			t.Errorf("citation %d numbered %d", i, c.N)
		}
		st, ok := ix.Statement(c.Statement)
		if !ok {
			t.Fatalf("citation of unknown statement %q", c.Statement)
		}
		p, ok := st.Paragraph(c.Paragraph)
		if !ok || p.Text != c.Text || c.Title != st.Title || c.Date != st.Date {
			t.Errorf("citation %d does not quote %s ¶%d verbatim", c.N, c.Statement, c.Paragraph)
		}
	}
	parts := markerRE.Split(a.Text, -1)
	for i, m := range markerRE.FindAllStringSubmatch(a.Text, -1) {
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(a.Citations) {
			t.Errorf("marker [%d] has no citation", n)
			continue
		}
		if a.Mode == AnswerExtractive && a.Grounded {
			sentence := strings.TrimSpace(parts[i])
			if _, after, ok := strings.Cut(sentence, LabelSeparator); ok {
				sentence = after // the statement's label, in an answer across statements
			}
			if !strings.Contains(a.Citations[n-1].Text, sentence) {
				t.Errorf("sentence %q is not in the paragraph [%d] cites", sentence, n)
			}
		}
	}
}

func TestAskGrounded(t *testing.T) {
	e := seedEngine(t)
	tests := []struct{ q, want string }{
		{"Which new members joined the Global Coalition?", "Central African Republic"},
		{"How many people were freed from Daesh control?", "eight million"},
		{"Who issued this statement?", "Global Affairs Canada"},
		{"What is ISIS-K?", "Khurasan"},
		{"What is the cod quota?", "ten percent"},
	}
	for _, tt := range tests {
		a, err := e.Ask(context.Background(), AskRequest{Question: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if !a.Grounded || a.Mode != AnswerExtractive || !strings.Contains(a.Text, tt.want) {
			t.Errorf("Ask(%q) = %+v, want grounded answer containing %q", tt.q, a, tt.want)
		}
		if len(a.Citations) == 0 || !markerRE.MatchString(a.Text) {
			t.Errorf("Ask(%q) has no citations", tt.q)
		}
		checkCitations(t, e.Index(), a)
	}
}

func TestAskDeclines(t *testing.T) {
	e := seedEngine(t)
	for _, q := range []string{
		"What is the tallest mountain in the world?",
		"How do I reset my router password?",
		"What did the ministers say about the Taliban?",
		"What is the population of Canada?",
		"???",
	} {
		a, err := e.Ask(context.Background(), AskRequest{Question: q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Grounded {
			t.Errorf("Ask(%q) answered %q, want a refusal", q, a.Text)
		}
		if !strings.Contains(a.Text, "not cover this question") {
			t.Errorf("Ask(%q) = %q, want it to say the statements do not cover it", q, a.Text)
		}
		checkCitations(t, e.Index(), a)
	}
}

func TestAskStatementFilter(t *testing.T) {
	e := seedEngine(t)
	a, err := e.Ask(context.Background(), AskRequest{Question: "What is the cod quota?", Statement: "2021-06-28-global-coalition-rome"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Grounded {
		t.Errorf("cod quota answered from the Rome statement: %q", a.Text)
	}
	for _, c := range a.Citations {
		if c.Statement != "2021-06-28-global-coalition-rome" {
			t.Errorf("citation from %s despite the filter", c.Statement)
		}
	}
	_, err = e.Ask(context.Background(), AskRequest{Question: "cod?", Statement: "nope"})
	var ie *InputError
	if !errors.As(err, &ie) || !errors.Is(err, ErrUnknownStatement) || !strings.Contains(ie.Msg, `"nope"`) {
		t.Errorf("unknown statement: err = %v", err)
	}
}

func TestAskBadQuestion(t *testing.T) {
	e := seedEngine(t)
	for _, q := range []string{"", "   ", strings.Repeat("x", MaxQuestionChars+1)} {
		_, err := e.Ask(context.Background(), AskRequest{Question: q})
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("Ask(%.20q): err = %v, want InputError", q, err)
		}
	}
}

func TestSearchClampsAndModes(t *testing.T) {
	e := seedEngine(t)
	ctx := context.Background()
	total := e.Index().Len()
	for _, mode := range []Retrieval{Hybrid, KeywordOnly, VectorOnly} {
		hits, err := e.Search(ctx, "Syria detainees", SearchOptions{K: 1000, Retrieval: mode})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || len(hits) > total {
			t.Errorf("%v: %d hits of %d paragraphs", mode, len(hits), total)
		}
		for i, h := range hits {
			if h.Rank != i+1 {
				t.Errorf("%v: rank %d at %d", mode, h.Rank, i)
			}
		}
	}
	hits, err := e.Search(ctx, "quota", SearchOptions{K: 50, Statement: "2024-01-01-other"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 3 {
		t.Errorf("filtered search gave %d hits, want the statement's 3 paragraphs", len(hits))
	}
	// A zero query vector falls back to keywords.
	ix := e.Index()
	got, err := ix.Search(ctx, "cod quota", make([]float32, ix.Dims()), SearchOptions{K: 1})
	if err != nil || len(got) != 1 || !strings.Contains(got[0].Text, "cod") {
		t.Errorf("zero vector search = %v, %v", got, err)
	}
	if _, err := ix.Search(ctx, "x", []float32{1, 0, 0}, SearchOptions{K: 1}); err == nil {
		t.Error("wrong-dimension vector accepted")
	}
}

// failingEmbedder fails every call, like an embedding server that is down.
type failingEmbedder struct{}

func (failingEmbedder) Embed(context.Context, []string) ([][]float32, error) {
	return nil, errors.New("connection refused")
}

func TestAskWithoutQueryEmbeddings(t *testing.T) {
	e := seedEngine(t)
	e2 := NewEngine(e.Index(), Config{Queries: failingEmbedder{}})
	a, err := e2.Ask(context.Background(), AskRequest{Question: "Which new members joined the Global Coalition?"})
	if err != nil || !a.Grounded || !strings.Contains(a.Text, "Yemen") {
		t.Errorf("keyword fallback: %+v, %v", a, err)
	}
}

// TestSwapDuringQuestions asks while the index is swapped, under -race.
func TestSwapDuringQuestions(t *testing.T) {
	e := seedEngine(t)
	ix := e.Index()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if i%2 == 0 {
					e.SetIndex(ix)
					continue
				}
				a, err := e.Ask(context.Background(), AskRequest{Question: "What is the EU mission in Iraq called?"})
				if err != nil || !strings.Contains(a.Text, "EUAM") {
					t.Errorf("Ask during swap: %v %v", a, err)
				}
			}
		}()
	}
	wg.Wait()
}
