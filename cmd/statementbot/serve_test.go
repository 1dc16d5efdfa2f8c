package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
)

// TestServe runs the real program against a fake Discord through
// DISCORD_API_URL: it registers the commands in the guild and answers /ask.
func TestServe(t *testing.T) {
	// Timing is not this test's point: Discord's 3 s deadline for the
	// deferral must not fail it on a busy machine.
	fake := discordtest.New(t, discordtest.WithInteractionDeadline(0))
	env := map[string]string{
		"STATEMENTBOT_DATA": t.TempDir(), "DISCORD_TOKEN": "test-token", "DISCORD_GUILD_ID": discordtest.GuildID,
		"DISCORD_API_URL": fake.URL(), "LOG_LEVEL": "error",
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr strings.Builder
	go func() {
		err := run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &strings.Builder{}, &stderr)
		done <- report(err, &stderr)
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 2*time.Minute) // a failure bound only
	defer wcancel()
	reg, err := fake.WaitFor(wctx, func(c discordtest.Call) bool {
		return c.Is("PUT", "applications/*/guilds/"+discordtest.GuildID+"/commands")
	})
	if err != nil {
		t.Fatal(err)
	}
	if reg.Header.Get("Authorization") != "Bot test-token" {
		t.Errorf("Authorization = %q", reg.Header.Get("Authorization"))
	}
	var cmds []*discordgo.ApplicationCommand
	if err := reg.Decode(&cmds); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, c := range cmds {
		names[c.Name] = true
	}
	for _, want := range []string{"ask", "cite", "search", "sources", "statements", "help", "Ask statementbot", "statement", "reindex"} {
		if !names[want] {
			t.Errorf("command %q not registered (got %v)", want, names)
		}
	}
	askThroughGateway(t, wctx, fake, "What is the EU mission in Iraq called?", "EUAM")
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeNeedsToken(t *testing.T) {
	_, errs, code := runMain(t, nil, "", "serve")
	if code != 2 || !strings.Contains(errs, "DISCORD_TOKEN") || !strings.Contains(errs, "discord.com/developers") {
		t.Errorf("exit %d: %s", code, errs)
	}
	_, errs, code = runMain(t, map[string]string{"DISCORD_TOKEN": "x", "DISCORD_API_URL": "ftp://nope"}, "", "serve")
	if code != 2 || !strings.Contains(errs, "DISCORD_API_URL") {
		t.Errorf("bad API URL: exit %d: %s", code, errs)
	}
}
