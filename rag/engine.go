package rag

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/statementbot/statementbot/prompts"
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
	chat    ChatModel
	prompts *prompts.Set
	compare func(context.Context, *Index, string) (*Answer, bool)
	log     *slog.Logger
}

// Config wires an Engine.
type Config struct {
	// Queries embeds questions: the embedder the index was built with
	// (without the on-disk cache). Nil searches by keyword only.
	Queries Embedder
	// Chat, when set, writes answers; without it answers are extractive.
	Chat ChatModel
	// Prompts are the model's templates (prompts.MustDefault() if nil).
	Prompts *prompts.Set
	// Compare, when set, answers questions that ask what changed between
	// statements ("what's new in the latest statement?"; package
	// compare, which may reword it with the model); ok is false for any
	// other question.
	Compare func(ctx context.Context, ix *Index, question string) (a *Answer, ok bool)
	Log     *slog.Logger
}

// NewEngine returns an engine answering from ix.
func NewEngine(ix *Index, cfg Config) *Engine {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Prompts == nil {
		cfg.Prompts = prompts.MustDefault()
	}
	e := &Engine{queries: cfg.Queries, chat: cfg.Chat, prompts: cfg.Prompts, compare: cfg.Compare, log: cfg.Log}
	e.index.Store(ix)
	return e
}

// Mode is the answer mode the engine uses when everything works.
func (e *Engine) Mode() string {
	if e.chat != nil {
		return AnswerLLM
	}
	return AnswerExtractive
}

// Index is the index questions are answered from now.
func (e *Engine) Index() *Index { return e.index.Load() }

// SetIndex swaps in a new index in one step.
func (e *Engine) SetIndex(ix *Index) { e.index.Store(ix) }

// MaxQuestionChars bounds the length of a question.
const MaxQuestionChars = 1000

// AnswerParagraphs is how many paragraphs an answer is drawn from.
const AnswerParagraphs = 5

// acrossParagraphs is how many paragraphs an answer across statements
// reads.
const acrossParagraphs = 12

// summaryTarget is the statement a summary request is about: the one asked
// for, the only one, the one its words name, the newest when it has no
// words but those asking for a summary, or the best hit's.
func (ix *Index) summaryTarget(q, asked string, hits []Hit) *Statement {
	if asked != "" {
		st, _ := ix.Statement(asked)
		return st
	}
	if in := ix.scopeStatements(); len(in) == 1 {
		return ix.statements[in[0]]
	}
	if m := ix.metaMatch(q); m != nil {
		best := -1
		for i, v := range m {
			if v == 1 {
				if best >= 0 {
					best = -2 // more than one: let the paragraphs decide
					break
				}
				best = i
			}
		}
		if best >= 0 {
			return ix.statements[best]
		}
	}
	// "tl;dr", "summarize the statement": no word says which; the
	// newest is the one a reader of a feed of statements means.
	if len(queryTerms(withoutForm(q))) == 0 {
		if i := ix.meta.newestIn(ix.scopeStatements()); i >= 0 {
			return ix.statements[i]
		}
	}
	if len(hits) > 0 {
		st, _ := ix.Statement(hits[0].Statement)
		return st
	}
	return nil
}

// leadHits are a statement's first body paragraphs, as hits, for a model
// to summarise.
func (ix *Index) leadHits(st *Statement) []Hit {
	i := ix.byID[st.ID]
	var out []Hit
	for _, p := range st.Paragraphs {
		if p.Header || len(out) == AnswerParagraphs {
			continue
		}
		out = append(out, Hit{Paragraph: p, Rank: len(out) + 1, doc: ix.ranges[i][0] + int32(p.N-1)})
	}
	return out
}

