package rag

import (
	"context"
	"fmt"

	"github.com/statementbot/statementbot/store"
)

// ServerLimits bound each server's own library, so that one server cannot
// fill a bot many servers share. Zero is no limit. The shared library has
// none.
type ServerLimits struct {
	Statements int // statements per server (SERVER_MAX_STATEMENTS)
	// Bytes per server (SERVER_MAX_BYTES): what its statements take in
	// the store, their extracted text and the uploads kept beside it.
	Bytes int64
}

// A LimitError refuses a change that would take a server's library past
// one of its limits; its message names the limit.
type LimitError struct {
	Msg string
}

func (e *LimitError) Error() string { return e.Msg }

// checkLimits refuses, inside the change's transaction and after its
// writes, a change that leaves a server library of recs over a limit:
// changes are serialised by the store, so concurrent adds cannot pass a
// limit together. A replacement counts once.
func (l *Library) checkLimits(ctx context.Context, tx store.Tx, recs []store.StatementRecord) error {
	lim := l.limits
	if lim.Statements <= 0 && lim.Bytes <= 0 {
		return nil
	}
	seen := map[string]bool{}
	for _, rec := range recs {
		if rec.Library == "" || seen[rec.Library] {
			continue
		}
		seen[rec.Library] = true
		n, size, err := tx.LibraryUsage(ctx, rec.Library)
		if err != nil {
			return err
		}
		if lim.Statements > 0 && n > lim.Statements {
			return &InputError{Msg: fmt.Sprintf("This server's library is full: it may hold %d statements (SERVER_MAX_STATEMENTS); remove one before adding another.", lim.Statements),
				Err: &LimitError{Msg: "SERVER_MAX_STATEMENTS"}}
		}
		if lim.Bytes > 0 && size > lim.Bytes {
			return &InputError{Msg: fmt.Sprintf("This server's library is full: it may hold %s of statements, their text and uploaded files counted (SERVER_MAX_BYTES), and this would make %s; remove statements first.", megabytes(lim.Bytes), megabytes(size)),
				Err: &LimitError{Msg: "SERVER_MAX_BYTES"}}
		}
	}
	return nil
}

// megabytes is n bytes for people: "50 MB", "1.2 MB", "900 bytes".
func megabytes(n int64) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%d MB", n/1_000_000)
	case n >= 100_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%d bytes", n)
}

// libraryOf is the library all of reqs go to, or nil when they go to
// several.
func libraryOf(reqs []AddRequest) *string {
	if len(reqs) == 0 {
		return nil
	}
	lib := reqs[0].Library
	for _, r := range reqs[1:] {
		if r.Library != lib {
			return nil
		}
	}
	return &lib
}
