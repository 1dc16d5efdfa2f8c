package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"
)

// config is everything statementbot reads from its environment. This file
// is the only place that knows the variable names.
type config struct {
	DataDir string
	// StoreURL, a postgres:// URL, keeps the corpus in PostgreSQL, shared
	// by several processes; empty keeps it in SQLite in DataDir.
	StoreURL    string
	LogLevel    slog.Level
	LogLevelSet bool // LOG_LEVEL was given (serve defaults to info otherwise)

	// Language model and embeddings, over any OpenAI-compatible server.
	OpenAIKey         string
	OpenAIBaseURL     string
	ChatModel         string
	EmbeddingProvider string // "local" or "openai"
	EmbeddingModel    string
	LLMTimeout        time.Duration
	LLMMaxConcurrency int
	// LLMMaxRetries counts retries after the first attempt as
	// llm.Config.MaxRetries takes them: LLM_MAX_RETRIES=0 is kept as -1
	// (none), since zero there means the default.
	LLMMaxRetries int
	PromptsDir    string

	// MaxUploadBytes bounds a statement file (CLI or Discord attachment).
	MaxUploadBytes int64

	// Discord.
	DiscordToken   string
	DiscordGuildID string
	DiscordAPIURL  string
	AdminUserIDs   []string
	AdminRoleIDs   []string
	// OperatorGuildIDs are the operator's own servers: their admins may
	// change the shared library (as ADMIN_USER_IDS may).
	OperatorGuildIDs []string
	// ServerMaxStatements and ServerMaxBytes bound each server's own
	// library (0: no limit).
	ServerMaxStatements int
	ServerMaxBytes      int64
	MessageContent      bool
	AnswerConcurrency   int
	UserPerMinute       int
	// AnnounceChannelID receives a post for each statement added.
	AnnounceChannelID string

	// Operations: HTTPAddr serves /healthz, /readyz and /metrics (empty:
	// no HTTP server); ShutdownGrace is how long serve lets answers in
	// flight finish once asked to stop.
	HTTPAddr      string
	ShutdownGrace time.Duration
	// DiscordPublicKey, with HTTPAddr, serves POST /interactions (Discord's
	// HTTP interactions endpoint, requests signed with this key).
	DiscordPublicKey ed25519.PublicKey

	// Several processes: the gateway shards this one runs (none when
	// Gateway is false: interactions over HTTP only) and whether it
	// registers the commands.
	Gateway  bool
	Shards   shardSpec
	Register registerMode
}

// shardSpec is DISCORD_SHARD_COUNT and DISCORD_SHARD_ID.
type shardSpec struct {
	Count int   // shards in all; 0: the count Discord recommends (auto)
	IDs   []int // the shards this process runs, ascending; nil: all of them
}

// shards is the shard count and the shards this process runs; recommended
// asks Discord for the count when it is auto.
func (s shardSpec) shards(recommended func() (int, error)) (count int, ids []int, err error) {
	count = s.Count
	if count == 0 {
		if count, err = recommended(); err != nil {
			return 0, nil, fmt.Errorf("DISCORD_SHARD_COUNT=auto: asking Discord for the shard count: %w", err)
		}
		if count < 1 {
			return 0, nil, fmt.Errorf("DISCORD_SHARD_COUNT=auto: Discord recommended %d shards", count)
		}
	}
	if s.IDs == nil {
		ids = make([]int, count)
		for i := range ids {
			ids[i] = i
		}
		return count, ids, nil
	}
	for _, id := range s.IDs {
		if id >= count {
			return 0, nil, usageErrorf("DISCORD_SHARD_ID: shard %d is not below the shard count %d Discord recommends (shard ids run from 0 to %d)", id, count, count-1)
		}
	}
	return count, s.IDs, nil
}

// registerMode is REGISTER_COMMANDS.
type registerMode int

const (
	registerAuto   registerMode = iota // the process running shard 0 registers
	registerAlways                     // this process registers (e.g. the HTTP-only one)
	registerNever
)

// registers reports whether a process running shards registers the
// commands.
func (m registerMode) registers(shards []int) bool {
	switch m {
	case registerAlways:
		return true
	case registerNever:
		return false
	}
	return slices.Contains(shards, 0)
}

