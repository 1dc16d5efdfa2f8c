package rag

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
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
