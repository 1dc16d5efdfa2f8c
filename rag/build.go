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
	Reused     int           `json:"reused"`   // vectors held or stored already
	Duration   time.Duration `json:"-"`
}

// Progress is told how many of total paragraphs are embedded so far.
type Progress func(done, total int)

// embedBatch is how many paragraphs are embedded per call (and per
// progress report).
const embedBatch = 64

// Build embeds the paragraphs of stmts with docs and indexes them, in
// memory (a Library keeps vectors in its store).
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
	vectors, err := embedAll(ctx, docs, texts, progress)
	if err != nil {
		return nil, stats, err
	}
	stats.Embedded = len(texts)
	ix, err := NewIndex(ctx, stmts, vectors)
	stats.Duration = time.Since(start)
	return ix, stats, err
}

// embedAll embeds texts in batches, telling progress.
func embedAll(ctx context.Context, docs Embedder, texts []string, progress Progress) ([][]float32, error) {
	vectors := make([][]float32, 0, len(texts))
	for i := 0; i < len(texts); i += embedBatch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := texts[i:min(i+embedBatch, len(texts))]
		vs, err := docs.Embed(ctx, batch)
		if err != nil {
			return nil, fmt.Errorf("embedding paragraphs: %w", err)
		}
		if len(vs) != len(batch) {
			return nil, fmt.Errorf("embedding paragraphs: %d vectors for %d texts", len(vs), len(batch))
		}
		vectors = append(vectors, vs...)
		if progress != nil {
			progress(len(vectors), len(texts))
		}
	}
	return vectors, nil
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
