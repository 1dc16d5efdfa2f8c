package main

import (
	"flag"
	"strings"

	"github.com/statementbot/statementbot/rag"
)

// serverFlag is --server: the Discord server (guild) id whose own library
// a command acts on; empty is the shared library.
func serverFlag(fs *flag.FlagSet) *string {
	return fs.String("server", "", "act on the library of this Discord server `ID` (default: the shared library)")
}

// checkServer refuses a --server that is not a Discord id (digits).
func checkServer(cmd, id string) error {
	if id == "" {
		return nil
	}
	if len(id) > 20 || strings.Trim(id, "0123456789") != "" {
		return usageErrorf("%s: --server takes a Discord server id (digits, as Discord's Copy Server ID gives), not %q", cmd, id)
	}
	return nil
}

// resolveIn is the key of the statement named ref in ix's scope: a
// statement key as listed by statements ("<server>/<id>"), or a reference
// (an id, "~id" for the server's own; see rag.Ref).
func resolveIn(ix *rag.Index, ref string) (string, error) {
	if strings.Contains(ref, "/") {
		if _, ok := ix.Statement(ref); ok {
			return ref, nil
		}
		return "", rag.UnknownStatement(ref)
	}
	key, ok := ix.Resolve(ref, false)
	if !ok {
		return "", rag.UnknownStatement(ref)
	}
	return key, nil
}
