// Package bot is statementbot on Discord: slash commands, a message
// context-menu command, mentions, DMs and thread follow-ups, with
// citations one click away. It knows Discord; answering is rag's job.
//
// Questions come through the gateway sessions of the shards this process
// runs (shards.go) or the HTTP interactions endpoint (endpoint.go), each
// with a request id that its logs and error reference share (package
// reqid).
//
// Every question and command is answered in the scope of the server it
// came from (scope.go): the shared library and that server's own; a DM,
// the shared library. What the bot remembers of an answer names its
// server and is shown there only. A server's admins change its own
// library; the shared library is the operators' (admin.go).
package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/reqid"
	"github.com/statementbot/statementbot/store"
)

// Answerer answers questions from the current index.
type Answerer interface {
	Ask(ctx context.Context, req rag.AskRequest) (*rag.Answer, error)
	Search(ctx context.Context, query string, opt rag.SearchOptions) ([]rag.Hit, error)
	Index() *rag.Index
}

// Config configures a Bot.
type Config struct {
	Session  *discordgo.Session // not yet opened
	Answerer Answerer
	// Library, when set, enables the admin commands.
	Library Library
	// GuildID registers the commands in one guild (instant); empty
	// registers them globally.
	GuildID string
	// Store keeps the audit log, feedback and the answers behind
	// /sources and citation buttons; nil keeps answers in this process
	// and audit and feedback in the log only.
	Store Store
	Log   *slog.Logger

	// AdminUserIDs may change the shared library and any server's own;
	// AdminRoleIDs, a server's own (as Manage Server does).
	AdminUserIDs []string
	AdminRoleIDs []string
	// OperatorGuildIDs are the operator's own servers: their admins may
	// change the shared library too.
	OperatorGuildIDs []string
	// MessageContent requests the privileged intent, so plain messages in
	// the bot's threads (without a mention) continue the conversation.
	MessageContent bool

	MaxConcurrent  int           // answers in flight (default 8)
	UserPerMinute  int           // questions per user per minute (default 6)
	UserBurst      int           // questions a user may ask at once (default 3)
	EditInterval   time.Duration // streaming edits at most this often (default 1 s)
	MaxUploadBytes int64         // admin attachments (default 8 MiB)
	// Download fetches an attachment; default: HTTP GET with a timeout.
	Download func(ctx context.Context, url string, limit int64) ([]byte, error)
	// EndpointBudget is how long the interactions endpoint waits for a
	// handler's initial response before answering 503 (default: Discord's
	// 3 s; tests on a busy machine wait longer).
	EndpointBudget time.Duration
	// Metrics counts questions, latencies and retries; nil counts nothing.
	Metrics Metrics
	// ShutdownGrace is how long Run, once its context ends, lets the
	// answers in flight finish before cancelling them (default 10 s).
	ShutdownGrace time.Duration
	// Process is this process's part among several: its gateway shards
	// and whether it registers the commands (see shards.go).
	Process Process

	// AnnounceChannelID, with Announcements, has each statement added
	// to the library (from Discord, the CLI or another process, also
	// while no bot ran, once it reaches this process's index) posted to
	// that channel, once across processes and restarts; those stored
	// before the first bot with a channel started are not posted.
	AnnounceChannelID string
	Announcements     Announcements
	// AnnounceInterval is how often the index is checked for new
	// statements (default 2 s).
	AnnounceInterval time.Duration
	// Reword, when set, words the most telling changes of /compare
	// summaries and announcements as prose (a language model's, checked);
	// nil, or a failed rewording, lists them as computed.
	Reword Rewording

	// ticker paces the streaming edits (default: a time.Ticker of
	// EditInterval); tests tick it themselves.
	ticker tickerFunc
	// draining, when set, is called once Run has stopped taking questions
	// and waits for those in flight (a test seam).
	draining func()
}

