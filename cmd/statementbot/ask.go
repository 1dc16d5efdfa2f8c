package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/statementbot/statementbot/rag"
)

func cmdAsk(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the answer as JSON")
	statement := fs.String("statement", "", "answer from this `ID` only (the statements command lists them)")
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "ask [--json] [--statement ID] QUESTION", args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErrorf(`ask: give a question, e.g. statementbot ask "Which countries joined the Coalition?"`)
	}
	question := strings.Join(pos, " ")
	if err := rag.CheckQuestion(question); err != nil {
		return asUsage(err)
	}
	a, err := loadApp(ctx, env, *data)
	if err != nil {
		return err
	}
	defer a.close()
	ans, err := a.engine.Ask(ctx, rag.AskRequest{Question: question, Statement: *statement})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env.stdout, ans)
	}
	printAnswer(env.stdout, ans)
	return nil
}

// printAnswer writes an answer for people: the text, a note if any, and
// the cited paragraphs verbatim.
func printAnswer(w io.Writer, ans *rag.Answer) {
	fmt.Fprintln(w, ans.Text)
	if ans.Note != "" {
		fmt.Fprintf(w, "(%s)\n", ans.Note)
	}
	if len(ans.Citations) == 0 {
		return
	}
	fmt.Fprintln(w)
	if ans.Grounded {
		fmt.Fprintln(w, "Sources:")
	} else {
		fmt.Fprintln(w, "Closest paragraphs:")
	}
	for _, c := range ans.Citations {
		fmt.Fprintf(w, "[%d] %s — %s\n", c.N, c.Label(), c.Statement)
		fmt.Fprintf(w, "    %s\n", c.Text)
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
