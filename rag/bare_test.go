package rag

import "testing"

func TestBare(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"October 29, 2021", true},
		{"Joseph R. Biden, Jr. Emmanuel Macron October 29, 2021", true},
		{"CARBIS BAY G7 SUMMIT COMMUNIQUÉ", true},
		{"Marie Tremblay, Director of the Office", true}, // function words only in lower case
		{"The cod quota rises by ten percent.", false},
		{"Salmon rivers stay closed.", false},
		{"", true},
	} {
		if got := bare(tt.text); got != tt.want {
			t.Errorf("bare(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
