package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/statementbot/statementbot/bot"
	"github.com/statementbot/statementbot/rag"
)

const usage = `statementbot answers questions about official statements, citing their paragraphs.

Usage:
  statementbot ask [--json] [--statement ID] QUESTION
  statementbot search [--json] [-k N] [--statement ID] QUERY
  statementbot statements [--json]
  statementbot cite [--json] STATEMENT_ID PARAGRAPH
  statementbot compare [--json] [--server ID] OLD_ID NEW_ID   (what changed between two statements)
  statementbot timeline [--json] [--server ID] TOPIC          (what each statement said about a topic)
  statementbot chat [--statement ID]
  statementbot eval [--json] [-v] --questions FILE [--offtopic FILE]
  statementbot add [--json] [--title T] [--date D] [--replace] FILE...
  statementbot remove [--json] ID
  statementbot reindex [--json]
  statementbot serve          (the Discord bot; needs DISCORD_TOKEN)

Every command takes --data DIR (default $STATEMENTBOT_DATA, else ./data),
where the embedding cache and added statements live. ask, search,
statements, cite, compare, timeline, add, remove and reindex take
--server ID: that Discord server's own library (beside the shared one).
Run "statementbot help COMMAND" (or "statementbot COMMAND -h") for a
command's flags.
`

// command is one subcommand.
type command func(ctx context.Context, env *environment, args []string) error

var commands = map[string]command{
	"ask":        cmdAsk,
	"search":     cmdSearch,
	"statements": cmdStatements,
	"cite":       cmdCite,
	"compare":    cmdCompare,
	"timeline":   cmdTimeline,
	"chat":       cmdChat,
	"eval":       cmdEval,
	"add":        cmdAdd,
	"remove":     cmdRemove,
	"reindex":    cmdReindex,
	"serve":      cmdServe,
}

// commandNames lists the commands, in the order of the usage text.
func commandNames() string {
	return "ask, search, statements, cite, compare, timeline, chat, eval, add, remove, reindex, serve"
}

// environment is what a command may touch: configuration and the
// process's standard streams.
type environment struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// listening, when set, is told the address serve's HTTP server is
	// bound to, before the index is loaded (a test seam).
	listening func(addr string)
	// botConfig, when set, adjusts serve's bot configuration (a test
	// seam).
	botConfig func(*bot.Config)
}

// run is the whole program: main only calls it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runEnv(ctx, &environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}, args)
}

// runEnv is run in a given environment.
func runEnv(ctx context.Context, env *environment, args []string) error {
	stdout, stderr := env.stdout, env.stderr
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageErrorf("no command given")
	}
	name := args[0]
	switch name {
	case "-h", "--help", "help":
		if len(args) > 1 {
			// "help ask" is "ask -h".
			if cmd, ok := commands[args[1]]; ok {
				return cmd(ctx, env, []string{"-h"})
			}
			return usageErrorf("no command %q; commands: %s", args[1], commandNames())
		}
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, ok := commands[name]
	if !ok {
		return usageErrorf("unknown command %q; commands: %s", name, commandNames())
	}
	return cmd(ctx, env, args[1:])
}

// usageError is a mistake in the command line: exit status 2. err, when
// set, is the input error it was made from.
type usageError struct {
	msg string
	err error
}

func (e *usageError) Error() string { return e.msg }

func (e *usageError) Unwrap() error { return e.err }

// asUsage turns an input error about an argument into a usage error.
func asUsage(err error) error {
	var ie *rag.InputError
	if errors.As(err, &ie) {
		return &usageError{msg: ie.Msg, err: err}
	}
	return err
}

func usageErrorf(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

// errHelp marks a -h request, which is not a failure.
var errHelp = flag.ErrHelp

// report prints err as one line on stderr and returns the exit status:
// 0 for success, 2 for usage errors, 1 for anything else.
func report(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", " ")
	unknown := errors.Is(err, rag.ErrUnknownStatement)
	if unknown {
		msg += ": list them with `statementbot statements`"
	}
	fmt.Fprintf(stderr, "statementbot: %s\n", msg)
	var ue *usageError
	if errors.As(err, &ue) || unknown {
		return 2
	}
	return 1
}

// parseFlags parses args with fs, allowing flags after positional
// arguments ("ask 'question' --json"), and returns the positional ones.
// -h prints the command's synopsis and flags to stdout.
func parseFlags(env *environment, fs *flag.FlagSet, synopsis string, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(env.stdout, "Usage: statementbot %s\n\nFlags:\n", synopsis)
				fs.SetOutput(env.stdout)
				fs.PrintDefaults()
				return nil, err
			}
			return nil, usageErrorf("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
