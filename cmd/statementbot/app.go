package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/rag"
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

	local := embeddings.NewLocal(0)
	var docs rag.Embedder = local
	if cache, err := embeddings.OpenCache(filepath.Join(cfg.DataDir, "cache"), local); err != nil {
		log.Warn("embedding cache unavailable; embedding everything afresh", "err", err)
	} else {
		docs = cache
	}
	stmts, err := rag.LoadStatements(statements.FS)
	if err != nil {
		return nil, fmt.Errorf("bundled statements: %w", err)
	}
	ix, stats, err := rag.Build(ctx, stmts, docs, nil)
	if err != nil {
		return nil, err
	}
	a.built = stats
	log.Info("index ready", "statements", stats.Statements, "paragraphs", stats.Paragraphs,
		"embedded", stats.Embedded, "reused", stats.Reused, "took", stats.Duration)
	a.engine = rag.NewEngine(ix, local, log)
	return a, nil
}
