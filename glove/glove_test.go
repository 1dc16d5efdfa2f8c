package glove

import (
	"slices"
	"testing"
)

func TestNeighbours(t *testing.T) {
	for _, tt := range []struct {
		word, near string
		min        float64
	}{
		{"jail", "prison", 0.9},
		{"graft", "corruption", 0.8},
		{"truce", "ceasefire", 0.9},
		{"refugees", "displaced", 0.75},
	} {
		got := Neighbours(tt.word)
		i := slices.IndexFunc(got, func(n Neighbour) bool { return n.Word == tt.near })
		if i < 0 || got[i].Similarity < tt.min {
			t.Errorf("Neighbours(%q) = %v, want %q at %.2f or more", tt.word, got, tt.near, tt.min)
		}
		if !slices.IsSortedFunc(got, func(a, b Neighbour) int {
			switch {
			case a.Similarity > b.Similarity:
				return -1
			case a.Similarity < b.Similarity:
				return 1
			}
			return 0
		}) {
			t.Errorf("Neighbours(%q) not best first: %v", tt.word, got)
		}
		if slices.ContainsFunc(got, func(n Neighbour) bool { return n.Word == tt.word || n.Similarity < 0.6 || n.Similarity > 1 }) {
			t.Errorf("Neighbours(%q) holds the word itself or a similarity out of range: %v", tt.word, got)
		}
	}
	for _, w := range []string{"qwertyuiop", "", "Jail"} {
		if got := Neighbours(w); got != nil {
			t.Errorf("Neighbours(%q) = %v, want nil", w, got)
		}
	}
}

func BenchmarkNeighbours(b *testing.B) {
	load()
	for b.Loop() {
		Neighbours("corruption")
	}
}
