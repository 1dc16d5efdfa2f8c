package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/statementbot/statementbot/store"
)

// The runner is hand-written rather than github.com/pressly/goose/v3: it
// is 100 lines and does exactly what would be needed around goose anyway:
// refuse a schema newer than it knows, write nothing at all when the
// schema is current (so that a read-only store opens), and take the
// adapter's own lock (BEGIN IMMEDIATE, an advisory lock) around the whole
// upgrade so that two processes starting at once do not both migrate.

// Migrations reads the numbered migrations of fsys: files named
// NNNN_what.sql, applied in order; file i brings the schema to version i.
func Migrations(fsys fs.FS) ([]string, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	out := make([]string, 0, len(names))
	for i, name := range names {
		n, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil || n != i+1 {
			return nil, fmt.Errorf("migration %s: want number %04d", name, i+1)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	return out, nil
}

// SchemaVersion is the schema version recorded in db: 0 for none.
func SchemaVersion(ctx context.Context, q querier, d *Dialect) (int, error) {
	var tables int
	if err := q.QueryRowContext(ctx, d.q(d.TableExists), "schema_version").Scan(&tables); err != nil {
		return 0, fmt.Errorf("reading the store's schema version: %w", err)
	}
	if tables == 0 {
		return 0, nil
	}
	var v int
	err := q.QueryRowContext(ctx, "SELECT version FROM schema_version").Scan(&v)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading the store's schema version: %w", err)
	}
	return v, nil
}

// Migrate brings db to the last of migrations, each applied in the one
// transaction with the version. It writes nothing when the schema is
// current, refuses a schema newer than it knows with a
// *store.SchemaTooNewError, and an older one when readOnly.
func Migrate(ctx context.Context, db *sql.DB, d *Dialect, migrations []string, readOnly bool) error {
	have, err := SchemaVersion(ctx, db, d)
	if err != nil {
		return err
	}
	if have > len(migrations) {
		return &store.SchemaTooNewError{Have: have, Know: len(migrations)}
	}
	if have == len(migrations) {
		return nil
	}
	if readOnly {
		return fmt.Errorf("the store's schema is version %d, older than this statementbot's (%d), and the store is read-only: open it once writable to upgrade it", have, len(migrations))
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("upgrading the store: %w", err)
	}
	defer tx.Rollback()
	if d.LockMigrate != "" {
		if _, err := tx.ExecContext(ctx, d.LockMigrate); err != nil {
			return fmt.Errorf("upgrading the store: %w", err)
		}
	}
	// Another process may have migrated since the check above.
	if have, err = SchemaVersion(ctx, tx, d); err != nil {
		return err
	}
	if have > len(migrations) {
		return &store.SchemaTooNewError{Have: have, Know: len(migrations)}
	}
	if have == 0 {
		if _, err := tx.ExecContext(ctx, "CREATE TABLE schema_version (version INTEGER NOT NULL)"); err != nil {
			return fmt.Errorf("upgrading the store: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_version (version) VALUES (0)"); err != nil {
			return fmt.Errorf("upgrading the store: %w", err)
		}
	}
	for v := have + 1; v <= len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			return fmt.Errorf("upgrading the store to schema version %d: %w", v, err)
		}
	}
	if _, err := tx.ExecContext(ctx, d.q("UPDATE schema_version SET version = ?"), len(migrations)); err != nil {
		return fmt.Errorf("upgrading the store: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("upgrading the store: %w", err)
	}
	return nil
}
