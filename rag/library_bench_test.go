package rag

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/sqlite"
)

// fillStore stores n synthetic paragraphs (10 per statement) with their
// local-embedder vectors, as adds would have left them.
func fillStore(b *testing.B, dir string, n int, emb NamedEmbedder) {
	st, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	stmts := syntheticStatements(b, n)
	for lo := 0; lo < len(stmts); lo += 500 {
		chunk := stmts[lo:min(lo+500, len(stmts))]
		var recs []store.StatementRecord
		var texts, hashes []string
		for _, s := range chunk {
			rec := toRecord(s, s.ID+".txt", []byte("synthetic"), "synthetic")
			recs = append(recs, rec)
			for i, p := range s.Paragraphs {
				texts, hashes = append(texts, IndexText(s, p)), append(hashes, rec.Paragraphs[i].TextHash)
			}
		}
		vs, err := parallelLocal{embeddings.NewLocal(0)}.Embed(context.Background(), texts)
		if err != nil {
			b.Fatal(err)
		}
		vecs := map[string][]float32{}
		for i, h := range hashes {
			vecs[h] = vs[i]
		}
		_, err = st.Change(context.Background(), func(ctx context.Context, tx store.Tx) error {
			for _, r := range recs {
				if err := tx.PutStatement(ctx, r); err != nil {
					return err
				}
			}
			return tx.PutVectors(ctx, emb.Name(), emb.Model(), vecs)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// writtenBytes is what this process has written so far (Linux: wchar of
// /proc/self/io), or -1.
func writtenBytes() int64 {
	f, err := os.Open("/proc/self/io")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "wchar: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return -1
}

type localNamed struct{ *embeddings.Local }

func (localNamed) Name() string  { return "local-hash-v1" }
func (localNamed) Model() string { return "dims768" }

// BenchmarkLibrary: a store of 10k or 100k synthetic paragraphs (10 per
// statement, local embedder, 768 dimensions). "start" opens it as a new
// process would and answers a first question; "add-one" adds (replaces)
// one 3-paragraph statement, reporting the bytes the process wrote beyond
// that statement's vectors.
func BenchmarkLibrary(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			dir := b.TempDir()
			emb := localNamed{embeddings.NewLocal(0)}
			fillStore(b, dir, n, emb)
			var lib *Library
			var st *sqlite.Store
			b.Run("start", func(b *testing.B) {
				for b.Loop() {
					if st != nil {
						st.Close()
					}
					var err error
					st, err = sqlite.Open(context.Background(), dir, sqlite.Options{})
					if err != nil {
						b.Fatal(err)
					}
					var ix *Index
					lib, ix, _, err = OpenLibrary(context.Background(), LibraryConfig{Store: st, Docs: emb})
					if err != nil {
						b.Fatal(err)
					}
					e := NewEngine(ix, Config{Queries: emb.Local})
					lib.SetEngine(e)
					if _, err := e.Ask(context.Background(), AskRequest{Question: "What did the coalition ministers agree?"}); err != nil {
						b.Fatal(err)
					}
				}
			})
			defer st.Close()
			b.Run("add-one", func(b *testing.B) {
				i := 0
				var written int64
				for b.Loop() {
					i++
					text := fmt.Sprintf("Bench Notice %d\n\nMarch 3, 2024 - Port - Office\n\nThe delegates approved budget number %d.\n\nThe lighthouse will be repainted in week %d.", i, i, i)
					w0 := writtenBytes()
					if _, _, err := lib.Add(context.Background(), []AddRequest{{Name: "2024-03-03-bench.txt", Data: []byte(text), Replace: true}}, nil); err != nil {
						b.Fatal(err)
					}
					written += writtenBytes() - w0
				}
				own := int64(3 * 4 * embeddings.DefaultLocalDims) // its 3 vectors
				b.ReportMetric(float64(written)/float64(b.N)-float64(own), "B-written-beyond-vectors/op")
			})
		})
	}
}
