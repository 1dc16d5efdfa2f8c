package rag

import (
	"reflect"
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
		if got := supported(tt.sentence, q, []int{1}, hitSources{ix, hits}); got != tt.want {
			t.Errorf("supported(%q) = %v, want %v", tt.sentence, got, tt.want)
		}
	}
}

// TestCheckSources: texts outside the index are checked by the answers'
// rules: a sentence needs a valid marker, its names and figures in what
// it cites, and quotes copied from it.
func TestCheckSources(t *testing.T) {
	sources := []string{
		"Before: The delegates approved the harbour budget of four million euros. After: The delegates approved the harbour budget of six million euros.",
		"A new pier opens in May.",
	}
	text := `The harbour budget rises from four to six million euros [1]. It rises to seven million euros [1]. A new pier opens in May [2]. ` +
		`A casino opens in June [2]. The pier "opens in spring" [2]. Nothing else changes. The budget grows [3].`
	kept, dropped := CheckSources("Harbour Notice (2024-03-03) and Harbour Notice (2025-03-03)", text, sources, Rules{FiguresInWords: true, MinShare: 1.0 / 3})
	want := []CheckedSentence{
		{Text: "The harbour budget rises from four to six million euros", Punct: ".", Cited: []int{1}},
		{Text: "A new pier opens in May", Punct: ".", Cited: []int{2}},
	}
	if !reflect.DeepEqual(kept, want) || dropped != 5 {
		t.Errorf("kept %+v, dropped %d; want %+v, 5 dropped", kept, dropped, want)
	}
	// A stricter share: two words in three ("opens", "pier") are not enough.
	const casino = "A casino opens on the pier [2]."
	if kept, _ := CheckSources("", casino, sources, Rules{MinShare: 1.0 / 3}); len(kept) != 1 {
		t.Errorf("one word in three required: %q dropped", casino)
	}
	if kept, _ := CheckSources("", casino, sources, Rules{MinShare: 0.75}); len(kept) != 0 {
		t.Errorf("three words in four required: %q kept", casino)
	}
	if kept, dropped := CheckSources("", "The changes are not covered by the statement.", sources, Rules{}); kept != nil || dropped != 1 {
		t.Errorf("a declining reply: kept %+v, dropped %d", kept, dropped)
	}
}
