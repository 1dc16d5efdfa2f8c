package rag

import "testing"

func TestCompounds(t *testing.T) {
	if cs := compoundsOf("What is today's exchange rate of the dinar?"); len(cs) != 1 || cs[0] != (compound{"exchang", "rate", "exchanger"}) {
		t.Errorf("compoundsOf = %v", cs)
	}
	e := engineOf(t, []struct{ id, text string }{
		{"2023-05-02-leaders-readout", "Leaders Readout\n\nMay 2, 2023 - Northtown - Council Office\n\n" +
			"The two leaders exchanged views today on the harbour and the pace of new building.\n\n" +
			"The leaders stressed human rights and the fight against money-laundering.\n\n" +
			"Twelve ships were rerouted around the harbour."},
	})
	for _, tt := range []struct {
		q      string
		answer bool
	}{
		// "exchanged" is not an exchange rate.
		{"What is today's exchange rate of the dinar?", false},
		{"What did the leaders say about human rights?", true},
		{"What did the leaders say about money laundering?", true}, // joined in the text
		{"How many cargo ships were rerouted?", true},              // the head alone counts
	} {
		askGrounded(t, e, AskRequest{Question: tt.q}, tt.answer)
	}
}
