package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/statementbot/statementbot/store"
)

// DB is a store.Store over one database. Watch is left to the adapter.
type DB struct {
	db       *sql.DB
	d        *Dialect
	readOnly bool
	// mu keeps this process's changes from queueing inside the database;
	// the database itself serialises changes of all processes.
	mu sync.Mutex
}

// New is a store over db, which must be migrated already (see Migrate).
// A read-only store refuses every write with store.ErrReadOnly.
func New(db *sql.DB, d *Dialect, readOnly bool) *DB {
	return &DB{db: db, d: d, readOnly: readOnly}
}

// SQL is the underlying database, for the adapter's own queries.
func (s *DB) SQL() *sql.DB { return s.db }

func (s *DB) Close() error { return s.db.Close() }

func (s *DB) writable() error {
	if s.readOnly {
		return store.ErrReadOnly
	}
	return nil
}

// Generation is the number of the last committed change.
func (s *DB) Generation(ctx context.Context) (int64, error) {
	var g int64
	if err := s.db.QueryRowContext(ctx, "SELECT generation FROM store_meta WHERE id = 1").Scan(&g); err != nil {
		return 0, fmt.Errorf("reading the store's generation: %w", err)
	}
	return g, nil
}

// notFound wraps store.ErrNotFound when err says no row.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("reading %s: %w", what, err)
}
