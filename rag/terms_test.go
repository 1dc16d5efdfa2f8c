package rag

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/sqlite"
	"github.com/statementbot/statementbot/words"
)

func TestTermsEncoding(t *testing.T) {
	for _, terms := range [][]string{
		nil,
		{"minist"},
		{"coalit", "2254", "coalit", "détenu", "coalit", "isisk", "2254"},
	} {
		enc := encodeTerms(terms)
		if !validTerms(enc) {
			t.Errorf("%q: not valid", enc)
		}
		want := map[string]int32{}
		var order []string
		for _, x := range terms {
			if want[x] == 0 {
				order = append(order, x)
			}
			want[x]++
		}
		got := map[string]int32{}
		var gotOrder []string
		for term, tf := range termsOf(enc) {
			got[term] += tf
			gotOrder = append(gotOrder, term)
		}
		if !maps.Equal(got, want) || !slices.Equal(gotOrder, order) {
			t.Errorf("%q decodes to %v %v, want %v %v", enc, got, gotOrder, want, order)
		}
	}
	for _, enc := range []string{"", "t0.00000000 minist", termsTag + "x minist", "minist"} {
		if validTerms(enc) {
			t.Errorf("%q taken as valid", enc)
		}
	}
}

// referenceBM25 is the keyword index's content built the plain way, from
// each document's terms.
func referenceBM25(docs [][]string) (map[string][]posting, []float32, float64) {
	postings := map[string][]posting{}
	docLen := make([]float32, len(docs))
	var total float64
	for d, terms := range docs {
		tf := map[string]int32{}
		for _, x := range terms {
			tf[x]++
		}
		for _, x := range slices.Sorted(maps.Keys(tf)) {
			postings[x] = append(postings[x], posting{doc: int32(d), tf: tf[x]})
		}
		docLen[d] = float32(len(terms))
		total += float64(len(terms))
	}
	return postings, docLen, total / float64(len(docs))
}

// sameKeywords fails t unless ix holds the keyword index of docs.
func sameKeywords(t *testing.T, ix *bm25, docs [][]string) {
	t.Helper()
	postings, docLen, avg := referenceBM25(docs)
	if !reflect.DeepEqual(ix.postings, postings) || !slices.Equal(ix.docLen, docLen) || ix.avgLen != avg {
		t.Errorf("keyword index differs from one built from the paragraphs' terms (%d terms, want %d; avg %v, want %v)", len(ix.postings), len(postings), ix.avgLen, avg)
	}
}

func TestBM25FromEncodedTerms(t *testing.T) {
	stmts := syntheticStatements(t, 300)
	var docs [][]string
	var enc []string
	for _, st := range stmts {
		for _, p := range st.Paragraphs {
			docs = append(docs, words.Terms(IndexText(st, p)))
			enc = append(enc, paragraphTerms(st, p))
		}
	}
	sameKeywords(t, newBM25Encoded(enc), docs)
	sameKeywords(t, newBM25(docs), docs)
}

// storedParagraphs are the paragraphs of every statement st holds now.
func storedParagraphs(t *testing.T, st Store) []store.ParagraphRecord {
	t.Helper()
	snap, err := st.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []store.ParagraphRecord
	for _, rec := range snap.Statements {
		out = append(out, rec.Paragraphs...)
	}
	return out
}

// TestStartWithoutStoredTerms: paragraphs stored without terms (by an
// earlier version), or with terms of another tokenizer, get them
// computed at start, giving the index stored terms would; a read-only
// store keeps them in memory, a writable one stores them.
func TestStartWithoutStoredTerms(t *testing.T) {
	dir := t.TempDir()
	lib, e, _ := openTestLibrary(t, dir)
	ctx := context.Background()
	if _, _, err := lib.Add(ctx, []AddRequest{{Name: "2024-03-03-harbour.txt", Data: []byte(harbour)}}, nil); err != nil {
		t.Fatal(err)
	}
	var docs [][]string
	for _, st := range e.Index().Statements() {
		for _, p := range st.Paragraphs {
			docs = append(docs, words.Terms(IndexText(st, p)))
		}
	}
	sameKeywords(t, e.Index().keywords, docs)
	rw := openStore(t, dir, sqlite.Options{})
	stripped := map[string]string{}
	snap, err := rw.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range snap.Statements {
		for _, p := range rec.Paragraphs {
			if !validTerms(p.Terms) {
				t.Fatalf("%s ¶%d was added without valid terms: %q", rec.ID, p.N, p.Terms)
			}
			stripped[p.TextHash] = ""
		}
	}
	stripped[snap.Statements[0].Paragraphs[1].TextHash] = "t0.00000000 lighthous:40"
	if _, err := rw.Change(ctx, func(ctx context.Context, tx store.Tx) error { return tx.PutTerms(ctx, stripped) }); err != nil {
		t.Fatal(err)
	}
	storedTerms := func() map[string]string {
		out := map[string]string{}
		for _, p := range storedParagraphs(t, rw) {
			out[p.TextHash] = p.Terms
		}
		return out
	}

	_, ro, _ := openLibraryOn(t, openStore(t, dir, sqlite.Options{ReadOnly: true}), dir)
	sameKeywords(t, ro.Index().keywords, docs)
	if !answers(ro, "What budget did the delegates approve?", "four million euros") {
		t.Error("read-only store without terms does not answer")
	}
	if got := storedTerms(); !maps.Equal(got, stripped) {
		t.Errorf("a read-only start changed the stored terms")
	}

	_, again, _ := openTestLibrary(t, dir)
	sameKeywords(t, again.Index().keywords, docs)
	for h, enc := range storedTerms() {
		if !validTerms(enc) {
			t.Errorf("after a writable start, %s still has terms %q", h, enc)
		}
	}
}

// TestFollowDoesNotFightOverTerms: during a rolling restart two versions
// whose tokenizers differ serve one store. The one that starts stores its
// terms; a running process of the other, reloading after that change,
// computes its own in memory and does not write them back (each write is
// a change, after which the other would reload and write its own: the
// two would take turns without end).
func TestFollowDoesNotFightOverTerms(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	running, e, _ := openTestLibrary(t, dir)
	if _, _, err := running.Add(ctx, []AddRequest{{Name: "2024-03-03-harbour.txt", Data: []byte(harbour)}}, nil); err != nil {
		t.Fatal(err)
	}
	st := openStore(t, dir, sqlite.Options{})
	tags := func() map[string]bool {
		out := map[string]bool{}
		for _, p := range storedParagraphs(t, st) {
			tag, _, _ := strings.Cut(p.Terms, " ")
			out[tag] = true
		}
		return out
	}
	// Another version starts: its terms carry another tag.
	mine := termsTag
	termsTag = "t2.0000000000000000"
	openTestLibrary(t, dir)
	termsTag = mine
	if got := tags(); len(got) != 1 || !got["t2.0000000000000000"] {
		t.Fatalf("after the other version's start the store holds terms tagged %v", got)
	}
	gen, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// This process reloads after that change, as Follow does.
	if _, err := running.refresh(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if !answers(e, "What budget did the delegates approve?", "four million euros") {
		t.Error("the running process does not answer after reloading")
	}
	if got, err := st.Generation(ctx); err != nil || got != gen {
		t.Errorf("a reload changed the store: generation %d -> %d (%v)", gen, got, err)
	}
	if got := tags(); len(got) != 1 || !got["t2.0000000000000000"] {
		t.Errorf("after the reload the store holds terms tagged %v", got)
	}
}
