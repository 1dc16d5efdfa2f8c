package rag

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// EvalQuestion is one line of an evaluation file: a question, phrases of
// the paragraph that answers it (gold), and facts a good answer contains
// (keys). Off-topic files carry only q.
type EvalQuestion struct {
	Q    string   `json:"q"`
	Gold []string `json:"gold,omitempty"`
	Keys []string `json:"keys,omitempty"`
}

// ReadEvalQuestions reads a JSON-lines evaluation file.
func ReadEvalQuestions(r io.Reader) ([]EvalQuestion, error) {
	var out []EvalQuestion
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" {
			continue
		}
		var q EvalQuestion
		if err := json.Unmarshal([]byte(t), &q); err != nil {
			return nil, &InputError{Msg: fmt.Sprintf("line %d is not a JSON object like {\"q\":\"...\",\"gold\":[\"...\"]}: %v", line, err)}
		}
		if strings.TrimSpace(q.Q) == "" {
			return nil, &InputError{Msg: fmt.Sprintf("line %d has no question (\"q\")", line)}
		}
		out = append(out, q)
	}
	return out, sc.Err()
}

// EvalResult is the report for one retrieval mode.
type EvalResult struct {
	Mode            string  `json:"mode"`
	Questions       int     `json:"questions"`
	RecallAt1       float64 `json:"recall_at_1"`
	RecallAt3       float64 `json:"recall_at_3"`
	RecallAt5       float64 `json:"recall_at_5"`
	MRR             float64 `json:"mrr"`
	KeyFactHitRate  float64 `json:"key_fact_hit_rate"`
	OffTopic        int     `json:"offtopic"`
	OffTopicRefused int     `json:"offtopic_refused"`
	OffTopicRefusal float64 `json:"offtopic_refusal_rate"`
	OnTopicDeclined int     `json:"ontopic_declined"`
	Misses          []Miss  `json:"misses,omitempty"`
}

// Miss records a question the mode got wrong, for tuning.
type Miss struct {
	Q      string `json:"q"`
	Reason string `json:"reason"`
}

// Evaluate runs the questions through the engine in each mode.
func (e *Engine) Evaluate(ctx context.Context, questions, offtopic []EvalQuestion, modes ...Mode) ([]EvalResult, error) {
	var out []EvalResult
	for _, mode := range modes {
		r := EvalResult{Mode: mode.String(), Questions: len(questions), OffTopic: len(offtopic)}
		var keyHits int
		for _, q := range questions {
			hits, err := e.Search(ctx, q.Q, SearchOptions{K: 5, Mode: mode})
			if err != nil {
				return nil, err
			}
			rank := 0
			for i, h := range hits {
				if containsAny(h.Text, q.Gold) {
					rank = i + 1
					break
				}
			}
			if rank == 1 {
				r.RecallAt1++
			}
			if rank >= 1 && rank <= 3 {
				r.RecallAt3++
			}
			if rank >= 1 {
				r.RecallAt5++
				r.MRR += 1 / float64(rank)
			} else {
				r.Misses = append(r.Misses, Miss{Q: q.Q, Reason: "gold paragraph not in top 5"})
			}
			a, err := e.Ask(ctx, AskRequest{Question: q.Q, Mode: mode})
			if err != nil {
				return nil, err
			}
			if !a.Grounded {
				r.OnTopicDeclined++
			}
			if a.Grounded && containsAll(a.Text, q.Keys) {
				keyHits++
			} else {
				r.Misses = append(r.Misses, Miss{Q: q.Q, Reason: fmt.Sprintf("answer lacks %q (grounded=%v): %s", q.Keys, a.Grounded, a.Text)})
			}
		}
		for _, q := range offtopic {
			a, err := e.Ask(ctx, AskRequest{Question: q.Q, Mode: mode})
			if err != nil {
				return nil, err
			}
			if !a.Grounded {
				r.OffTopicRefused++
			} else {
				r.Misses = append(r.Misses, Miss{Q: q.Q, Reason: "off-topic question answered: " + a.Text})
			}
		}
		if n := float64(len(questions)); n > 0 {
			r.RecallAt1 /= n
			r.RecallAt3 /= n
			r.RecallAt5 /= n
			r.MRR /= n
			r.KeyFactHitRate = float64(keyHits) / n
		}
		if len(offtopic) > 0 {
			r.OffTopicRefusal = float64(r.OffTopicRefused) / float64(len(offtopic))
		}
		out = append(out, r)
	}
	return out, nil
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

func containsAll(text string, phrases []string) bool {
	t := squash(text)
	for _, p := range phrases {
		if !strings.Contains(t, squash(p)) {
			return false
		}
	}
	return true
}