// Bot is a running statementbot on Discord.
type Bot struct {
	cfg     Config
	s       *discordgo.Session
	log     *slog.Logger
	limit   *userLimiter
	gate    *gate
	memory  *memory
	metrics Metrics

	mu      sync.Mutex
	botID   string
	appID   string
	threads map[string]bool // threads the bot started

	// ctx is the context of the work Run starts: it outlives Run's own
	// context by the shutdown grace, so answers in flight can finish.
	ctx      context.Context
	inflight sync.WaitGroup
	online   chan struct{} // closed once the commands are registered
	shards   []*shard      // the gateway sessions this process runs
	stopping atomic.Bool   // Run's context ended: no new questions
}

// New returns a bot; Run connects it.
func New(cfg Config) *Bot {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.EditInterval <= 0 {
		cfg.EditInterval = time.Second
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 8 << 20
	}
	if cfg.Download == nil {
		cfg.Download = httpDownload(cfg.Session)
	}
	if cfg.ticker == nil {
		cfg.ticker = timeTicker
	}
	if cfg.Metrics == nil {
		cfg.Metrics = noMetrics{}
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = 10 * time.Second
	}
	if cfg.EndpointBudget <= 0 {
		cfg.EndpointBudget = responseBudget
	}
	if cfg.AnnounceInterval <= 0 {
		cfg.AnnounceInterval = defaultAnnounceInterval
	}
	return &Bot{
		cfg:     cfg,
		s:       cfg.Session,
		log:     cfg.Log,
		limit:   newUserLimiter(cfg.UserPerMinute, cfg.UserBurst),
		gate:    newGate(cfg.MaxConcurrent),
		memory:  newMemory(5000, cfg.Store, cfg.Log),
		metrics: cfg.Metrics,
		threads: map[string]bool{},
		ctx:     context.Background(),
		online:  make(chan struct{}),
		shards:  newShards(cfg),
	}
}

// Run opens the gateway, registers the commands and serves until ctx
// ends; then it stops taking questions, closes the session and lets the
// answers in flight finish for up to Config.ShutdownGrace (cancelling
// what is left after it). ctx ending is a clean stop wherever it happens,
// even while connecting or registering: Run then returns nil.
func (b *Bot) Run(ctx context.Context) error {
	work, stopWork := context.WithCancel(withRetryCounter(context.WithoutCancel(ctx), b.metrics))
	defer stopWork()
	b.ctx = work
	announce := b.cfg.AnnounceChannelID != "" && b.cfg.Announcements != nil
	if announce {
		// Before going online: statements stored from now on are announced.
		announce = b.startAnnouncements(ctx)
	}
	defer b.drain(stopWork)
	if err := b.connect(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	if err := b.registerOnce(withRetryCounter(ctx, b.metrics)); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while registering: a clean stop, as above
		}
		return err
	}
	botID, _ := b.ids()
	b.log.Info("statementbot is online", "user", botID, "guild", b.cfg.GuildID, "shards", b.shardNames())
	close(b.online)
	if announce {
		b.track(b.log, func() { b.watchAnnouncements(ctx) }, nil)
	}
	<-ctx.Done()
	return nil
}

// ids returns the bot user's and application's IDs.
func (b *Bot) ids() (botID, appID string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.botID, b.appID
}

// visible turns any error into what the user sees: their own mistakes
// verbatim, everything else as a friendly message whose reference is the
// question's request id (see package reqid), in every log line of it.
func (b *Bot) visible(ctx context.Context, err error, log *slog.Logger) string {
	var ie *rag.InputError
	switch {
	case errors.As(err, &ie) && errors.Is(err, rag.ErrUnknownStatement):
		return truncate(capitalize(ie.Msg)+". Use /statements to see what I know.", maxContent)
	case errors.As(err, &ie):
		return truncate(ie.Msg, maxContent)
	case errors.Is(err, rag.ErrNoStore), errors.Is(err, store.ErrReadOnly):
		return "This bot's data directory is read-only: statements cannot be added or removed here."
	}
	ref := reqid.From(ctx)
	if ref == "" {
		ref = reqid.New()
		log = log.With(reqid.Key, ref)
	}
	log.Error("request failed", "err", err)
	return fmt.Sprintf("Sorry — something went wrong on my side (ref `%s`). Please try again in a moment.", ref)
}

