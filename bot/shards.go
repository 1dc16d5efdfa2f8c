package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Process is a bot process's part in a deployment of several: which
// gateway shards it runs and whether it registers the commands.
//
// Discord sends each guild's events to one shard only, shard
// (guild_id >> 22) % shard_count, and DMs to shard 0; a process may run
// several shards (one discordgo session each) and their events all reach
// the same handlers. Interactions sent to an HTTP endpoint reach whichever
// replica the load balancer picks, gateway or not.
type Process struct {
	// Shards are the gateway sessions this process runs, one per owned
	// shard, not yet opened, their ShardID and ShardCount set. Empty:
	// Config.Session alone is the gateway (shard 0 of 1 unless its
	// ShardCount says otherwise). Config.Session carries the REST calls
	// either way; it may be one of Shards.
	Shards []*discordgo.Session
	// HTTPOnly opens no gateway session: the process answers only the
	// interactions posted to its HTTP endpoint (no mentions or DMs).
	HTTPOnly bool
	// NoRegister leaves the commands to another process (the one owning
	// shard 0, say). A process that registers writes them only when the
	// registered set differs from its own (see register.go).
	NoRegister bool
	// IdentifyInterval spaces the opening of successive shards: Discord
	// accepts one IDENTIFY per 5 s (default) per rate-limit bucket. Shards
	// open one at a time even when Discord's max_concurrency would allow
	// several at once.
	IdentifyInterval time.Duration
}

// readyTimeout bounds the wait for a shard's first READY.
const readyTimeout = 30 * time.Second

// shard is one gateway session the bot runs.
type shard struct {
	s         *discordgo.Session
	connected atomic.Bool   // READY or RESUMED seen since the last disconnect
	ready     chan struct{} // closed at the first READY
	once      sync.Once
}

// newShards lists the gateway sessions cfg names.
func newShards(cfg Config) []*shard {
	if cfg.Process.HTTPOnly {
		return nil
	}
	sessions := cfg.Process.Shards
	if len(sessions) == 0 {
		sessions = []*discordgo.Session{cfg.Session}
	}
	out := make([]*shard, len(sessions))
	for i, s := range sessions {
		out[i] = &shard{s: s, ready: make(chan struct{})}
	}
	return out
}

// name is "id/count", e.g. "1/4".
func (sh *shard) name() string {
	count := max(sh.s.ShardCount, 1)
	return strconv.Itoa(sh.s.ShardID) + "/" + strconv.Itoa(count)
}

// shardNames lists the shards this process runs, for its logs.
func (b *Bot) shardNames() string {
	if len(b.shards) == 0 {
		return "none (HTTP interactions only)"
	}
	var names []string
	for _, sh := range b.shards {
		names = append(names, sh.name())
	}
	return strings.Join(names, ",")
}

// connect opens the owned shards one after another, each once the one
// before has its READY and IdentifyInterval has passed, with the same
// handlers on all. Without a gateway it reads the application's ids over
// REST instead.
func (b *Bot) connect(ctx context.Context) error {
	if len(b.shards) == 0 {
		return b.identifyApp(ctx)
	}
	intents := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if b.cfg.MessageContent {
		intents |= discordgo.IntentMessageContent
	}
	for _, sh := range b.shards {
		sh.s.Identify.Intents = intents
		sh.s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
			b.mu.Lock()
			b.botID = r.User.ID
			if r.Application != nil {
				b.appID = r.Application.ID
			}
			if b.appID == "" {
				b.appID = r.User.ID
			}
			b.mu.Unlock()
			sh.connected.Store(true)
			sh.once.Do(func() { close(sh.ready) })
		})
		sh.s.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { sh.connected.Store(true) })
		sh.s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { sh.connected.Store(false) })
		// A server that removes the bot keeps its library: it may add
		// the bot back. The operator purges it with statementbot remove
		// --server ID --all.
		sh.s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildDelete) {
			if g.Guild != nil && !g.Unavailable {
				b.log.Info("removed from a server; its own statements are kept (statementbot remove --server ID --all purges them)", "guild", g.ID)
			}
		})
		sh.s.AddHandler(b.onInteraction)
		sh.s.AddHandler(b.onMessage)
	}
	interval := b.cfg.Process.IdentifyInterval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	for i, sh := range b.shards {
		if i > 0 {
			wait := time.NewTimer(interval)
			select {
			case <-wait.C:
			case <-ctx.Done():
				wait.Stop()
				return ctx.Err()
			}
		}
		if err := sh.s.Open(); err != nil {
			return fmt.Errorf("connecting to Discord (shard %s): %w", sh.name(), err)
		}
		timeout := time.NewTimer(readyTimeout)
		select {
		case <-sh.ready:
			timeout.Stop()
		case <-ctx.Done():
			timeout.Stop()
			return ctx.Err()
		case <-timeout.C:
			return fmt.Errorf("connecting to Discord (shard %s): no READY within %s", sh.name(), readyTimeout)
		}
		b.log.Info("shard connected", "shard", sh.name())
	}
	return nil
}

// identifyApp reads the application's and bot user's ids over REST, for a
// process with no gateway session to learn them from READY.
func (b *Bot) identifyApp(ctx context.Context) error {
	var app *discordgo.Application
	err := withRetry(ctx, func() error {
		var err error
		app, err = b.s.Application("@me")
		return err
	})
	if err != nil {
		return fmt.Errorf("reading the application from Discord: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	// The bot user's id is the application's (it matters only for
	// mentions, which come through the gateway).
	b.appID, b.botID = app.ID, app.ID
	return nil
}

// shardsConnected reports whether every owned shard is connected (true
// for a process without a gateway).
func (b *Bot) shardsConnected() bool {
	for _, sh := range b.shards {
		if !sh.connected.Load() {
			return false
		}
	}
	return true
}

// closeShards closes every shard at once (discordgo's Close takes a
// second each).
func (b *Bot) closeShards() {
	var wg sync.WaitGroup
	for _, sh := range b.shards {
		sh.connected.Store(false)
		wg.Go(func() { _ = sh.s.Close() })
	}
	wg.Wait()
}

// stateChannel finds a channel in the state of any owned shard: each
// shard's state holds the guilds that shard owns.
func (b *Bot) stateChannel(id string) (*discordgo.Channel, error) {
	for _, sh := range b.shards {
		if sh.s.State == nil {
			continue
		}
		if ch, err := sh.s.State.Channel(id); err == nil {
			return ch, nil
		}
	}
	return nil, errors.New("channel not in any shard's state")
}
