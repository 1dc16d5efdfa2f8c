package postgres_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/postgres"
	"github.com/statementbot/statementbot/store/postgres/pgtest"
	"github.com/statementbot/statementbot/store/storetest"
)

const urlEnv = "STATEMENTBOT_TEST_POSTGRES"

// server is the test server's URL, or skips tb without one.
func server(tb testing.TB) string {
	u := os.Getenv(urlEnv)
	if u == "" {
		tb.Skipf("PostgreSQL store tests skipped: %s is not set (postgres://user@host:port/db?sslmode=disable)", urlEnv)
	}
	return u
}

// fresh makes a schema of its own for tb, dropped after it, and returns
// the server URL that opens the store in it.
func fresh(tb testing.TB) string { return pgtest.FreshSchema(tb, server(tb), "storetest_") }

var backend = storetest.Backend{
	Fresh: fresh,
	Open: func(ctx context.Context, loc string) (store.Store, error) {
		return postgres.Open(ctx, loc)
	},
	SetSchemaVersion: func(tb testing.TB, loc string, v int) {
		pgtest.Exec(tb, loc, fmt.Sprintf("UPDATE schema_version SET version = %d", v))
	},
	Written: func(tb testing.TB, loc string) int64 {
		// The server's write-ahead log position: every byte it wrote.
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, loc)
		if err != nil {
			tb.Fatal(err)
		}
		defer conn.Close(ctx)
		var n int64
		if err := conn.QueryRow(ctx, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint").Scan(&n); err != nil {
			tb.Skipf("no WAL position: %v", err)
		}
		return n
	},
}

func TestPostgres(t *testing.T) { storetest.Run(t, backend) }

func BenchmarkPostgres(b *testing.B) { storetest.Bench(b, backend) }

func init() {
	backend.Exec = pgtest.Exec
	backend.Migration = func(tb testing.TB, n int) string {
		names, err := filepath.Glob(filepath.Join("migrations", fmt.Sprintf("%04d_*.sql", n)))
		if err != nil || len(names) != 1 {
			tb.Fatalf("migration %d: %v %v", n, names, err)
		}
		b, err := os.ReadFile(names[0])
		if err != nil {
			tb.Fatal(err)
		}
		return string(b)
	}
}
