package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/statementbot/statementbot/rag"
)

func cmdChat(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	statement := fs.String("statement", "", "answer from this `ID` only (the statements command lists them)")
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "chat [--statement ID]", args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("chat: takes no arguments; type questions at the prompt")
	}
	a, err := loadApp(ctx, env, *data)
	if err != nil {
		return err
	}
	defer a.close()
	interactive := isTerminal(env.stdin)
	if interactive {
		fmt.Fprintln(env.stdout, "Ask about the statement; an empty line or Ctrl-D ends the chat.")
	}
	var history []rag.Turn
	sc := bufio.NewScanner(env.stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for {
		if interactive {
			fmt.Fprint(env.stdout, "> ")
		}
		if !sc.Scan() {
			break
		}
		q := strings.TrimSpace(sc.Text())
		if q == "" && interactive || q == "exit" || q == "quit" {
			break
		}
		if q == "" {
			continue
		}
		ans, err := a.engine.Ask(ctx, rag.AskRequest{Question: q, Statement: *statement, History: history})
		var ie *rag.InputError
		switch {
		case errors.As(err, &ie):
			fmt.Fprintln(env.stdout, ie.Msg)
			continue
		case err != nil:
			return err
		}
		printAnswer(env.stdout, ans)
		fmt.Fprintln(env.stdout)
		history = append(history, rag.Turn{Question: q, Answer: ans.Text})
		if len(history) > rag.MaxHistory {
			history = history[1:]
		}
		if ctx.Err() != nil {
			return nil
		}
	}
	return sc.Err()
}
