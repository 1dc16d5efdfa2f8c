package bot

import (
	"context"
	"sync"
	"time"
)

// streamer edits a reply with the text written so far, at most once per
// tick, until stopped.
type streamer struct {
	mu      sync.Mutex
	text    string
	dirty   bool
	stop    chan struct{}
	stopped chan struct{}
}

// tickerFunc starts a ticker: a channel that ticks every d, and a func
// that stops it.
type tickerFunc func(d time.Duration) (ticks <-chan time.Time, stop func())

func timeTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// startStreamer edits to with the text added so far on each tick of
// ticks when new text has arrived since the last edit.
func startStreamer(ctx context.Context, to sink, ticks <-chan time.Time) *streamer {
	st := &streamer{stop: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(st.stopped)
		for {
			select {
			case <-st.stop:
				return
			case <-ctx.Done():
				return
			case <-ticks:
			}
			st.mu.Lock()
			text, dirty := st.text, st.dirty
			st.dirty = false
			st.mu.Unlock()
			if dirty && text != "" {
				// A failed progress edit is not worth retrying: the next
				// one, or the final answer, replaces it.
				_ = to.edit(ctx, out{Content: streamingContent(text)})
			}
		}
	}()
	return st
}

// add appends a delta.
func (st *streamer) add(delta string) {
	st.mu.Lock()
	st.text += delta
	st.dirty = true
	st.mu.Unlock()
}

// close stops the streamer and waits for an edit in progress.
func (st *streamer) close() {
	close(st.stop)
	<-st.stopped
}
