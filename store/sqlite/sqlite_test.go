package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/sqlite"
	"github.com/statementbot/statementbot/store/storetest"
)

var backend = storetest.Backend{
	Fresh: func(t testing.TB) string { return t.TempDir() },
	Open: func(ctx context.Context, dir string) (store.Store, error) {
		return sqlite.Open(ctx, dir, sqlite.Options{PollInterval: 10 * time.Millisecond})
	},
	SetSchemaVersion: func(t testing.TB, dir string, v int) {
		db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, sqlite.FileName))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec("UPDATE schema_version SET version = ?", v); err != nil {
			t.Fatal(err)
		}
	},
	Written: func(tb testing.TB, _ string) int64 { return wchar(tb) },
}

func TestSQLite(t *testing.T) { storetest.Run(t, backend) }

// wchar is the bytes this process has written, by /proc/self/io.
func wchar(tb testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		tb.Skipf("no write count here: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "wchar: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	tb.Skip("no wchar in /proc/self/io")
	return 0
}

func BenchmarkSQLite(b *testing.B) { storetest.Bench(b, backend) }

func init() {
	backend.Exec = func(t testing.TB, dir, sql string) {
		db, err := sqlOpen(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(sql); err != nil {
			t.Fatal(err)
		}
	}
	backend.Migration = func(t testing.TB, n int) string {
		names, err := filepath.Glob(filepath.Join("migrations", fmt.Sprintf("%04d_*.sql", n)))
		if err != nil || len(names) != 1 {
			t.Fatalf("migration %d: %v %v", n, names, err)
		}
		b, err := os.ReadFile(names[0])
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}

func sqlOpen(dir string) (*sql.DB, error) {
	return sql.Open("sqlite3", "file:"+filepath.Join(dir, sqlite.FileName))
}
