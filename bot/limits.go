package bot

import (
	"context"
	"sync"
	"time"
)

// userLimiter allows each user a burst of questions and then one every
// interval (a token bucket per user). The buckets are this process's own,
// not shared through the store: a guild's gateway questions all reach the
// process running its shard, but replicas behind a load balancer each
// allow a user the full rate (README, "Running several processes").
type userLimiter struct {
	mu       sync.Mutex
	burst    float64
	interval time.Duration
	buckets  map[string]*bucket
	now      func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newUserLimiter(perMinute, burst int) *userLimiter {
	if perMinute <= 0 {
		perMinute = 6
	}
	if burst <= 0 {
		burst = 3
	}
	return &userLimiter{burst: float64(burst), interval: time.Minute / time.Duration(perMinute), buckets: map[string]*bucket{}, now: time.Now}
}

// allow takes a token for user, or says how long until one is free.
func (l *userLimiter) allow(user string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[user]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[user] = b
		if len(l.buckets) > 10000 {
			l.sweep(now)
		}
	}
	b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.interval))
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.interval))
}

// sweep forgets users whose buckets are full again.
func (l *userLimiter) sweep(now time.Time) {
	for u, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.at))/float64(l.interval) >= l.burst {
			delete(l.buckets, u)
		}
	}
}

// gate bounds the answers in flight; the rest wait in line, first come
// first served.
type gate struct {
	mu      sync.Mutex
	free    int
	waiting []chan struct{}
}

func newGate(n int) *gate {
	if n <= 0 {
		n = 8
	}
	return &gate{free: n}
}

// acquire takes a slot. If none is free, queued is told the caller's
// place in line (1 = next) before it waits.
func (g *gate) acquire(ctx context.Context, queued func(position int)) (release func(), err error) {
	g.mu.Lock()
	if g.free > 0 {
		g.free--
		g.mu.Unlock()
		return g.release, nil
	}
	ch := make(chan struct{})
	g.waiting = append(g.waiting, ch)
	pos := len(g.waiting)
	g.mu.Unlock()
	if queued != nil {
		queued(pos)
	}
	select {
	case <-ch:
		return g.release, nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		for i, w := range g.waiting {
			if w == ch {
				g.waiting = append(g.waiting[:i], g.waiting[i+1:]...)
				return nil, ctx.Err()
			}
		}
		// Handed a slot while giving up: pass it on.
		g.releaseLocked()
		return nil, ctx.Err()
	}
}

// depth is the number of callers waiting for a slot.
func (g *gate) depth() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.waiting)
}

func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.releaseLocked()
}

func (g *gate) releaseLocked() {
	if len(g.waiting) > 0 {
		ch := g.waiting[0]
		g.waiting = g.waiting[1:]
		close(ch)
		return
	}
	g.free++
}
