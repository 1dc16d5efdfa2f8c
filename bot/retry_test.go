package bot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
	"github.com/statementbot/statementbot/rag"
)

func tooManyRequests(after time.Duration) error {
	return &discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{TooManyRequests: &discordgo.TooManyRequests{RetryAfter: after}, URL: "u"}}
}

// TestWithRetryRateLimits: a 429 longer than the cap is given up at once;
// a short one is waited out only while the context lasts.
func TestWithRetryRateLimits(t *testing.T) {
	calls := 0
	err := withRetry(context.Background(), func() error { calls++; return tooManyRequests(10 * time.Minute) })
	var rl *rateLimitedError
	if !errors.As(err, &rl) || rl.retryAfter != 10*time.Minute || calls != 1 {
		t.Errorf("long 429: %d calls, err %v; want 1 call and a rateLimitedError of 10m", calls, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls = 0
	err = withRetry(ctx, func() error { calls++; return tooManyRequests(maxRateLimitWait) })
	var dg *discordgo.RateLimitError
	if !errors.As(err, &dg) || calls != 1 {
		t.Errorf("short 429 after ctx ended: %d calls, err %v; want 1 call and the 429", calls, err)
	}

	calls = 0
	err = withRetry(context.Background(), func() error {
		calls++
		if calls < 3 {
			return tooManyRequests(time.Millisecond)
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("short 429s: %d calls, err %v; want 3 calls and success", calls, err)
	}
}

// TestLongRateLimitOnAnswer: Discord rate-limits the edit of an answer's
// reply for ten minutes. The bot does not wait: the answer follows the
// reply as a new message saying why, the reply's route is not tried
// again, and the one answer slot is free for the next question at once.
func TestLongRateLimitOnAnswer(t *testing.T) {
	h := start(t, func(c *Config, _ *rag.Config) { c.MaxConcurrent = 1 })
	const token = "itok-limited"
	h.fake.FailNext(discordtest.Match("PATCH", "webhooks/*/"+token+"/messages/@original"), 429, 10*time.Minute, 1)
	if _, err := h.fake.DispatchInteraction(&discordgo.Interaction{
		Token: token, Type: discordgo.InteractionApplicationCommand,
		Data: discordgo.ApplicationCommandInteractionData{Name: cmdAsk, Options: []*discordgo.ApplicationCommandInteractionDataOption{opt("question", "What is ISIS-K?")}},
	}); err != nil {
		t.Fatal(err)
	}
	h.waitCall(func(c discordtest.Call) bool {
		return c.Is("PATCH", "webhooks/*/"+token+"/messages/@original") && c.Status == 429
	})
	// Another question is answered while the first waits on nothing.
	next := h.command("ask", opt("question", "What is the EU mission in Iraq called?"))
	h.finalEdit(next, hasSources)
	c := h.waitCall(func(c discordtest.Call) bool { return c.Is("POST", "webhooks/*/"+token) })
	if b := decode(t, c); c.Status/100 != 2 || !hasSources(b) || !strings.Contains(b.Content, "Khurasan") ||
		!strings.HasPrefix(b.Content, "-# Discord is limiting edits to my reply above for about 10 minutes") {
		t.Errorf("follow-up %s:\n%s", c, b.Content)
	}
	edits := 0
	for _, c := range h.fake.Calls() {
		if c.Is("PATCH", "webhooks/*/"+token+"/messages/@original") {
			edits++
		}
	}
	if edits != 1 {
		t.Errorf("%d edits of the rate-limited reply, want 1", edits)
	}
	h.checkNoPings()
}

// TestWithRetryCountsRetries: each retry, not each call, is counted in
// the context's Metrics, by reason.
func TestWithRetryCountsRetries(t *testing.T) {
	rec := newRecorder()
	ctx := withRetryCounter(context.Background(), rec)
	errs := []error{
		&discordgo.RESTError{Response: &http.Response{StatusCode: http.StatusServiceUnavailable}},
		tooManyRequests(time.Millisecond),
		nil,
	}
	calls := 0
	err := withRetry(ctx, func() error { calls++; return errs[calls-1] })
	if err != nil || calls != 3 {
		t.Fatalf("%d calls, err %v; want 3 calls and success", calls, err)
	}
	if rec.retries["transient"] != 1 || rec.retries["rate-limit"] != 1 {
		t.Errorf("retries = %v, want one of each", rec.retries)
	}
	// Without a counter in the context nothing is counted, nothing fails.
	calls = 0
	if err := withRetry(context.Background(), func() error { calls++; return errs[calls-1] }); err != nil {
		t.Fatal(err)
	}
}
