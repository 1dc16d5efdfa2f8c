package bot

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
	"github.com/statementbot/statementbot/rag"
)

// endpoint serves the bot's interactions endpoint with a key pair made for
// the test.
type endpoint struct {
	url  string
	priv ed25519.PrivateKey
}

func newEndpoint(t *testing.T, b *Bot) *endpoint {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(b.InteractionsHandler(pub))
	t.Cleanup(srv.Close)
	return &endpoint{url: srv.URL + "/interactions", priv: priv}
}

// interactionPath sends an interaction to the bot one way or the other.
type interactionPath struct {
	name string
	send func(t *testing.T, h *harness, e *endpoint, i *discordgo.Interaction) *discordgo.Interaction
}

var interactionPaths = []interactionPath{
	{"gateway", func(t *testing.T, h *harness, _ *endpoint, i *discordgo.Interaction) *discordgo.Interaction {
		in, err := h.fake.DispatchInteraction(i)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}},
	{"endpoint", func(t *testing.T, h *harness, e *endpoint, i *discordgo.Interaction) *discordgo.Interaction {
		in, reply, err := h.fake.PostInteraction(h.ctx(), e.url, e.priv, i)
		if err != nil {
			t.Fatal(err)
		}
		if reply.Status != http.StatusOK {
			t.Fatalf("endpoint answered %d: %s", reply.Status, reply.Body)
		}
		return in
	}},
}

// TestInteractionPaths: /ask, the citation button under its answer and
// autocomplete behave the same through the gateway and through the HTTP
// endpoint: deferred at once, the cited answer through the webhook.
func TestInteractionPaths(t *testing.T) {
	for _, p := range interactionPaths {
		t.Run(p.name, func(t *testing.T) {
			rec := newRecorder()
			h := start(t, func(c *Config, _ *rag.Config) { c.Metrics = rec; c.EndpointBudget = maxWait })
			e := newEndpoint(t, h.bot)

			in := p.send(t, h, e, &discordgo.Interaction{
				Type: discordgo.InteractionApplicationCommand,
				Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
					opt("question", "Which countries joined the Coalition?")}},
			})
			h.deferred(in, false)
			b := h.finalEdit(in, hasSources)
			if !strings.Contains(b.Content, "[1] Statement: Global Coalition Rome (2021-06-28), ¶2") {
				t.Errorf("answer:\n%s", b.Content)
			}
			rec.waitFor(h.ctx(), t, questions, PathSlash+"/"+OutcomeAnswered, 1)

			var cite string
			for _, row := range b.Components {
				var r struct {
					Components []struct {
						CustomID string `json:"custom_id"`
					} `json:"components"`
				}
				_ = json.Unmarshal(row, &r)
				for _, c := range r.Components {
					if cite == "" && strings.HasPrefix(c.CustomID, "cite:") {
						cite = c.CustomID
					}
				}
			}
			if cite == "" {
				t.Fatalf("no citation button under the answer: %s", b.Components)
			}
			btn := p.send(t, h, e, &discordgo.Interaction{
				Type: discordgo.InteractionMessageComponent,
				Data: discordgo.MessageComponentInteractionData{CustomID: cite, ComponentType: discordgo.ButtonComponent},
			})
			h.deferred(btn, true)
			cb := h.finalEdit(btn, func(b msgBody) bool { return len(b.Embeds) > 0 })
			if !strings.Contains(cb.Embeds[0].Description, "Central African Republic") {
				t.Errorf("cite button embed = %+v", cb.Embeds[0])
			}

			ac := p.send(t, h, e, &discordgo.Interaction{
				Type: discordgo.InteractionApplicationCommandAutocomplete,
				Data: discordgo.ApplicationCommandInteractionData{Name: "cite", Options: []*discordgo.ApplicationCommandInteractionDataOption{
					{Name: "statement", Type: discordgo.ApplicationCommandOptionString, Value: "rome", Focused: true}}},
			})
			c := h.waitCall(func(c discordtest.Call) bool { return c.Is("POST", "interactions/"+ac.ID+"/*/callback") })
			ab := decode(t, c)
			if ab.Type != int(discordgo.InteractionApplicationCommandAutocompleteResult) || len(ab.Data.Choices) != 1 ||
				!strings.HasPrefix(ab.Data.Choices[0].Name, "Statement: Global Coalition Rome (2021-06-28)") {
				t.Errorf("autocomplete: type %d, choices %+v", ab.Type, ab.Data.Choices)
			}
			h.checkNoPings()
		})
	}
}

