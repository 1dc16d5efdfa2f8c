package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/rag"
)

// changeJSON is the --json output of add, remove and reindex: the change's
// statistics ({"statements","paragraphs","embedded","reused","added",
// "changed","removed"}), the ids added and the time taken.
type changeJSON struct {
	rag.ChangeStats
	IDs     []string `json:"ids,omitempty"`
	Seconds float64  `json:"seconds"`
}

func cliActor(env *environment) string {
	if u := env.getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}

// isTerminal reports whether stream (stdin, stdout, stderr) is a terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressPrinter reports embedding progress: a bar redrawn in place on a
// terminal, a line per tenth otherwise.
func progressPrinter(w io.Writer) rag.Progress {
	tty := isTerminal(w)
	lastTenth := -1
	return func(done, total int) {
		if total == 0 {
			return
		}
		if tty {
			const width = 30
			filled := done * width / total
			fmt.Fprintf(w, "\rembedding %d/%d paragraphs [%s%s]", done, total, strings.Repeat("#", filled), strings.Repeat(" ", width-filled))
			if done == total {
				fmt.Fprintln(w)
			}
			return
		}
		if tenth := done * 10 / total; tenth != lastTenth {
			lastTenth = tenth
			fmt.Fprintf(w, "embedding %d/%d paragraphs\n", done, total)
		}
	}
}

func cmdAdd(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("add", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	title := fs.String("title", "", "title (default: from the file)")
	date := fs.String("date", "", "date, e.g. 2024-05-01 (default: from the file)")
	replace := fs.Bool("replace", false, "replace statements with the same id")
	server := serverFlag(fs)
	data := dataFlag(fs)
	files, err := parseFlags(env, fs, "add [--json] [--title T] [--date D] [--replace] [--server ID] FILE...", args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErrorf("add: give one or more statement files (.txt, .md, .pdf, .html)")
	}
	if (*title != "" || *date != "") && len(files) > 1 {
		return usageErrorf("add: --title and --date apply to one file at a time")
	}
	if err := ingest.CheckDate(*date); err != nil {
		return usageErrorf("add: --date: %v", err)
	}
	a, err := loadChanger(ctx, env, *data)
	if err != nil {
		return err
	}
	defer a.close()
	var reqs []rag.AddRequest
	for _, f := range files {
		body, err := readStatementFile(f, a.cfg.MaxUploadBytes)
		if err != nil {
			return err
		}
		reqs = append(reqs, rag.AddRequest{Library: *server, Name: filepath.Base(f), Data: body, Replace: *replace, Meta: rag.Metadata{Title: *title, Date: *date}})
	}
	stats, ids, err := a.library.Add(ctx, reqs, progressPrinter(env.stderr))
	a.audit(cliActor(env), *server, "add", files, stats.String(), err)
	if err != nil {
		return err
	}
	return printChange(env, *asJSON, "added "+strings.Join(ids, ", "), stats, ids)
}

// readStatementFile reads a file named on the command line, refusing
// directories and files over limit before reading them.
func readStatementFile(name string, limit int64) ([]byte, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, usageErrorf("add: %v", err)
	}
	if info.IsDir() {
		return nil, usageErrorf("add: %s is a directory; give files", name)
	}
	if info.Size() > limit {
		return nil, &rag.InputError{Msg: fmt.Sprintf("%s is %d bytes; the limit is %d (MAX_UPLOAD_BYTES)", name, info.Size(), limit)}
	}
	return os.ReadFile(name)
}

func cmdRemove(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("remove", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	server := serverFlag(fs)
	all := fs.Bool("all", false, "with --server: remove every statement of that server's library")
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "remove [--json] [--server ID] ID | remove --server ID --all", args)
	if err != nil {
		return err
	}
	switch {
	case *all && *server == "":
		return usageErrorf("remove: --all removes a server's whole library: give --server ID")
	case *all && len(pos) != 0:
		return usageErrorf("remove: --all takes no statement id")
	case !*all && len(pos) != 1:
		return usageErrorf("remove: give one statement id (see statementbot statements)")
	}
	a, err := loadChanger(ctx, env, *data)
	if err != nil {
		return err
	}
	defer a.close()
	if *all {
		stats, err := a.library.RemoveLibrary(ctx, *server)
		a.audit(cliActor(env), *server, "remove", []string{"--all"}, stats.String(), err)
		if err != nil {
			return asUsage(err)
		}
		return printChange(env, *asJSON, "removed every statement of server "+*server, stats, nil)
	}
	// An id, "~id" or a key as statements lists it: the statement of
	// the --server library (or the shared one).
	id := strings.TrimPrefix(pos[0], rag.ServerPrefix)
	if lib, rest := rag.SplitKey(id); lib != "" {
		if lib != *server {
			return usageErrorf("remove: %s is server %s's statement: give --server %s", pos[0], lib, lib)
		}
		id = rest
	}
	stats, err := a.library.Remove(ctx, rag.StatementKey(*server, id))
	a.audit(cliActor(env), *server, "remove", pos, stats.String(), err)
	if err != nil {
		return asUsage(err)
	}
	return printChange(env, *asJSON, "removed "+pos[0], stats, nil)
}

func cmdReindex(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	server := serverFlag(fs)
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "reindex [--json] [--server ID]", args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageErrorf("reindex: takes no arguments")
	}
	a, err := loadChanger(ctx, env, *data)
	if err != nil {
		return err
	}
	defer a.close()
	var stats rag.ChangeStats
	if *server != "" {
		stats, err = a.library.ReindexLibrary(ctx, *server, progressPrinter(env.stderr))
	} else {
		stats, err = a.library.Reindex(ctx, progressPrinter(env.stderr))
	}
	a.audit(cliActor(env), *server, "reindex", nil, stats.String(), err)
	if err != nil {
		return err
	}
	return printChange(env, *asJSON, "reindexed", stats, nil)
}

func printChange(env *environment, asJSON bool, what string, s rag.ChangeStats, ids []string) error {
	if asJSON {
		return writeJSON(env.stdout, changeJSON{ChangeStats: s, IDs: ids, Seconds: s.Duration.Seconds()})
	}
	fmt.Fprintf(env.stdout, "%s: %s\n", what, s)
	return nil
}
