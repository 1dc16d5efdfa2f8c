package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/statementbot/statementbot/store/sqlite"
)

// TestDirNames opens stores in relative dirs and dirs whose names mean
// something in a URL: the file lands in the dir named.
func TestDirNames(t *testing.T) {
	d := t.TempDir()
	t.Chdir(d)
	for _, dir := range []string{"rel dir", "a#b?c%20d", filepath.Join(d, "abs #?%")} {
		s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, sqlite.FileName)); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
}