// parseShards reads DISCORD_SHARD_COUNT ("auto" or a number) and
// DISCORD_SHARD_ID (an id, a range such as 0-3, or a list such as 0,2,5-7;
// empty: all shards).
func parseShards(count, ids string) (shardSpec, error) {
	var s shardSpec
	switch {
	case count == "" && ids == "":
		return shardSpec{Count: 1}, nil
	case count == "":
		return s, usageErrorf("DISCORD_SHARD_ID needs DISCORD_SHARD_COUNT: the number of shards in all, or auto for the count Discord recommends")
	case strings.EqualFold(count, "auto"):
	default:
		n, err := strconv.Atoi(count)
		if err != nil || n < 1 {
			return s, usageErrorf("DISCORD_SHARD_COUNT=%q: use a whole number of at least 1, or auto", count)
		}
		s.Count = n
	}
	if ids == "" {
		return s, nil
	}
	bad := usageErrorf("DISCORD_SHARD_ID=%q: give a shard id (0), a range (0-3) or a list (0,2,5-7)", ids)
	seen := map[int]bool{}
	for part := range strings.SplitSeq(ids, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		first, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil || first < 0 {
			return s, bad
		}
		last := first
		if isRange {
			if last, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil || last < first {
				return s, bad
			}
		}
		for id := first; id <= last; id++ {
			if s.Count > 0 && id >= s.Count {
				return s, usageErrorf("DISCORD_SHARD_ID=%q: shard %d is not below DISCORD_SHARD_COUNT=%d (shard ids run from 0 to %d)", ids, id, s.Count, s.Count-1)
			}
			if seen[id] {
				return s, usageErrorf("DISCORD_SHARD_ID=%q: shard %d is named twice", ids, id)
			}
			seen[id] = true
			s.IDs = append(s.IDs, id)
		}
	}
	slices.Sort(s.IDs)
	return s, nil
}

// llmEnabled: a key or a base URL switches the language model on.
func (c config) llmEnabled() bool { return c.OpenAIKey != "" || c.OpenAIBaseURL != "" }