// AskRequest is one question.
type AskRequest struct {
	Question  string
	Statement string    // restrict to one statement, when set
	Retrieval Retrieval // which retrievers (evaluation); Hybrid by default
	// Scope is the libraries answered from: the shared library and, when
	// set, one server's (the zero Scope: the shared library only).
	// Statement, when set, is a key (StatementKey) in this scope.
	Scope Scope
	// History holds the conversation so far, oldest first; a follow-up
	// ("and what about Syria?") is rewritten into a standalone query.
	// Only the last MaxHistory turns are used.
	History []Turn
	// OnDelta, when set, receives the model's answer as it is written.
	// The returned Answer is final: it may differ (checked citations,
	// fallback).
	OnDelta func(string)
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
// UnknownStatement) for bad requests; anything else is internal.
func (e *Engine) Ask(ctx context.Context, req AskRequest) (*Answer, error) {
	if err := CheckQuestion(req.Question); err != nil {
		return nil, err
	}
	q := strings.TrimSpace(req.Question)
	ix := e.Index().In(req.Scope)
	// "What changed since the 2026 statement?" is answered from the
	// comparison of the two, citing both.
	if e.compare != nil && req.Statement == "" && len(req.History) == 0 {
		if a, ok := e.compare(ctx, ix, q); ok {
			a.Question = q
			return a, nil
		}
	}
	query, focus, carried := e.standalone(ctx, q, boundHistory(req.History))
	if query != q {
		e.log.DebugContext(ctx, "follow-up rewritten", "question", q, "query", query)
	}
	k := AnswerParagraphs
	if acrossIntent(query) {
		k = acrossParagraphs
	}
	// Respelled once ("Marrakech" -> "Marrakesh"): the search and the gate
	// read the same words.
	respelled := ix.respellQuery(query)
	hits, err := e.search(ctx, ix, query, SearchOptions{K: k, Statement: req.Statement, Retrieval: req.Retrieval, Carried: carried, respelled: respelled})
	if err != nil {
		return nil, err
	}
	scope := "The statement does"
	if req.Statement == "" && len(ix.scopeStatements()) > 1 {
		scope = "The indexed statements do"
	}
	var a *Answer
	ev := ix.evidenceFor(respelled, hits, req.Retrieval == Literal)
	e.log.Debug("relevance gate", "query", respelled, "coverage", ev.coverage, "topical", ev.topical, "ordinary", ev.ordinary,
		"unknown", ev.unknown, "unknown_names", ev.unknownNames, "similarity", ev.similarity, "anchored", ev.anchored, "factoid", ev.factoid, "words", ev.words, "bridged", ev.bridged, "bridged_coverage", ev.bridgedCoverage, "answerable", ev.answerable())
	if summaryIntent(query) && ev.unknown == 0 {
		// "Summarize the 2025 fact sheet": its lead paragraphs answer.
		if st := ix.summaryTarget(query, req.Statement, hits); st != nil {
			if e.chat != nil {
				a = e.generate(ctx, ix, query, focus, ix.leadHits(st), true, req.OnDelta, scope)
			} else {
				a = ix.summary(query, st)
			}
		}
	}
	switch {
	case a != nil:
	case len(hits) == 0 || !ev.forModel() && !ev.answerable():
		a = ix.decline(query, hits, scope)
	case e.chat != nil:
		a = e.generate(ctx, ix, query, focus, hits, ev.answerable(), req.OnDelta, scope)
	case !ev.answerable():
		a = ix.decline(query, hits, scope)
	default:
		// The sentences are chosen by the words the search read.
		rfocus := respelled
		if focus != query {
			rfocus = ix.respellQuery(focus)
		}
		if a = ix.quoteAnswer(rfocus, respelled, hits); a == nil {
			a = ix.decline(query, hits, scope)
		}
	}
	a.Question = q
	return a, nil
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
	if opt.Retrieval != KeywordOnly && e.queries != nil {
		// A follow-up's vector is its own words': carried words find
		// paragraphs through the keyword index, at a lower weight.
		own := strings.TrimSuffix(q, " "+strings.Join(opt.Carried, " "))
		vs, err := e.queries.Embed(ctx, []string{own})
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			// The keyword index still answers.
			e.log.WarnContext(ctx, "query embedding failed; searching by keyword only", "err", err)
		case len(vs) == 1 && len(vs[0]) != ix.Dims() && ix.Len() > 0:
			e.log.WarnContext(ctx, "query vector does not match the index (another embedding model?); searching by keyword only", "query_dims", len(vs[0]), "index_dims", ix.Dims())
		case len(vs) == 1:
			vec = vs[0]
		}
	}
	return ix.Search(ctx, q, vec, opt)
}