// track runs f as an in-flight task: Run waits for it on shutdown, and a
// panic is logged instead of killing the bot.
func (b *Bot) track(log *slog.Logger, f func(), onPanic func()) {
	b.inflight.Add(1)
	go func() {
		defer b.inflight.Done()
		defer func() {
			if r := recover(); r != nil {
				log.Error("panic in handler", "panic", r, "stack", string(debug.Stack()))
				if onPanic != nil {
					onPanic()
				}
			}
		}()
		f()
	}()
}

// admit checks a question before any work: its length and the asker's
// rate. The returned text, when not empty, is the refusal to show; the
// refusal is counted as the outcome of a question that came by path.
func (b *Bot) admit(ctx context.Context, path, user, question string, log *slog.Logger) string {
	if err := rag.CheckQuestion(question); err != nil {
		b.metrics.Question(path, OutcomeDeclined)
		return b.visible(ctx, err, log)
	}
	if ok, wait := b.limit.allow(user); !ok {
		b.metrics.Question(path, OutcomeRateLimited)
		return fmt.Sprintf("You're asking quickly — please wait %d s and ask again.", int(wait.Seconds())+1)
	}
	return ""
}

// show replaces the reply with text (or, if Discord will not let it be
// edited for a while, posts text after it), logging (it cannot show) a
// failure.
func (b *Bot) show(ctx context.Context, log *slog.Logger, to sink, text string) {
	if err := deliver(ctx, to, []out{{Content: truncate(text, maxContent)}}); err != nil {
		log.Warn("could not show a reply", "err", err)
	}
}

// question is one question asked of the bot.
type question struct {
	path      string // Path* constant: how it came
	user      string // the asker's Discord id
	text      string
	statement string // the statement it is limited to (a rag.Ref), if any
	guild     string // the server it was asked in; "" for a DM
	history   []rag.Turn
	admitted  bool      // the caller already ran admit
	received  time.Time // when it arrived
}

// askQuestion is the shared path of /ask, the context-menu command,
// mentions and DMs: admit, queue, stream, deliver, remember, count.
func (b *Bot) askQuestion(ctx context.Context, log *slog.Logger, to sink, q question) {
	question := stripMentions(q.text)
	if !q.admitted {
		if refusal := b.admit(ctx, q.path, q.user, question, log); refusal != "" {
			b.show(ctx, log, to, refusal)
			return
		}
	}
	// The question's scope: its server's library and the shared one; the
	// statement it names, if any, a key of that scope.
	req := rag.AskRequest{Question: question, Scope: rag.ServerScope(q.guild), History: q.history}
	if q.statement != "" {
		key, err := resolve(b.indexIn(q.guild), q.statement)
		if err != nil {
			b.show(ctx, log, to, b.visible(ctx, err, log))
			return
		}
		req.Statement = key
	}
	outcome := OutcomeError
	defer func() {
		// The latency first: a scrape that sees the question counted
		// sees its latency too.
		b.metrics.Latency(q.path, StageAnswer, time.Since(q.received))
		b.metrics.Question(q.path, outcome)
	}()
	release, err := b.gate.acquire(ctx, func(pos int) {
		b.show(ctx, log, to, fmt.Sprintf("⏳ Queued (position %d) — many questions right now; yours is next in line soon.", pos))
	})
	if err != nil {
		b.show(context.WithoutCancel(ctx), log, to, "Sorry — I could not get to your question in time. Please ask again.")
		return
	}
	// The slot bounds the answering; delivering, which Discord may slow
	// down, does not hold it.
	var once sync.Once
	free := func() { once.Do(release) }
	defer free()

	ticks, stopTicks := b.cfg.ticker(b.cfg.EditInterval)
	st := startStreamer(ctx, to, ticks)
	req.OnDelta = st.add
	a, err := b.cfg.Answerer.Ask(ctx, req)
	st.close()
	stopTicks()
	free()
	if err != nil {
		b.show(context.WithoutCancel(ctx), log, to, b.visible(ctx, err, log))
		return
	}
	b.metrics.Answer(a.Mode, a.Note != "")
	key := newKey()
	b.memory.put(context.WithoutCancel(ctx), key, to.channel(), q.guild, answerRecord{Question: question, Answer: a})
	if err := deliver(ctx, to, renderAnswer(a, key)); err != nil {
		b.show(context.WithoutCancel(ctx), log, to, b.visible(ctx, err, log))
		return
	}
	outcome = OutcomeAnswered
	if !a.Grounded {
		outcome = OutcomeDeclined
	}
	log.Info("answered", "mode", a.Mode, "grounded", a.Grounded, "citations", len(a.Citations))
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return string(unicode.ToUpper(r[0])) + string(r[1:])
}

