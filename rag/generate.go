package rag

import (
	"context"

	"github.com/statementbot/statementbot/prompts"
)

// ChatMessage is one message to a chat model.
type ChatMessage struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// ChatModel generates text. With onDelta it streams, calling onDelta with
// each piece of text as it arrives. Implemented by llm.Client.
type ChatModel interface {
	Chat(ctx context.Context, msgs []ChatMessage, onDelta func(string)) (string, error)
}

// Notes shown with fallback answers.
const (
	NoteModelUnavailable = "The language model was unavailable, so this answer quotes the statement directly."
	NoteModelUnsupported = "The language model's answer was not backed by the statement, so this answer quotes the statement directly."
)

const (
	// maxAnswerSentences is asked of the model.
	maxAnswerSentences = 5
)

// generate answers q from hits with the chat model (focus picks the
// sentences of an extractive fallback; see standalone), checks the answer's
// citations, and falls back to the extractive answer (or the refusal, when
// the question is not covered) with a note when the model fails or its
// answer is unsupported.
func (e *Engine) generate(ctx context.Context, ix *Index, q, focus string, hits []Hit, covered bool, onDelta func(string), scope string) *Answer {
	hits = hits[:min(len(hits), AnswerParagraphs)]
	fallback := func(note string) *Answer {
		var a *Answer
		if covered {
			a = ix.quoteAnswer(focus, q, hits)
		}
		if a == nil {
			a = ix.decline(q, hits, scope)
		}
		a.Note = note
		return a
	}
	msgs, err := e.answerPrompt(ix, q, hits)
	if err != nil {
		e.log.ErrorContext(ctx, "rendering the answer prompt failed", "err", err)
		return fallback(NoteModelUnavailable)
	}
	var delta func(string)
	if onDelta != nil {
		delta = newMarkerFilter(len(hits), onDelta).write
	}
	text, err := e.chat.Chat(ctx, msgs, delta)
	if err != nil {
		e.log.WarnContext(ctx, "language model failed; answering extractively", "err", err)
		return fallback(NoteModelUnavailable)
	}
	a, dropped := ix.checkModelAnswer(q, text, hits)
	if dropped > 0 {
		e.log.InfoContext(ctx, "dropped unsupported sentences from the model's answer", "sentences", dropped)
	}
	switch {
	case a == nil:
		// The answer itself stays out of the log: a model can echo anything.
		e.log.WarnContext(ctx, "model answer had no supported sentence; answering extractively", "chars", len(text), "dropped", dropped)
		return fallback(NoteModelUnsupported)
	case !a.Grounded:
		d := ix.decline(q, hits, scope)
		d.Mode = AnswerLLM
		return d
	}
	a.Dropped = dropped
	return a
}

// answerPrompt renders the system and user messages for q over hits.
func (e *Engine) answerPrompt(ix *Index, q string, hits []Hit) ([]ChatMessage, error) {
	sys, err := e.prompts.Render(prompts.System, prompts.SystemData{Count: len(hits), MaxSentences: maxAnswerSentences})
	if err != nil {
		return nil, err
	}
	data := prompts.AnswerData{Question: q}
	for i, h := range hits {
		c := ix.citationFor(i+1, h.Paragraph)
		data.Paragraphs = append(data.Paragraphs, prompts.Paragraph{
			N: i + 1, Statement: c.Statement, Title: c.Title, Date: c.Date, Paragraph: c.Paragraph, Text: c.Text,
		})
	}
	user, err := e.prompts.Render(prompts.Answer, data)
	if err != nil {
		return nil, err
	}
	return []ChatMessage{{Role: "system", Content: sys}, {Role: "user", Content: user}}, nil
}
