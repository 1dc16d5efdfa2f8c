package rag

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/words"
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
// chromem vector search, fusion) with chromem's raw QueryEmbedding and
// the BM25 search at the same size, dimension and depth; "hybrid-respell"
// is a question with misspelt words (each looked up in the vocabulary).
// An index is built only for the sizes asked for, before the timed loop.
func BenchmarkRetrieval(b *testing.B) {
	const (
		query    = "foreign terrorist fighters in custody in northeast Syria"
		misspelt = "foreign terrorrist fightters in custody in northeastt Syriaa"
	)
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			ix := syntheticIndex(b, n)
			local := embeddings.NewLocal(0)
			e := NewEngine(ix, Config{Queries: local})
			qvec := local.Vector(query)
			depth := candidates(AnswerParagraphs)
			ctx := context.Background()
			for _, q := range []struct{ name, text string }{{"hybrid", query}, {"hybrid-respell", misspelt}} {
				b.Run(q.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if _, err := e.Search(ctx, q.text, SearchOptions{K: AnswerParagraphs}); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run("chromem-raw", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := ix.libs.cols[""].QueryEmbedding(ctx, qvec, depth, nil, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("bm25", func(b *testing.B) {
				terms := words.Terms(query)
				for b.Loop() {
					ix.keywords.search(terms, depth, 0, int32(ix.Len()))
				}
			})
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
