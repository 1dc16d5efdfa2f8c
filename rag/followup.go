package rag

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/statementbot/statementbot/prompts"
	"github.com/statementbot/statementbot/words"
)

// A Turn is one earlier exchange of a conversation.
type Turn struct {
	Question string
	Answer   string
}

const (
	// MaxHistory is how many earlier turns a follow-up may draw on.
	MaxHistory = 6
	// maxTurnChars bounds each remembered question and answer.
	maxTurnChars = 600
)

// boundHistory keeps the last MaxHistory turns, each cut to maxTurnChars.
func boundHistory(h []Turn) []Turn {
	if len(h) > MaxHistory {
		h = h[len(h)-MaxHistory:]
	}
	out := make([]Turn, len(h))
	for i, t := range h {
		out[i] = Turn{Question: truncateRunes(t.Question, maxTurnChars), Answer: truncateRunes(t.Answer, maxTurnChars)}
	}
	return out
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

var followUpRE = regexp.MustCompile(`(?i)^(?:and|but|so|also|what about|how about|and what|why|why not|then|same for)\b|\b(?:it|its|they|them|their|that|this|those|these|he|she|his|her|there)\b`)

// isFollowUp reports whether q leans on the conversation before it: it
// starts like a continuation, refers back with a pronoun, or has fewer
// than three content words.
func isFollowUp(q string) bool {
	return followUpRE.MatchString(strings.TrimSpace(q)) || len(queryTerms(q)) < 3
}

// standalone turns a follow-up into a question that can be retrieved on
// its own: by the model when there is one, else by carrying the previous
// questions' content words ("and what about Syria?" after "Which
// countries joined?" searches "and what about Syria? countries joined").
// focus is what picks the sentences of an extractive answer: the
// follow-up's own words when it has some (the carried words found the
// paragraph; "how should they be treated?" should pick the sentence about
// treatment), else the query.
//
// carried lists the words carried from earlier questions: retrieval weighs
// them below the follow-up's own, so "and what about Syria?" after "Which
// countries joined?" finds Syria rather than "countries of origin".
func (e *Engine) standalone(ctx context.Context, q string, history []Turn) (query, focus string, carried []string) {
	if len(history) == 0 || !isFollowUp(q) {
		return q, q, nil
	}
	if e.chat != nil {
		msg, err := e.prompts.Render(prompts.Rewrite, rewriteData(q, history))
		if err == nil {
			rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			out, err := e.chat.Chat(rctx, []ChatMessage{{Role: "user", Content: msg}}, nil)
			cancel()
			out = strings.TrimSpace(strings.Trim(strings.TrimSpace(out), `"`))
			if err == nil && out != "" && !strings.Contains(out, "\n") && utf8.RuneCountInString(out) <= MaxQuestionChars {
				return out, out, nil
			}
			e.log.WarnContext(ctx, "follow-up rewrite by the model failed; carrying key terms", "err", err)
		}
	}
	query, carried = carryTerms(q, history)
	if len(queryTerms(q)) == 0 {
		return query, query, nil // nothing of its own to outrank
	}
	return query, q, carried
}

func rewriteData(q string, history []Turn) prompts.RewriteData {
	d := prompts.RewriteData{Question: q}
	for _, t := range history {
		d.History = append(d.History, prompts.Turn{Question: t.Question, Answer: t.Answer})
	}
	return d
}

// carryTerms appends to q the content words it lacks of the earlier
// questions back to the last one that stood on its own ("where are they
// held?" after "how should they be treated?" after "what about
// detainees?" carries "treated" and "detainees").
func carryTerms(q string, history []Turn) (string, []string) {
	have := map[string]bool{}
	for _, t := range words.Terms(q) {
		have[t] = true
	}
	var extra []string
	for i := len(history) - 1; i >= 0; i-- {
		for _, t := range queryTerms(history[i].Question) {
			if !have[t.stem] {
				have[t.stem] = true
				extra = append(extra, t.token)
			}
		}
		if !isFollowUp(history[i].Question) {
			break
		}
	}
	if len(extra) == 0 {
		return q, nil
	}
	return q + " " + strings.Join(extra, " "), extra
}
