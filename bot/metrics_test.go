package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
	"github.com/statementbot/statementbot/rag"
)

// recorder is a Metrics that keeps counts, and lets a test wait for one.
type recorder struct {
	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every count
	questions map[string]int
	latencies map[string]int // observations by path/stage
	answers   map[string]int // by mode/fallback
	retries   map[string]int
}

var _ Metrics = (*recorder)(nil)

func newRecorder() *recorder {
	return &recorder{changed: make(chan struct{}), questions: map[string]int{}, latencies: map[string]int{}, answers: map[string]int{}, retries: map[string]int{}}
}

func (r *recorder) bump(m map[string]int, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m[key]++
	close(r.changed)
	r.changed = make(chan struct{})
}

func (r *recorder) Question(path, outcome string) { r.bump(r.questions, path+"/"+outcome) }
func (r *recorder) Latency(path, stage string, d time.Duration) {
	if d < 0 {
		panic("negative latency")
	}
	r.bump(r.latencies, path+"/"+stage)
}
func (r *recorder) Answer(mode string, fallback bool) {
	r.bump(r.answers, fmt.Sprint(mode, "/", fallback))
}
func (r *recorder) Change(action string, _ time.Duration, _ bool) {}
func (r *recorder) RESTRetry(reason string)                       { r.bump(r.retries, reason) }
func (r *recorder) BadSignature()                                 { r.bump(r.retries, "bad-signature") }

// waitFor waits until the count under key in the map pick chooses is n.
func (r *recorder) waitFor(ctx context.Context, t *testing.T, pick func(*recorder) map[string]int, key string, n int) {
	t.Helper()
	for {
		r.mu.Lock()
		got, ch := pick(r)[key], r.changed
		r.mu.Unlock()
		if got == n {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("%s: count %d, want %d (questions %v, latencies %v)", key, got, n, r.questions, r.latencies)
		}
	}
}

func questions(r *recorder) map[string]int { return r.questions }
func latencies(r *recorder) map[string]int { return r.latencies }

// TestMetricsCountQuestions: questions by slash command, message command
// and mention are counted by path and outcome, with their latencies;
// a question over the rate is counted as rate-limited.
func TestMetricsCountQuestions(t *testing.T) {
	rec := newRecorder()
	h := start(t, func(c *Config, _ *rag.Config) { c.Metrics = rec; c.UserBurst = 2; c.UserPerMinute = 1 })
	ctx := h.ctx()
	// A stopped clock: no token comes back however slow the machine.
	t0 := time.Now()
	h.bot.limit.mu.Lock()
	h.bot.limit.now = func() time.Time { return t0 }
	h.bot.limit.mu.Unlock()

	in := h.command("ask", opt("question", "Which countries joined the Coalition?"))
	h.finalEdit(in, hasSources)
	rec.waitFor(ctx, t, questions, PathSlash+"/"+OutcomeAnswered, 1)
	rec.waitFor(ctx, t, latencies, PathSlash+"/"+StageDeferral, 1)
	rec.waitFor(ctx, t, latencies, PathSlash+"/"+StageAnswer, 1)

	m, err := h.fake.DispatchMessage(&discordgo.Message{
		ChannelID: discordtest.ChannelID, GuildID: discordtest.GuildID,
		Content:  "<@" + discordtest.BotUserID + "> What did the ministers say about detainees?",
		Mentions: []*discordgo.User{{ID: discordtest.BotUserID}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.waitForMessage(m.ID, "northeast Syria", "")
	rec.waitFor(ctx, t, questions, PathMention+"/"+OutcomeAnswered, 1)

	// The same user's third question within the minute is over the rate.
	in = h.command("ask", opt("question", "What is ISIS-K?"))
	h.finalEdit(in, func(b msgBody) bool { return b.Content != "" })
	rec.waitFor(ctx, t, questions, PathSlash+"/"+OutcomeRateLimited, 1)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if n := rec.answers["extractive/false"]; n != 2 {
		t.Errorf("extractive answers without fallback = %d, want 2 (%v)", n, rec.answers)
	}
	if n := rec.questions[PathSlash+"/"+OutcomeAnswered]; n != 1 {
		t.Errorf("slash answered = %d after the refusal, want 1", n)
	}
}

// TestReady: the bot is ready once online, and not after Run returns.
func TestReady(t *testing.T) {
	h := start(t)
	if !h.bot.Ready() {
		t.Fatal("online bot not ready")
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if h.bot.Ready() {
		t.Error("stopped bot still ready")
	}
}

// failingAnswerer fails every question.
type failingAnswerer struct{ Answerer }

func (f *failingAnswerer) wrap(engine Answerer) { f.Answerer = engine }
func (f *failingAnswerer) Ask(context.Context, rag.AskRequest) (*rag.Answer, error) {
	return nil, errors.New("the model server is down")
}

// TestMetricsOutcomes: a question too long to take is counted declined,
// one the answerer fails on is counted as an error; neither as answered.
func TestMetricsOutcomes(t *testing.T) {
	rec := newRecorder()
	h := start(t, func(c *Config, _ *rag.Config) { c.Metrics = rec; c.Answerer = &failingAnswerer{} })
	ctx := h.ctx()

	in := h.command("ask", opt("question", strings.Repeat("why ", rag.MaxQuestionChars)))
	h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "limit") })
	rec.waitFor(ctx, t, questions, PathSlash+"/"+OutcomeDeclined, 1)

	in = h.command("ask", opt("question", "Which countries joined the Coalition?"))
	h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "went wrong") })
	rec.waitFor(ctx, t, questions, PathSlash+"/"+OutcomeError, 1)

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if n := rec.questions[PathSlash+"/"+OutcomeAnswered]; n != 0 {
		t.Errorf("answered = %d, want 0", n)
	}
}
