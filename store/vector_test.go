package store_test

import (
	"math"
	"slices"
	"testing"

	"github.com/statementbot/statementbot/store"
)

func TestVectorBlob(t *testing.T) {
	v := []float32{0, -1.5, 1e-30, math.MaxFloat32, float32(math.Inf(-1))}
	b := store.EncodeVector(v)
	if len(b) != 4*len(v) {
		t.Fatalf("%d floats in %d bytes", len(v), len(b))
	}
	// Little-endian float32: -1.5 is 0xbfc00000.
	if got := b[4:8]; !slices.Equal(got, []byte{0x00, 0x00, 0xc0, 0xbf}) {
		t.Errorf("-1.5 encoded as % x", got)
	}
	got, err := store.DecodeVector(b)
	if err != nil || !slices.Equal(got, v) {
		t.Errorf("round trip: %v %v, want %v", got, err, v)
	}
	if _, err := store.DecodeVector(b[:5]); err == nil {
		t.Error("a 5-byte blob decoded")
	}
}

func TestCheck(t *testing.T) {
	ok := store.StatementRecord{ID: "s", Paragraphs: []store.ParagraphRecord{{N: 1, TextHash: "a"}, {N: 2, TextHash: "a"}}}
	if err := ok.Check(); err != nil {
		t.Errorf("two paragraphs of one text: %v", err)
	}
	for name, r := range map[string]store.StatementRecord{
		"no id":        {},
		"no hash":      {ID: "s", Paragraphs: []store.ParagraphRecord{{N: 1}}},
		"number twice": {ID: "s", Paragraphs: []store.ParagraphRecord{{N: 1, TextHash: "a"}, {N: 1, TextHash: "b"}}},
	} {
		if r.Check() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestVectorSlab(t *testing.T) {
	var slab store.VectorSlab
	var want, got [][]float32
	for i := range 3000 { // more than one array's worth at 768 dimensions
		v := make([]float32, 768)
		for j := range v {
			v[j] = float32(i*1000 + j)
		}
		d, err := slab.Decode(store.EncodeVector(v))
		if err != nil {
			t.Fatal(err)
		}
		if cap(d) != len(d) {
			t.Fatalf("vector %d: capacity %d for length %d: an append would write into the next", i, cap(d), len(d))
		}
		want, got = append(want, v), append(got, d)
	}
	// Each vector is intact after all were decoded: none overlaps another.
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("vector %d changed after later ones were decoded", i)
		}
	}
	big := make([]float32, 3<<20)
	big[len(big)-1] = 7
	if d, err := slab.Decode(store.EncodeVector(big)); err != nil || !slices.Equal(d, big) {
		t.Errorf("a vector larger than an array: %v", err)
	}
	if _, err := slab.Decode([]byte{1, 2, 3}); err == nil {
		t.Error("a 3-byte blob decoded")
	}
}
