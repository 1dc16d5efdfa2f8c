package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot"
	"github.com/statementbot/statementbot/bot/discordtest"
	"github.com/statementbot/statementbot/store/postgres/pgtest"
)

// TestShardConfig: the shard variables parse into the shards a process
// runs, and a bad value is refused in one line naming the variable.
func TestShardConfig(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		env     map[string]string
		count   int   // parsed DISCORD_SHARD_COUNT (0: auto)
		ids     []int // the shards it runs (auto: of the 6 Discord recommends)
		reg     bool  // registers the commands
		wantErr string
	}{
		{env: map[string]string{}, count: 1, ids: []int{0}, reg: true},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "4"}, count: 4, ids: []int{0, 1, 2, 3}, reg: true},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_ID": "2-3"}, count: 4, ids: []int{2, 3}},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "8", "DISCORD_SHARD_ID": "5, 0-1,7"}, count: 8, ids: []int{0, 1, 5, 7}, reg: true},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "auto", "DISCORD_SHARD_ID": "1"}, ids: []int{1}},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "AUTO"}, ids: []int{0, 1, 2, 3, 4, 5}, reg: true},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_ID": "1", "REGISTER_COMMANDS": "true"}, count: 2, ids: []int{1}, reg: true},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_ID": "0", "REGISTER_COMMANDS": "false"}, count: 2, ids: []int{0}},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_ID": "2"}, wantErr: `DISCORD_SHARD_ID="2": shard 2 is not below DISCORD_SHARD_COUNT=2 (shard ids run from 0 to 1)`},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_ID": "3-5"}, wantErr: "shard 4 is not below DISCORD_SHARD_COUNT=4"},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "0"}, wantErr: `DISCORD_SHARD_COUNT="0": use a whole number of at least 1, or auto`},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "some"}, wantErr: "DISCORD_SHARD_COUNT="},
		{env: map[string]string{"DISCORD_SHARD_ID": "1"}, wantErr: "DISCORD_SHARD_ID needs DISCORD_SHARD_COUNT"},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_ID": "3-1"}, wantErr: `DISCORD_SHARD_ID="3-1": give a shard id (0), a range (0-3) or a list (0,2,5-7)`},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_ID": "-1"}, wantErr: "DISCORD_SHARD_ID="},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_ID": "1,0-2"}, wantErr: "shard 1 is named twice"},
		{env: map[string]string{"DISCORD_SHARD_COUNT": "auto", "DISCORD_SHARD_ID": "6"}, wantErr: "DISCORD_SHARD_ID: shard 6 is not below the shard count 6 Discord recommends (shard ids run from 0 to 5)"},
		{env: map[string]string{"REGISTER_COMMANDS": "maybe"}, wantErr: `REGISTER_COMMANDS="maybe"`},
		{env: map[string]string{"DISCORD_GATEWAY": "false"}, wantErr: "DISCORD_GATEWAY=false needs DISCORD_PUBLIC_KEY and HTTP_ADDR"},
		{env: map[string]string{"DISCORD_GATEWAY": "false", "HTTP_ADDR": ":0", "DISCORD_PUBLIC_KEY": key, "DISCORD_SHARD_COUNT": "2"}, wantErr: "DISCORD_GATEWAY=false runs no shard"},
	} {
		c, err := loadConfig(func(k string) string { return tc.env[k] })
		var ids []int
		if err == nil {
			// For auto, Discord recommends 6.
			_, ids, err = c.Shards.shards(func() (int, error) { return 6, nil })
		}
		if tc.wantErr != "" {
			var ue *usageError
			if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%v: error %v, want one usage line with %q", tc.env, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tc.env, err)
			continue
		}
		if c.Shards.Count != tc.count || !slices.Equal(ids, tc.ids) || c.Register.registers(ids) != tc.reg {
			t.Errorf("%v: count %d, shards %v, registers %v; want %d, %v, %v", tc.env, c.Shards.Count, ids, c.Register.registers(ids), tc.count, tc.ids, tc.reg)
		}
	}
}

// proc is a serve process run in the test.
type proc struct {
	url    string // its HTTP server
	cancel context.CancelFunc
	done   chan int
	stderr *strings.Builder
}

