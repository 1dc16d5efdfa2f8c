package embeddings

import (
	"context"
	"fmt"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// OpenAI embeds through any OpenAI-compatible /v1/embeddings endpoint
// (OpenAI, Ollama, vLLM, LM Studio, llama.cpp), in batches. go-openai sets
// no timeout of its own: every request gets Timeout as its deadline.
type OpenAI struct {
	client  *openai.Client
	model   string
	batch   int
	timeout time.Duration
}

// NewOpenAI returns an embedder over client. batch is the number of texts
// per request (64 when <= 0); timeout bounds each request (60 s when <= 0).
func NewOpenAI(client *openai.Client, model string, batch int, timeout time.Duration) *OpenAI {
	if batch <= 0 {
		batch = 64
	}
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	return &OpenAI{client: client, model: model, batch: batch, timeout: timeout}
}

// Name identifies the embedder in cache keys.
func (o *OpenAI) Name() string { return "openai" }

// Model is the embedding model.
func (o *OpenAI) Model() string { return o.model }

// Embed embeds texts, batch by batch, in order.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += o.batch {
		end := min(start+o.batch, len(texts))
		vecs, err := o.embedBatch(ctx, texts[start:end])
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
	}
	return out, nil
}

func (o *OpenAI) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	resp, err := o.client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
		Input: texts,
		Model: openai.EmbeddingModel(o.model),
	})
	if err != nil {
		return nil, fmt.Errorf("embeddings (%s): %w", o.model, err)
	}
	if len(resp.Data) != len(texts) {
		return nil, fmt.Errorf("embeddings (%s): got %d vectors for %d texts", o.model, len(resp.Data), len(texts))
	}
	vecs := make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(texts) || vecs[d.Index] != nil {
			return nil, fmt.Errorf("embeddings (%s): malformed response (index %d)", o.model, d.Index)
		}
		if len(d.Embedding) == 0 {
			return nil, fmt.Errorf("embeddings (%s): empty vector at index %d", o.model, d.Index)
		}
		v := append([]float32(nil), d.Embedding...)
		normalize(v)
		vecs[d.Index] = v
	}
	return vecs, nil
}
