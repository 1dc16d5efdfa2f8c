package rag

import (
	"context"
	"slices"
	"testing"
)

// TestAddNonASCIIFileNames checks that an upload whose name has no Latin
// letter gets an id from its title (the admin's, or the text's own), and
// an accented name a transliterated one, instead of being refused.
func TestAddNonASCIIFileNames(t *testing.T) {
	lib, _, _ := openTestLibrary(t, t.TempDir())
	ctx := context.Background()
	reqs := []AddRequest{
		{Name: "日本語の声明.txt", Data: []byte(harbour), Meta: Metadata{Title: "Harbour Notice Tokyo"}},
		{Name: "Déclaration-café-2024.txt", Data: []byte("Déclaration\n\nLe conseil a voté le budget du café municipal.")},
		{Name: "灯台.txt", Data: []byte("Lighthouse Notice\n\nMarch 4, 2024 - Port Town - Harbour Office\n\nThe lighthouse will be repainted in June.")},
	}
	_, ids, err := lib.Add(ctx, reqs, nil)
	if err != nil {
		t.Fatalf("Add() error = %v", err)
	}
	for _, want := range []string{"harbour-notice-tokyo", "declaration-cafe-2024", "lighthouse-notice"} {
		if !slices.Contains(ids, want) {
			t.Errorf("Add() ids = %v, want %q among them", ids, want)
		}
	}
}
