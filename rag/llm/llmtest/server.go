// Package llmtest is an OpenAI-compatible server for tests, on loopback:
// /v1/chat/completions (JSON and server-sent events) and /v1/embeddings,
// with scripted replies and faults (429 with Retry-After, 500, a hang, a
// stream cut before [DONE], malformed bodies). It records every request.
package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/statementbot/statementbot/embeddings"
)

// Reply scripts one answer to one request.
type Reply struct {
	Status     int           // non-200: an error reply with ErrorBody
	RetryAfter string        // Retry-After header value, with Status 429/503
	ErrorBody  string        // body of an error reply (default: an OpenAI-style error)
	Content    string        // the assistant's text
	ChunkDelay time.Duration // streaming: pause between chunks
	Hang       bool          // never answer; wait for the client to give up
	CutStream  bool          // streaming: stop after half the content, without [DONE]
	Malformed  bool          // a 200 whose body is not the expected JSON
	NoChoices  bool          // a 200 with an empty choices list
}

// Request is one recorded request.
type Request struct {
	Path          string
	Authorization string
	Stream        bool
	Model         string
	Messages      []Message
	Input         []string // embeddings
}

// Message is a chat message as received.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Server is the fake. Zero replies queued: chat requests get
// Default(request), which echoes the first sentence of paragraph [1].
type Server struct {
	srv     *httptest.Server
	Default func(Request) Reply

	mu         sync.Mutex
	chat       []Reply
	embed      []Reply
	requests   []Request
	embedDims  int
	hangCancel chan struct{}
}

// New starts a server and stops it when the test ends.
func New(t testing.TB) *Server {
	s := &Server{Default: EchoFirstSentence, embedDims: 64, hangCancel: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.handleChat)
	mux.HandleFunc("POST /v1/embeddings", s.handleEmbeddings)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		close(s.hangCancel)
		s.srv.Close()
	})
	return s
}

// URL is the base URL to configure, ending in /v1.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// QueueChat scripts the next chat replies, in order.
func (s *Server) QueueChat(r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat = append(s.chat, r...)
}

// QueueEmbed scripts the next embeddings replies (only Status, RetryAfter,
// Hang and Malformed apply).
func (s *Server) QueueEmbed(r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embed = append(s.embed, r...)
}

// Requests returns what was received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ChatRequests counts chat requests received.
func (s *Server) ChatRequests() int {
	n := 0
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, "/chat/completions") {
			n++
		}
	}
	return n
}

func (s *Server) next(queue *[]Reply) (Reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(*queue) == 0 {
		return Reply{}, false
	}
	r := (*queue)[0]
	*queue = (*queue)[1:]
	return r, true
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
}

// fault writes a scripted failure; it reports whether it did.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, rep Reply) bool {
	switch {
	case rep.Hang:
		select {
		case <-r.Context().Done():
		case <-s.hangCancel:
		case <-time.After(time.Minute):
		}
		return true
	case rep.Status != 0 && rep.Status != http.StatusOK:
		if rep.RetryAfter != "" {
			w.Header().Set("Retry-After", rep.RetryAfter)
		}
		body := rep.ErrorBody
		if body == "" {
			body = fmt.Sprintf(`{"error":{"message":"scripted failure %d (secret upstream detail)","type":"server_error"}}`, rep.Status)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.Status)
		_, _ = w.Write([]byte(body))
		return true
	case rep.Malformed:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"choices": [{"message": {"content": 42`))
		return true
	}
	return false
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Model    string    `json:"model"`
		Stream   bool      `json:"stream"`
		Messages []Message `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
		return
	}
	req := Request{Path: r.URL.Path, Authorization: r.Header.Get("Authorization"), Stream: body.Stream, Model: body.Model, Messages: body.Messages}
	s.record(req)
	rep, ok := s.next(&s.chat)
	if !ok {
		rep = s.Default(req)
	}
	if s.fault(w, r, rep) {
		return
	}
	if !body.Stream {
		choices := []map[string]any{{"index": 0, "finish_reason": "stop", "message": map[string]string{"role": "assistant", "content": rep.Content}}}
		if rep.NoChoices {
			choices = nil
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": "chatcmpl-test", "object": "chat.completion", "model": body.Model, "choices": choices})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	words := strings.SplitAfter(rep.Content, " ")
	if rep.CutStream {
		words = words[:len(words)/2]
	}
	for i, piece := range words {
		if i > 0 && rep.ChunkDelay > 0 {
			select {
			case <-time.After(rep.ChunkDelay):
			case <-r.Context().Done():
				return
			}
		}
		chunk := map[string]any{"id": "chatcmpl-test", "object": "chat.completion.chunk", "model": body.Model,
			"choices": []map[string]any{{"index": 0, "delta": map[string]string{"content": piece}}}}
		data, _ := json.Marshal(chunk)
		fmt.Fprintf(w, "data: %s\n\n", data)
		if flusher != nil {
			flusher.Flush()
		}
	}
	if rep.CutStream {
		return
	}
	fmt.Fprint(w, `data: {"id":"chatcmpl-test","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`+"\n\n")
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func (s *Server) handleEmbeddings(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Model string   `json:"model"`
		Input []string `json:"input"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
		return
	}
	s.record(Request{Path: r.URL.Path, Authorization: r.Header.Get("Authorization"), Model: body.Model, Input: body.Input})
	if rep, ok := s.next(&s.embed); ok && s.fault(w, r, rep) {
		return
	}
	local := embeddings.NewLocal(s.embedDims)
	data := make([]map[string]any, len(body.Input))
	for i, in := range body.Input {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": local.Vector(in)}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"object": "list", "model": body.Model, "data": data})
}

var (
	paragraphRE = regexp.MustCompile(`(?s)«paragraph (\d+)»[^\n]*\n(.*?)\n«/paragraph»`)
	sentenceRE  = regexp.MustCompile(`^.*?[.!?](?:\s|$)`)
)

// Paragraphs returns the numbered paragraphs of the answer prompt in req.
func Paragraphs(req Request) map[string]string {
	out := map[string]string{}
	for _, m := range req.Messages {
		for _, p := range paragraphRE.FindAllStringSubmatch(m.Content, -1) {
			out[p[1]] = p[2]
		}
	}
	return out
}

// EchoFirstSentence answers with the first sentence of paragraph [1],
// cited — a model that behaves. A rewrite request (no paragraphs) gets the
// last question back.
func EchoFirstSentence(req Request) Reply {
	p, ok := Paragraphs(req)["1"]
	if !ok {
		last := req.Messages[len(req.Messages)-1].Content
		if i := strings.LastIndex(last, "«question»"); i >= 0 {
			q := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(last[i+len("«question»"):]), "«/question»"))
			return Reply{Content: q}
		}
		return Reply{Content: "The statement does not cover this question."}
	}
	s := strings.TrimSpace(sentenceRE.FindString(p + " "))
	if s == "" {
		s = p
	}
	return Reply{Content: strings.TrimRight(s, ".") + " [1]."}
}
