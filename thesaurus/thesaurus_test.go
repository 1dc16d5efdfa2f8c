package thesaurus

import (
	"slices"
	"strings"
	"testing"
)

func has(alts []Alternative, words string, hyper bool) bool {
	return slices.ContainsFunc(alts, func(a Alternative) bool {
		return strings.Join(a.Words, " ") == words && a.Hypernym == hyper
	})
}

func TestLookup(t *testing.T) {
	for _, tt := range []struct {
		word, alt string
		hyper     bool
	}{
		{"bribery", "graft", false},
		{"graft", "bribery", false},
		{"jail", "jailhouse", false},
		{"refugees", "exile", true},             // plural to its base form
		{"poison gas", "chemical weapon", true}, // a two-word lemma
		{"attacked", "onslaught", false},        // no headword of its own: found through "attack"
		{"looking into", "investigate", false},  // a phrasal verb, its verb inflected
		{"stepped up", "escalate", false},       // and its consonant doubled
		{"going back", "return", true},          // a verb of two letters
	} {
		alts := Lookup(tt.word)
		if !has(alts, tt.alt, tt.hyper) {
			t.Errorf("Lookup(%q) = %v, want %q (hypernym %v)", tt.word, alts, tt.alt, tt.hyper)
		}
	}
	if !Has("exchange rates") || Has("exchanged views") {
		t.Errorf("Has: exchange rates %v, exchanged views %v", Has("exchange rates"), Has("exchanged views"))
	}
	if alts := Lookup("qwertyuiop"); alts != nil {
		t.Errorf("unknown word: %v", alts)
	}
}

func TestBaseForms(t *testing.T) {
	for w, want := range map[string]string{"countries": "country", "boxes": "box", "hosted": "host", "making": "make", "glass": ""} {
		got := baseForms(w)
		if want == "" {
			if len(got) != 1 {
				t.Errorf("baseForms(%q) = %v", w, got)
			}
			continue
		}
		if !slices.Contains(got, want) {
			t.Errorf("baseForms(%q) = %v, want %q among them", w, got, want)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	Lookup("warm") // load the table
	for b.Loop() {
		Lookup("refugees")
	}
}
