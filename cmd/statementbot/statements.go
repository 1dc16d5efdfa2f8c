package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/statementbot/statementbot/rag"
)

// statementInfo is one statement as listed: ID is its key ("<server>/<id>"
// for a server's own), Library its server ("" for the shared library).
type statementInfo struct {
	ID         string `json:"id"`
	Library    string `json:"library,omitempty"`
	Title      string `json:"title"`
	Date       string `json:"date"`
	Issuer     string `json:"issuer,omitempty"`
	Paragraphs int    `json:"paragraphs"`
}

func cmdStatements(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("statements", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the list as JSON")
	server := serverFlag(fs)
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "statements [--json] [--server ID]", args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("statements: takes no arguments, got %q", pos[0])
	}
	a, err := loadApp(ctx, env, *data)
	if err != nil {
		return err
	}
	defer a.close()
	var list []statementInfo
	for _, st := range a.engine.Index().In(rag.ServerScope(*server)).Statements() {
		lib, _ := rag.SplitKey(st.ID)
		list = append(list, statementInfo{ID: st.ID, Library: lib, Title: st.Title, Date: st.Date, Issuer: st.Issuer, Paragraphs: len(st.Paragraphs)})
	}
	if *asJSON {
		if list == nil {
			list = []statementInfo{}
		}
		return writeJSON(env.stdout, struct {
			Statements []statementInfo `json:"statements"`
		}{list})
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tPARAGRAPHS\tTITLE")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", s.ID, s.Date, s.Paragraphs, s.Title)
	}
	return tw.Flush()
}
