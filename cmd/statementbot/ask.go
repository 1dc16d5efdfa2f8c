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
	full := fs.Bool("full", false, "print source paragraphs whole on a terminal too")
	statement := fs.String("statement", "", "answer from this `ID` only (the statements command lists them)")
	server := serverFlag(fs)
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "ask [--json] [--full] [--statement ID] [--server ID] QUESTION", args)
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
	req := rag.AskRequest{Question: question, Scope: rag.ServerScope(*server)}
	if *statement != "" {
		if req.Statement, err = resolveIn(a.engine.Index().In(req.Scope), *statement); err != nil {
			return asUsage(err)
		}
	}
	ans, err := a.engine.Ask(ctx, req)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env.stdout, ans)
	}
	printAnswer(env.stdout, ans, layoutFor(env.stdout, *full))
	return nil
}

// printAnswer writes an answer for people: the text, a note if any, and
// the cited paragraphs, verbatim (shortened on a terminal; see layout).
func printAnswer(w io.Writer, ans *rag.Answer, l layout) {
	fmt.Fprintln(w, l.text(ans.Text, 0))
	if ans.Note != "" {
		fmt.Fprintln(w, l.text("("+ans.Note+")", 0))
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
	var cut bool
	for _, c := range ans.Citations {
		fmt.Fprintln(w, l.text(fmt.Sprintf("[%d] %s — %s", c.N, c.Label(), c.Statement), 0))
		text, shortened := l.source(c.Text)
		cut = cut || shortened
		fmt.Fprintln(w, l.text(text, 4))
	}
	if cut {
		fmt.Fprintln(w, l.text("(Sources shortened: --full prints them whole, as does `statementbot cite ID PARAGRAPH`.)", 0))
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
