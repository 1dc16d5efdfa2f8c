package ingest

import (
	"flag"
	"os"
	"strings"
	"testing"
	"unicode"
)

var update = flag.Bool("update", false, "rewrite golden files")

const seedPath = "../statements/2021-06-28-global-coalition-rome.txt"

func readSeed(t testing.TB) string {
	t.Helper()
	raw, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestRepairMergedWords checks every merged word of the seed statement,
// repaired with the segmenter built from the whole statement (as ingestion
// does).
func TestRepairMergedWords(t *testing.T) {
	seg := DocumentSegmenter(readSeed(t))
	tests := []struct{ damaged, want string }{
		{"Minister of Foreign Affairsand International Cooperation", "Minister of Foreign Affairs and International Cooperation"},
		{"the protection of civiliansas a priorityand affirmed", "the protection of civilians as a priority and affirmed"},
		{"in order toensure that Daesh/ISIS CoreinIraq and Syria,and its affiliates", "in order to ensure that Daesh/ISIS Core in Iraq and Syria, and its affiliates"},
		{"Mauritania,and Yemen.", "Mauritania, and Yemen."},
		{"and networksaround the world", "and networks around the world"},
		{"but the threatremains.", "but the threat remains."},
		{"liberated areas tosafeguard our", "liberated areas to safeguard our"},
		{"for Stabilization asan important meansto help", "for Stabilization as an important means to help"},
		{"to exploit social mediaonline.", "to exploit social media online."},
		{"the Iraqi forces tocombat Daesh/ISIS.", "the Iraqi forces to combat Daesh/ISIS."},
		{"The Coalition operates in Iraqat the request", "The Coalition operates in Iraq at the request"},
		{"political settlementin accordance", "political settlement in accordance"},
		{"tobuild on the successithas achieved and continueto act", "to build on the success it has achieved and continue to act"},
		{"The Coalitionis committed to working with affected countries to addressthe threats posed by Daesh/ISISin Africa",
			"The Coalition is committed to working with affected countries to address the threats posed by Daesh/ISIS in Africa"},
		{"the countries concerned, andin full respect", "the countries concerned, and in full respect"},
		{"the Global Coalitionto Defeat Daesh/ISISwill seek to", "the Global Coalition to Defeat Daesh/ISIS will seek to"},
		{"The Ministerstasked the Coalition Working Groups", "The Ministers tasked the Coalition Working Groups"},
		{"as well astheirfamily members", "as well as their family members"},
		{"a comprehensive and long-term solutionto this seriousissue.", "a comprehensive and long-term solution to this serious issue."},
		{"The Coalition reaffirmed its belief that acomprehensive and collective effort", "The Coalition reaffirmed its belief that a comprehensive and collective effort"},
		{"it is a cohesive, responsivetool that has achieved notable successesthrough military",
			"it is a cohesive, responsive tool that has achieved notable successes through military"},
		{"The Ministers alsoreaffirmed their intent", "The Ministers also reaffirmed their intent"},
		{"Political Directors Meetingin Brusselsin the fall of 2021", "Political Directors Meeting in Brussels in the fall of 2021"},
		{"U.S. Secretary of State Antony J.Blinken.", "U.S. Secretary of State Antony J. Blinken."},
	}
	for _, tt := range tests {
		got := Repair(tt.damaged, seg)
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("Repair(%q)\n got %q\nwant %q", tt.damaged, got, tt.want)
		}
	}
}

