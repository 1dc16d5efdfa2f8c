package rag

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// Embedder turns texts into vectors, one per text, in order.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Engine answers questions from the current Index. The index can be
// replaced at any time (SetIndex); a question in flight finishes on the
// index it started with.
type Engine struct {
	index   atomic.Pointer[Index]
	queries Embedder
	log     *slog.Logger
}

// NewEngine returns an engine that embeds questions with queries (the
// embedder the index was built with, without the on-disk cache).
func NewEngine(ix *Index, queries Embedder, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Engine{queries: queries, log: log}
	e.index.Store(ix)
	return e
}

// Index is the index questions are answered from now.
func (e *Engine) Index() *Index { return e.index.Load() }

// SetIndex swaps in a new index in one step.
func (e *Engine) SetIndex(ix *Index) { e.index.Store(ix) }

// MaxQuestionChars bounds the length of a question.
const MaxQuestionChars = 1000

// AnswerParagraphs is how many paragraphs an answer is drawn from.
const AnswerParagraphs = 5

// AskRequest is one question.
type AskRequest struct {
	Question  string
	Statement string // restrict to one statement, when set
	Mode      Mode   // retrieval mode (evaluation); Hybrid by default
}

// CheckQuestion returns an InputError for an empty or over-long question.
func CheckQuestion(q string) error {
	q = strings.TrimSpace(q)
	if q == "" {
		return &InputError{Msg: "the question is empty: ask something about the statement, e.g. \"Which countries joined the Coalition?\""}
	}
	if n := utf8.RuneCountInString(q); n > MaxQuestionChars {
		return &InputError{Msg: fmt.Sprintf("the question is %d characters long; the limit is %d: shorten it", n, MaxQuestionChars)}
	}
	return nil
}

// Ask answers a question. The error is an InputError or
// UnknownStatementError for bad requests; anything else is internal.
func (e *Engine) Ask(ctx context.Context, req AskRequest) (*Answer, error) {
	if err := CheckQuestion(req.Question); err != nil {
		return nil, err
	}
	q := strings.TrimSpace(req.Question)
	ix := e.Index()
	hits, err := e.search(ctx, ix, q, SearchOptions{K: AnswerParagraphs, Statement: req.Statement, Mode: req.Mode})
	if err != nil {
		return nil, err
	}
	scope := "The statement"
	if req.Statement == "" && len(ix.statements) > 1 {
		scope = "None of the indexed statements"
	}
	if len(hits) == 0 || !ix.covers(q, hits) {
		return ix.decline(q, hits, scope), nil
	}
	if a := ix.extract(q, hits); a != nil {
		return a, nil
	}
	return ix.decline(q, hits, scope), nil
}

// covers reports whether the best hits cover the question well enough to
// answer it.
func (ix *Index) covers(q string, hits []Hit) bool {
	terms := queryTerms(q)
	if len(terms) == 0 {
		return false
	}
	if _, ok := ix.unknownName(terms); ok {
		return false
	}
	header := headerIntent(q, terms)
	best := 0.0
	for i, h := range hits {
		if i == extractParagraphs {
			break
		}
		if h.Header && !header {
			continue // a place name in the dateline answers nothing
		}
		best = max(best, ix.coverage(terms, h.doc))
	}
	return best >= minCoverage
}

// Search returns the top paragraphs for query, with no relevance threshold.
func (e *Engine) Search(ctx context.Context, query string, opt SearchOptions) ([]Hit, error) {
	if err := CheckQuestion(query); err != nil {
		return nil, err
	}
	return e.search(ctx, e.Index(), strings.TrimSpace(query), opt)
}

func (e *Engine) search(ctx context.Context, ix *Index, q string, opt SearchOptions) ([]Hit, error) {
	var vec []float32
	if opt.Mode != KeywordOnly && e.queries != nil {
		vs, err := e.queries.Embed(ctx, []string{q})
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			// The keyword index still answers.
			e.log.Warn("query embedding failed; searching by keyword only", "err", err)
		case len(vs) == 1:
			vec = vs[0]
		}
	}
	hits, err := ix.Search(ctx, q, vec, opt)
	var unknown *UnknownStatementError
	if err != nil && !errors.As(err, &unknown) {
		return nil, fmt.Errorf("search: %w", err)
	}
	return hits, err
}
