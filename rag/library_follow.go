package rag

import (
	"context"
	"time"
)

// followRetry is how long Follow waits before reading the store again
// after a failed reload.
const followRetry = 5 * time.Second

// Follow keeps the live index up to date with changes committed by other
// processes (the CLI, other bots), until ctx ends: at once if the
// store's generation moved past the live index's before it was called,
// then each time it does, it reloads (statements and paragraphs as
// stored, vectors it holds reused, the others read from the store) and
// swaps the new index in. Its own changes are swapped in when
// they commit; their generations are skipped here. Follow never writes
// the corpus. Without a store it returns at once.
func (l *Library) Follow(ctx context.Context) {
	if l.st == nil {
		return
	}
	watch := l.st.Watch(ctx)
	// Watch reports the changes after it is called; one committed since
	// the live index was read (while the process started) is caught up
	// with first. A failed read here is as good as none: gen 0 waits for
	// the first report.
	gen, _ := l.st.Generation(ctx)
	for {
		for gen > l.Generation() {
			stats, err := l.refresh(ctx, nil)
			if err == nil {
				if stats.Statements > 0 {
					l.log.Info("index reloaded after a change elsewhere", "generation", l.Generation(),
						"statements", stats.Statements, "paragraphs", stats.Paragraphs, "embedded", stats.Embedded, "took", stats.Duration)
				}
				break
			}
			l.log.Error("reloading the index after a change elsewhere failed; retrying", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(followRetry):
			}
		}
		var ok bool
		select {
		case <-ctx.Done():
			return
		case gen, ok = <-watch:
			if !ok {
				return
			}
		}
	}
}
