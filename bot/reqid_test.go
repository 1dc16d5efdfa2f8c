package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/rag/llm"
	"github.com/statementbot/statementbot/rag/llm/llmtest"
	"github.com/statementbot/statementbot/reqid"
)

// answerThenFail answers through the engine, which logs with the
// question's context, and then fails as a broken store would.
type answerThenFail struct{ Answerer }

func (a *answerThenFail) wrap(engine Answerer) { a.Answerer = engine }
func (a *answerThenFail) Ask(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
	if _, err := a.Answerer.Ask(ctx, req); err != nil {
		return nil, err
	}
	return nil, errors.New("the store went away")
}

// syncBuffer is a log destination for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for l := range strings.SplitSeq(strings.TrimSpace(b.buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// TestRequestID: every log line of a question — the bot's, the
// retrieval's and the model client's — carries one request id, a
// different one for each question, and the reference the user is shown
// for an error is that id.
func TestRequestID(t *testing.T) {
	var buf syncBuffer
	log := slog.New(reqid.NewHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	srv := llmtest.New(t)
	srv.Default = func(llmtest.Request) llmtest.Reply { return llmtest.Reply{Status: 500, RetryAfter: "0"} }
	h := start(t, func(c *Config, rc *rag.Config) {
		c.Log, rc.Log, c.Answerer = log, log, &answerThenFail{}
		rc.Chat = llm.New(llm.Config{BaseURL: srv.URL(), Model: "m", Timeout: 5 * time.Minute, MaxRetries: 1, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, Logger: log})
	})
	refOf := regexp.MustCompile("ref `([0-9a-f]+)`")
	refs := map[string]string{} // interaction id -> the reference shown
	for _, q := range []string{"Which countries joined the Coalition?", "What is the EU mission in Iraq called?"} {
		in := h.command("ask", opt("question", q))
		b := h.finalEdit(in, func(b msgBody) bool { return refOf.MatchString(b.Content) })
		refs[in.ID] = refOf.FindStringSubmatch(b.Content)[1]
	}
	byRequest := map[string][]string{} // request id -> messages
	for _, l := range buf.lines(t) {
		id, _ := l[reqid.Key].(string)
		msg, _ := l["msg"].(string)
		if in, ok := l["interaction"].(string); ok && id != refs[in] {
			t.Errorf("line %q of interaction %s has request %q, want %q (its reference)", msg, in, id, refs[in])
		}
		if strings.HasPrefix(msg, "llm:") || strings.Contains(msg, "language model failed") {
			if id == "" {
				t.Errorf("line %q of a question has no request id", msg)
			}
		}
		if id != "" {
			byRequest[id] = append(byRequest[id], msg)
		}
	}
	if len(byRequest) != 2 || len(refs) != 2 {
		t.Fatalf("request ids %v, references %v: want one per question", byRequest, refs)
	}
	for in, ref := range refs {
		msgs := strings.Join(byRequest[ref], " | ")
		for _, want := range []string{"deferred", "llm: request failed; retrying", "language model failed; answering extractively", "request failed"} {
			if !strings.Contains(msgs, want) {
				t.Errorf("interaction %s (request %s): no %q line among %q", in, ref, want, msgs)
			}
		}
	}
}
