package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// maxRateLimitWait is the longest a delivery waits out Discord's
// retry_after (all 429s of one call together) before giving up on that
// route (Discord's usual per-route limits ask
// for a second or two; a long one would hold the answer for minutes).
const maxRateLimitWait = 10 * time.Second

// rateLimitedError is a call that Discord rate-limited for longer than
// maxRateLimitWait.
type rateLimitedError struct {
	retryAfter time.Duration
	err        error
}

func (e *rateLimitedError) Error() string {
	return fmt.Sprintf("discord rate limit: retry after %v: %v", e.retryAfter, e.err)
}

func (e *rateLimitedError) Unwrap() error { return e.err }

// callOptions are the request options of a delivery: the context, and a
// 429 returned to withRetry instead of slept out by discordgo (which
// ignores the context and any length).
func callOptions(ctx context.Context) []discordgo.RequestOption {
	return []discordgo.RequestOption{discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false)}
}

// withRetry runs call, retrying Discord 5xx errors with backoff (discordgo
// itself retries 502 a few times, but not 500/503/504) and 429s after
// their retry_after, if that is at most maxRateLimitWait; a longer one is
// returned as a *rateLimitedError. Waiting ends with ctx.
// minRateLimitWait is the least a 429 is waited for.
const minRateLimitWait = 50 * time.Millisecond

func withRetry(ctx context.Context, call func() error) error {
	delay := 200 * time.Millisecond
	var err error
	var limited time.Duration // waited for 429s so far
	for attempt := 0; attempt < 4; {
		if err = call(); err == nil {
			return nil
		}
		wait := delay
		var rl *discordgo.RateLimitError
		switch {
		case errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil:
			// 429s do not count as attempts: Discord says when to come
			// back, and the total wait is capped.
			if limited+rl.RetryAfter > maxRateLimitWait {
				return &rateLimitedError{retryAfter: rl.RetryAfter, err: err}
			}
			// A retry_after of zero still waits a little and counts,
			// so a stream of 429s cannot retry without end.
			wait = max(rl.RetryAfter, minRateLimitWait)
			limited += wait
			countRetry(ctx, "rate-limit")
		case transient(err):
			delay *= 2
			attempt++
			if attempt == 4 {
				return err // no retry follows: no wait either
			}
			countRetry(ctx, "transient")
		default:
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
	return err
}

// transient reports a Discord failure worth retrying: a 5xx or a garbled
// answer.
func transient(err error) bool {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode >= http.StatusInternalServerError
	}
	return errors.Is(err, discordgo.ErrJSONUnmarshal)
}

// routeLimit remembers that Discord rate-limited one route of a reply (its
// edits, or the messages after it) for long: later calls fail at once
// instead of sleeping in discordgo's bucket, which ignores the context.
type routeLimit struct {
	mu    sync.Mutex
	until time.Time
}

func (r *routeLimit) call(ctx context.Context, call func() error) error {
	r.mu.Lock()
	wait := time.Until(r.until)
	r.mu.Unlock()
	if wait > 0 {
		return &rateLimitedError{retryAfter: wait, err: errors.New("route still rate limited")}
	}
	err := withRetry(ctx, call)
	var rl *rateLimitedError
	if errors.As(err, &rl) {
		r.mu.Lock()
		r.until = time.Now().Add(rl.retryAfter)
		r.mu.Unlock()
	}
	return err
}