// hashUser hides a Discord user id in stored records.
func hashUser(id string) string { return shortHash("statementbot/user/"+id, 8) }

// shortHash is the first n bytes of the SHA-256 of s, in hex.
func shortHash(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:n])
}

// recordFeedback stores a vote, given in guild, on the answer under key:
// with the answer's question and citations when the answer was given in
// that server too (a vote button replayed elsewhere records the vote and
// what its message shows, nothing of the answer). Without a store (or
// with a read-only one) the vote goes to the log.
func (b *Bot) recordFeedback(ctx context.Context, vote, key, user, guild string, msg *discordgo.Message) error {
	rec := store.FeedbackRecord{Time: time.Now().UTC(), Guild: guild, Vote: vote, User: hashUser(user), AnswerID: key}
	if r, ok := b.memory.get(ctx, key, guild, b.indexIn(guild)); ok {
		rec.Question, rec.Answer = r.Question, r.Answer.Text
		rec.Citations = citationRecords(r.Answer)
	} else if msg != nil {
		rec.Answer = msg.Content // forgotten since; keep what the message shows
	}
	if b.cfg.Store != nil {
		err := b.cfg.Store.AppendFeedback(ctx, rec)
		if !errors.Is(err, store.ErrReadOnly) {
			return err
		}
	}
	b.log.Info("feedback", "vote", rec.Vote, "user", rec.User, "guild", rec.Guild, "answer_id", rec.AnswerID)
	return nil
}

// questionFromMessage is the question a message asks: its text without
// the bot's mention or any other mention markup.
func questionFromMessage(content string) string { return stripMentions(content) }

// threadName names a thread after its question, within Discord's 100.
func threadName(q string) string {
	q = truncate(strings.Join(strings.Fields(q), " "), 90)
	if q == "" {
		q = "statementbot"
	}
	return q
}

// drain is Run's shutdown: no new questions, the gateway closed, the
// answers in flight given the grace period to finish, then cancelled.
func (b *Bot) drain(stopWork context.CancelFunc) {
	b.stopping.Store(true)
	b.closeShards()
	if b.cfg.draining != nil {
		b.cfg.draining()
	}
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	grace := time.NewTimer(b.cfg.ShutdownGrace)
	defer grace.Stop()
	select {
	case <-done:
		return
	case <-grace.C:
	}
	b.log.Warn("shutdown grace over; cancelling the answers still in flight")
	stopWork()
	last := time.NewTimer(5 * time.Second) // a handler deaf to its context must not hold the exit
	defer last.Stop()
	select {
	case <-done:
	case <-last.C:
	}
}

// Ready reports whether the bot takes questions: online (every owned
// shard connected, the commands registered) and not stopping.
func (b *Bot) Ready() bool {
	select {
	case <-b.online:
	default:
		return false
	}
	return b.shardsConnected() && !b.stopping.Load()
}

// QueueDepth is the number of questions waiting for an answering slot.
func (b *Bot) QueueDepth() int { return b.gate.depth() }
