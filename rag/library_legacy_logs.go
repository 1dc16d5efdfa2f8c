package rag

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/statementbot/statementbot/store"
)

// Earlier versions kept two logs in the data dir, one JSON record a line:
// audit.jsonl (every change of the corpus) and feedback.jsonl (votes on
// answers). The store keeps both now; an import of such a data dir copies
// them into it, once, and leaves the files as they were.

// legacyAudit is one line of the old audit.jsonl.
type legacyAudit struct {
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`
	Guild   string    `json:"guild"`
	Action  string    `json:"action"`
	Target  []string  `json:"target"`
	OK      bool      `json:"ok"`
	Error   string    `json:"error"`
	Summary string    `json:"summary"`
}

// legacyFeedback is one line of the old feedback.jsonl.
type legacyFeedback struct {
	Time      time.Time `json:"time"`
	Vote      string    `json:"vote"`
	Question  string    `json:"question"`
	Answer    string    `json:"answer"`
	User      string    `json:"user"`
	Citations []struct {
		N         int    `json:"n"`
		Statement string `json:"statement"`
		Paragraph int    `json:"paragraph"`
	} `json:"citations"`
}

// logStore is what importing the old logs writes to (store.Store is one).
type logStore interface {
	AppendAudit(ctx context.Context, rec store.AuditRecord) error
	AppendFeedback(ctx context.Context, rec store.FeedbackRecord) error
}

// importLegacyLogs appends the records of the old data dir's audit.jsonl
// and feedback.jsonl to the store, in file order, and returns how many.
// It runs once, after the change that imported the corpus: a store that
// does not take logs, or a dir without them, imports none. A line that
// does not parse (a write torn by a crash) is skipped.
func (l *Library) importLegacyLogs(ctx context.Context) (audit, feedback int, err error) {
	logs, ok := l.st.(logStore)
	if !ok {
		return 0, 0, nil
	}
	audit, err = eachLegacyLine(filepath.Join(l.legacy, "audit.jsonl"), func(r legacyAudit) error {
		return logs.AppendAudit(ctx, store.AuditRecord{Time: r.Time, Actor: r.Actor, Guild: r.Guild, Action: r.Action,
			Target: r.Target, OK: r.OK, Error: r.Error, Summary: r.Summary})
	})
	if err != nil {
		return audit, 0, err
	}
	feedback, err = eachLegacyLine(filepath.Join(l.legacy, "feedback.jsonl"), func(r legacyFeedback) error {
		rec := store.FeedbackRecord{Time: r.Time, Vote: r.Vote, User: r.User, Question: r.Question, Answer: r.Answer}
		for _, c := range r.Citations {
			rec.Citations = append(rec.Citations, store.CitationRecord{N: c.N, Statement: c.Statement, Paragraph: c.Paragraph})
		}
		return logs.AppendFeedback(ctx, rec)
	})
	return audit, feedback, err
}

// eachLegacyLine calls fn with each record of the JSON-lines file at
// path that parses, and counts them; a missing file has none.
func eachLegacyLine[T any](path string, fn func(T) error) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20) // an answer with its question fits
	n := 0
	for sc.Scan() {
		var rec T
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue
		}
		if err := fn(rec); err != nil {
			return n, fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return n, nil
}
