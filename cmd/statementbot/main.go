// Command statementbot answers questions about official statements from
// their own paragraphs, with numbered citations: from the command line, or
// as a Discord bot (statementbot serve).
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// gcPercent is the garbage collector's target unless GOGC says otherwise.
// The heap is mostly the index, which lives as long as the process: at
// Go's default (100) a start of 100k paragraphs peaks at about 800 MB
// for 480 MB live; at 50 at about 630 MB, for the same CPU time (less
// time faulting in pages makes up for more collecting).
const gcPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(report(err, os.Stderr))
}
