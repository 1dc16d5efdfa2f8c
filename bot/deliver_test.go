package bot

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// recordingSink records the edits it is asked for and reports each on
// edited.
type recordingSink struct {
	mu     sync.Mutex
	edits  []string
	edited chan string
}

var _ sink = (*recordingSink)(nil)

func (r *recordingSink) edit(_ context.Context, o out) error {
	r.mu.Lock()
	r.edits = append(r.edits, o.Content)
	r.mu.Unlock()
	r.edited <- o.Content
	return nil
}

func (r *recordingSink) send(context.Context, out) error { return nil }
func (r *recordingSink) channel() string                 { return "c" }

// TestStreamerEditsPerTick: text written between ticks makes one edit
// with all of it on the next tick; a tick with nothing new edits nothing;
// nothing is edited after close.
func TestStreamerEditsPerTick(t *testing.T) {
	ticks := make(chan time.Time)
	to := &recordingSink{edited: make(chan string, 10)}
	st := startStreamer(context.Background(), to, ticks)
	st.add("The Ministers ")
	st.add("met in ")
	st.add("Rome.")
	ticks <- time.Now()
	if got := <-to.edited; got != "The Ministers met in Rome. …" {
		t.Errorf("edit = %q", got)
	}
	ticks <- time.Now() // nothing new since the last edit
	st.close()          // returns once that tick is handled
	st.add(" More.")
	to.mu.Lock()
	defer to.mu.Unlock()
	if want := []string{"The Ministers met in Rome. …"}; !slices.Equal(to.edits, want) {
		t.Errorf("edits = %q, want %q", to.edits, want)
	}
}
