package rag

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/statementbot/statementbot/ingest"
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
			a = ix.extract(focus, q, hits)
		}
		if a == nil {
			a = ix.decline(q, hits, scope)
		}
		a.Note = note
		return a
	}
	msgs, err := e.answerPrompt(ix, q, hits)
	if err != nil {
		e.log.Error("rendering the answer prompt failed", "err", err)
		return fallback(NoteModelUnavailable)
	}
	var delta func(string)
	if onDelta != nil {
		delta = newMarkerFilter(len(hits), onDelta).write
	}
	text, err := e.chat.Chat(ctx, msgs, delta)
	if err != nil {
		e.log.Warn("language model failed; answering extractively", "err", err)
		return fallback(NoteModelUnavailable)
	}
	a, dropped := ix.checkModelAnswer(q, text, hits)
	if dropped > 0 {
		e.log.Info("dropped unsupported sentences from the model's answer", "sentences", dropped)
	}
	switch {
	case a == nil:
		// The answer itself stays out of the log: a model can echo anything.
		e.log.Warn("model answer had no supported sentence; answering extractively", "chars", len(text), "dropped", dropped)
		return fallback(NoteModelUnsupported)
	case !a.Grounded:
		d := ix.decline(q, hits, scope)
		d.Mode = ModeLLM
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

var (
	multiMarkerRE = regexp.MustCompile(`\[\s*\d+(?:(?:\s*[,;&]\s*(?:and\s+)?|\s+and\s+)\d+)+\s*\]`)
	markerAfterRE = regexp.MustCompile(`([.!?])((?:\s*\[\d+\])+)`)
	anyMarkerRE   = regexp.MustCompile(`\s*\[\s*(\d+)\s*\]`)
	// leftoverRE is any bracket with a number left after the markers were
	// read: "[2, see 7]", "[p. 3]". None may reach a reader.
	leftoverRE = regexp.MustCompile(`\s*\[[^\[\]]*\d[^\[\]]*\]`)
	declineRE  = regexp.MustCompile(`(?i)\b(?:does not|doesn't|do not|don't|did not|didn't)\s+(?:cover|address|mention|say|contain|provide|discuss|specify|include)|\bno information\b|\bnot (?:covered|mentioned|addressed)\b`)
	digitsRE   = regexp.MustCompile(`\d+`)
	quoteRE    = regexp.MustCompile(`["“]([^"“”]{12,})["”]`)
)

// checkModelAnswer verifies a model's answer against the hits it was given
// (numbered 1..len(hits)):
//
//   - markers outside 1..k are removed;
//   - a sentence left without a valid marker, quoting ("...") words its
//     cited paragraphs do not contain, or not supported by them (a name or
//     number they lack, too few of its words; support.go), is dropped
//     (counted in dropped);
//   - an answer saying the statement does not cover the question, with no
//     valid citation, is a refusal (Grounded false);
//   - an answer with no supported sentence left is nil (unsupported);
//   - the cited paragraphs are returned renumbered in order of first
//     appearance, and only those.
func (ix *Index) checkModelAnswer(q, text string, hits []Hit) (a *Answer, dropped int) {
	k := len(hits)
	text = markerAfterRE.ReplaceAllString(normalizeMarkers(strings.Join(strings.Fields(text), " ")), "$2$1")

	valid := func(n int) bool { return n >= 1 && n <= k }
	citedAnywhere := map[int]bool{}
	for _, m := range anyMarkerRE.FindAllStringSubmatch(text, -1) {
		if n, _ := strconv.Atoi(m[1]); valid(n) {
			citedAnywhere[n] = true
		}
	}
	if len(citedAnywhere) == 0 && declineRE.MatchString(text) {
		return &Answer{Question: q, Grounded: false, Mode: ModeLLM}, 0
	}
	// A quotation may span sentences: one that no cited paragraph holds
	// condemns every sentence it touches.
	fabricated := fabricatedQuotes(text, citedAnywhere, hits)

	a = &Answer{Question: q, Grounded: true, Mode: ModeLLM}
	renum := map[int]int{}
	var kept []string
	pos := 0
	for _, s := range ingest.Sentences(text) {
		start := pos + max(strings.Index(text[pos:], s), 0)
		end := start + len(s)
		pos = end
		if overlaps(fabricated, start, end) {
			dropped++
			continue
		}
		var cited []int
		clean := anyMarkerRE.ReplaceAllStringFunc(s, func(m string) string {
			n, _ := strconv.Atoi(digitsRE.FindString(m))
			if valid(n) {
				cited = append(cited, n)
			}
			return ""
		})
		clean = strings.TrimSpace(leftoverRE.ReplaceAllString(clean, ""))
		if len(cited) == 0 {
			if wordCount(clean) > 0 {
				dropped++
			}
			continue
		}
		if !quotesVerbatim(clean, cited, hits) || !ix.supported(clean, q, cited, hits) {
			dropped++
			continue
		}
		// Put the markers back after the sentence's text, before its
		// final punctuation, renumbered.
		body, punct := splitFinalPunct(clean)
		var marks strings.Builder
		seen := map[int]bool{}
		for _, n := range cited {
			if seen[n] {
				continue
			}
			seen[n] = true
			m, ok := renum[n]
			if !ok {
				m = len(renum) + 1
				renum[n] = m
				a.Citations = append(a.Citations, ix.citationFor(m, hits[n-1].Paragraph))
			}
			fmt.Fprintf(&marks, "[%d]", m)
		}
		kept = append(kept, body+" "+marks.String()+punct)
	}
	if len(kept) == 0 {
		return nil, dropped
	}
	a.Text = strings.Join(kept, " ")
	return a, dropped
}

// normalizeMarkers writes "[1, 2]", "[1; 2]", "[1 and 2]" as "[1][2]".
func normalizeMarkers(text string) string {
	return multiMarkerRE.ReplaceAllStringFunc(text, func(m string) string {
		var b strings.Builder
		for _, n := range digitsRE.FindAllString(m, -1) {
			b.WriteString("[" + n + "]")
		}
		return b.String()
	})
}

// fabricatedQuotes returns the byte ranges of quotations in text that no
// cited paragraph contains.
func fabricatedQuotes(text string, cited map[int]bool, hits []Hit) [][2]int {
	var ns []int
	for n := range cited {
		ns = append(ns, n)
	}
	var out [][2]int
	for _, m := range quoteRE.FindAllStringSubmatchIndex(text, -1) {
		if !quotedIn(anyMarkerRE.ReplaceAllString(text[m[2]:m[3]], ""), ns, hits) {
			out = append(out, [2]int{m[0], m[1]})
		}
	}
	return out
}

func overlaps(ranges [][2]int, start, end int) bool {
	for _, r := range ranges {
		if r[0] < end && start < r[1] {
			return true
		}
	}
	return false
}

// quotesVerbatim reports whether every quoted span of sentence occurs in
// one of its cited paragraphs.
func quotesVerbatim(sentence string, cited []int, hits []Hit) bool {
	for _, m := range quoteRE.FindAllStringSubmatch(sentence, -1) {
		if !quotedIn(m[1], cited, hits) {
			return false
		}
	}
	return true
}

// quotedIn reports whether span occurs in one of the paragraphs numbered
// cited (compared case-, space- and quote-style-insensitively).
func quotedIn(span string, cited []int, hits []Hit) bool {
	span = foldQuote(span)
	for _, n := range cited {
		if strings.Contains(foldQuote(hits[n-1].Text), span) {
			return true
		}
	}
	return false
}

func foldQuote(s string) string {
	s = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`).Replace(strings.ToLower(s))
	return strings.Join(strings.Fields(strings.Trim(s, " .,;:")), " ")
}

func splitFinalPunct(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := len(s)
	for i > 0 && strings.ContainsRune(".!?", rune(s[i-1])) {
		i--
	}
	return strings.TrimSpace(s[:i]), s[i:]
}

func wordCount(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
}

// markerFilter passes streamed text through, holding back a "[..." that
// may still become a marker and dropping markers outside 1..k, so a reader
// never sees an invalid citation, even mid-stream.
type markerFilter struct {
	k       int
	out     func(string)
	pending string
}

// partialMarkerRE is a "[" that may still become a marker.
var partialMarkerRE = regexp.MustCompile(`\[[^\[\]]{0,20}$`)

func newMarkerFilter(k int, out func(string)) *markerFilter {
	return &markerFilter{k: k, out: out}
}

func (f *markerFilter) write(delta string) {
	s := f.pending + delta
	hold := ""
	if loc := partialMarkerRE.FindStringIndex(s); loc != nil {
		s, hold = s[:loc[0]], s[loc[0]:]
	}
	f.pending = hold
	s = anyMarkerRE.ReplaceAllStringFunc(normalizeMarkers(s), func(m string) string {
		n, _ := strconv.Atoi(digitsRE.FindString(m))
		if n >= 1 && n <= f.k {
			return m
		}
		return ""
	})
	// What is left in brackets with a number is no valid marker either.
	s = leftoverRE.ReplaceAllStringFunc(s, func(m string) string {
		if anyMarkerRE.MatchString(m) && strings.TrimSpace(anyMarkerRE.ReplaceAllString(m, "")) == "" {
			return m
		}
		return ""
	})
	if s != "" {
		f.out(s)
	}
}
