package embeddings

import (
	"math"
	"strings"
	"testing"
)

// TestLocalVectorBitIdentical embeds a long text with repeated words many
// times. Its features collide in the 768 dimensions and have term
// frequencies above one, so their float32 sum depends on the order it is
// taken in: summed in map order, the vectors differed in the last bits
// from one call to the next.
func TestLocalVectorBitIdentical(t *testing.T) {
	var b strings.Builder
	words := strings.Fields(`coalition ministers welcomed members joining detainees camps
	repatriation northeast Syria Iraq stabilization funding pledged humanitarian assistance
	foreign terrorist fighters prosecution accountability Hasakah prison Democratic Forces`)
	for i := range 400 {
		b.WriteString(words[(i*7+i/5)%len(words)])
		b.WriteByte(' ')
	}
	text := b.String()
	l := NewLocal(0)
	want := l.Vector(text)
	for run := range 30 {
		got := l.Vector(text)
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("run %d: component %d is %v, was %v", run, i, got[i], want[i])
			}
		}
	}
}
