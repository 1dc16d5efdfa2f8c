package rag

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"

	"github.com/philippgille/chromem-go"
)

// fillCollections puts each paragraph's vector into its collection
// (colOf) as document d (its position), with its statement as metadata,
// and returns the vectors' dimension. Every vector must be of one dimension. A zero vector (a
// paragraph without features, "###") stays out: chromem would normalise
// it to NaNs, and a NaN similarity breaks its heap so that better
// paragraphs go missing at random; such a paragraph is found by keyword
// only.
//
// chromem's own AddDocuments starts a goroutine per document: at 100k
// paragraphs that held some 180 MB of goroutine stacks at once. Here a
// worker per processor adds its share. Vectors are taken as they are (not
// copied) unless chromem must normalise them.
func fillCollections(ctx context.Context, colOf func(d int) *chromem.Collection, paras []Paragraph, vectors [][]float32) (int, error) {
	dims := 0
	if len(vectors) > 0 {
		dims = len(vectors[0])
	}
	for d, v := range vectors {
		if len(v) == 0 || len(v) != dims {
			p := paras[d]
			return 0, fmt.Errorf("index: paragraph %s ¶%d has a %d-dimensional vector; expected %d", p.Statement, p.N, len(v), dims)
		}
	}
	// One metadata map per statement, shared: chromem copies it into each
	// document and only reads the one given.
	meta := map[string]map[string]string{}
	for _, p := range paras {
		if meta[p.Statement] == nil {
			meta[p.Statement] = map[string]string{"statement": p.Statement}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(vectors))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for d := w; d < len(vectors); d += workers {
				if isZero(vectors[d]) {
					continue
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				p := paras[d]
				doc := chromem.Document{ID: strconv.Itoa(d), Metadata: meta[p.Statement], Embedding: vectors[d], Content: p.Text}
				if err := colOf(d).AddDocument(ctx, doc); err != nil {
					errs[w] = fmt.Errorf("index: %w", err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return dims, nil
}
