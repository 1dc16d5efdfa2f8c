package rag

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

var appendMu sync.Mutex

// AppendRecord appends v as one JSON line to the file at path, creating
// it, and syncs it to disk before returning. A crash mid-write can leave
// at most one torn last line, which readers of JSON lines skip.
func AppendRecord(path string, v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	appendMu.Lock()
	defer appendMu.Unlock()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("appending to %s: %w", path, err)
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return fmt.Errorf("appending to %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// AuditRecord is one line of DATA_DIR/audit.jsonl: who changed the corpus,
// how, and with what outcome.
type AuditRecord struct {
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"` // "cli:<user>" or "discord:<user id>"
	Guild   string    `json:"guild,omitempty"`
	Action  string    `json:"action"` // add, remove, reindex, denied
	Target  []string  `json:"target,omitempty"`
	OK      bool      `json:"ok"`
	Error   string    `json:"error,omitempty"`
	Summary string    `json:"summary,omitempty"`
}

// Audit appends rec, stamped now and with err's message, to the audit log
// in dataDir.
func Audit(dataDir string, rec AuditRecord, err error) error {
	rec.Time = time.Now().UTC()
	rec.OK = err == nil
	if err != nil {
		rec.Error = err.Error()
	}
	return AppendRecord(filepath.Join(dataDir, "audit.jsonl"), rec)
}