// TestRepairKeepsWords checks that proper nouns, acronyms and domain terms
// the word list lacks stay whole.
func TestRepairKeepsWords(t *testing.T) {
	seg := DocumentSegmenter(readSeed(t))
	for _, s := range []string{
		"Daesh/ISIS", "Antony J. Blinken", "Luigi Di Maio", "Syria-Khurasan (ISIS-K)", "INTERPOL",
		"the EUAM Iraq Mission", "the Global Counter-Terrorism Forum", "of combatting Daesh/ISIS",
		"reconvening in-person", "sub-Saharan Africa", "East Africa/Mozambique", "NATO’s non-combat advisory",
		"counterterrorism and peacebuilding", "the 2021 Pledge Drive", "see https://example.org/twowords or a@b.example",
		"Anbar and Sinjar", "Québec", "G7 and 1,000 people",
	} {
		got := Repair(s, seg)
		if len(got) != 1 || got[0] != s {
			t.Errorf("Repair(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestRepairParagraphBreaks(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"false break mid-name", "met Antony\n\nJ.Blinken. Then", []string{"met Antony J. Blinken. Then"}},
		{"false break mid-phrase", "relevant UN Security\n\nCouncil resolutions.", []string{"relevant UN Security Council resolutions."}},
		{"false break before lowercase", "the Iraqi forces\n\ntocombat them.", []string{"the Iraqi forces to combat them."}},
		{"sentence end but lowercase after", "that Daesh may\n\nexploit. It", []string{"that Daesh may exploit. It"}},
		{"real break", "First paragraph ends.\n\nSecond starts here.", []string{"First paragraph ends.", "Second starts here."}},
		{"real break with quotes", "He said “stop.”\n\n“Go,” she said.", []string{"He said “stop.”", "“Go,” she said."}},
		{"indented new paragraph", "ends here (ISIS-K).\n Recognizing the challenge", []string{"ends here (ISIS-K).", "Recognizing the challenge"}},
		{"indented continuation", "ability to raise\n revenue, enhancing", []string{"ability to raise revenue, enhancing"}},
		{"heading", "# Background\nText follows.\n\nMore text.", []string{"# Background", "Text follows.", "More text."}},
		{"title block", "Background\n\nThe ministers met.", []string{"Background", "The ministers met."}},
		{"list items", "We agreed:\n- first item\n- second item", []string{"We agreed:", "- first item", "- second item"}},
		{"crlf and form feed", "One line\r\ncontinues.\f\fNext page starts.", []string{"One line continues.", "Next page starts."}},
		{"page break mid-sentence", "the threat\f\fremains.", []string{"the threat remains."}},
		{"hyphenated line end", "the coordi-\nnated effort", []string{"the coordinated effort"}},
		{"hyphenated compound at line end", "long-\nterm and sub-\nSaharan", []string{"long-term and sub-Saharan"}},
		{"dash at line end", "Global Affairs -\nCanada", []string{"Global Affairs - Canada"}},
		{"whitespace", "  many   spaces\tand\u00a0nbsp  ", []string{"many spaces and nbsp"}},
		{"invisible characters", "pro\u00adtection inter\u200bnational\ufeff", []string{"protection international"}},
		{"empty", " \n\n \n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Repair(tt.in, nil)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("Repair(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRepairSeedGolden pins the whole repaired seed statement.
func TestRepairSeedGolden(t *testing.T) {
	st, err := Parse("2021-06-28-global-coalition-rome", []byte(readSeed(t)), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range st.Paragraphs {
		b.WriteString("¶" + itoa(p.N) + " " + p.Text + "\n\n")
	}
	got := b.String()
	golden := "testdata/seed-repaired.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./ingest -run Golden -update)", err)
	}
	if got != string(want) {
		t.Errorf("repaired seed differs from %s; rerun with -update after checking:\n%s", golden, got)
	}
	// No token of the repaired text may still be merged: each letter run
	// is a word or one of the statement's own words.
	seg := DocumentSegmenter(readSeed(t))
	for _, p := range st.Paragraphs {
		forEachLetterRun(p.Text, func(run string) string {
			if parts := seg.Split(run); len(parts) > 1 {
				t.Errorf("¶%d still holds merged %q (%v)", p.N, run, parts)
			}
			return run
		})
	}
	if n := len(st.Paragraphs); n != 10 {
		t.Errorf("seed has %d paragraphs, want 10 (header + 9)", n)
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// squashSpace removes whitespace, for "text preserved modulo whitespace".
func squashSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// FuzzRepair: Repair never panics, and keeps every visible character of
// its input in order, save invisible ones it drops by design and hyphens
// it removes when rejoining a word split across lines.
func FuzzRepair(f *testing.F) {
	f.Add(readSeed(f)[:1200])
	f.Add("a\n\nB. C\n\nd")
	f.Add("coordi-\nnated J.Blinken Syria,and CoreinIraq")
	f.Add("# T\n- x\n 1. y\f\r\n\u00ad\u200b")
	f.Fuzz(func(t *testing.T, s string) {
		got := strings.Join(Repair(s, nil), "\n")
		norm := func(x string) string {
			return strings.ReplaceAll(squashSpace(normalizeText(x)), "-", "")
		}
		if norm(got) != norm(s) {
			t.Errorf("Repair(%q) = %q: text not preserved modulo whitespace", s, got)
		}
	})
}