// TestEndpointSignatures: a signed PING gets PONG; a request signed with
// another key, or not signed, gets 401 and is counted; none reaches a
// handler.
func TestEndpointSignatures(t *testing.T) {
	rec := newRecorder()
	h := start(t, func(c *Config, _ *rag.Config) { c.Metrics = rec; c.EndpointBudget = maxWait })
	e := newEndpoint(t, h.bot)
	ctx := h.ctx()

	_, reply, err := h.fake.PostInteraction(ctx, e.url, e.priv, &discordgo.Interaction{Type: discordgo.InteractionPing})
	if err != nil {
		t.Fatal(err)
	}
	var pong struct {
		Type int `json:"type"`
	}
	if reply.Status != http.StatusOK || json.Unmarshal(reply.Body, &pong) != nil || pong.Type != int(discordgo.InteractionResponsePong) {
		t.Errorf("PING: %d %s, want 200 and type 1", reply.Status, reply.Body)
	}

	_, other, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ask := &discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand,
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{opt("question", "What is ISIS-K?")}},
	}
	for n, key := range []ed25519.PrivateKey{other, nil} {
		in, reply, err := h.fake.PostInteraction(ctx, e.url, key, ask)
		if err != nil {
			t.Fatal(err)
		}
		if reply.Status != http.StatusUnauthorized {
			t.Errorf("request %d: %d, want 401", n, reply.Status)
		}
		for _, c := range h.fake.Calls() {
			if strings.Contains(c.Path, in.Token) || strings.Contains(c.Path, "/interactions/"+in.ID+"/") {
				t.Errorf("an unverified interaction was handled: %s", c)
			}
		}
	}
	rec.waitFor(ctx, t, func(r *recorder) map[string]int { return r.retries }, "bad-signature", 2)

	// A tampered body fails the signature too.
	body := `{"type":1}`
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, e.url, strings.NewReader(body))
	req.Header.Set("X-Signature-Timestamp", "1")
	req.Header.Set("X-Signature-Ed25519", strings.Repeat("00", ed25519.SignatureSize))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("zero signature: %d, want 401", resp.StatusCode)
	}
}

// BenchmarkEndpointDeferLatency: 200 /ask posted at once to the HTTP
// interactions endpoint, each signed as Discord signs. It reports the
// time from a POST to its deferral response (what Discord's 3 s budget
// counts), p50 and p99, next to BenchmarkDeferLatency's gateway figures;
// every question must then be answered with its sources.
func BenchmarkEndpointDeferLatency(b *testing.B) {
	const n = 200
	var lat []time.Duration
	for b.Loop() {
		h := start(b, highLimits, func(c *Config, _ *rag.Config) { c.EndpointBudget = maxWait })
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(h.bot.InteractionsHandler(pub))
		url := srv.URL + "/interactions"
		ins := make([]*discordgo.Interaction, n)
		took := make([]time.Duration, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				at := time.Now()
				in, reply, err := h.fake.PostInteraction(h.ctx(), url, priv, &discordgo.Interaction{
					Type:   discordgo.InteractionApplicationCommand,
					Member: &discordgo.Member{User: &discordgo.User{ID: fmt.Sprintf("%d", 5000+i), Username: "u"}},
					Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
						opt("question", loadQuestions[i%len(loadQuestions)])}},
				})
				took[i] = time.Since(at)
				if err != nil || reply.Status != http.StatusOK {
					b.Errorf("post: %v %d %s", err, reply.Status, reply.Body)
					return
				}
				ins[i] = in
			})
		}
		wg.Wait()
		if b.Failed() {
			b.FailNow()
		}
		pending := map[string]bool{}
		for _, in := range ins {
			pending[in.Token] = true
		}
		if _, err := h.fake.WaitFor(h.ctx(), func(c discordtest.Call) bool {
			if c.Is("PATCH", "webhooks/*/*/messages/@original") && c.Status == 200 && strings.Contains(string(c.Body), "**Sources**") {
				delete(pending, strings.Split(c.Path, "/")[5])
			}
			return len(pending) == 0
		}); err != nil {
			b.Fatalf("%d of %d not answered: %v", len(pending), n, err)
		}
		srv.Close()
		lat = append(lat, took...)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(pct(lat, 50)), "p50-ms")
	b.ReportMetric(ms(pct(lat, 99)), "p99-ms")
}
