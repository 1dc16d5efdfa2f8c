package bot

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/statements"
	"github.com/statementbot/statementbot/store/sqlite"
)

// shardBot is one bot process in a test of several: its shards'
// sessions and the events each received, by shard id.
type shardBot struct {
	bot      *Bot
	sessions map[int]*discordgo.Session

	mu       sync.Mutex
	received map[string][]int // interaction or message id -> shards that received it
}

// startShards runs a bot on fake with one session per shard in ids (of
// count), answering from the bundled statements in a store of its own,
// and returns once it is online. Only the bot owning shard 0 registers.
func startShards(t *testing.T, fake *discordtest.Server, count int, ids []int, mutate ...func(*Config)) *shardBot {
	t.Helper()
	local := embeddings.NewLocal(0)
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lib, ix, _, err := rag.OpenLibrary(context.Background(), rag.LibraryConfig{Store: st, Bundled: statements.FS, Docs: local, Extract: testExtractor(t)})
	if err != nil {
		t.Fatal(err)
	}
	engine := rag.NewEngine(ix, rag.Config{Queries: local})
	lib.SetEngine(engine)
	sb := &shardBot{sessions: map[int]*discordgo.Session{}, received: map[string][]int{}}
	var sessions []*discordgo.Session
	for _, id := range ids {
		s := fake.Session("Bot test-token")
		s.ShardID, s.ShardCount = id, count
		s.SyncEvents = true // handlers in the order they were added (see TestReadyNeedsEveryShard)
		s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { sb.saw(i.ID, id) })
		s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { sb.saw(m.ID, id) })
		sb.sessions[id] = s
		sessions = append(sessions, s)
	}
	cfg := Config{
		Session: sessions[0], Answerer: engine, Store: st, GuildID: discordtest.GuildID,
		EditInterval: 20 * time.Millisecond, UserPerMinute: 600, UserBurst: 100,
		Process: Process{Shards: sessions, NoRegister: !slices.Contains(ids, 0), IdentifyInterval: time.Millisecond},
	}
	for _, m := range mutate {
		m(&cfg)
	}
	sb.bot = New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sb.bot.Run(ctx) }()
	wait := waitContext(t)
	t.Cleanup(func() {
		defer st.Close()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-wait.Done():
			t.Error("Run did not return")
		}
	})
	select {
	case <-sb.bot.online:
	case err := <-done:
		done <- err
		t.Fatalf("Run returned before the bot was online: %v", err)
	case <-wait.Done():
		t.Fatal("the bot did not come online")
	}
	return sb
}

func (sb *shardBot) saw(id string, shard int) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	sb.received[id] = append(sb.received[id], shard)
}

func (sb *shardBot) shardsThatSaw(id string) []int {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return slices.Clone(sb.received[id])
}

// TestShardsAnswerOwnGuilds: two bot processes split the shards of a
// gateway between them, for several shard counts. A question in each of
// the guilds (two per shard) and one in a DM are each received by one
// shard only, the owning one — (guild_id >> 22) % count, DMs shard 0 —
// deferred exactly once and answered; only the process running shard 0
// registers the commands.
func TestShardsAnswerOwnGuilds(t *testing.T) {
	for _, tc := range []struct {
		count int
		procs [][]int
	}{
		{1, [][]int{{0}}},
		{2, [][]int{{0}, {1}}},
		{3, [][]int{{0, 2}, {1}}},
		{4, [][]int{{0, 1}, {2, 3}}},
	} {
		t.Run(fmt.Sprintf("%d shards %v", tc.count, tc.procs), func(t *testing.T) {
			fake := discordtest.New(t, discordtest.WithInteractionDeadline(0))
			var bots []*shardBot
			owner := map[int]*shardBot{}
			for _, ids := range tc.procs {
				sb := startShards(t, fake, tc.count, ids)
				bots = append(bots, sb)
				for _, id := range ids {
					owner[id] = sb
				}
			}
			type asked struct {
				in    *discordgo.Interaction
				shard int
			}
			var all []asked
			for shard := range tc.count {
				for n := range 2 {
					g := discordtest.GuildOnShard(shard, tc.count, n)
					in, err := fake.DispatchInteraction(&discordgo.Interaction{
						GuildID: g, ChannelID: "8" + g,
						Data: discordgo.ApplicationCommandInteractionData{Name: cmdAsk, Options: []*discordgo.ApplicationCommandInteractionDataOption{
							opt("question", "Which countries joined the Coalition?")}},
					})
					if err != nil {
						t.Fatal(err)
					}
					all = append(all, asked{in, shard})
				}
			}
			dm, err := fake.DispatchInteraction(&discordgo.Interaction{
				ChannelID: "4242", User: &discordgo.User{ID: discordtest.UserID, Username: discordtest.Username},
				Data: discordgo.ApplicationCommandInteractionData{Name: cmdAsk, Options: []*discordgo.ApplicationCommandInteractionDataOption{
					opt("question", "Which countries joined the Coalition?")}},
			})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, asked{dm, 0})
			ctx := waitContext(t)
			for _, a := range all {
				if _, err := fake.WaitFor(ctx, func(c discordtest.Call) bool {
					return c.Is("PATCH", "webhooks/*/"+a.in.Token+"/messages/@original") && strings.Contains(string(c.Body), "Yemen. [1]")
				}); err != nil {
					t.Fatalf("guild %q: no answer: %v", a.in.GuildID, err)
				}
			}
			for _, a := range all {
				for _, sb := range bots {
					got := sb.shardsThatSaw(a.in.ID)
					var want []int
					if owner[a.shard] == sb {
						want = []int{a.shard}
					}
					if !slices.Equal(got, want) {
						t.Errorf("guild %q: shards %v of a process received it, want %v", a.in.GuildID, got, want)
					}
				}
				acks := 0
				for _, c := range fake.Calls() {
					if c.Is("POST", "interactions/"+a.in.ID+"/*/callback") {
						acks++
					}
				}
				if acks != 1 {
					t.Errorf("guild %q: acknowledged %d times, want once", a.in.GuildID, acks)
				}
			}
			puts := 0
			for _, c := range fake.Calls() {
				if c.Is("PUT", "applications/*/guilds/*/commands") {
					puts++
				}
			}
			if puts != 1 {
				t.Errorf("the commands were written %d times, want once (by the process running shard 0)", puts)
			}
			for _, sb := range bots {
				if !sb.bot.Ready() {
					t.Errorf("process with shards %v is not ready", slices.Sorted(maps.Keys(sb.sessions)))
				}
			}
		})
	}
}

// TestReadyNeedsEveryShard: a process is ready while all its shards are
// connected; one shard dropping makes it not ready, though the other is
// still up.
func TestReadyNeedsEveryShard(t *testing.T) {
	fake := discordtest.New(t, discordtest.WithInteractionDeadline(0))
	sb := startShards(t, fake, 2, []int{0, 1})
	if !sb.bot.Ready() {
		t.Fatal("not ready with both shards connected")
	}
	// Added after the bot's own handlers and run in order with them: by
	// the time this one runs, the bot has seen the disconnect.
	dropped := make(chan struct{})
	var once sync.Once
	sb.sessions[1].AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { once.Do(func() { close(dropped) }) })
	fake.DisconnectShard(1, 4000)
	select {
	case <-dropped:
	case <-waitContext(t).Done():
		t.Fatal("shard 1 did not see its disconnect")
	}
	if sb.bot.Ready() {
		t.Error("ready with shard 1 disconnected")
	}
	if !sb.bot.shards[0].connected.Load() {
		t.Error("shard 0 counted as disconnected too")
	}
}
