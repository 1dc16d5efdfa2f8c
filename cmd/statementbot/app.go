package main

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/statementbot/statementbot/compare"
	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/ingest/extract"
	"github.com/statementbot/statementbot/prompts"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/rag/llm"
	"github.com/statementbot/statementbot/reqid"
	"github.com/statementbot/statementbot/statements"
	"github.com/statementbot/statementbot/store"
)

// app is the wired program: configuration, logger, the statement library
// and the answering engine over its current index.
type app struct {
	cfg     config
	log     *slog.Logger
	engine  *rag.Engine
	library *rag.Library
	store   store.Store // nil: a read-only data dir without a store
	// changesOnly: opened to change the corpus (no index, no engine).
	changesOnly bool
	extractor   *extract.Extractor
	built       rag.BuildStats
	// prose rewords comparisons with the model, when one is configured.
	prose *compare.Prose
}

// close releases what the app started (the PDF reader's pool, the store).
func (a *app) close() {
	if a.extractor != nil {
		_ = a.extractor.Close()
	}
	if a.store != nil {
		_ = a.store.Close()
	}
}

// dataFlag registers --data on fs.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "data directory for the index and cache (default $STATEMENTBOT_DATA or ./data)")
}

// configFor loads the configuration; dataDir, from --data, wins.
func configFor(env *environment, dataDir string) (config, error) {
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return cfg, err
	}
	if dataDir != "" {
		cfg.DataDir = dataDir
	}
	return cfg, nil
}

// loadApp loads the configuration (dataDir, from --data, wins) and opens
// the app, for the commands that only read. A data directory named
// (--data or STATEMENTBOT_DATA) that does not exist is refused rather
// than created: it is most likely mistyped. The default ./data is
// created, so a fresh clone answers at once.
func loadApp(ctx context.Context, env *environment, dataDir string) (*app, error) {
	cfg, err := configFor(env, dataDir)
	if err != nil {
		return nil, err
	}
	if dataDir != "" || env.getenv("STATEMENTBOT_DATA") != "" {
		if _, err := os.Stat(cfg.DataDir); errors.Is(err, fs.ErrNotExist) {
			return nil, usageErrorf("the data directory %s does not exist: check --data or STATEMENTBOT_DATA (add creates it)", cfg.DataDir)
		}
	}
	return openApp(ctx, env, cfg, appOptions{})
}

// loadChanger is loadApp for add, remove and reindex: it opens the library
// to change the corpus only, building no index and no engine.
func loadChanger(ctx context.Context, env *environment, dataDir string) (*app, error) {
	cfg, err := configFor(env, dataDir)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	a := &app{cfg: cfg, log: log, changesOnly: true}
	a.extractor = newExtractor(cfg, log)
	if a.store, err = openStore(ctx, cfg, log); err != nil {
		a.close()
		return nil, err
	}
	var emb rag.NamedEmbedder = embeddings.NewLocal(0)
	if cfg.EmbeddingProvider == "openai" {
		emb = embeddings.NewOpenAI(newClient(cfg, log).OpenAI(), cfg.EmbeddingModel, 0, cfg.LLMTimeout)
	}
	if _, err := a.openLibrary(ctx, emb); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// appOptions adjust what openApp wires.
type appOptions struct {
	// wrapChat, when set, wraps the language model (to count its calls).
	wrapChat func(rag.ChatModel) rag.ChatModel
}

// openApp opens the library and builds the index.
func openApp(ctx context.Context, env *environment, cfg config, opts appOptions) (*app, error) {
	// A line logged with a question's context carries its request id.
	log := slog.New(reqid.NewHandler(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: cfg.LogLevel})))
	a := &app{cfg: cfg, log: log}
	a.extractor = newExtractor(cfg, log)

	pset, err := prompts.Load(cfg.PromptsDir)
	if err != nil {
		return nil, err
	}
	if a.store, err = openStore(ctx, cfg, log); err != nil {
		return nil, err
	}
	rcfg := rag.Config{Log: log, Prompts: pset}
	var client *llm.Client
	if cfg.llmEnabled() {
		client = newClient(cfg, log)
		rcfg.Chat = client
		if opts.wrapChat != nil {
			rcfg.Chat = opts.wrapChat(client)
		}
	}
	// Comparisons are reworded by the model when there is one.
	a.prose = &compare.Prose{Chat: rcfg.Chat, Prompts: pset, Log: log}
	rcfg.Compare = func(ctx context.Context, ix *rag.Index, q string) (*rag.Answer, bool) {
		return a.prose.Answer(ctx, ix, q)
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
			a.close()
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

// newExtractor reads uploads for add (CLI) and /statement add (serve)
// alike. PDFium (WebAssembly) starts on the first PDF only; its compiled
// code is cached under the data directory.
func newExtractor(cfg config, log *slog.Logger) *extract.Extractor {
	return extract.New(extract.Options{CacheDir: filepath.Join(cfg.DataDir, "cache", "wazero"), MaxTextBytes: int(cfg.MaxUploadBytes), Log: log})
}

// newClient is the OpenAI-compatible client for answers and remote
// embeddings.
func newClient(cfg config, log *slog.Logger) *llm.Client {
	return llm.New(llm.Config{
		BaseURL: cfg.OpenAIBaseURL, APIKey: cfg.OpenAIKey, Model: cfg.ChatModel,
		Timeout: cfg.LLMTimeout, MaxRetries: cfg.LLMMaxRetries, MaxConcurrency: cfg.LLMMaxConcurrency,
		Logger: log,
	})
}

func (a *app) mode(client *llm.Client) string {
	if client != nil {
		return rag.AnswerLLM
	}
	return rag.AnswerExtractive
}

// openLibrary opens the library over the store, embedding with emb. An
// earlier version's data dir (manifest.json, statements/, cache/) is
// imported into a new store, or read in place without one.
func (a *app) openLibrary(ctx context.Context, emb rag.NamedEmbedder) (*rag.Index, error) {
	lcfg := rag.LibraryConfig{
		LegacyDir: a.cfg.DataDir, Bundled: statements.FS, Docs: emb, Log: a.log, Extract: a.extractor.Extract,
		ChangesOnly: a.changesOnly,
		Limits:      rag.ServerLimits{Statements: a.cfg.ServerMaxStatements, Bytes: a.cfg.ServerMaxBytes},
	}
	if a.store != nil {
		lcfg.Store = a.store
	}
	lib, ix, stats, err := rag.OpenLibrary(ctx, lcfg)
	endStart()
	if err != nil {
		return nil, err
	}
	a.library, a.built = lib, stats
	return ix, nil
}

// audit records a change made from the command line: in the store, or,
// without a writable one, in the log.
func (a *app) audit(actor, server, action string, target []string, summary string, err error) {
	rec := store.AuditRecord{Time: time.Now().UTC(), Actor: actor, Guild: server, Action: action, Target: target, Summary: summary, OK: err == nil}
	if err != nil {
		rec.Error = err.Error()
	}
	if a.store != nil {
		werr := a.store.AppendAudit(context.Background(), rec)
		if werr == nil {
			return
		}
		if !errors.Is(werr, store.ErrReadOnly) {
			a.log.Error("audit log write failed", "err", werr)
		}
	}
	a.log.Info("audit", "actor", actor, "server", server, "action", action, "targets", len(target), "ok", rec.OK)
	a.log.Debug("audit detail", "target", target, "error", rec.Error)
}
