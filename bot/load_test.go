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

	"github.com/statementbot/statementbot/bot/discordtest"
	"github.com/statementbot/statementbot/rag"
)

var loadQuestions = []string{
	"Which countries joined the Coalition?", "What is ISIS-K?", "What is the EU mission in Iraq called?",
	"How should accused terrorists be tried?", "Where will the Political Directors meet?",
}

// burst dispatches n /ask interactions from n users at once and returns,
// per interaction, the time from dispatch to the deferral reaching
// Discord. It fails unless every one is deferred once, successfully, and
// then answered with its sources. It waits as long as the test may run:
// how fast is the benchmark's business.
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
	if tb.Failed() {
		tb.FailNow()
	}
	// Calls arrive in order and the bot edits a reply only after its
	// deferral has been answered, so each deferral precedes its answer.
	type seen struct {
		deferrals  int
		deferredAt time.Time
		answered   bool
	}
	byID := map[string]*seen{}
	byToken := map[string]*seen{}
	for _, s := range all {
		st := &seen{}
		byID[s.in.ID], byToken[s.in.Token] = st, st
	}
	answered := 0
	_, err := h.fake.WaitFor(h.ctx(), func(c discordtest.Call) bool {
		switch {
		case c.Is("POST", "interactions/*/*/callback"):
			st := byID[strings.Split(strings.TrimPrefix(c.Path, "/api/v9/interactions/"), "/")[0]]
			if st == nil {
				tb.Errorf("callback for an interaction not dispatched: %s", c)
				return false
			}
			if c.Status/100 != 2 {
				tb.Errorf("deferral refused: %s", c)
			}
			st.deferrals++
			if st.deferrals == 1 {
				st.deferredAt = c.Time
			}
		case c.Is("PATCH", "webhooks/*/*/messages/@original") && c.Status == 200 && strings.Contains(string(c.Body), "**Sources**"):
			st := byToken[strings.Split(c.Path, "/")[5]]
			if st == nil || st.answered {
				tb.Errorf("unexpected answer: %s", c)
				return false
			}
			if st.deferrals == 0 {
				tb.Errorf("answered before it was deferred: %s", c)
			}
			st.answered = true
			answered++
		}
		return answered == n
	})
	if err != nil {
		tb.Fatalf("%d of %d answered: %v", answered, n, err)
	}
	var lat []time.Duration
	for _, s := range all {
		st := byID[s.in.ID]
		if st.deferrals != 1 {
			tb.Errorf("interaction %s deferred %d times, want once", s.in.ID, st.deferrals)
		}
		lat = append(lat, st.deferredAt.Sub(s.at))
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

// TestConcurrentAsks: 200 questions at once are all deferred, each once,
// and all answered, and Discord refuses nothing.
func TestConcurrentAsks(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	times := &deferTimes{}
	h := start(t, highLimits, withLog(times))
	burst(t, h, 200)
	if n := len(times.sorted()); n != 200 {
		t.Errorf("%d deferrals logged, want 200", n)
	}
	for _, c := range h.fake.Calls() {
		if c.Status/100 == 4 {
			t.Errorf("Discord refused %s with %d", c, c.Status)
		}
	}
}

// BenchmarkDeferLatency: 200 /ask interactions dispatched at once. It
// reports the bot's defer latency (interaction received -> deferral
// acknowledged by Discord) and, for context, the latency from the start of
// the burst, which also counts the fake gateway writing 200 events one
// after another on one websocket; late-% is the share of deferrals that
// took longer, from the burst's start, than Discord's 3 s (the fake here
// accepts them, so every run completes).
func BenchmarkDeferLatency(b *testing.B) {
	var e2e []time.Duration
	times := &deferTimes{}
	for b.Loop() {
		h := start(b, highLimits, withLog(times))
		e2e = append(e2e, burst(b, h, 200)...)
	}
	sort.Slice(e2e, func(i, j int) bool { return e2e[i] < e2e[j] })
	late := 0
	for _, d := range e2e {
		if d > discordtest.InteractionDeadline {
			late++
		}
	}
	bot := times.sorted()
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(pct(bot, 50)), "p50-ms")
	b.ReportMetric(ms(pct(bot, 99)), "p99-ms")
	b.ReportMetric(ms(pct(e2e, 50)), "burst-p50-ms")
	b.ReportMetric(ms(pct(e2e, 99)), "burst-p99-ms")
	b.ReportMetric(100*float64(late)/float64(len(e2e)), "late-%")
}
