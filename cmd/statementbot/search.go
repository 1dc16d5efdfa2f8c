package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/statementbot/statementbot/rag"
)

type searchResult struct {
	Rank      int     `json:"rank"`
	Statement string  `json:"statement"`
	Paragraph int     `json:"paragraph"`
	Score     float64 `json:"score"`
	Text      string  `json:"text"`
}

func cmdSearch(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the results as JSON")
	k := fs.Int("k", 5, "number of paragraphs")
	statement := fs.String("statement", "", "search this `ID` only (the statements command lists them)")
	server := serverFlag(fs)
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "search [--json] [-k N] [--statement ID] [--server ID] QUERY", args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErrorf(`search: give a query, e.g. statementbot search "foreign terrorist fighters"`)
	}
	if *k < 1 || *k > 100 {
		return usageErrorf("search: -k must be between 1 and 100, not %d", *k)
	}
	query := strings.Join(pos, " ")
	if err := rag.CheckQuestion(query); err != nil {
		return asUsage(err)
	}
	a, err := loadApp(ctx, env, *data)
	if err != nil {
		return err
	}
	defer a.close()
	opt := rag.SearchOptions{K: *k, Scope: rag.ServerScope(*server)}
	if *statement != "" {
		if opt.Statement, err = resolveIn(a.engine.Index().In(opt.Scope), *statement); err != nil {
			return asUsage(err)
		}
	}
	hits, err := a.engine.Search(ctx, query, opt)
	if err != nil {
		return err
	}
	results := make([]searchResult, len(hits))
	for i, h := range hits {
		results[i] = searchResult{Rank: h.Rank, Statement: h.Statement, Paragraph: h.N, Score: h.Score, Text: h.Text}
	}
	if *asJSON {
		return writeJSON(env.stdout, struct {
			Query   string         `json:"query"`
			Results []searchResult `json:"results"`
		}{query, results})
	}
	for _, r := range results {
		fmt.Fprintf(env.stdout, "%d. %s ¶%d (score %.4f)\n   %s\n", r.Rank, r.Statement, r.Paragraph, r.Score, r.Text)
	}
	return nil
}
