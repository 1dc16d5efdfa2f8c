package wordtable

import (
	"bytes"
	"compress/gzip"
	"testing"
)

func pack(t *testing.T, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(text))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLookup(t *testing.T) {
	tb := MustLoad("test", pack(t, "# a comment line\nalpha one two\nbeta\ngamma three\n"))
	if tb.Len() != 3 {
		t.Fatalf("Len = %d, want 3", tb.Len())
	}
	for _, tt := range []struct {
		head, rest string
		ok         bool
	}{
		{"alpha", "one two", true},
		{"beta", "", true},
		{"gamma", "three", true},
		{"alph", "", false},
		{"delta", "", false},
		{"#", "", false},
		{"", "", false},
	} {
		rest, ok := tb.Lookup(tt.head)
		if ok != tt.ok || string(rest) != tt.rest {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.head, rest, ok, tt.rest, tt.ok)
		}
	}
}

func TestMustLoadDamaged(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("damaged table loaded without a panic")
		}
	}()
	MustLoad("test", []byte("not gzip"))
}