// loadConfig reads the configuration through getenv, and from the .env
// file (STATEMENTBOT_ENV_FILE, default ./.env) when there is one; a
// variable set in the real environment wins over the file.
func loadConfig(getenv func(string) string) (config, error) {
	lookup, err := withEnvFile(getenv)
	if err != nil {
		return config{}, err
	}
	get := func(k string) string { return strings.TrimSpace(lookup(k)) }
	c := config{
		DataDir:           "data",
		LogLevel:          slog.LevelWarn,
		OpenAIKey:         get("OPENAI_API_KEY"),
		OpenAIBaseURL:     get("OPENAI_BASE_URL"),
		ChatModel:         get("CHAT_MODEL"),
		EmbeddingProvider: strings.ToLower(get("EMBEDDING_PROVIDER")),
		EmbeddingModel:    get("EMBEDDING_MODEL"),
		LLMTimeout:        30 * time.Second,
		LLMMaxConcurrency: 4,
		LLMMaxRetries:     2,
		PromptsDir:        get("PROMPTS_DIR"),
	}
	if v := get("STATEMENTBOT_DATA"); v != "" {
		c.DataDir = v
	}
	if v := get("STATEMENTBOT_STORE"); v != "" {
		if !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
			return c, usageErrorf("STATEMENTBOT_STORE: give a postgres:// URL, or leave it unset to keep the store in the data directory")
		}
		c.StoreURL = v
	}
	if v := get("LOG_LEVEL"); v != "" {
		c.LogLevelSet = true
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, usageErrorf("LOG_LEVEL=%q: use debug, info, warn or error", v)
		}
	}
	if c.ChatModel == "" {
		c.ChatModel = "gpt-4o-mini"
	}
	if c.EmbeddingModel == "" {
		c.EmbeddingModel = "text-embedding-3-small"
	}
	switch c.EmbeddingProvider {
	case "", "local":
		c.EmbeddingProvider = "local"
	case "openai":
		if !c.llmEnabled() {
			return c, usageErrorf("EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY or OPENAI_BASE_URL")
		}
	default:
		return c, usageErrorf("EMBEDDING_PROVIDER=%q: use local or openai", c.EmbeddingProvider)
	}
	if v := get("LLM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, usageErrorf("LLM_TIMEOUT=%q: use a duration such as 30s or 2m", v)
		}
		c.LLMTimeout = d
	}
	if c.LLMMaxConcurrency, err = positiveInt(get, "LLM_MAX_CONCURRENCY", c.LLMMaxConcurrency, 1); err != nil {
		return c, err
	}
	if c.LLMMaxRetries, err = positiveInt(get, "LLM_MAX_RETRIES", c.LLMMaxRetries, 0); err != nil {
		return c, err
	}
	if c.LLMMaxRetries == 0 {
		c.LLMMaxRetries = -1
	}
	maxUpload, err := positiveInt(get, "MAX_UPLOAD_BYTES", 8<<20, 1)
	if err != nil {
		return c, err
	}
	c.MaxUploadBytes = int64(maxUpload)

	c.DiscordToken = strings.TrimPrefix(get("DISCORD_TOKEN"), "Bot ")
	c.DiscordGuildID = get("DISCORD_GUILD_ID")
	c.DiscordAPIURL = get("DISCORD_API_URL")
	c.AdminUserIDs = idList(get("ADMIN_USER_IDS"))
	c.AdminRoleIDs = idList(get("ADMIN_ROLE_IDS"))
	c.OperatorGuildIDs = idList(get("OPERATOR_GUILD_IDS"))
	if c.ServerMaxStatements, err = positiveInt(get, "SERVER_MAX_STATEMENTS", 200, 0); err != nil {
		return c, err
	}
	serverBytes, err := positiveInt(get, "SERVER_MAX_BYTES", 50_000_000, 0)
	if err != nil {
		return c, err
	}
	c.ServerMaxBytes = int64(serverBytes)
	c.AnnounceChannelID = get("ANNOUNCE_CHANNEL_ID")
	if v := get("MESSAGE_CONTENT"); v != "" {
		if c.MessageContent, err = strconv.ParseBool(v); err != nil {
			return c, usageErrorf("MESSAGE_CONTENT=%q: use true or false", v)
		}
	}
	if c.AnswerConcurrency, err = positiveInt(get, "ANSWER_CONCURRENCY", 8, 1); err != nil {
		return c, err
	}
	if c.UserPerMinute, err = positiveInt(get, "USER_RATE_PER_MINUTE", 6, 1); err != nil {
		return c, err
	}
	c.HTTPAddr = get("HTTP_ADDR")
	if v := get("DISCORD_PUBLIC_KEY"); v != "" {
		key, err := hex.DecodeString(v)
		if err != nil || len(key) != ed25519.PublicKeySize {
			return c, usageErrorf("DISCORD_PUBLIC_KEY: give the application's public key as shown in the Developer Portal (64 hex digits)")
		}
		if c.HTTPAddr == "" {
			return c, usageErrorf("DISCORD_PUBLIC_KEY needs HTTP_ADDR: the interactions endpoint is served there")
		}
		c.DiscordPublicKey = key
	}
	c.Gateway = true
	if v := get("DISCORD_GATEWAY"); v != "" {
		if c.Gateway, err = strconv.ParseBool(v); err != nil {
			return c, usageErrorf("DISCORD_GATEWAY=%q: use true or false", v)
		}
	}
	if c.Shards, err = parseShards(get("DISCORD_SHARD_COUNT"), get("DISCORD_SHARD_ID")); err != nil {
		return c, err
	}
	if !c.Gateway {
		if c.DiscordPublicKey == nil {
			return c, usageErrorf("DISCORD_GATEWAY=false needs DISCORD_PUBLIC_KEY and HTTP_ADDR: without the gateway, questions come only to the interactions endpoint")
		}
		if get("DISCORD_SHARD_COUNT") != "" || get("DISCORD_SHARD_ID") != "" {
			return c, usageErrorf("DISCORD_GATEWAY=false runs no shard: unset DISCORD_SHARD_COUNT and DISCORD_SHARD_ID")
		}
	}
	switch v := strings.ToLower(get("REGISTER_COMMANDS")); v {
	case "", "auto":
	case "true":
		c.Register = registerAlways
	case "false":
		c.Register = registerNever
	default:
		return c, usageErrorf("REGISTER_COMMANDS=%q: use auto (the process running shard 0 registers), true or false", v)
	}
	c.ShutdownGrace = 10 * time.Second
	if v := get("SHUTDOWN_GRACE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, usageErrorf("SHUTDOWN_GRACE=%q: use a duration such as 10s or 1m", v)
		}
		c.ShutdownGrace = d
	}
	return c, nil
}

func positiveInt(get func(string) string, key string, def, least int) (int, error) {
	v := get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < least {
		return 0, usageErrorf("%s=%q: use a whole number of at least %d", key, v, least)
	}
	return n, nil
}

// idList splits "1, 2 3" into IDs.
func idList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}

// withEnvFile layers the .env file under getenv.
func withEnvFile(getenv func(string) string) (func(string) string, error) {
	path := getenv("STATEMENTBOT_ENV_FILE")
	explicit := path != ""
	if !explicit {
		path = ".env"
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return getenv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	file, err := godotenv.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, usageErrorf("%s: %v", path, err)
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return file[k]
	}, nil
}
