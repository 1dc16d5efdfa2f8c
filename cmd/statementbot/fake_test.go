package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
)

// askInteraction is /ask q as Discord sends it.
func askInteraction(q string) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand,
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: q}}},
	}
}

// askThroughGateway dispatches /ask q through the fake's gateway and
// waits, bounded only by ctx, for its original response to be edited to
// contain want.
func askThroughGateway(t *testing.T, ctx context.Context, fake *discordtest.Server, q, want string) {
	t.Helper()
	in, err := fake.DispatchInteraction(askInteraction(q))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitFor(ctx, func(c discordtest.Call) bool {
		return c.Is("PATCH", "webhooks/*/"+in.Token+"/messages/@original") && strings.Contains(string(c.Body), want)
	}); err != nil {
		t.Fatal(err)
	}
}

// commandPuts counts the writes of the guild's commands the fake received.
func commandPuts(fake *discordtest.Server) int {
	n := 0
	for _, c := range fake.Calls() {
		if c.Is("PUT", "applications/*/guilds/*/commands") {
			n++
		}
	}
	return n
}

// waitUntil calls cond every 20 ms until it holds (true) or ctx ends
// (false): ctx is a failure bound only, never a condition of success.
func waitUntil(ctx context.Context, cond func() bool) bool {
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
	return true
}
