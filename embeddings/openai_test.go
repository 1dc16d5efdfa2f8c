package embeddings

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

func TestOpenAIEmbedBatches(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/embeddings" {
			http.NotFound(w, r)
			return
		}
		requests.Add(1)
		var req struct {
			Input []string `json:"input"`
			Model string   `json:"model"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != "test-embed" {
			http.Error(w, "bad request", 400)
			return
		}
		type item struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		var data []item
		// Reply out of order: the embedder must place vectors by index.
		for i := len(req.Input) - 1; i >= 0; i-- {
			data = append(data, item{"embedding", i, []float32{float32(len(req.Input[i])), 1, 0}})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model})
	}))
	defer srv.Close()
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = srv.URL + "/v1"
	e := NewOpenAI(openai.NewClientWithConfig(cfg), "test-embed", 2, time.Second)
	texts := []string{"a", "bb", "ccc", "dddd", "eeeee"}
	got, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if requests.Load() != 3 {
		t.Errorf("%d requests for 5 texts in batches of 2, want 3", requests.Load())
	}
	for i, v := range got {
		// (len, 1, 0) normalised: first/second = len
		if ratio := v[0] / v[1]; int(ratio+0.5) != len(texts[i]) {
			t.Errorf("vector %d = %v, not the one for %q", i, v, texts[i])
		}
	}
}

func TestOpenAIEmbedErrors(t *testing.T) {
	for name, handler := range map[string]http.HandlerFunc{
		"500":     func(w http.ResponseWriter, r *http.Request) { http.Error(w, `{"error":{"message":"boom"}}`, 500) },
		"too few": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"data":[]}`)) },
		"bad index": func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"data":[{"index":7,"embedding":[1]}]}`))
		},
		"empty vec": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"data":[{"index":0,"embedding":[]}]}`)) },
		"not json":  func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`<html>`)) },
		"hang": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(handler)
			defer srv.Close()
			cfg := openai.DefaultConfig("")
			cfg.BaseURL = srv.URL + "/v1"
			e := NewOpenAI(openai.NewClientWithConfig(cfg), "m", 8, 200*time.Millisecond)
			_, err := e.Embed(context.Background(), []string{"x"})
			if err == nil || !strings.Contains(err.Error(), "embeddings") {
				t.Errorf("err = %v, want an embeddings error", err)
			}
		})
	}
}
