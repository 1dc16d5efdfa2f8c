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
// once): at 100k paragraphs the peak RSS is 680-696 MB without it and
// about 640 MB with it, in the same time. It is lifted once the library
// is open (endStart); a library whose index alone outgrows it costs its
// start more collecting (at most half the processors), not its answers.
const startMemoryLimit = 600 << 20

// endStart lifts startMemoryLimit (when main set it).
var endStart = func() {}

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(startMemoryLimit)
		endStart = sync.OnceFunc(func() { debug.SetMemoryLimit(math.MaxInt64) })
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(report(err, os.Stderr))
}
