package eval

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/rag"
)

// Engine is what an evaluation asks: *rag.Engine.
type Engine interface {
	Search(ctx context.Context, query string, opt rag.SearchOptions) ([]rag.Hit, error)
	Ask(ctx context.Context, req rag.AskRequest) (*rag.Answer, error)
}

var _ Engine = (*rag.Engine)(nil)

// Result is the report for one retrieval mode. Rates are shares of the
// on-topic questions.
type Result struct {
	Mode      string `json:"mode"`
	Type      string `json:"type,omitempty"` // set in ByType entries
	Questions int    `json:"questions"`

	RecallAt1 float64 `json:"recall_at_1"`
	RecallAt3 float64 `json:"recall_at_3"`
	RecallAt5 float64 `json:"recall_at_5"`
	MRR       float64 `json:"mrr"`
	// KeyFacts is the share of questions answered (grounded) with one of
	// their key facts in the answer text.
	KeyFacts float64 `json:"key_facts"`
	// FalseRefusals is the share of answerable questions declined.
	FalseRefusals float64 `json:"false_refusals"`
	// WrongStatement is the share of questions answered with a first
	// citation from a statement that holds none of the gold paragraphs
	// (only for questions whose gold names its statements).
	WrongStatement float64 `json:"wrong_statement"`

	OffTopic         int `json:"offtopic"`
	OffTopicDeclined int `json:"offtopic_declined"`

	// With a language model: sentences of its answers kept and dropped
	// by the citation check (unsupported by the paragraphs they cite).
	ModelSentences int     `json:"model_sentences,omitempty"`
	ModelDropped   int     `json:"model_dropped,omitempty"`
	DropRate       float64 `json:"drop_rate,omitempty"`

	ByType []Result `json:"by_type,omitempty"`
	Misses []Miss   `json:"misses,omitempty"`
}

// Miss records a question the mode got wrong, for tuning.
type Miss struct {
	Q      string `json:"q"`
	Reason string `json:"reason"`
}

// outcome is what happened to one on-topic question.
type outcome struct {
	typ                      string
	rank                     int // of the first gold paragraph, 0 if not in the top 5
	keyFact, declined, wrong bool
	kept, dropped            int // model answer sentences
}

// Run asks every question in each mode. Questions marked offtopic may be
// mixed into questions or given apart.
func Run(ctx context.Context, e Engine, questions, offtopic []Question, modes ...rag.Mode) ([]Result, error) {
	var on []Question
	for _, q := range questions {
		if q.Offtopic {
			offtopic = append(offtopic, q)
		} else {
			on = append(on, q)
		}
	}
	var out []Result
	for _, mode := range modes {
		r := Result{Mode: mode.String(), OffTopic: len(offtopic)}
		var outs []outcome
		for _, q := range on {
			o, miss, err := ask(ctx, e, q, mode)
			if err != nil {
				return nil, err
			}
			outs = append(outs, o)
			if miss != "" {
				r.Misses = append(r.Misses, Miss{Q: q.Q, Reason: miss})
			}
		}
		for _, q := range offtopic {
			a, err := e.Ask(ctx, rag.AskRequest{Question: q.Q, Mode: mode})
			if err != nil {
				return nil, fmt.Errorf("eval: %q: %w", q.Q, err)
			}
			if !a.Grounded {
				r.OffTopicDeclined++
			} else {
				r.Misses = append(r.Misses, Miss{Q: q.Q, Reason: "off-topic question answered: " + a.Text})
			}
		}
		summarise(&r, outs)
		var types []string
		for _, o := range outs {
			if o.typ != "" && !slices.Contains(types, o.typ) {
				types = append(types, o.typ)
			}
		}
		slices.Sort(types)
		for _, t := range types {
			sub := Result{Mode: r.Mode, Type: t}
			var of []outcome
			for _, o := range outs {
				if o.typ == t {
					of = append(of, o)
				}
			}
			summarise(&sub, of)
			r.ByType = append(r.ByType, sub)
		}
		out = append(out, r)
	}
	return out, nil
}

