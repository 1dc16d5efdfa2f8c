package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/statementbot/statementbot/rag"
)

func cmdCite(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("cite", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the paragraph as JSON")
	server := serverFlag(fs)
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "cite [--json] [--server ID] STATEMENT_ID PARAGRAPH", args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageErrorf("cite: give a statement id and a paragraph number, e.g. statementbot cite 2021-06-28-global-coalition-rome 3")
	}
	n, err := strconv.Atoi(strings.TrimPrefix(pos[1], "¶"))
	if err != nil || n < 1 {
		return usageErrorf("cite: paragraph must be a number from 1, not %q", pos[1])
	}
	a, err := loadApp(ctx, env, *data)
	if err != nil {
		return err
	}
	defer a.close()
	ix := a.engine.Index().In(rag.ServerScope(*server))
	key, err := resolveIn(ix, pos[0])
	if err != nil {
		return asUsage(err)
	}
	c, err := ix.Cite(key, n)
	if err != nil {
		return asUsage(err)
	}
	if *asJSON {
		return writeJSON(env.stdout, c)
	}
	fmt.Fprintf(env.stdout, "%s — %s\n\n%s\n", c.Label(), c.Statement, c.Text)
	return nil
}
