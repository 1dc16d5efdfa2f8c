package rag

import (
	"context"
	"testing"

	"github.com/statementbot/statementbot/store"
)

// quietStore is a store whose Watch reports no change after it is called
// (a change committed before the call is no news to it, as to the real
// ones), and then ends.
type quietStore struct{ store.Store }

func (q quietStore) Watch(context.Context) <-chan int64 {
	ch := make(chan int64)
	close(ch)
	return ch
}

// TestFollowCatchesUpFirst: a change another process commits after a
// serving library loaded its index but before it begins to follow (while
// serve starts the bot, or a shard's process connects) is in the index
// once Follow runs, without waiting for a later change: Watch reports
// only changes after it is called.
func TestFollowCatchesUpFirst(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			loc := b.fresh(t)
			server, e, _ := openLibraryOn(t, quietStore{b.openOn(t, loc)}, "")
			cli, _, _ := openLibraryOn(t, b.openOn(t, loc), "")
			ctx := context.Background()
			if _, _, err := cli.Add(ctx, []AddRequest{{Name: "harbour.txt", Data: []byte(harbour)}}, nil); err != nil {
				t.Fatal(err)
			}
			server.Follow(ctx) // returns when Watch's channel closes
			if _, ok := e.Index().Statement("harbour"); !ok {
				t.Error("the serving index lacks a statement added before it began to follow")
			}
		})
	}
}
