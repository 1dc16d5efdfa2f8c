package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/rag"
)

// heldAnswerer reports each question on entered and answers it only once
// release is closed; a question whose context ends first reports on
// cancelled and fails.
type heldAnswerer struct {
	Answerer
	entered   chan struct{}
	release   chan struct{}
	cancelled chan struct{}
}

func newHeldAnswerer(n int) *heldAnswerer {
	return &heldAnswerer{entered: make(chan struct{}, n), release: make(chan struct{}), cancelled: make(chan struct{}, n)}
}

func (p *heldAnswerer) wrap(engine Answerer) { p.Answerer = engine }

func (p *heldAnswerer) Ask(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
	p.entered <- struct{}{}
	select {
	case <-p.release:
		return p.Answerer.Ask(ctx, req)
	case <-ctx.Done():
		p.cancelled <- struct{}{}
		return nil, ctx.Err()
	}
}

// withDraining tells draining when Run, stopping, waits for the answers
// in flight.
func withDraining(draining chan struct{}) option {
	return func(c *Config, _ *rag.Config) { c.draining = func() { close(draining) } }
}

// askMany dispatches n /ask commands and waits until all n are in the
// answerer.
func askMany(h *harness, held *heldAnswerer, n int) []*discordgo.Interaction {
	h.t.Helper()
	var ins []*discordgo.Interaction
	for k := range n {
		ins = append(ins, h.command("ask", opt("question", fmt.Sprintf("Which countries joined the Coalition? (%d)", k))))
	}
	ctx := h.ctx()
	for k := range n {
		select {
		case <-held.entered:
		case <-ctx.Done():
			h.t.Fatalf("%d of %d questions reached the answerer", k, n)
		}
	}
	return ins
}

// TestShutdownFinishesAnswersInFlight: Run's context ends while 20
// answers are in flight; Run stops taking questions, waits for them, and
// returns nil only once all 20 are delivered.
func TestShutdownFinishesAnswersInFlight(t *testing.T) {
	const n = 20
	held := newHeldAnswerer(n)
	draining := make(chan struct{})
	h := start(t, withDraining(draining), func(c *Config, _ *rag.Config) {
		c.Answerer = held
		c.MaxConcurrent = n
		c.ShutdownGrace = time.Hour // the answers end it, not the clock
	})
	ins := askMany(h, held, n)

	h.cancel()
	select {
	case <-draining:
	case <-h.ctx().Done():
		t.Fatal("Run did not start draining")
	}
	if h.bot.Ready() {
		t.Error("a draining bot reports ready")
	}
	close(held.release)
	if err := h.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	// Everything was delivered by the time Run returned.
	delivered := map[string]bool{}
	for _, c := range h.fake.Calls() {
		if c.Is("PATCH", "webhooks/*/*/messages/@original") && c.Status/100 == 2 && strings.Contains(string(c.Body), "**Sources**") {
			parts := strings.Split(c.Path, "/") // .../webhooks/{app}/{token}/messages/@original
			delivered[parts[len(parts)-3]] = true
		}
	}
	missing := 0
	for _, in := range ins {
		if !delivered[in.Token] {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d answers not delivered when Run returned\ncalls:\n%s", missing, n, h.callList())
	}
	if len(held.cancelled) > 0 {
		t.Errorf("%d answers cancelled within the grace period", len(held.cancelled))
	}
}

// TestShutdownGraceCancelsTheRest: answers still in flight when the grace
// period is over are cancelled, and Run returns nil.
func TestShutdownGraceCancelsTheRest(t *testing.T) {
	const n = 3
	held := newHeldAnswerer(n)
	h := start(t, func(c *Config, _ *rag.Config) {
		c.Answerer = held
		c.ShutdownGrace = time.Nanosecond
	})
	askMany(h, held, n)
	if err := h.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	ctx := h.ctx()
	for k := range n {
		select {
		case <-held.cancelled:
		case <-ctx.Done():
			t.Fatalf("%d of %d answers cancelled after the grace period", k, n)
		}
	}
}

// TestDrainingRefusesNewQuestions: while Run waits for the answers in
// flight, an /ask that still arrives (here through the HTTP endpoint,
// which outlives the gateway) is told to ask again, not taken.
func TestDrainingRefusesNewQuestions(t *testing.T) {
	held := newHeldAnswerer(1)
	draining := make(chan struct{})
	h := start(t, withDraining(draining), func(c *Config, _ *rag.Config) {
		c.Answerer = held
		c.ShutdownGrace = time.Hour
		c.EndpointBudget = maxWait
	})
	e := newEndpoint(t, h.bot)
	askMany(h, held, 1)
	h.cancel()
	select {
	case <-draining:
	case <-h.ctx().Done():
		t.Fatal("Run did not start draining")
	}
	_, reply, err := h.fake.PostInteraction(h.ctx(), e.url, e.priv, &discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand,
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{opt("question", "What is ISIS-K?")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var resp discordgo.InteractionResponse
	if reply.Status != http.StatusOK || json.Unmarshal(reply.Body, &resp) != nil ||
		resp.Type != discordgo.InteractionResponseChannelMessageWithSource || resp.Data == nil || !strings.Contains(resp.Data.Content, "ask again") {
		t.Errorf("while draining: %d %s, want a message asking to ask again", reply.Status, reply.Body)
	}
	close(held.release)
	if err := h.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := len(held.entered); n != 0 {
		t.Errorf("%d questions taken while draining", n)
	}
}
