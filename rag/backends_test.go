package rag

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/postgres"
	"github.com/statementbot/statementbot/store/sqlite"
)

// A backend makes fresh store locations and opens independent handles on
// them, as separate processes would have.
type backend struct {
	name  string
	fresh func(t testing.TB) string
	open  func(ctx context.Context, loc string) (store.Store, error)
}

// pollInterval makes SQLite's Watch quick in tests.
const pollInterval = 50 * time.Millisecond

var sqliteBackend = backend{
	name:  "sqlite",
	fresh: func(t testing.TB) string { return t.TempDir() },
	open: func(ctx context.Context, loc string) (store.Store, error) {
		return sqlite.Open(ctx, loc, sqlite.Options{PollInterval: pollInterval})
	},
}

// backends are SQLite, and PostgreSQL when STATEMENTBOT_TEST_POSTGRES
// names a server (each test gets a schema of its own, dropped after it).
func backends() []backend {
	bs := []backend{sqliteBackend}
	if base := os.Getenv("STATEMENTBOT_TEST_POSTGRES"); base != "" {
		bs = append(bs, backend{
			name:  "postgres",
			fresh: func(t testing.TB) string { return freshSchema(t, base) },
			open: func(ctx context.Context, loc string) (store.Store, error) {
				return postgres.Open(ctx, loc)
			},
		})
	}
	return bs
}

func freshSchema(t testing.TB, base string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "ragtest_" + hex.EncodeToString(b[:])
	pgAdmin(t, base, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { pgAdmin(t, base, "DROP SCHEMA "+schema+" CASCADE") })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func pgAdmin(t testing.TB, base, sql string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// openOn opens a handle on loc, closed after t.
func (b backend) openOn(t testing.TB, loc string) store.Store {
	t.Helper()
	s, err := b.open(context.Background(), loc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
