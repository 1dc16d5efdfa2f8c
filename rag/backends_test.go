package rag

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/postgres"
	"github.com/statementbot/statementbot/store/postgres/pgtest"
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
			fresh: func(t testing.TB) string { return pgtest.FreshSchema(t, base, "ragtest_") },
			open: func(ctx context.Context, loc string) (store.Store, error) {
				return postgres.Open(ctx, loc)
			},
		})
	}
	return bs
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
