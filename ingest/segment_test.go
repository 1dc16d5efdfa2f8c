package ingest

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSegmenterSplit(t *testing.T) {
	seg := NewSegmenter("Iraq", "ISIS", "Daesh")
	tests := []struct {
		token string
		want  []string
	}{
		{"Affairsand", []string{"Affairs", "and"}},
		{"toensure", []string{"to", "ensure"}},
		{"CoreinIraq", []string{"Core", "in", "Iraq"}},
		{"ISISin", []string{"ISIS", "in"}},
		{"ISISwill", []string{"ISIS", "will"}},
		{"astheirfamily", []string{"as", "their", "family"}},
		{"successithas", []string{"success", "it", "has"}},
		{"Iraqat", []string{"Iraq", "at"}},
		{"seriousissue", []string{"serious", "issue"}},
		{"asan", []string{"as", "an"}},
		// kept whole
		{"Blinken", []string{"Blinken"}},
		{"Khurasan", []string{"Khurasan"}},
		{"Daesh", []string{"Daesh"}},
		{"INTERPOL", []string{"INTERPOL"}},
		{"EUAM", []string{"EUAM"}},
		{"combatting", []string{"combatting"}},
		{"reconvening", []string{"reconvening"}},
		{"counterterrorism", []string{"counterterrorism"}},
		{"Anbar", []string{"Anbar"}},
		{"Sinjar", []string{"Sinjar"}},
		{"Bourita", []string{"Bourita"}},
		{"Inaddition", []string{"In", "addition"}},
		{"the", []string{"the"}},
		{"ab", []string{"ab"}},
		{"Québec", []string{"Québec"}},
		{"x2y", []string{"x2y"}},
		{"", []string{""}},
	}
	for _, tt := range tests {
		got := seg.Split(tt.token)
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("Split(%q) = %q, want %q", tt.token, got, tt.want)
		}
	}
}

func TestSegmenterIsWord(t *testing.T) {
	seg := NewSegmenter("Daesh")
	for w, want := range map[string]bool{
		"coalition": true, "Coalition": true, "daesh": true, "DAESH": true, "focussed": true,
		"combatting": true, "studies": true, "affairsand": false, "blinken": false,
	} {
		if got := seg.IsWord(w); got != want {
			t.Errorf("IsWord(%q) = %v, want %v", w, got, want)
		}
	}
	if seg.IsDictionaryWord("daesh") != true { // daesh is in the domain list
		t.Errorf("IsDictionaryWord(daesh) = false, want true")
	}
}

// TestWordList checks the embedded list parses into tiers with sane costs.
func TestWordList(t *testing.T) {
	d := baseDictionary()
	if n := len(d.cost); n < 100000 {
		t.Fatalf("word list has %d words, want > 100000", n)
	}
	for _, pair := range [][2]string{{"the", "and"}, {"and", "coalition"}, {"coalition", "reintegration"}} {
		if !(d.cost[pair[0]] <= d.cost[pair[1]]) {
			t.Errorf("cost(%s)=%.2f > cost(%s)=%.2f", pair[0], d.cost[pair[0]], pair[1], d.cost[pair[1]])
		}
	}
	// SCOWL level 80 only ("aahed", "abac", "tas") and the abbreviation
	// lists ("abbr", "abr") are left out.
	for _, w := range []string{"aahed", "abac", "tas", "abbr", "abr"} {
		if _, ok := d.cost[w]; ok {
			t.Errorf("word list holds %q, which levels 10-70 without abbreviations should not", w)
		}
	}
}

// FuzzSegment: Split never panics and its pieces spell the token.
func FuzzSegment(f *testing.F) {
	seg := NewSegmenter("Iraq", "ISIS")
	for _, s := range []string{"Affairsand", "CoreinIraq", "ISISin", "a", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := seg.Split(s)
		if strings.Join(parts, "") != s {
			t.Errorf("Split(%q) = %q: pieces do not spell the token", s, parts)
		}
		for _, p := range parts {
			if p == "" && s != "" || !utf8.ValidString(p) && utf8.ValidString(s) {
				t.Errorf("Split(%q) has bad piece %q", s, p)
			}
		}
	})
}
