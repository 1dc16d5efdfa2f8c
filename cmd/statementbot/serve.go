package main

import (
	"context"
	"flag"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/statementbot/statementbot/bot"
)

func cmdServe(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "serve", args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("serve: takes no arguments; configure it with environment variables (see .env.example)")
	}
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	if cfg.DiscordToken == "" {
		return usageErrorf("serve: DISCORD_TOKEN is not set: create an application at https://discord.com/developers/applications, open Bot, Reset Token, and export DISCORD_TOKEN=<token> (see README, \"Run it on your Discord server\")")
	}
	client, err := bot.NewHTTPClient(cfg.DiscordAPIURL)
	if err != nil {
		return usageErrorf("serve: %v", err)
	}
	if *data != "" {
		cfg.DataDir = *data
	}
	// The shards first: a bad shard id fails before the index loads.
	sess, err := newSession(cfg, client)
	if err != nil {
		return err
	}
	process := bot.Process{HTTPOnly: !cfg.Gateway, NoRegister: cfg.Register == registerNever}
	if cfg.Gateway {
		shards, ids, err := shardSessions(cfg, client, sess)
		if err != nil {
			return err
		}
		process.Shards, process.NoRegister = shards, !cfg.Register.registers(ids)
		sess = shards[0] // REST through the first shard's session
	} else if cfg.Register != registerAlways {
		process.NoRegister = true
	}
	if !cfg.LogLevelSet {
		cfg.LogLevel = slog.LevelInfo // a server logs what it does
	}
	metrics := newPromMetrics()
	// Ready once the index is loaded (the bot exists) and the bot is
	// online; /healthz answers from the start.
	var current atomic.Pointer[bot.Bot]
	// The interactions endpoint, once the bot exists: 503 before.
	var endpoint atomic.Pointer[http.Handler]
	if cfg.HTTPAddr != "" {
		log := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: cfg.LogLevel})).With("component", "http")
		var interactions http.Handler
		if cfg.DiscordPublicKey != nil {
			interactions = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h := endpoint.Load()
				if h == nil {
					http.Error(w, "starting", http.StatusServiceUnavailable)
					return
				}
				(*h).ServeHTTP(w, r)
			})
		}
		ops, addr, err := startOps(cfg.HTTPAddr, opsHandler(metrics.reg, func() bool {
			b := current.Load()
			return b != nil && b.Ready()
		}, interactions), log)
		if err != nil {
			return err
		}
		defer func() {
			if err := ops.stop(); err != nil {
				log.Warn("stopping the HTTP server", "err", err)
			}
		}()
		log.Info("serving /healthz, /readyz and /metrics", "addr", addr.String(), "interactions", interactions != nil)
		if env.listening != nil {
			env.listening(addr.String())
		}
	}
	a, err := openApp(ctx, env, cfg, appOptions{wrapChat: metrics.countChat})
	if err != nil {
		return err
	}
	defer a.close()
	bcfg := bot.Config{
		Session: sess, Answerer: a.engine, Library: a.library,
		Store: a.store, GuildID: cfg.DiscordGuildID, Log: a.log.With("component", "bot"),
		AdminUserIDs: cfg.AdminUserIDs, AdminRoleIDs: cfg.AdminRoleIDs, OperatorGuildIDs: cfg.OperatorGuildIDs, MessageContent: cfg.MessageContent,
		MaxConcurrent: cfg.AnswerConcurrency, UserPerMinute: cfg.UserPerMinute, MaxUploadBytes: cfg.MaxUploadBytes,
		Metrics: metrics, ShutdownGrace: cfg.ShutdownGrace, Reword: a.prose, Process: process,
	}
	switch {
	case cfg.AnnounceChannelID != "" && a.store == nil:
		a.log.Warn("ANNOUNCE_CHANNEL_ID is set but this data directory has no store (read-only); not announcing new statements")
	case cfg.AnnounceChannelID != "":
		// Claims in the store: every process sharing it (one machine's
		// SQLite, several machines' PostgreSQL) announces each statement
		// once.
		bcfg.AnnounceChannelID = cfg.AnnounceChannelID
		bcfg.Announcements = a.store
	}
	if env.botConfig != nil {
		env.botConfig(&bcfg)
	}
	b := bot.New(bcfg)
	metrics.watchServe(b, a.library)
	current.Store(b)
	if cfg.DiscordPublicKey != nil {
		h := b.InteractionsHandler(cfg.DiscordPublicKey)
		endpoint.Store(&h)
	}
	// The bot follows changes other processes make (the CLI, other bots
	// on the same store).
	go a.library.Follow(ctx)
	a.log.Info("starting the Discord bot", slog.String("guild", cfg.DiscordGuildID), slog.String("mode", a.engine.Mode()))
	return b.Run(ctx)
}
