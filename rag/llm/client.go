// Package llm talks to any OpenAI-compatible server (OpenAI, Ollama, vLLM,
// LM Studio, llama.cpp) through go-openai, adding what go-openai lacks:
// bounded retries that honour Retry-After, a deadline on every call,
// detection of streams cut before [DONE], and a cap on concurrent calls.
package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/statementbot/statementbot/rag"
)

// Config configures a Client.
type Config struct {
	BaseURL        string        // e.g. https://api.openai.com/v1, http://localhost:11434/v1
	APIKey         string        // empty: no Authorization header is sent
	Model          string        // chat model
	Timeout        time.Duration // per call, retries included (default 30 s)
	MaxRetries     int           // after the first attempt (default 2; negative: none)
	MaxConcurrency int           // calls in flight at once (default 4)
	Transport      http.RoundTripper
	Logger         *slog.Logger
	// BaseDelay and MaxDelay shape the backoff (defaults 500 ms and 8 s).
	BaseDelay, MaxDelay time.Duration
}

// Client is a chat model over an OpenAI-compatible API. It implements
// rag.ChatModel. Safe for concurrent use.
type Client struct {
	api     *openai.Client
	model   string
	timeout time.Duration
	sem     chan struct{}
	log     *slog.Logger
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 2
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = 4
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 500 * time.Millisecond
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 8 * time.Second
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	oc.HTTPClient = &http.Client{Transport: &retryTransport{
		next:       cfg.Transport,
		maxRetries: cfg.MaxRetries,
		baseDelay:  cfg.BaseDelay,
		maxDelay:   cfg.MaxDelay,
		log:        cfg.Logger,
	}}
	return &Client{
		api:     openai.NewClientWithConfig(oc),
		model:   cfg.Model,
		timeout: cfg.Timeout,
		sem:     make(chan struct{}, cfg.MaxConcurrency),
		log:     cfg.Logger,
	}
}

// OpenAI is the underlying go-openai client, with the retrying transport,
// for the embeddings adapter to share.
func (c *Client) OpenAI() *openai.Client { return c.api }

// Timeout is the per-call deadline.
func (c *Client) Timeout() time.Duration { return c.timeout }

// Error is a failed model call. Its message is safe to log: an upstream's
// error body reaches it only as a status and a short reason, and anything
// in it that looks like a credential is redacted. What users see is
// decided by the caller.
type Error struct {
	Op  string
	Err error
}

func (e *Error) Error() string { return fmt.Sprintf("llm %s: %s", e.Op, redact(e.Err.Error())) }
func (e *Error) Unwrap() error { return e.Err }

// Chat sends messages and returns the reply. With onDelta it streams,
// calling onDelta with each piece of text as it arrives; without, it makes
// one plain request.
func (c *Client) Chat(ctx context.Context, msgs []rag.ChatMessage, onDelta func(string)) (string, error) {
	select {
	case c.sem <- struct{}{}:
		defer func() { <-c.sem }()
	case <-ctx.Done():
		return "", &Error{Op: "chat", Err: ctx.Err()}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req := openai.ChatCompletionRequest{Model: c.model, Temperature: 0}
	for _, m := range msgs {
		req.Messages = append(req.Messages, openai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	if onDelta == nil {
		resp, err := c.api.CreateChatCompletion(ctx, req)
		if err != nil {
			return "", &Error{Op: "chat", Err: err}
		}
		if len(resp.Choices) == 0 {
			return "", &Error{Op: "chat", Err: errors.New("malformed response: no choices")}
		}
		text := resp.Choices[0].Message.Content
		if strings.TrimSpace(text) == "" {
			return "", &Error{Op: "chat", Err: errors.New("malformed response: empty content")}
		}
		return text, nil
	}
	req.Stream = true
	stream, err := c.api.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return "", &Error{Op: "chat stream", Err: err}
	}
	defer stream.Close()
	var b strings.Builder
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", &Error{Op: "chat stream", Err: err}
		}
		if len(resp.Choices) == 0 {
			continue
		}
		if d := resp.Choices[0].Delta.Content; d != "" {
			b.WriteString(d)
			onDelta(d)
		}
	}
	if strings.TrimSpace(b.String()) == "" {
		return "", &Error{Op: "chat stream", Err: errors.New("malformed response: empty content")}
	}
	return b.String(), nil
}
