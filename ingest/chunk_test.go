package ingest

import (
	"strings"
	"testing"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"One. Two.", []string{"One.", "Two."}},
		{"U.S. Secretary of State Antony J. Blinken spoke. Then Mr. Di Maio.", []string{"U.S. Secretary of State Antony J. Blinken spoke.", "Then Mr. Di Maio."}},
		{"He said “go.” She left!", []string{"He said “go.”", "She left!"}},
		{"Resolution 2254. 2022 will come.", []string{"Resolution 2254.", "2022 will come."}},
		{"no end", []string{"no end"}},
		{"e.g. this. And that?", []string{"e.g. this.", "And that?"}},
		// A list item's number or letter opens its sentence.
		{"1. We met today. It was good.", []string{"1. We met today.", "It was good."}},
		{"12. We call on Belarus. 13. Next.", []string{"12. We call on Belarus.", "13. Next."}},
		{"iv. We met. B. Then.", []string{"iv. We met.", "B. Then."}},
		{"The toll rose to 12. Next came more.", []string{"The toll rose to 12.", "Next came more."}},
		{"", nil},
	}
	for _, tt := range tests {
		got := Sentences(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Sentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestChunk(t *testing.T) {
	short := []string{"A short paragraph.", "Another one."}
	if got := Chunk(short); strings.Join(got, "|") != strings.Join(short, "|") {
		t.Errorf("Chunk(short) = %q, want unchanged", got)
	}
	sentence := "The Ministers reaffirmed their shared determination to continue the fight. "
	long := strings.TrimSpace(strings.Repeat(sentence, 100)) // ~7,500 bytes
	got := Chunk([]string{long})
	if len(got) < 3 {
		t.Fatalf("Chunk(long) gave %d parts, want >= 3", len(got))
	}
	for i, p := range got {
		if len(p) > MaxParagraphChars {
			t.Errorf("part %d has %d bytes, over %d", i, len(p), MaxParagraphChars)
		}
		if !strings.HasSuffix(p, "fight.") {
			t.Errorf("part %d does not end at a sentence end: ...%q", i, p[len(p)-20:])
		}
	}
	if strings.Join(got, " ") != long {
		t.Error("Chunk(long) lost or reordered text")
	}
	// One enormous sentence without spaces still gets cut, on rune boundaries.
	blob := strings.Repeat("é", 4000)
	parts := Chunk([]string{blob})
	if strings.Join(parts, "") != blob {
		t.Error("Chunk(blob) lost text")
	}
	for _, p := range parts {
		if len(p) > MaxParagraphChars || !strings.HasPrefix(p, "é") {
			t.Errorf("bad part of %d bytes", len(p))
		}
	}
}

// FuzzChunk: Chunk never panics, respects the size limit and keeps the
// text modulo whitespace.
func FuzzChunk(f *testing.F) {
	f.Add("One. Two. Three.", uint8(10))
	f.Add(strings.Repeat("word ", 1000), uint8(1))
	f.Add(strings.Repeat("\xff", 5000), uint8(2))
	f.Add(strings.Repeat("\x80", 5000), uint8(2))
	f.Fuzz(func(t *testing.T, s string, n uint8) {
		paras := []string{s, strings.Repeat(s, int(n%5)+1)}
		got := Chunk(paras)
		if squashSpace(strings.Join(got, "")) != squashSpace(strings.Join(paras, "")) {
			t.Errorf("Chunk changed the text of %q", s)
		}
		for _, p := range got {
			if len(p) > MaxParagraphChars {
				t.Errorf("part of %d bytes", len(p))
			}
		}
	})
}
