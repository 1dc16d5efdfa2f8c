// Package pgtest gives tests that run on PostgreSQL (the server
// STATEMENTBOT_TEST_POSTGRES names) a schema of their own, and runs
// statements there. It is imported by tests only: the store's own
// (store/postgres), the library's (rag) and the command's
// (cmd/statementbot).
package pgtest

import (
	"context"
	"crypto/rand"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Exec runs sql on the server at url; it fails tb on an error.
func Exec(tb testing.TB, url, sql string) {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}

// FreshSchema makes a schema named prefix and ten random characters on
// the server at base, dropped when tb ends, and returns base with that
// schema as its search path: a store opened there is tb's alone.
func FreshSchema(tb testing.TB, base, prefix string) string {
	tb.Helper()
	schema := prefix + strings.ToLower(rand.Text()[:10])
	Exec(tb, base, "CREATE SCHEMA "+schema)
	tb.Cleanup(func() { Exec(tb, base, "DROP SCHEMA "+schema+" CASCADE") })
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
