package sqlstore

import (
	"context"
)

// Follow reads the generation each time poke fires and sends it on the
// returned channel when it differs from the last one seen (starting from
// the generation when Follow was called), until ctx ends or poke is
// closed. A reader that falls behind gets the latest generation only.
func (s *DB) Follow(ctx context.Context, poke <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	last, err := s.Generation(ctx)
	if err != nil {
		last = -1 // unknown: the first generation read is news
	}
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-poke:
				if !ok {
					return
				}
			}
			g, err := s.Generation(ctx)
			if err != nil || g == last {
				continue // a failed read is retried at the next poke
			}
			last = g
			select {
			case <-out: // drop the unread older generation
			default:
			}
			out <- g
		}
	}()
	return out
}
