package rag

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/statementbot/statementbot/embeddings"
)

// TestRespellAsScan: respelling through the vocabulary by letter and
// length finds what a scan of the whole vocabulary finds, for words one
// or two edits from indexed ones (paragraph and metadata words), in the
// shared scope and a server's.
func TestRespellAsScan(t *testing.T) {
	stmts := syntheticStatements(t, 300)
	stmts[3].Place, stmts[5].Issuer = "Marrakesh", "Ministry of Foreign Affairs"
	own := *stmts[7]
	own.ID = StatementKey("42", "own")
	own.Title = "Quarterly tariffs review"
	own.Paragraphs = []Paragraph{{Statement: own.ID, N: 1, Text: "The tariffs on lumber were reviewed."}}
	stmts = append(stmts, &own)
	ix, _, err := Build(context.Background(), stmts, embeddings.NewLocal(64), nil)
	if err != nil {
		t.Fatal(err)
	}
	// The reference: every vocabulary word, the smallest that qualifies.
	scan := func(ix *Index, word string) (string, bool) {
		if len(word) < 6 {
			return "", false
		}
		best := ""
		try := func(w string, known func(string) bool) {
			if w[0] == word[0] && abs(len(w)-len(word)) <= 1 && (best == "" || w < best) && editDistance(w, word) <= 1 && known(w) {
				best = w
			}
		}
		for w := range ix.keywords.postings {
			try(w, ix.knows)
		}
		for w := range ix.meta.holders {
			try(w, ix.metaKnows)
		}
		return best, best != ""
	}
	var vocab []string
	for w := range ix.keywords.postings {
		vocab = append(vocab, w)
	}
	for w := range ix.meta.holders {
		vocab = append(vocab, w)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	edit := func(w string) string {
		i := rng.IntN(len(w) + 1)
		switch rng.IntN(3) {
		case 0:
			return w[:i] + string(rune('a'+rng.IntN(26))) + w[i:]
		case 1:
			if i < len(w) {
				return w[:i] + w[i+1:]
			}
		}
		if i < len(w) {
			return w[:i] + string(rune('a'+rng.IntN(26))) + w[i+1:]
		}
		return w + "s"
	}
	found := 0
	for _, v := range []*Index{ix, ix.In(ServerScope("42")), ix.In(ServerScope("7"))} {
		for range 3000 {
			w := vocab[rng.IntN(len(vocab))]
			w = edit(w)
			if rng.IntN(4) == 0 {
				w = edit(w)
			}
			if w == "" {
				continue
			}
			got, ok := v.respell(w)
			want, wantOK := scan(v, w)
			if got != want || ok != wantOK {
				t.Fatalf("respell(%q) in %v = %q %v, the scan %q %v", w, v.Scope(), got, ok, want, wantOK)
			}
			if ok {
				found++
			}
		}
	}
	if found == 0 {
		t.Fatal("no word was respelled: the test tests nothing")
	}
}

func abs(x int) int { return int(math.Abs(float64(x))) }

// TestRespellLeavesWords: a word of English is not respelled into an
// indexed word one letter off ("poison" is not "prison", "strike" not
// "strive"); a misspelling or a name spelled otherwise is.
func TestRespellLeavesWords(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2022-03-01-province", "Province Notice\n\nMarch 1, 2022 - Marrakesh - Province Office\n\nThe province will close the old prison. Workers strive to finish the terrorism report."},
	})
	ix := e.Index()
	for q, want := range map[string]string{
		"What about the poison?": "What about the poison?",
		"Was there a strike?":    "Was there a strike?",
		"Who met in Marrakech?":  "Who met in Marrakesh?",
	} {
		if got := ix.respellQuery(q); got != want {
			t.Errorf("respellQuery(%q) = %q, want %q", q, got, want)
		}
	}
}
