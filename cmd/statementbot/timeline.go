package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/statementbot/statementbot/compare"
	"github.com/statementbot/statementbot/rag"
)

func cmdTimeline(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("timeline", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the timeline as JSON")
	server := serverFlag(fs)
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "timeline [--json] [--server ID] TOPIC", args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErrorf(`timeline: give a topic, e.g. statementbot timeline "foreign terrorist fighters"`)
	}
	a, err := loadApp(ctx, env, *data)
	if err != nil {
		return err
	}
	defer a.close()
	// The shared library's statements and the --server's.
	tl, err := compare.Timeline(ctx, a.engine.Index().In(rag.ServerScope(*server)), strings.Join(pos, " "))
	if err != nil {
		return asUsage(err)
	}
	if *asJSON {
		return writeJSON(env.stdout, tl)
	}
	if len(tl.Entries) == 0 {
		fmt.Fprintf(env.stdout, "No statement mentions “%s”.\n", tl.Topic)
		return nil
	}
	fmt.Fprintf(env.stdout, "What the statements said about “%s”, oldest first:\n", tl.Topic)
	for _, e := range tl.Entries {
		date := e.Date
		if date == "" {
			date = "undated"
		}
		fmt.Fprintf(env.stdout, "\n%s  %s — %s ¶%d\n  %s\n", date, e.Title, e.Statement, e.Paragraph, e.Text)
	}
	return nil
}
