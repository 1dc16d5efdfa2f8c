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
