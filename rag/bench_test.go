package rag

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/ingest"
)

// syntheticStatements makes n paragraphs of 40-120 words drawn from the
// seed's vocabulary, 10 paragraphs per statement.
func syntheticStatements(tb testing.TB, n int) []*Statement {
	words := strings.Fields(strings.Join(ingest.Repair(readSeed(tb), nil), " "))
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	var stmts []*Statement
	for i := 0; i < n; i += 10 {
		st := &Statement{ID: fmt.Sprintf("synthetic-%06d", i/10), Title: "Synthetic", Date: "2024-01-01"}
		for j := 0; j < 10 && i+j < n; j++ {
			k := 40 + rng.IntN(80)
			var sb strings.Builder
			for w := range k {
				if w > 0 {
					sb.WriteByte(' ')
				}
				sb.WriteString(words[rng.IntN(len(words))])
			}
			st.Paragraphs = append(st.Paragraphs, Paragraph{Statement: st.ID, N: j + 1, Text: sb.String()})
		}
		stmts = append(stmts, st)
	}
	return stmts
}

var (
	benchIndexMu sync.Mutex
	benchIndex   = map[int]*Index{}
)

// parallelLocal embeds with every core: building the 100k index is setup,
// not what is measured.
type parallelLocal struct{ *embeddings.Local }

func (p parallelLocal) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(texts); i += 4 {
				out[i] = p.Vector(texts[i])
			}
		}()
	}
	wg.Wait()
	return out, nil
}

func syntheticIndex(b *testing.B, n int) *Index {
	benchIndexMu.Lock()
	defer benchIndexMu.Unlock()
	if ix, ok := benchIndex[n]; ok {
		return ix
	}
	ix, _, err := Build(context.Background(), syntheticStatements(b, n), parallelLocal{embeddings.NewLocal(0)}, nil)
	if err != nil {
		b.Fatal(err)
	}
	benchIndex[n] = ix
	return ix
}

// BenchmarkRetrieval compares a full hybrid search (query embedding, BM25,
// chromem vector search, fusion) with chromem's raw QueryEmbedding at the
// same size, dimension and depth.
func BenchmarkRetrieval(b *testing.B) {
	const query = "foreign terrorist fighters in custody in northeast Syria"
	for _, n := range []int{1_000, 10_000, 100_000} {
		ix := syntheticIndex(b, n)
		local := embeddings.NewLocal(0)
		e := NewEngine(ix, Config{Queries: local})
		qvec := local.Vector(query)
		depth := candidates(AnswerParagraphs)
		ctx := context.Background()
		b.Run(fmt.Sprintf("n=%d/hybrid", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Search(ctx, query, SearchOptions{K: AnswerParagraphs}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/chromem-raw", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ix.vectors.QueryEmbedding(ctx, qvec, depth, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/bm25", n), func(b *testing.B) {
			terms := embeddings.Terms(query)
			for b.Loop() {
				ix.keywords.search(terms, depth, 0, int32(ix.Len()))
			}
		})
	}
}

// instantModel answers at once, citing paragraph 1: what remains of an
// LLM answer's cost is ours (retrieval, prompt, citation check).
type instantModel struct{}

func (instantModel) Chat(_ context.Context, msgs []ChatMessage, onDelta func(string)) (string, error) {
	const reply = `The Ministers "welcomed new members joining the Coalition" [1]. Yemen joined [2].`
	if onDelta != nil {
		onDelta(reply)
	}
	return reply, nil
}

// BenchmarkAnswerOverhead is the per-answer cost outside the model call,
// on the seed statement, beside a fully extractive answer.
func BenchmarkAnswerOverhead(b *testing.B) {
	st, err := ingest.Parse("seed", []byte(readSeed(b)), Metadata{})
	if err != nil {
		b.Fatal(err)
	}
	local := embeddings.NewLocal(0)
	ix, _, err := Build(context.Background(), []*Statement{st}, local, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		chat ChatModel
	}{{"llm-outside-model", instantModel{}}, {"extractive", nil}} {
		e := NewEngine(ix, Config{Queries: local, Chat: tc.chat})
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a, err := e.Ask(ctx, AskRequest{Question: "Which new members joined the Global Coalition?"})
				if err != nil || !a.Grounded {
					b.Fatalf("%+v %v", a, err)
				}
			}
		})
	}
}

