package rag

import "testing"

func TestWithCountries(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2022-09-28-dam-statement", "Statement on the Dam\n\nSeptember 28, 2022 - Rome - Ministry Office\n\n" +
			"Iran and the United States discussed the harbour. The United Arab Emirates offered to fund its repair.\n\n" +
			"Colombia and Haiti sent envoys.\n\n" +
			"Iran pledged grain to the region.\n\n" +
			"The ministers met in Rome."},
	})
	ix := e.Index()
	for _, tt := range []struct{ q, want string }{
		{"What did Tehran say about the dam?", "What did Iran say about the dam?"},
		{"Did Washington claim a role?", "Did United States claim a role?"},
		{"What did Tehran's envoy say?", "What did Iran's envoy say?"},
		{"Was “Abu Dhabi” paying for it?", "Was “United Arab Emirates” paying for it?"},
		// The library names Rome: the city, not Italy's government.
		{"Who met in Rome?", "Who met in Rome?"},
		// The library names no Russia.
		{"What did Moscow say?", "What did Moscow say?"},
		// Lowercase: a word, not a name ("victoria" is the Seychelles'
		// capital).
		{"what did tehran say?", "what did tehran say?"},
		// Letters of more than one byte; words joined by a hyphen.
		{"What did Bogotá's envoy say?", "What did Colombia's envoy say?"},
		{"Did Port-au-Prince agree?", "Did Haiti agree?"},
	} {
		if got := ix.withCountries(tt.q); got != tt.want {
			t.Errorf("withCountries(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
	// "Tehran", a name no statement uses, would decline it.
	a := askLeads(t, e, "What did Tehran pledge?", "Iran pledged grain")
	if a.Question != "What did Tehran pledge?" {
		t.Errorf("the answer's question was rewritten: %q", a.Question)
	}
	askGrounded(t, e, AskRequest{Question: "What's the weather in Tehran today?"}, false)
}
