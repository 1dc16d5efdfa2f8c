package capitals

import "testing"

func TestCountry(t *testing.T) {
	for _, tt := range []struct{ name, country string }{
		{"tehran", "iran"},
		{"washington", "united states"}, // "Washington D.C."
		{"abu dhabi", "united arab emirates"},
		{"baghdad", "iraq"},
		{"kuwait city", ""}, // names its country: nothing new
		{"iran", ""},
		{"Tehran", ""}, // lowercase only
	} {
		got, ok := Country(tt.name)
		if got != tt.country || ok != (tt.country != "") {
			t.Errorf("Country(%q) = %q, %v; want %q", tt.name, got, ok, tt.country)
		}
	}
	if n := len(countries()); n < 200 {
		t.Errorf("%d capitals: the table is damaged", n)
	}
}
