package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/statementbot/statementbot/compare"
	"github.com/statementbot/statementbot/rag"
)

func cmdCompare(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the comparison as JSON")
	server := serverFlag(fs)
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "compare [--json] [--server ID] OLD_ID NEW_ID", args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageErrorf("compare: give two statement ids, the older first, e.g. statementbot compare 2025-06-30-fact-sheet 2026-06-30-fact-sheet")
	}
	a, err := loadApp(ctx, env, *data)
	if err != nil {
		return err
	}
	defer a.close()
	// Either statement may be the shared library's or the --server's.
	ix := a.engine.Index().In(rag.ServerScope(*server))
	var sts [2]*rag.Statement
	for i, ref := range pos {
		key, err := resolveIn(ix, ref)
		if err != nil {
			return asUsage(err)
		}
		sts[i], _ = ix.Statement(key)
	}
	res := compare.Compare(sts[0], sts[1])
	if *asJSON {
		return writeJSON(env.stdout, res)
	}
	writeComparison(env.stdout, res)
	return nil
}

// writeComparison prints a comparison for reading: the counts, then each
// change with its paragraph numbers, "-" before what the old statement
// said and "+" before what the new one says.
func writeComparison(w io.Writer, res compare.Result) {
	fmt.Fprintf(w, "%s\nold: %s\nnew: %s\n", res.Headline(), res.Old.ID, res.New.ID)
	for _, c := range res.Changes {
		fmt.Fprintln(w)
		switch c.Kind {
		case compare.Added:
			fmt.Fprintf(w, "added %s:\n  + %s\n", c.Where(), c.New.Text)
		case compare.Removed:
			fmt.Fprintf(w, "removed %s:\n  - %s\n", c.Where(), c.Old.Text)
		default:
			fmt.Fprintf(w, "changed %s", c.Where())
			if len(c.Edits) > 0 {
				fmt.Fprintf(w, ": %s", c.Gist(1000))
			}
			fmt.Fprintln(w)
			for _, s := range c.Removed {
				fmt.Fprintf(w, "  - %s\n", s)
			}
			for _, s := range c.Added {
				fmt.Fprintf(w, "  + %s\n", s)
			}
		}
	}
}
