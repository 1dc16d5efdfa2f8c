package discordtest_test

import (
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/statementbot/statementbot/bot/discordtest"
)

// TestGatewayBot: GET /gateway/bot answers as Discord does: the gateway
// URL, the recommended shard count and the session start limit.
func TestGatewayBot(t *testing.T) {
	s := discordtest.New(t, discordtest.WithRecommendedShards(3))
	gb, err := s.Session(token).GatewayBot()
	if err != nil {
		t.Fatal(err)
	}
	if gb.Shards != 3 || gb.URL != s.GatewayURL()+"/" || gb.SessionStartLimit.MaxConcurrency != 1 || gb.SessionStartLimit.Remaining < 1 {
		t.Errorf("GET /gateway/bot = %+v", gb)
	}
}

// TestShardRouting: with two shards, each receives the events of the
// guilds (guild_id >> 22) % 2 names and nothing else; DMs go to shard 0;
// READY lists a guild only to its shard.
func TestShardRouting(t *testing.T) {
	ctx := testContext(t)
	s := discordtest.New(t)
	type got struct {
		mu     sync.Mutex
		guilds []string // READY's
		seen   []string // message contents, in arrival order
		end    chan struct{}
	}
	shards := []*got{{end: make(chan struct{})}, {end: make(chan struct{})}}
	for id, g := range shards {
		open(t, s, func(sess *discordgo.Session) {
			sess.ShardID, sess.ShardCount = id, 2
			sess.SyncEvents = true // in arrival order
			sess.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
				for _, gu := range r.Guilds {
					g.guilds = append(g.guilds, gu.ID)
				}
			})
			sess.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
				g.mu.Lock()
				defer g.mu.Unlock()
				if m.Content == "end" {
					close(g.end)
					return
				}
				g.seen = append(g.seen, m.Content)
			})
		})
	}
	send := func(guild, content string) {
		t.Helper()
		m := &discordgo.Message{GuildID: guild, ChannelID: "9" + guild, Content: content}
		if guild == "" {
			m.ChannelID = "42"
		}
		if _, err := s.DispatchMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	send(discordtest.GuildOnShard(1, 2, 0), "a1")
	send(discordtest.GuildOnShard(0, 2, 0), "a0")
	send("", "dm")
	send(discordtest.GuildOnShard(0, 2, 1), "b0")
	send(discordtest.GuildOnShard(1, 2, 1), "b1")
	send(discordtest.GuildOnShard(0, 2, 2), "end")
	send(discordtest.GuildOnShard(1, 2, 2), "end")
	want := [][]string{{"a0", "dm", "b0"}, {"a1", "b1"}}
	for id, g := range shards {
		receive(t, ctx, g.end)
		g.mu.Lock()
		if !slices.Equal(g.seen, want[id]) {
			t.Errorf("shard %d received %q, want %q", id, g.seen, want[id])
		}
		g.mu.Unlock()
	}
	owner := discordtest.ShardOf(discordtest.GuildID, 2)
	for id, g := range shards {
		if has := slices.Contains(g.guilds, discordtest.GuildID); has != (id == owner) {
			t.Errorf("shard %d READY guilds %q (the default guild belongs to shard %d)", id, g.guilds, owner)
		}
	}
}

// TestIdentifyInvalidShard: an IDENTIFY whose shard id is not below its
// count, or with a count below 1, is closed with 4010 as Discord does.
func TestIdentifyInvalidShard(t *testing.T) {
	s := discordtest.New(t)
	for _, shard := range [][2]int{{2, 2}, {0, 0}, {-1, 2}} {
		ws, _, err := websocket.DefaultDialer.Dial(s.GatewayURL(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := ws.ReadMessage(); err != nil { // Hello
			t.Fatal(err)
		}
		id := map[string]any{"op": 2, "d": map[string]any{"token": token, "shard": shard, "properties": map[string]string{}}}
		if err := ws.WriteJSON(id); err != nil {
			t.Fatal(err)
		}
		_, _, err = ws.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4010 {
			b, _ := json.Marshal(shard)
			t.Errorf("IDENTIFY with shard %s: %v, want close 4010", b, err)
		}
		_ = ws.Close()
	}
}
