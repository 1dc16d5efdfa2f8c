// Command statementbot answers questions about official statements from
// their own paragraphs, with numbered citations: from the command line, or
// as a Discord bot (statementbot serve).
package main

import (
	"context"
	"math"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
)

// gcPercent is the garbage collector's target unless GOGC says otherwise.
// The heap is mostly the index, which lives as long as the process: at
// Go's default (100) a start of 100k paragraphs peaks at about 800 MB
// for 480 MB live; at 50 at about 630 MB, for the same CPU time (less
// time faulting in pages makes up for more collecting).
const gcPercent = 50

// startMemoryLimit is the soft limit of the Go heap while the library
// opens (a first start reads the stored vectors and the snapshot at
// once), and the only trigger of a collection then: nearly all a start
// allocates is the index, which lives on, so collecting at gcPercent
// marked a growing heap some twenty times to free little. At 100k
// paragraphs (768 dimensions) a start collects three or four times
// instead of twenty, for some 13% less processor time in all; its peak
// RSS is about 645 MB against 640 under a 600 MB limit at gcPercent (at
// 600 MB here, five collections; at 640 MB, two, for 680 MB). A smaller
// library's start holds its garbage up to this limit: at 256 dimensions
// about 565 MB against 470. It is lifted, and gcPercent restored, once
// the library is open (endStart); a library whose index alone outgrows
// it costs its start more collecting (at most half the processors), not
// its answers.
const startMemoryLimit = 620 << 20

// endStart lifts startMemoryLimit and restores gcPercent (when main set
// them).
var endStart = func() {}

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(startMemoryLimit)
		// GOGC, when set, is kept during the start too.
		atLimit := os.Getenv("GOGC") == ""
		if atLimit {
			debug.SetGCPercent(-1)
		}
		endStart = sync.OnceFunc(func() {
			if atLimit {
				debug.SetGCPercent(gcPercent)
			}
			debug.SetMemoryLimit(math.MaxInt64)
		})
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(report(err, os.Stderr))
}
