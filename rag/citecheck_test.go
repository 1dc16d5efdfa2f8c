package rag

import (
	"strings"
	"testing"
)

// TestMarkerFilter: streamed text never shows a marker outside 1..k, in
// whatever pieces it arrives.
func TestMarkerFilter(t *testing.T) {
	text := "Yemen joined [1]. Chad [7] did not [1, 7]. Odd [ 2 ] and [2, and 9] forms [3"
	for _, size := range []int{1, 2, 3, 5, 100} {
		var got strings.Builder
		f := newMarkerFilter(2, func(s string) { got.WriteString(s) })
		for i := 0; i < len(text); i += size {
			f.write(text[i:min(i+size, len(text))])
		}
		out := got.String()
		for _, bad := range []string{"[7]", "7", "9", "[3"} {
			if strings.Contains(out, bad) {
				t.Errorf("pieces of %d: %q shows %q", size, out, bad)
			}
		}
		if !strings.Contains(out, "Yemen joined [1].") || !strings.Contains(out, "[1][7]"[:3]) {
			t.Errorf("pieces of %d: lost valid text: %q", size, out)
		}
	}
}