// countTexts counts the texts an embedder is asked to embed.
type countTexts struct {
	*embeddings.Local
	n int
}

func (c *countTexts) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.n += len(texts)
	return c.Local.Embed(ctx, texts)
}
func (c *countTexts) Name() string  { return "local-hash-v1" }
func (c *countTexts) Model() string { return "dims768" }

// BenchmarkReindex: 1,000 statements of 10 paragraphs with the local
// embedder. "full" builds the index with an empty cache (every paragraph
// parsed, repaired and embedded); "again" is the immediate second
// reindex, which must embed nothing; "restart" opens the data directory
// anew.
func BenchmarkReindex(b *testing.B) {
	dir := b.TempDir()
	inner := &countTexts{Local: embeddings.NewLocal(0)}
	open := func() *Library {
		cache, err := embeddings.OpenCache(filepath.Join(dir, "cache"), inner)
		if err != nil {
			b.Fatal(err)
		}
		lib, ix, stats, err := OpenLibrary(context.Background(), LibraryConfig{Dir: dir, Docs: cache})
		if err != nil || stats.Paragraphs != 10_000 {
			b.Fatalf("%+v %v", stats, err)
		}
		lib.SetEngine(NewEngine(ix, Config{}))
		return lib
	}
	var reqs []AddRequest
	for _, st := range syntheticStatements(b, 10_000) {
		var text strings.Builder
		for _, p := range st.Paragraphs {
			text.WriteString(strings.ToUpper(p.Text[:1]) + p.Text[1:] + ".\n\n")
		}
		reqs = append(reqs, AddRequest{Name: st.ID + ".txt", Data: []byte(text.String())})
	}
	first, ix, _, err := OpenLibrary(context.Background(), LibraryConfig{Dir: dir, Docs: inner})
	if err != nil {
		b.Fatal(err)
	}
	first.SetEngine(NewEngine(ix, Config{}))
	if _, _, err := first.Add(context.Background(), reqs, nil); err != nil {
		b.Fatal(err)
	}
	var lib *Library
	b.Run("full", func(b *testing.B) {
		inner.n = 0
		for b.Loop() {
			b.StopTimer()
			files, _ := filepath.Glob(filepath.Join(dir, "cache", "*.vec"))
			for _, f := range files {
				_ = os.Remove(f)
			}
			b.StartTimer()
			lib = open()
		}
		b.ReportMetric(float64(inner.n)/float64(b.N), "embedded/op")
	})
	b.Run("again", func(b *testing.B) {
		inner.n = 0
		for b.Loop() {
			if _, err := lib.Reindex(context.Background(), nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(inner.n)/float64(b.N), "embedded/op")
	})
	// Replacing one statement parses and embeds only that one.
	b.Run("replace-one", func(b *testing.B) {
		inner.n = 0
		i := 0
		for b.Loop() {
			i++
			text := fmt.Sprintf("Changed statement, version %d.\n\nIts second paragraph.", i)
			if _, _, err := lib.Add(context.Background(), []AddRequest{{Name: reqs[0].Name, Data: []byte(text), Replace: true}}, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(inner.n)/float64(b.N), "embedded/op")
		b.StopTimer()
		if _, _, err := lib.Add(context.Background(), []AddRequest{{Name: reqs[0].Name, Data: reqs[0].Data, Replace: true}}, nil); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("restart", func(b *testing.B) {
		inner.n = 0
		for b.Loop() {
			open()
		}
		b.ReportMetric(float64(inner.n)/float64(b.N), "embedded/op")
	})
}
