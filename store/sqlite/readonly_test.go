package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/sqlite"
	"golang.org/x/sys/unix"
)

// filled is a closed store in a new dir with one statement of one paragraph.
func filled(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Change(context.Background(), func(ctx context.Context, tx store.Tx) error {
		return tx.PutStatement(ctx, store.StatementRecord{ID: "s", Paragraphs: []store.ParagraphRecord{{N: 1, Text: "t", TextHash: "h"}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readOnly checks that s reads the statement of filled and refuses writes.
func readOnly(t *testing.T, s store.Store) {
	t.Helper()
	ctx := context.Background()
	snap, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Statements) != 1 || snap.Statements[0].ID != "s" || snap.Generation != 1 {
		t.Errorf("read-only snapshot %+v, want statement s at generation 1", snap)
	}
	if _, err := s.Change(ctx, func(context.Context, store.Tx) error { return nil }); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("change on a read-only store: %v, want ErrReadOnly", err)
	}
	if err := s.AppendAudit(ctx, store.AuditRecord{Action: "add"}); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("audit on a read-only store: %v, want ErrReadOnly", err)
	}
}

func TestReadOnlyOption(t *testing.T) {
	dir := filled(t)
	path := filepath.Join(dir, sqlite.FileName)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(context.Background(), dir, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	readOnly(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if after, err := os.ReadFile(path); err != nil || !bytes.Equal(before, after) {
		t.Errorf("a read-only open changed the store file (%v)", err)
	}
	if _, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{ReadOnly: true}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-only open of a dir without a store: %v, want ErrNotExist", err)
	}
}

// TestUnwritableDir opens a store in a directory this process cannot
// write: read-only, without being told.
func TestUnwritableDir(t *testing.T) {
	dir := filled(t)
	if err := os.Chmod(filepath.Join(dir, sqlite.FileName), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if unix.Access(dir, unix.W_OK) == nil {
		t.Skip("this user (root) may write into a 0555 directory: run as another user to check this case")
	}
	s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	readOnly(t, s)
}
