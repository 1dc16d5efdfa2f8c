package rag

import (
	"context"
	"testing"
)

// A question worded otherwise than the statement finds the paragraph
// that says it the statement's way: "truce" is WordNet's "cease-fire",
// which the statement writes "ceasefire".
func TestAlternativesRankParagraphs(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2024-01-01-trade", "Trade Notice\n\nJanuary 1, 2024 - Geneva - Trade Office\n\nThe parties set new port rules."},
		{"2024-02-01-peace", "Peace Notice\n\nFebruary 1, 2024 - Geneva - Peace Office\n\nThe parties signed a ceasefire after long talks held in the hills of the east."},
	})
	for _, tt := range []struct {
		retrieval Retrieval
		want      string
	}{
		{Hybrid, "2024-02-01-peace"},
		{KeywordOnly, "2024-02-01-peace"},
	} {
		hits, err := e.Search(context.Background(), "What did the parties say about a truce?", SearchOptions{K: 2, Retrieval: tt.retrieval})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].Statement != tt.want {
			t.Errorf("%v: hits %v, want %s first", tt.retrieval, hits, tt.want)
		}
	}
}

// The more general words of a two-word lemma join the search: WordNet's
// "poison gas" is a "chemical weapon". The GloVe neighbours of a word
// the library lacks join it too: "jail" -> "prison".
func TestAlternativesPhraseHypernymsAndNeighbours(t *testing.T) {
	trade := struct{ id, text string }{"2024-01-01-trade", "Trade Notice\n\nJanuary 1, 2024 - Geneva - Trade Office\n\nThe parties set new port rules."}
	for _, tt := range []struct {
		q, want string
		text    string
	}{
		{"What did the parties say about poison gas?", "2024-02-01-peace",
			"Peace Notice\n\nFebruary 1, 2024 - Geneva - Peace Office\n\nThe parties condemned the use of chemical weapons in the war."},
		{"What will happen to the jail?", "2024-03-01-province",
			"Province Notice\n\nMarch 1, 2024 - Geneva - Province Office\n\nThe province will close the old prison."},
	} {
		e := engineOf(t, []struct{ id, text string }{trade, {tt.want, tt.text}})
		for _, r := range []Retrieval{Hybrid, KeywordOnly} {
			hits, err := e.Search(context.Background(), tt.q, SearchOptions{K: 2, Retrieval: r})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].Statement != tt.want {
				t.Errorf("%q (%v): hits %v, want %s first", tt.q, r, hits, tt.want)
			}
		}
	}
}
