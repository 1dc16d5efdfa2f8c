package llm_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/rag/llm"
	"github.com/statementbot/statementbot/rag/llm/llmtest"
)

func newClient(srv *llmtest.Server, key string) *llm.Client {
	return llm.New(llm.Config{
		BaseURL: srv.URL(), APIKey: key, Model: "test-model",
		Timeout: time.Minute, MaxRetries: 2,
		BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond,
	})
}

var msgs = []rag.ChatMessage{{Role: "user", Content: "«paragraph 1» T, ¶1\nThe sky is blue. It is.\n«/paragraph»"}}

func TestChatPlainAndStream(t *testing.T) {
	srv := llmtest.New(t)
	c := newClient(srv, "")
	got, err := c.Chat(context.Background(), msgs, nil)
	if err != nil || got != "The sky is blue [1]." {
		t.Fatalf("Chat = %q, %v", got, err)
	}
	var deltas []string
	got, err = c.Chat(context.Background(), msgs, func(d string) { deltas = append(deltas, d) })
	if err != nil || got != "The sky is blue [1]." || strings.Join(deltas, "") != got || len(deltas) < 2 {
		t.Fatalf("stream = %q, %v, deltas %q", got, err, deltas)
	}
	reqs := srv.Requests()
	if reqs[0].Stream || !reqs[1].Stream || reqs[0].Model != "test-model" {
		t.Errorf("requests = %+v", reqs)
	}
}

func TestAuthorizationHeader(t *testing.T) {
	srv := llmtest.New(t)
	if _, err := newClient(srv, "").Chat(context.Background(), msgs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := newClient(srv, "sk-secret").Chat(context.Background(), msgs, nil); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if reqs[0].Authorization != "" {
		t.Errorf("no key: Authorization = %q, want none (Ollama-style servers)", reqs[0].Authorization)
	}
	if reqs[1].Authorization != "Bearer sk-secret" {
		t.Errorf("with key: Authorization = %q", reqs[1].Authorization)
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name    string
		replies []llmtest.Reply
		stream  bool
		wantErr bool
		calls   int
		minWait time.Duration
	}{
		{"429 honours Retry-After", []llmtest.Reply{{Status: 429, RetryAfter: "0.3"}}, false, false, 2, 300 * time.Millisecond},
		{"500 then ok", []llmtest.Reply{{Status: 500}, {Status: 503}}, false, false, 3, 0},
		{"500 forever", []llmtest.Reply{{Status: 500}, {Status: 500}, {Status: 500}}, false, true, 3, 0},
		{"400 is not retried", []llmtest.Reply{{Status: 400}}, false, true, 1, 0},
		{"stream 429 then ok", []llmtest.Reply{{Status: 429, RetryAfter: "0"}}, true, false, 2, 0},
		{"stream cut before DONE", []llmtest.Reply{{Content: "The sky is blue and the grass is green [1].", CutStream: true}}, true, true, 1, 0},
		{"malformed", []llmtest.Reply{{Malformed: true}}, false, true, 1, 0},
		{"no choices", []llmtest.Reply{{NoChoices: true, Content: "x"}}, false, true, 1, 0},
		{"empty content", []llmtest.Reply{{Content: "   "}}, false, true, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.QueueChat(tt.replies...)
			var onDelta func(string)
			if tt.stream {
				onDelta = func(string) {}
			}
			start := time.Now()
			_, err := newClient(srv, "").Chat(context.Background(), msgs, onDelta)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got := srv.ChatRequests(); got != tt.calls {
				t.Errorf("%d requests, want %d", got, tt.calls)
			}
			if el := time.Since(start); el < tt.minWait {
				t.Errorf("returned after %v, before Retry-After %v", el, tt.minWait)
			}
			var le *llm.Error
			if err != nil && !errors.As(err, &le) {
				t.Errorf("err %T is not *llm.Error", err)
			}
		})
	}
}

func TestStreamCutIsError(t *testing.T) {
	srv := llmtest.New(t)
	srv.QueueChat(llmtest.Reply{Content: "one two three four five six [1].", CutStream: true})
	_, err := newClient(srv, "").Chat(context.Background(), msgs, func(string) {})
	if !errors.Is(err, llm.ErrStreamCut) {
		t.Errorf("err = %v, want ErrStreamCut", err)
	}
}

// TestHangTimesOut: a server that never answers ends in the call's
// deadline (the fake itself gives up only after a minute, with no body).
func TestHangTimesOut(t *testing.T) {
	srv := llmtest.New(t)
	srv.QueueChat(llmtest.Reply{Hang: true})
	c := llm.New(llm.Config{BaseURL: srv.URL(), Model: "m", Timeout: 200 * time.Millisecond, MaxRetries: -1})
	_, err := c.Chat(context.Background(), msgs, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hang: err = %v, want the deadline", err)
	}
}

// TestRetryAfterBeyondDeadline: a Retry-After that ends after the caller's
// deadline fails at once, without waiting for the deadline.
func TestRetryAfterBeyondDeadline(t *testing.T) {
	srv := llmtest.New(t)
	srv.QueueChat(llmtest.Reply{Status: 429, RetryAfter: "60"})
	c := llm.New(llm.Config{BaseURL: srv.URL(), Model: "m", Timeout: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	if _, err := c.Chat(ctx, msgs, nil); err == nil {
		t.Error("a Retry-After past the deadline should fail now")
	}
	if ctx.Err() != nil {
		t.Error("waited for the deadline for a retry that could not fit before it")
	}
	if n := srv.ChatRequests(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	srv := llmtest.New(t)
	srv.QueueChat(llmtest.Reply{Hang: true})
	c := llm.New(llm.Config{BaseURL: srv.URL(), Model: "m", Timeout: 5 * time.Second, MaxConcurrency: 1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Chat(ctx, msgs, nil) // occupies the only slot
	for srv.ChatRequests() == 0 {
		time.Sleep(time.Millisecond)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	if _, err := c.Chat(short, msgs, nil); err == nil {
		t.Error("second call got through a limit of one")
	}
	if srv.ChatRequests() != 1 {
		t.Errorf("%d requests reached the server, want 1", srv.ChatRequests())
	}
}
