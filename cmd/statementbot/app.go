package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/prompts"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/rag/llm"
	"github.com/statementbot/statementbot/statements"
)

// app is the wired program: configuration, logger and the answering engine
// over the current index.
type app struct {
	cfg    config
	log    *slog.Logger
	engine *rag.Engine
	built  rag.BuildStats
}

// buildIndex embeds stmts through the on-disk cache of emb.
func buildIndex(ctx context.Context, cfg config, stmts []*rag.Statement, emb embeddings.Embedder) (*rag.Index, rag.BuildStats, error) {
	var docs rag.Embedder = emb
	if cache, err := embeddings.OpenCache(filepath.Join(cfg.DataDir, "cache"), emb); err == nil {
		docs = cache
	}
	return rag.Build(ctx, stmts, docs, nil)
}

// dataFlag registers --data on fs.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "data directory for the index and cache (default $STATEMENTBOT_DATA or ./data)")
}

// openApp loads the configuration and statements and builds the index.
func openApp(ctx context.Context, env *environment, dataDir string) (*app, error) {
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return nil, err
	}
	if dataDir != "" {
		cfg.DataDir = dataDir
	}
	log := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	a := &app{cfg: cfg, log: log}

	stmts, err := rag.LoadStatements(statements.FS)
	if err != nil {
		return nil, fmt.Errorf("bundled statements: %w", err)
	}
	pset, err := prompts.Load(cfg.PromptsDir)
	if err != nil {
		return nil, err
	}
	rcfg := rag.Config{Log: log, Prompts: pset}
	var client *llm.Client
	if cfg.llmEnabled() {
		client = llm.New(llm.Config{
			BaseURL: cfg.OpenAIBaseURL, APIKey: cfg.OpenAIKey, Model: cfg.ChatModel,
			Timeout: cfg.LLMTimeout, MaxRetries: cfg.LLMMaxRetries, MaxConcurrency: cfg.LLMMaxConcurrency,
			Logger: log,
		})
		rcfg.Chat = client
	}

	local := embeddings.NewLocal(0)
	var ix *rag.Index
	if cfg.EmbeddingProvider == "openai" {
		remote := embeddings.NewOpenAI(client.OpenAI(), cfg.EmbeddingModel, 0, cfg.LLMTimeout)
		ix, a.built, err = buildIndex(ctx, cfg, stmts, remote)
		if err == nil {
			rcfg.Queries = remote
		} else {
			log.Warn("embedding server unavailable; using the local embedder", "err", err)
		}
	}
	if ix == nil {
		if ix, a.built, err = buildIndex(ctx, cfg, stmts, local); err != nil {
			return nil, err
		}
		rcfg.Queries = local
	}
	log.Info("index ready", "statements", a.built.Statements, "paragraphs", a.built.Paragraphs,
		"embedded", a.built.Embedded, "reused", a.built.Reused, "took", a.built.Duration, "answers", map[bool]string{true: "llm", false: "extractive"}[client != nil])
	a.engine = rag.NewEngine(ix, rcfg)
	return a, nil
}
