package words

import (
	"maps"
	"testing"
)

// TestFingerprintFollowsTerms: any edit that changes what Terms gives for
// some word changes the fingerprint, not only edits that touch the words
// of a probe text. Each case edits one table as a later version might,
// for a word no fixed probe holds.
func TestFingerprintFollowsTerms(t *testing.T) {
	base := fingerprint()
	if Fingerprint() != base {
		t.Fatalf("Fingerprint() %q differs from a fresh fingerprint() %q", Fingerprint(), base)
	}
	edits := []struct {
		name string
		edit func() (undo func())
	}{
		{"a stop word added", func() func() {
			old := maps.Clone(stopwords)
			stopwords["among"] = true
			return func() { stopwords = old }
		}},
		{"a stop word removed", func() func() {
			old := maps.Clone(stopwords)
			delete(stopwords, "whom")
			return func() { stopwords = old }
		}},
		{"an irregular form added", func() func() {
			old := maps.Clone(irregular)
			irregular["slew"] = "slay"
			return func() { irregular = old }
		}},
		{"an irregular form mapped elsewhere", func() func() {
			old := maps.Clone(irregular)
			irregular["undertook"] = "take"
			return func() { irregular = old }
		}},
	}
	for _, e := range edits {
		undo := e.edit()
		stemCache.Clear()
		got := fingerprint()
		undo()
		stemCache.Clear()
		if got == base {
			t.Errorf("%s: fingerprint unchanged (%s)", e.name, got)
		}
	}
	if got := fingerprint(); got != base {
		t.Errorf("fingerprint after the edits were undone: %s, want %s", got, base)
	}
}
