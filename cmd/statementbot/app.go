package main

import (
	"context"
	"flag"
	"log/slog"
	"path/filepath"

	"github.com/statementbot/statementbot/compare"
	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/ingest/extract"
	"github.com/statementbot/statementbot/prompts"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/rag/llm"
	"github.com/statementbot/statementbot/statements"
)

// app is the wired program: configuration, logger, the statement library
// and the answering engine over its current index.
type app struct {
	cfg       config
	log       *slog.Logger
	engine    *rag.Engine
	library   *rag.Library
	extractor *extract.Extractor
	built     rag.BuildStats
}

// close releases what the app started (the PDF reader's pool).
func (a *app) close() {
	if a.extractor != nil {
		_ = a.extractor.Close()
	}
}

// dataFlag registers --data on fs.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "data directory for the index and cache (default $STATEMENTBOT_DATA or ./data)")
}

// loadApp loads the configuration (dataDir, from --data, wins) and opens
// the app.
func loadApp(ctx context.Context, env *environment, dataDir string) (*app, error) {
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return nil, err
	}
	if dataDir != "" {
		cfg.DataDir = dataDir
	}
	return openApp(ctx, env, cfg)
}

// openApp opens the library and builds the index.
func openApp(ctx context.Context, env *environment, cfg config) (*app, error) {
	log := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	a := &app{cfg: cfg, log: log}
	// PDFium (WebAssembly) starts on the first PDF only; its compiled code
	// is cached under the data directory.
	a.extractor = extract.New(extract.Options{CacheDir: filepath.Join(cfg.DataDir, "cache", "wazero"), MaxTextBytes: int(cfg.MaxUploadBytes), Log: log})

	pset, err := prompts.Load(cfg.PromptsDir)
	if err != nil {
		return nil, err
	}
	rcfg := rag.Config{Log: log, Prompts: pset, Compare: func(ix *rag.Index, q string) (*rag.Answer, bool) { return compare.Answer(ix, q) }}
	var client *llm.Client
	if cfg.llmEnabled() {
		client = llm.New(llm.Config{
			BaseURL: cfg.OpenAIBaseURL, APIKey: cfg.OpenAIKey, Model: cfg.ChatModel,
			Timeout: cfg.LLMTimeout, MaxRetries: cfg.LLMMaxRetries, MaxConcurrency: cfg.LLMMaxConcurrency,
			Logger: log,
		})
		rcfg.Chat = client
	}

	var ix *rag.Index
	if cfg.EmbeddingProvider == "openai" {
		remote := embeddings.NewOpenAI(client.OpenAI(), cfg.EmbeddingModel, 0, cfg.LLMTimeout)
		ix, err = a.openLibrary(ctx, remote)
		if err == nil {
			rcfg.Queries = remote
		} else {
			log.Warn("embedding server unavailable; using the local embedder", "err", err)
		}
	}
	if ix == nil {
		local := embeddings.NewLocal(0)
		if ix, err = a.openLibrary(ctx, local); err != nil {
			return nil, err
		}
		rcfg.Queries = local
	}
	log.Info("index ready", "statements", a.built.Statements, "paragraphs", a.built.Paragraphs,
		"embedded", a.built.Embedded, "reused", a.built.Reused, "took", a.built.Duration, "answers", a.mode(client))
	a.engine = rag.NewEngine(ix, rcfg)
	a.library.SetEngine(a.engine)
	return a, nil
}

func (a *app) mode(client *llm.Client) string {
	if client != nil {
		return rag.ModeLLM
	}
	return rag.ModeExtractive
}

// openLibrary opens the data directory's library, embedding through the
// on-disk cache of emb.
func (a *app) openLibrary(ctx context.Context, emb embeddings.Embedder) (*rag.Index, error) {
	var docs rag.Embedder = emb
	if cache, err := embeddings.OpenCache(filepath.Join(a.cfg.DataDir, "cache"), emb); err == nil {
		docs = cache
	} else {
		a.log.Warn("embedding cache unavailable", "err", err)
	}
	lib, ix, stats, err := rag.OpenLibrary(ctx, rag.LibraryConfig{
		Dir: a.cfg.DataDir, Bundled: statements.FS, Docs: docs, Log: a.log, Extract: a.extractor.Extract,
	})
	if err != nil {
		return nil, err
	}
	a.library, a.built = lib, stats
	return ix, nil
}
