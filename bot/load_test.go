package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/rag"
)

var loadQuestions = []string{
	"Which countries joined the Coalition?", "What is ISIS-K?", "What is the EU mission in Iraq called?",
	"How should accused terrorists be tried?", "Where will the Political Directors meet?",
}

// burst dispatches n /ask interactions from n users at once and returns,
// per interaction, the time from dispatch to the deferral reaching
// Discord. It fails unless every one is deferred and answered.
func burst(tb testing.TB, h *harness, n int) []time.Duration {
	tb.Helper()
	type sent struct {
		in *discordgo.Interaction
		at time.Time
	}
	all := make([]sent, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := time.Now()
			in, err := h.fake.DispatchInteraction(&discordgo.Interaction{
				Type:   discordgo.InteractionApplicationCommand,
				Member: &discordgo.Member{User: &discordgo.User{ID: fmt.Sprintf("%d", 5000+i), Username: "u"}},
				Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
					opt("question", loadQuestions[i%len(loadQuestions)])}},
			})
			if err != nil {
				tb.Error(err)
				return
			}
			all[i] = sent{in, at}
		}()
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	// Every interaction answered, with its sources.
	answered := map[string]bool{}
	deferredAt := map[string]time.Time{}
	for len(answered) < n {
		if ctx.Err() != nil {
			tb.Fatalf("%d of %d answered", len(answered), n)
		}
		for _, c := range h.fake.Calls() {
			switch {
			case c.Is("POST", "interactions/*/*/callback"):
				id := strings.Split(strings.TrimPrefix(c.Path, "/api/v9/interactions/"), "/")[0]
				if _, ok := deferredAt[id]; !ok {
					deferredAt[id] = c.Time
				}
			case c.Is("PATCH", "webhooks/*/*/messages/@original") && c.Status == 200:
				if strings.Contains(string(c.Body), "**Sources**") {
					answered[strings.Split(c.Path, "/")[5]] = true
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	var lat []time.Duration
	for _, s := range all {
		at, ok := deferredAt[s.in.ID]
		if !ok {
			tb.Fatalf("interaction %s answered but never deferred", s.in.ID)
		}
		if !answered[s.in.Token] {
			tb.Fatalf("interaction %s not answered", s.in.ID)
		}
		lat = append(lat, at.Sub(s.at))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat
}

func highLimits(c *Config, _ *rag.Config) { c.UserBurst, c.UserPerMinute = 1000, 6000 }

// deferTimes collects the bot's own measure of each deferral: from the
// interaction reaching the bot to Discord acknowledging the deferral (the
// "deferred" debug log line).
type deferTimes struct {
	mu  sync.Mutex
	all []time.Duration
}

func (d *deferTimes) Enabled(context.Context, slog.Level) bool { return true }
func (d *deferTimes) WithAttrs([]slog.Attr) slog.Handler       { return d }
func (d *deferTimes) WithGroup(string) slog.Handler            { return d }
func (d *deferTimes) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "deferred" {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "took" {
			d.mu.Lock()
			d.all = append(d.all, a.Value.Duration())
			d.mu.Unlock()
		}
		return true
	})
	return nil
}

func (d *deferTimes) sorted() []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := append([]time.Duration(nil), d.all...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func withLog(h slog.Handler) option { return func(c *Config, _ *rag.Config) { c.Log = slog.New(h) } }

func pct(d []time.Duration, p int) time.Duration { return d[min(len(d)-1, len(d)*p/100)] }

// TestConcurrentAsks: 200 questions at once are all deferred and answered.
func TestConcurrentAsks(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	times := &deferTimes{}
	h := start(t, highLimits, withLog(times))
	e2e := burst(t, h, 200)
	bot := times.sorted()
	if len(bot) != 200 {
		t.Errorf("%d deferrals logged, want 200", len(bot))
	}
	t.Logf("200 concurrent /ask: bot defer latency p50 %v p99 %v; from burst start p50 %v p99 %v", pct(bot, 50), pct(bot, 99), pct(e2e, 50), pct(e2e, 99))
	for _, c := range h.fake.Calls() {
		if c.Status == 404 || c.Status == 400 {
			t.Errorf("Discord refused %s with %d", c, c.Status)
		}
	}
}

// BenchmarkDeferLatency: 200 /ask interactions dispatched at once. It
// reports the bot's defer latency (interaction received -> deferral
// acknowledged by Discord) and, for context, the latency from the start of
// the burst, which also counts the fake gateway writing 200 events one
// after another on one websocket.
func BenchmarkDeferLatency(b *testing.B) {
	var e2e []time.Duration
	times := &deferTimes{}
	for b.Loop() {
		h := start(b, highLimits, withLog(times))
		e2e = append(e2e, burst(b, h, 200)...)
	}
	sort.Slice(e2e, func(i, j int) bool { return e2e[i] < e2e[j] })
	bot := times.sorted()
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(pct(bot, 50)), "p50-ms")
	b.ReportMetric(ms(pct(bot, 99)), "p99-ms")
	b.ReportMetric(ms(pct(e2e, 50)), "burst-p50-ms")
	b.ReportMetric(ms(pct(e2e, 99)), "burst-p99-ms")
}