func ask(ctx context.Context, e Engine, q Question, mode rag.Mode) (outcome, string, error) {
	o := outcome{typ: q.Type}
	var why []string
	hits, err := e.Search(ctx, q.Q, rag.SearchOptions{K: 5, Mode: mode})
	if err != nil {
		return o, "", fmt.Errorf("eval: %q: %w", q.Q, err)
	}
	for i, h := range hits {
		if isGold(q.Gold, h.Statement, h.Text) {
			o.rank = i + 1
			break
		}
	}
	if o.rank == 0 && len(q.Gold) > 0 {
		why = append(why, "gold paragraph not in top 5")
	}
	a, err := e.Ask(ctx, rag.AskRequest{Question: q.Q, Mode: mode})
	if err != nil {
		return o, "", fmt.Errorf("eval: %q: %w", q.Q, err)
	}
	o.declined = !a.Grounded
	if a.Mode == rag.ModeLLM {
		o.kept, o.dropped = len(ingest.Sentences(a.Text)), a.Dropped
	}
	o.keyFact = a.Grounded && (len(q.Keys) == 0 || containsAny(a.Text, q.Keys))
	if a.Grounded && len(a.Citations) > 0 {
		o.wrong = !goldStatement(q.Gold, a.Citations[0].Statement)
	}
	switch {
	case o.declined:
		why = append(why, "declined")
	case o.wrong:
		why = append(why, "led by "+a.Citations[0].Statement)
	}
	if !o.keyFact && !o.declined {
		why = append(why, fmt.Sprintf("answer lacks %q", q.Keys))
	}
	if len(why) == 0 {
		return o, "", nil
	}
	return o, strings.Join(why, "; ") + ": " + a.Text, nil
}

func summarise(r *Result, outs []outcome) {
	r.Questions = len(outs)
	if len(outs) == 0 {
		return
	}
	var keys, declined, wrong int
	for _, o := range outs {
		if o.rank == 1 {
			r.RecallAt1++
		}
		if o.rank >= 1 && o.rank <= 3 {
			r.RecallAt3++
		}
		if o.rank >= 1 {
			r.RecallAt5++
			r.MRR += 1 / float64(o.rank)
		}
		if o.keyFact {
			keys++
		}
		if o.declined {
			declined++
		}
		if o.wrong {
			wrong++
		}
		r.ModelSentences += o.kept
		r.ModelDropped += o.dropped
	}
	if n := r.ModelSentences + r.ModelDropped; n > 0 {
		r.DropRate = float64(r.ModelDropped) / float64(n)
	}
	n := float64(len(outs))
	r.RecallAt1 /= n
	r.RecallAt3 /= n
	r.RecallAt5 /= n
	r.MRR /= n
	r.KeyFacts = float64(keys) / n
	r.FalseRefusals = float64(declined) / n
	r.WrongStatement = float64(wrong) / n
}

// isGold reports whether a paragraph of statement st with text is one of
// the gold paragraphs.
func isGold(gold []Gold, st, text string) bool {
	t := squash(text)
	for _, g := range gold {
		if g.Statement != "" && g.Statement != st {
			continue
		}
		if p := squash(g.Phrase); p != "" && strings.Contains(t, p) {
			return true
		}
	}
	return false
}

// goldStatement reports whether st holds a gold paragraph; true when the
// gold names no statements.
func goldStatement(gold []Gold, st string) bool {
	named := false
	for _, g := range gold {
		if g.Statement == "" {
			continue
		}
		named = true
		if g.Statement == st {
			return true
		}
	}
	return !named
}

// squash lowercases s and drops everything but letters and digits, the
// matching rule of the evaluation files.
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func containsAny(text string, phrases []string) bool {
	t := squash(text)
	for _, p := range phrases {
		if sp := squash(p); sp != "" && strings.Contains(t, sp) {
			return true
		}
	}
	return false
}
