package eval

import (
	"context"
	"strings"
	"testing"

	"github.com/statementbot/statementbot/rag"
)

func TestReadBothFormats(t *testing.T) {
	in := `{"q":"one?","gold":["met today in Rome"],"keys":["Rome"]}
{"id":"A1","type":"factual","q":"two?","gold":[{"statement":"s2","phrase":"the phrase"}],"keys":["k"]}

{"q":"off?","offtopic":true}
`
	qs, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 3 {
		t.Fatalf("%d questions", len(qs))
	}
	if g := qs[0].Gold[0]; g.Statement != "" || g.Phrase != "met today in Rome" {
		t.Errorf("bare gold = %+v", g)
	}
	if g := qs[1].Gold[0]; g.Statement != "s2" || g.Phrase != "the phrase" || qs[1].Type != "factual" {
		t.Errorf("library gold = %+v, type %q", g, qs[1].Type)
	}
	if !qs[2].Offtopic {
		t.Error("offtopic flag lost")
	}
	if _, err := Read(strings.NewReader("{\"q\":\"\"}\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("empty question: %v", err)
	}
}

// scripted answers each question from a table: the paragraphs it finds
// and the answer it gives.
type scripted map[string]struct {
	hits   []rag.Hit
	answer rag.Answer
}

func (s scripted) Search(_ context.Context, q string, _ rag.SearchOptions) ([]rag.Hit, error) {
	return s[q].hits, nil
}

func (s scripted) Ask(_ context.Context, req rag.AskRequest) (*rag.Answer, error) {
	a := s[req.Question].answer
	return &a, nil
}

func hit(st, text string) rag.Hit {
	return rag.Hit{Paragraph: rag.Paragraph{Statement: st, Text: text}}
}

func TestRunMetrics(t *testing.T) {
	e := scripted{
		"right": {
			hits:   []rag.Hit{hit("a", "Other."), hit("b", "The gold phrase here.")},
			answer: rag.Answer{Grounded: true, Mode: rag.ModeLLM, Dropped: 1, Text: "The KEY fact [1]", Citations: []rag.Citation{{Statement: "b"}}},
		},
		"wrong": {
			hits:   []rag.Hit{hit("a", "the gold phrase, but in a"), hit("b", "gold phrase")},
			answer: rag.Answer{Grounded: true, Text: "key [1]", Citations: []rag.Citation{{Statement: "a"}}},
		},
		"declined": {
			answer: rag.Answer{Grounded: false, Text: "does not cover"},
		},
		"off": {answer: rag.Answer{Grounded: true, Text: "answered anyway"}},
	}
	gold := []Gold{{Statement: "b", Phrase: "Gold-phrase"}}
	qs := []Question{
		{Q: "right", Type: "factual", Gold: gold, Keys: []string{"key fact"}},
		{Q: "wrong", Type: "factual", Gold: gold, Keys: []string{"key"}},
		{Q: "declined", Type: "about", Gold: gold, Keys: []string{"key"}},
		{Q: "off", Offtopic: true},
	}
	rs, err := Run(context.Background(), e, qs, nil, rag.Hybrid)
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0]
	third := 1.0 / 3
	if r.Questions != 3 || r.RecallAt1 != 0 || r.RecallAt3 != 2*third || r.MRR != (0.5+0.5)/3 {
		t.Errorf("retrieval: %+v", r)
	}
	if r.KeyFacts != 2*third || r.FalseRefusals != third || r.WrongStatement != third {
		t.Errorf("answers: key %v refusals %v wrong %v", r.KeyFacts, r.FalseRefusals, r.WrongStatement)
	}
	if r.ModelSentences != 1 || r.ModelDropped != 1 || r.DropRate != 0.5 {
		t.Errorf("model sentences %d, dropped %d, rate %v", r.ModelSentences, r.ModelDropped, r.DropRate)
	}
	if r.OffTopic != 1 || r.OffTopicDeclined != 0 {
		t.Errorf("off-topic %d/%d", r.OffTopicDeclined, r.OffTopic)
	}
	if len(r.ByType) != 2 || r.ByType[0].Type != "about" || r.ByType[0].FalseRefusals != 1 || r.ByType[1].Questions != 2 {
		t.Errorf("by type: %+v", r.ByType)
	}
}
