package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/statementbot/statementbot/rag"
)

// serverFlag is --server: the Discord server (guild) id whose own library
// a command acts on; empty is the shared library. A value that is not a
// Discord id (digits) is refused as the flags are parsed.
func serverFlag(fs *flag.FlagSet) *string {
	id := new(string)
	fs.Func("server", "act on the library of this Discord server `ID` (default: the shared library)", func(v string) error {
		if len(v) > 20 || strings.Trim(v, "0123456789") != "" {
			return errors.New("takes a Discord server id (digits, as Discord's Copy Server ID gives)")
		}
		*id = v
		return nil
	})
	return id
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
