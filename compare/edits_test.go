package compare

import (
	"reflect"
	"testing"
)

func TestWordEdits(t *testing.T) {
	for _, tc := range []struct {
		old, new string
		want     []Edit
	}{
		{"The fund holds 40 million euros for Iraq.", "The fund holds 55 million euros for Iraq.", []Edit{{"40 million euros", "55 million euros"}}},
		{"The meeting will be held on 12 March 2026 in Rome.", "The meeting will be held on 14 March 2027 in Paris.",
			[]Edit{{"12 March", "14 March"}, {"March 2026", "March 2027"}, {"Rome", "Paris"}}},
		{"The next meeting is due by June 2022.", "The next meeting is due by June 2023.", []Edit{{"June 2022", "June 2023"}}},
		{"The Ministers met in Rome.", "The Ministers met in Rome and Paris.", []Edit{{"Rome", "Rome and Paris"}}},
		{"Daesh remains a threat.", "Daesh remains a grave threat.", []Edit{{"a", "a grave"}}},
		// Rewritten, not edited: no word list.
		{"At the same time, the United States has nothing to do with this offensive, led by HTS, a designated terrorist organization.",
			"The Order directs the Secretary of State to review the designation of HTS as a terrorist organization.", nil},
	} {
		if got := wordEdits(tc.old, tc.new); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("wordEdits(%q, %q) = %q, want %q", tc.old, tc.new, got, tc.want)
		}
	}
}