// startServe runs serve with vars and returns once its /readyz says 200.
func startServe(t *testing.T, ctx context.Context, vars map[string]string) *proc {
	t.Helper()
	p := &proc{done: make(chan int, 1), stderr: &strings.Builder{}}
	base := make(chan string, 1)
	env := &environment{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: p.stderr,
		botConfig: func(c *bot.Config) { c.EndpointBudget = 2 * time.Minute },
		listening: func(addr string) { base <- "http://" + addr }}
	run, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go func() { p.done <- report(runEnv(run, env, []string{"serve"}), p.stderr) }()
	select {
	case p.url = <-base:
	case code := <-p.done:
		t.Fatalf("serve exited %d before listening: %s", code, p.stderr.String())
	}
	for {
		if code, _ := get(t, p.url+"/readyz"); code == http.StatusOK {
			return p
		}
		select {
		case <-ctx.Done():
			t.Fatalf("/readyz of shards %s never became 200: %s", vars["DISCORD_SHARD_ID"], p.stderr.String())
		case code := <-p.done:
			t.Fatalf("serve exited %d: %s", code, p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop ends the process as SIGTERM does and returns its exit code.
func (p *proc) stop(t *testing.T, ctx context.Context) int {
	t.Helper()
	p.cancel()
	select {
	case code := <-p.done:
		return code
	case <-ctx.Done():
		t.Fatal("serve did not stop")
		return -1
	}
}

// TestServeShards: two serve processes on one store as shards 0 and 1 of
// the 2 Discord recommends (DISCORD_SHARD_COUNT=auto): each guild's
// question is answered once, by the process running the guild's shard; a
// statement added through shard 0 is answered on shard 1, and that
// answer's citation button works when shard 0's process receives the
// click (through its HTTP endpoint); only the
// process running shard 0 writes the commands, and once — when it
// restarts it finds them registered and writes nothing, and /sources of
// its earlier answer still works. A shard id beyond Discord's count is
// refused in one line.
// With STATEMENTBOT_TEST_POSTGRES set it runs on PostgreSQL too, each
// process with a data dir of its own, as on two machines.
func TestServeShards(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		data := t.TempDir()
		testServeShards(t, func(string) map[string]string { return map[string]string{"STATEMENTBOT_DATA": data} })
	})
	base := os.Getenv("STATEMENTBOT_TEST_POSTGRES")
	if base == "" {
		t.Log("STATEMENTBOT_TEST_POSTGRES is not set: the PostgreSQL run is skipped")
		return
	}
	t.Run("postgres", func(t *testing.T) {
		store := pgtest.FreshSchema(t, base, "servetest_")
		dirs := map[string]string{"0": t.TempDir(), "1": t.TempDir(), "2": t.TempDir()}
		testServeShards(t, func(shard string) map[string]string {
			return map[string]string{"STATEMENTBOT_DATA": dirs[shard], "STATEMENTBOT_STORE": store}
		})
	})
}

func testServeShards(t *testing.T, storeVars func(shard string) map[string]string) {
	fake := discordtest.New(t, discordtest.WithRecommendedShards(2), discordtest.WithInteractionDeadline(0))
	// Both processes also take interactions over HTTP, as replicas behind
	// a load balancer would: Discord signs with the application's key.
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 3*time.Minute) // a failure bound only
	defer wcancel()
	vars := func(shard string) map[string]string {
		v := map[string]string{
			"DISCORD_TOKEN": "test-token", "DISCORD_GUILD_ID": discordtest.GuildID,
			"DISCORD_API_URL": fake.URL(), "LOG_LEVEL": "error", "HTTP_ADDR": "127.0.0.1:0",
			"DISCORD_SHARD_COUNT": "auto", "DISCORD_SHARD_ID": shard,
			"ADMIN_USER_IDS":     "8001", // an operator: changes the shared library
			"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub),
		}
		maps.Copy(v, storeVars(shard))
		return v
	}
	p0 := startServe(t, wctx, vars("0"))
	p1 := startServe(t, wctx, vars("1"))
	if n := commandPuts(fake); n != 1 {
		t.Errorf("commands written %d times, want once (by shard 0's process)", n)
	}
	// askIn asks q in the guild's channel, or runs /sources if q is "".
	askIn := func(guild, q string) *discordgo.Interaction {
		t.Helper()
		data := discordgo.ApplicationCommandInteractionData{Name: "sources"}
		if q != "" {
			data = discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: q}}}
		}
		in, err := fake.DispatchInteraction(&discordgo.Interaction{GuildID: guild, ChannelID: "6" + guild, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	ask := func(guild string) {
		t.Helper()
		in := askIn(guild, "What is the EU mission in Iraq called?")
		if _, err := fake.WaitFor(wctx, func(c discordtest.Call) bool {
			return c.Is("PATCH", "webhooks/*/"+in.Token+"/messages/@original") && strings.Contains(string(c.Body), "EUAM")
		}); err != nil {
			t.Fatalf("guild %s (shard %d): %v", guild, discordtest.ShardOf(guild, 2), err)
		}
		acks := 0
		for _, c := range fake.Calls() {
			if c.Is("POST", "interactions/"+in.ID+"/*/callback") {
				acks++
			}
		}
		if acks != 1 {
			t.Errorf("guild %s: acknowledged %d times, want once", guild, acks)
		}
	}
	// Guilds on each shard: (id >> 22) % 2.
	ask(discordtest.GuildOnShard(0, 2, 0))
	ask(discordtest.GuildOnShard(1, 2, 0))
	// A statement added to the shared library through shard 0's process
	// is answered on shard 1, in another server.
	_, body := get(t, p1.url+"/metrics")
	before := metricValue(body, "statementbot_index_statements")
	att := fake.AddAttachment("2024-03-03-harbour.txt", "text/plain", []byte(harbourText))
	add, err := fake.DispatchInteraction(&discordgo.Interaction{
		GuildID: discordtest.GuildOnShard(0, 2, 0), ChannelID: "6" + discordtest.GuildOnShard(0, 2, 0),
		Member: &discordgo.Member{User: &discordgo.User{ID: "8001", Username: "admin"}, Permissions: discordgo.PermissionManageGuild},
		Data: discordgo.ApplicationCommandInteractionData{Name: "statement", Options: []*discordgo.ApplicationCommandInteractionDataOption{{
			Name: "add", Type: discordgo.ApplicationCommandOptionSubCommand,
			Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: "file", Type: discordgo.ApplicationCommandOptionAttachment, Value: att.ID},
				{Name: "shared", Type: discordgo.ApplicationCommandOptionBoolean, Value: true},
			},
		}}, Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{att.ID: att}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitFor(wctx, func(c discordtest.Call) bool {
		return c.Is("PATCH", "webhooks/*/"+add.Token+"/messages/@original") && strings.Contains(string(c.Body), "Added")
	}); err != nil {
		t.Fatalf("add through shard 0: %v", err)
	}
	// Shard 1's process has it once its index counts one statement more
	// (polled, bounded only by wctx).
	if !waitUntil(wctx, func() bool {
		_, body = get(t, p1.url+"/metrics")
		return metricValue(body, "statementbot_index_statements") == before+1
	}) {
		t.Fatalf("shard 1's index never had the added statement:\n%s", body)
	}
	in := askIn(discordtest.GuildOnShard(1, 2, 0), "What budget did the delegates approve for the harbour?")
	answer, err := fake.WaitFor(wctx, func(c discordtest.Call) bool {
		return c.Is("PATCH", "webhooks/*/"+in.Token+"/messages/@original") && strings.Contains(string(c.Body), "four million euros")
	})
	if err != nil {
		t.Fatalf("the added statement was not answered on shard 1: %v", err)
	}
	// Its citation button, clicked where shard 0's process receives it
	// (its HTTP endpoint), shows the cited paragraph: the answer is in
	// the store, not in the process that gave it.
	cite := regexp.MustCompile(`"custom_id":"(cite:[^"]+)"`).FindStringSubmatch(string(answer.Body))
	if cite == nil {
		t.Fatalf("no citation button under the answer: %s", answer.Body)
	}
	click, reply, err := fake.PostInteraction(wctx, p0.url+"/interactions", priv, &discordgo.Interaction{
		Type: discordgo.InteractionMessageComponent, GuildID: discordtest.GuildOnShard(1, 2, 0), ChannelID: "6" + discordtest.GuildOnShard(1, 2, 0),
		Member: &discordgo.Member{User: &discordgo.User{ID: "8002", Username: "member"}},
		Data:   discordgo.MessageComponentInteractionData{CustomID: cite[1], ComponentType: discordgo.ButtonComponent},
	})
	if err != nil || reply.Status != http.StatusOK {
		t.Fatalf("the click through shard 0's endpoint: %v %d %s", err, reply.Status, reply.Body)
	}
	if _, err := fake.WaitFor(wctx, func(c discordtest.Call) bool {
		return c.Is("PATCH", "webhooks/*/"+click.Token+"/messages/@original") && strings.Contains(string(c.Body), "four million euros")
	}); err != nil {
		t.Fatalf("the citation button of shard 1's answer did not show its paragraph on shard 0's process: %v", err)
	}
	if code := p0.stop(t, wctx); code != 0 {
		t.Errorf("shard 0's process exited %d: %s", code, p0.stderr.String())
	}
	// While shard 0 is down, shard 1's questions are still answered.
	ask(discordtest.GuildOnShard(1, 2, 0))
	p0 = startServe(t, wctx, vars("0"))
	if n := commandPuts(fake); n != 1 {
		t.Errorf("the restarted process wrote the commands again (%d PUTs)", n)
	}
	ask(discordtest.GuildOnShard(0, 2, 0))
	// /sources after the restart: the answer is in the store.
	src := askIn(discordtest.GuildOnShard(0, 2, 0), "")
	if _, err := fake.WaitFor(wctx, func(c discordtest.Call) bool {
		return c.Is("PATCH", "webhooks/*/"+src.Token+"/messages/@original") && strings.Contains(string(c.Body), "Sources of my last answer here")
	}); err != nil {
		t.Fatalf("/sources after the restart: %v", err)
	}
	for _, p := range []*proc{p0, p1} {
		if code := p.stop(t, wctx); code != 0 {
			t.Errorf("serve exited %d: %s", code, p.stderr.String())
		}
	}
	_, errs, code := runMain(t, vars("2"), "", "serve")
	if code != 2 || !strings.Contains(errs, "DISCORD_SHARD_ID: shard 2 is not below the shard count 2") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("shard 2 of 2: exit %d: %s", code, errs)
	}
}

// TestServeHTTPOnly: with DISCORD_GATEWAY=false serve opens no gateway
// session, is ready once the index is loaded, and answers a signed /ask
// posted to /interactions; it leaves the commands alone unless
// REGISTER_COMMANDS=true, and then writes them once.
func TestServeHTTPOnly(t *testing.T) {
	fake := discordtest.New(t, discordtest.WithInteractionDeadline(0))
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 3*time.Minute) // a failure bound only
	defer wcancel()
	data := t.TempDir()
	vars := func(register string) map[string]string {
		return map[string]string{
			"STATEMENTBOT_DATA": data, "DISCORD_TOKEN": "test-token", "DISCORD_GUILD_ID": discordtest.GuildID,
			"DISCORD_API_URL": fake.URL(), "LOG_LEVEL": "error", "HTTP_ADDR": "127.0.0.1:0",
			"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "DISCORD_GATEWAY": "false", "REGISTER_COMMANDS": register,
		}
	}
	p := startServe(t, wctx, vars(""))
	if n := commandPuts(fake); n != 0 {
		t.Errorf("an HTTP-only process wrote the commands (%d PUTs) without REGISTER_COMMANDS=true", n)
	}
	ask := askInteraction("What is the EU mission in Iraq called?")
	in, reply, err := fake.PostInteraction(wctx, p.url+"/interactions", priv, ask)
	if err != nil || reply.Status != http.StatusOK {
		t.Fatalf("signed /ask: %v %d %s", err, reply.Status, reply.Body)
	}
	if _, err := fake.WaitFor(wctx, func(c discordtest.Call) bool {
		return c.Is("PATCH", "webhooks/*/"+in.Token+"/messages/@original") && strings.Contains(string(c.Body), "EUAM")
	}); err != nil {
		t.Fatal(err)
	}
	if code := p.stop(t, wctx); code != 0 {
		t.Errorf("serve exited %d: %s", code, p.stderr.String())
	}
	p = startServe(t, wctx, vars("true"))
	if n := commandPuts(fake); n != 1 {
		t.Errorf("REGISTER_COMMANDS=true: %d PUTs, want 1", n)
	}
	if code := p.stop(t, wctx); code != 0 {
		t.Errorf("serve exited %d: %s", code, p.stderr.String())
	}
	if ps := fake.GatewayPayloads(); len(ps) != 0 {
		t.Errorf("an HTTP-only process talked to the gateway: %d payloads", len(ps))
	}
}

const harbourText = "Harbour Notice\n\nMarch 3, 2024 - Port Town - Harbour Office\n\nThe delegates approved the harbour budget of four million euros.\n\nThe lighthouse will be repainted in May."
