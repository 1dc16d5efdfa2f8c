package rag

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzQuestionRewrites: reading a question's capitals as countries and
// cutting its source phrase never panic, keep valid UTF-8, and keep a
// question without either as it is.
func FuzzQuestionRewrites(f *testing.F) {
	for _, s := range []string{
		"What did Tehran's envoy say?", "Did Bogotá’s envoy agree?", "Was “Abu Dhabi” paying?",
		"In which countries were they, according to the NATO statement?", "What changed, per the G7?",
		"’s", "Port-au-Prince-'s", "1. 2. 3.", "",
	} {
		f.Add(s)
	}
	ix := libraryEngine(f).Index()
	f.Fuzz(func(t *testing.T, q string) {
		if !utf8.ValidString(q) {
			return
		}
		if got := ix.withCountries(q); !utf8.ValidString(got) {
			t.Errorf("withCountries(%q) = %q: not UTF-8", q, got)
		}
		asked, ok := withoutSourcePhrase(q)
		if !utf8.ValidString(asked) {
			t.Errorf("withoutSourcePhrase(%q) = %q: not UTF-8", q, asked)
		}
		if !ok && asked != q {
			t.Errorf("withoutSourcePhrase(%q) = %q, false: changed", q, asked)
		}
		if ok && len(strings.TrimSpace(asked)) > len(q) {
			t.Errorf("withoutSourcePhrase(%q) = %q: longer", q, asked)
		}
	})
}
