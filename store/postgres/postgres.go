// Package postgres is the shared store: one PostgreSQL database (or one
// schema of it, chosen by search_path in the URL) that several bot and CLI
// processes on several machines use at once, through
// github.com/jackc/pgx/v5. Changes take turns on a row lock of the
// generation; processes learn of each other's changes by LISTEN/NOTIFY.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jackc/pgxlisten"

	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// channel is the NOTIFY channel of changes. It is shared by every store in
// the database; a notification only makes Watch read its own generation.
const channel = "statementbot_store"

// Store is a store.Store in a PostgreSQL database.
type Store struct {
	*sqlstore.DB
	cfg   *pgx.ConnConfig
	done  chan struct{}
	close sync.Once
}

var _ store.Store = (*Store)(nil)

var dialect = sqlstore.Dialect{
	Dollar:      true,
	ReadTx:      sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
	LockChange:  "SELECT generation FROM store_meta WHERE id = 1 FOR UPDATE",
	LockMigrate: "SELECT pg_advisory_xact_lock(5399109461283630435)",
	TableExists: "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?",
	AfterChange: func(ctx context.Context, tx *sql.Tx, gen int64) error {
		if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, $2)", channel, strconv.FormatInt(gen, 10)); err != nil {
			return fmt.Errorf("announcing the change: %w", err)
		}
		return nil
	},
	TimeArg: func(t time.Time) any { return t.UTC() },
}

// Open connects to the database at url (postgres://...) and brings its
// schema up to date.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("the PostgreSQL store's address: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to the PostgreSQL store: %w", err)
	}
	migrations, err := sqlstore.Migrations(mustSub(migrationFiles, "migrations"))
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := sqlstore.Migrate(ctx, db, &dialect, migrations, false); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{DB: sqlstore.New(db, &dialect, false), cfg: cfg, done: make(chan struct{})}, nil
}

// Watch listens for change notifications on a connection of its own,
// reconnecting after a failure; on every (re)connection it reads the
// generation too, so that a change made while it was away is not missed.
func (s *Store) Watch(ctx context.Context) <-chan int64 {
	poke := make(chan struct{}, 1)
	nudge := func() {
		select {
		case poke <- struct{}{}:
		default: // one pending read covers this change too
		}
	}
	l := &pgxlisten.Listener{
		Connect:        func(ctx context.Context) (*pgx.Conn, error) { return pgx.ConnectConfig(ctx, s.cfg.Copy()) },
		ReconnectDelay: 5 * time.Second,
	}
	l.Handle(channel, handler(nudge))
	lctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-lctx.Done():
		case <-s.done:
		}
		cancel()
	}()
	go func() {
		defer close(poke)
		_ = l.Listen(lctx) // returns only when lctx ends
	}()
	return s.Follow(ctx, poke)
}

// handler pokes on every notification and on every (re)connection.
type handler func()

func (h handler) HandleNotification(context.Context, *pgconn.Notification, *pgx.Conn) error {
	h()
	return nil
}

func (h handler) HandleBacklog(context.Context, string, *pgx.Conn) error {
	h()
	return nil
}

// Close ends every Watch and the connections.
func (s *Store) Close() error {
	s.close.Do(func() { close(s.done) })
	return s.DB.Close()
}

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
