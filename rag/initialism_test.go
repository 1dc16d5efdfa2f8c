package rag

import (
	"context"
	"slices"
	"testing"
)

func initialismEngine(t *testing.T) *Engine {
	return engineOf(t, []struct{ id, text string }{
		{"2021-06-28-ministers", "Ministerial Statement\n\nJune 28, 2021 - Rome - Ministers\n\nThe ministers support a settlement in accordance with UN Security Council Resolution 2254."},
		{"2024-11-30-spokesperson", "Statement on Ruritania\n\nNovember 30, 2024 - Washington - Spokesperson\n\nThe regime refused the political process outlined in UNSCR 2254.\n\nThe OPCW will inspect the remaining stockpiles."},
		{"2024-01-01-fisheries", "Fisheries Notice\n\nJanuary 1, 2024 - Halifax - Fisheries Office\n\nThe cod quota rises by ten percent this year."},
	})
}

func TestInitialismsOf(t *testing.T) {
	ix := initialismEngine(t).Index()
	for q, want := range map[string][]string{
		"Which statements refer to UN Security Council Resolution 2254?":                   {"unscr"},
		"What will the Organisation for the Prohibition of Chemical Weapons inspect?":      {"opcw"},
		"What did the Organisation say about the Prohibition of Chemical Weapons in Rome?": nil, // "about" breaks the run
		"Which UN Security Council resolution?":                                            nil, // not capitalised: no run
		"What did the Spokesperson say?":                                                   nil,
	} {
		var got []string
		for _, a := range ix.initialismsOf(q) {
			got = append(got, a.stem)
		}
		if !slices.Equal(got, want) {
			t.Errorf("initialismsOf(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestInitialismsAcross: a question across statements that spells a body
// out finds the statement that names it by its initials too.
func TestInitialismsAcross(t *testing.T) {
	e := initialismEngine(t)
	a, err := e.Ask(context.Background(), AskRequest{Question: "Which statements refer to UN Security Council Resolution 2254?"})
	if err != nil {
		t.Fatal(err)
	}
	checkCitations(t, e.Index(), a)
	var cited []string
	for _, c := range a.Citations {
		cited = append(cited, c.Statement)
	}
	slices.Sort(cited)
	if !a.Grounded || !slices.Equal(cited, []string{"2021-06-28-ministers", "2024-11-30-spokesperson"}) {
		t.Errorf("cited %v: %s", cited, a.Text)
	}
	a, err = e.Ask(context.Background(), AskRequest{Question: "What will the Organisation for the Prohibition of Chemical Weapons inspect?"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Grounded || len(a.Citations) == 0 || a.Citations[0].Statement != "2024-11-30-spokesperson" {
		t.Errorf("OPCW: %+v", a)
	}
}
