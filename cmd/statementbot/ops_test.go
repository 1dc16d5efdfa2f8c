package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot"
	"github.com/statementbot/statementbot/bot/discordtest"
)

// get fetches url and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// metricValue is the value of the sample named by series (name and
// labels exactly as Prometheus's text format prints them), or -1.
func metricValue(body, series string) float64 {
	re := regexp.MustCompile("(?m)^" + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return -1
	}
	return v
}

// TestServeOps runs serve with HTTP_ADDR and DISCORD_PUBLIC_KEY: /readyz
// is 503 while the index loads and 200 once the bot is online; /metrics
// shows the questions counted after an /ask answered through the gateway
// and one through POST /interactions, and an unsigned request refused.
func TestServeOps(t *testing.T) {
	// Timing is not this test's point: Discord's 3 s deadline for the
	// gateway /ask's deferral must not fail it on a busy machine.
	fake := discordtest.New(t, discordtest.WithInteractionDeadline(0))
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"STATEMENTBOT_DATA": t.TempDir(), "DISCORD_TOKEN": "test-token", "DISCORD_GUILD_ID": discordtest.GuildID,
		"DISCORD_API_URL": fake.URL(), "LOG_LEVEL": "error", "HTTP_ADDR": "127.0.0.1:0",
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub),
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 2*time.Minute) // a failure bound only
	defer wcancel()
	base := make(chan string, 1)
	var stderr strings.Builder
	env := &environment{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr,
		// The deferral is immediate; Discord's 3 s budget must not fail
		// the test on a busy machine.
		botConfig: func(c *bot.Config) { c.EndpointBudget = 2 * time.Minute },
		listening: func(addr string) {
			// Called before the index is loaded: alive, not ready.
			if code, _ := get(t, "http://"+addr+"/healthz"); code != http.StatusOK {
				t.Errorf("/healthz before the index: %d", code)
			}
			if code, _ := get(t, "http://"+addr+"/readyz"); code != http.StatusServiceUnavailable {
				t.Errorf("/readyz before the index: %d, want 503", code)
			}
			resp, err := http.Post("http://"+addr+"/interactions", "application/json", strings.NewReader(`{"type":1}`))
			if err != nil {
				t.Errorf("POST /interactions: %v", err)
			} else if resp.Body.Close(); resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("/interactions before the bot: %d, want 503", resp.StatusCode)
			}
			base <- "http://" + addr
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- report(runEnv(ctx, env, []string{"serve"}), &stderr) }()
	var url string
	select {
	case url = <-base:
	case code := <-done:
		t.Fatalf("serve exited %d before listening: %s", code, stderr.String())
	}
	// Ready once online: polled, bounded only by wctx.
	if !waitUntil(wctx, func() bool { code, _ := get(t, url+"/readyz"); return code == http.StatusOK }) {
		t.Fatal("/readyz never became 200")
	}
	_, before := get(t, url+"/metrics")
	if v := metricValue(before, `statementbot_questions_total{outcome="answered",path="slash"}`); v > 0 {
		t.Fatalf("answered before any question: %v", v)
	}
	if v := metricValue(before, "statementbot_index_paragraphs"); v <= 0 {
		t.Errorf("statementbot_index_paragraphs = %v, want the bundled statements' paragraphs", v)
	}

	askThroughGateway(t, wctx, fake, "What is the EU mission in Iraq called?", "EUAM")
	// The same question through the HTTP endpoint, and an unsigned one.
	_, pong, err := fake.PostInteraction(wctx, url+"/interactions", priv, &discordgo.Interaction{Type: discordgo.InteractionPing})
	if err != nil || pong.Status != http.StatusOK || !strings.Contains(string(pong.Body), `"type":1`) {
		t.Fatalf("signed PING: %v %d %s", err, pong.Status, pong.Body)
	}
	ask := askInteraction("What is the EU mission in Iraq called?")
	if _, bad, err := fake.PostInteraction(wctx, url+"/interactions", nil, ask); err != nil || bad.Status != http.StatusUnauthorized {
		t.Fatalf("unsigned /ask: %v %d, want 401", err, bad.Status)
	}
	in2, reply, err := fake.PostInteraction(wctx, url+"/interactions", priv, ask)
	if err != nil || reply.Status != http.StatusOK || !strings.Contains(string(reply.Body), `"type":5`) {
		t.Fatalf("signed /ask: %v %d %s, want the deferral", err, reply.Status, reply.Body)
	}
	if _, err := fake.WaitFor(wctx, func(c discordtest.Call) bool {
		return c.Is("PATCH", "webhooks/*/"+in2.Token+"/messages/@original") && strings.Contains(string(c.Body), "EUAM")
	}); err != nil {
		t.Fatal(err)
	}
	// The counts follow the deliveries: polled, bounded only by wctx.
	var body string
	if !waitUntil(wctx, func() bool {
		_, body = get(t, url+"/metrics")
		return metricValue(body, `statementbot_questions_total{outcome="answered",path="slash"}`) == 2
	}) {
		t.Fatalf("the answered question was not counted:\n%s", body)
	}
	for _, series := range []string{
		`statementbot_answer_latency_seconds_count{path="slash",stage="deferral"}`,
		`statementbot_answer_latency_seconds_count{path="slash",stage="answer"}`,
		`statementbot_answers_total{fallback="false",mode="extractive"}`,
	} {
		if v := metricValue(body, series); v != 2 {
			t.Errorf("%s = %v, want 2", series, v)
		}
	}
	if v := metricValue(body, "statementbot_interactions_bad_signature_total"); v != 1 {
		t.Errorf("statementbot_interactions_bad_signature_total = %v, want 1", v)
	}
	if v := metricValue(body, "statementbot_queue_depth"); v != 0 {
		t.Errorf("statementbot_queue_depth = %v, want 0", v)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, stderr.String())
		}
	case <-wctx.Done():
		t.Fatal("serve did not stop")
	}
}
