package store

import (
	"slices"
	"testing"
)

// TestDecodeEach checks the decoding of big-endian machines here too.
func TestDecodeEach(t *testing.T) {
	want := []float32{0, -1.5, 3.25, 1e-30}
	got := make([]float32, len(want))
	decodeEach(got, EncodeVector(want))
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
