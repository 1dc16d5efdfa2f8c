package rag

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"
)

// BuildStats describe one index build.
type BuildStats struct {
	Statements int           `json:"statements"`
	Paragraphs int           `json:"paragraphs"`
	Embedded   int           `json:"embedded"` // vectors computed by the embedder
	Reused     int           `json:"reused"`   // vectors taken from the cache
	Duration   time.Duration `json:"-"`
}

// Progress is told how many of total paragraphs are embedded so far.
type Progress func(done, total int)

// embedBatch is how many paragraphs are embedded per call (and per
// progress report).
const embedBatch = 64

// cacheStats is implemented by embedders that cache (embeddings.Cache).
type cacheStats interface{ Stats() (hits, misses int64) }

// flusher is implemented by embedders that persist what they computed.
type flusher interface{ Flush() error }

// Build embeds the paragraphs of stmts with docs and indexes them. If docs
// caches, unchanged paragraphs are not embedded again and the cache is
// flushed before Build returns.
func Build(ctx context.Context, stmts []*Statement, docs Embedder, progress Progress) (*Index, BuildStats, error) {
	start := time.Now()
	stats := BuildStats{Statements: len(stmts)}
	var texts []string
	for _, st := range stmts {
		for _, p := range st.Paragraphs {
			texts = append(texts, IndexText(st, p))
		}
	}
	stats.Paragraphs = len(texts)
	var h0, m0 int64
	cs, caching := docs.(cacheStats)
	if caching {
		h0, m0 = cs.Stats()
	}
	vectors := make([][]float32, 0, len(texts))
	for i := 0; i < len(texts); i += embedBatch {
		if err := ctx.Err(); err != nil {
			return nil, stats, err
		}
		batch := texts[i:min(i+embedBatch, len(texts))]
		vs, err := docs.Embed(ctx, batch)
		if err != nil {
			return nil, stats, fmt.Errorf("embedding paragraphs: %w", err)
		}
		if len(vs) != len(batch) {
			return nil, stats, fmt.Errorf("embedding paragraphs: %d vectors for %d texts", len(vs), len(batch))
		}
		vectors = append(vectors, vs...)
		if progress != nil {
			progress(len(vectors), len(texts))
		}
	}
	if caching {
		h1, m1 := cs.Stats()
		stats.Reused, stats.Embedded = int(h1-h0), int(m1-m0)
	} else {
		stats.Embedded = len(texts)
	}
	if f, ok := docs.(flusher); ok {
		if err := f.Flush(); err != nil {
			return nil, stats, err
		}
	}
	ix, err := NewIndex(ctx, stmts, vectors)
	stats.Duration = time.Since(start)
	return ix, stats, err
}

// IsStatementFile reports whether name is a statement text file by its
// extension.
func IsStatementFile(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".md", ".markdown":
		return true
	}
	return false
}
