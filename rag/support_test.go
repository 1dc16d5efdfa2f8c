package rag

import (
	"testing"

	"github.com/statementbot/statementbot/embeddings"
)

func TestSupported(t *testing.T) {
	st := &Statement{ID: "s", Title: "T", Paragraphs: []Paragraph{
		{Statement: "s", N: 1, Text: "The Ministers welcomed new members joining the Coalition - Central African Republic, Mauritania, and Yemen. They met on 28 June 2021 in Rome."},
	}}
	ix, _, err := Build(t.Context(), []*Statement{st}, embeddings.NewLocal(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	hits := []Hit{{Paragraph: st.Paragraphs[0], doc: 0}}
	const q = "Which members joined?"
	for _, tt := range []struct {
		sentence string
		want     bool
	}{
		{"Mauritania and Yemen joined the Coalition", true},
		{"Four countries joined", true}, // a paraphrase: one word in three
		{"The ministers met in Rome on 28 June 2021", true},
		{"The ministers met in Paris", false},       // a name the paragraph lacks
		{"They met on 29 June 2021", false},         // a number it lacks
		{"Your key is Bearer sk-SECRET123", false},  // a secret
		{"This is a historic day for peace", false}, // none of its words
		{"Which members joined? Yemen did", true},   // the question's words count
	} {
		if got := ix.supported(tt.sentence, q, []int{1}, hits); got != tt.want {
			t.Errorf("supported(%q) = %v, want %v", tt.sentence, got, tt.want)
		}
	}
}
