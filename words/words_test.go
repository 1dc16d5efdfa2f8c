package words

import (
	"strings"
	"testing"
)

func TestTokensAndTerms(t *testing.T) {
	tests := []struct{ in, tokens, terms string }{
		{"Daesh/ISIS-K’s remnants", "daesh isis k isisk s remnants", "daesh isi isisk remnant"},
		{"counter-terrorism, 2021", "counter terrorism counterterrorism 2021", "counter terror counterterror 2021"},
		{"The ministers met and held talks", "the ministers met and held talks", "minist meet hold talk"},
		{"--a--", "a", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(Tokens(tt.in), " "); got != tt.tokens {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.tokens)
		}
		if got := strings.Join(Terms(tt.in), " "); got != tt.terms {
			t.Errorf("Terms(%q) = %q, want %q", tt.in, got, tt.terms)
		}
	}
}
