// Package sqlite is the embedded store: one SQLite file in the data dir,
// through a pure-Go driver (github.com/ncruces/go-sqlite3, no cgo). The
// file is in WAL mode so readers never wait for the writer; changes from
// every process take turns by BEGIN IMMEDIATE, waiting up to a busy
// timeout; other processes' changes are seen by polling the generation.
// A data dir the process cannot write is opened read-only.
//
// Why this driver: measured against modernc.org/sqlite (both SQLite
// 3.54.1) on this project's 2-core machines, a cold build costs the same
// CPU (30 s against 32 s), opening and a first query take about 1 ms in
// both, and reading 100k rows of 3 KB blobs takes 0.45 s against 0.52 s;
// but ncruces downloads 6.5 MB of modules against about 250 MB, and its
// database/sql driver already begins writes IMMEDIATE and reads DEFERRED.
// It adds about 11 MB to a binary (modernc about 8 MB). Its SQLite is
// translated to Go (wasm2go); it no longer runs on wazero, so it shares
// no code with the PDF extractor.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ncruces/go-sqlite3"
	_ "github.com/ncruces/go-sqlite3/driver" // registers "sqlite3"
	"golang.org/x/sys/unix"

	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/internal/sqlstore"
)

// FileName is the store's file in the data dir.
const FileName = "statementbot.db"

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Options tune Open. The zero value is the default.
type Options struct {
	// ReadOnly opens without ever writing. A data dir or file this
	// process cannot write is opened read-only anyway. When even the WAL
	// index cannot be made beside the file, the file is opened immutable:
	// readable, but Watch sees no later change.
	ReadOnly bool
	// PollInterval is how often Watch reads the generation; default 2 s.
	PollInterval time.Duration
	// BusyTimeout is how long a change waits for another process's;
	// default 1 minute.
	BusyTimeout time.Duration
}

// Store is a store.Store in one SQLite file.
type Store struct {
	*sqlstore.DB
	poll  time.Duration
	done  chan struct{}
	close sync.Once
}

var _ store.Store = (*Store)(nil)

var dialect = sqlstore.Dialect{
	ReadTx:      sql.TxOptions{ReadOnly: true},
	LockChange:  "SELECT generation FROM store_meta WHERE id = 1",
	TableExists: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
	TimeArg:     func(t time.Time) any { return t.UTC().Format(sqlstore.TimeText) },
	// In rowid order, without a lookup from the key's index per row:
	// reading 100k vectors took 1.2 s through the index, 0.7 s so.
	AllVectors: "vectors NOT INDEXED",
}

// Open opens the store in dir, creating dir and the store if need be
// (unless read-only), and brings its schema up to date.
func Open(ctx context.Context, dir string, opt Options) (*Store, error) {
	if opt.PollInterval <= 0 {
		opt.PollInterval = 2 * time.Second
	}
	if opt.BusyTimeout <= 0 {
		opt.BusyTimeout = time.Minute
	}
	path := filepath.Join(dir, FileName)
	if !opt.ReadOnly {
		if err := os.MkdirAll(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			opt.ReadOnly = true
		}
		opt.ReadOnly = opt.ReadOnly || !writable(dir) || (exists(path) && !writable(path))
	}
	if opt.ReadOnly && !exists(path) {
		return nil, fmt.Errorf("no store in read-only %s: %w", dir, fs.ErrNotExist)
	}
	db, err := open(ctx, path, opt)
	if err != nil {
		return nil, err
	}
	migrations, err := sqlstore.Migrations(mustSub(migrationFiles, "migrations"))
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := sqlstore.Migrate(ctx, db, &dialect, migrations, opt.ReadOnly); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{DB: sqlstore.New(db, &dialect, opt.ReadOnly), poll: opt.PollInterval, done: make(chan struct{})}, nil
}

// open connects to the file at path. Read-only, it tries a normal
// read-only open, which needs the WAL index beside the file, and falls
// back to an immutable one, which needs nothing but sees no later change.
func open(ctx context.Context, path string, opt Options) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opt.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(on)")
	if opt.ReadOnly {
		q.Set("mode", "ro")
		db, err := connect(ctx, path, q)
		if err == nil {
			return db, nil
		}
		q.Set("immutable", "1")
		return connect(ctx, path, q)
	}
	q.Add("_pragma", "journal_mode(wal)")
	q.Add("_pragma", "synchronous(full)")
	q.Set("_txlock", "immediate")
	// Switching a new file to WAL takes an exclusive lock for which
	// SQLite does not wait (its busy handler is not called): when several
	// processes create the store at once, all but one are told "database
	// is locked". Such an open is tried again until the busy timeout.
	deadline := time.Now().Add(opt.BusyTimeout)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		db, err := connect(ctx, path, q)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return db, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	return errors.Is(err, sqlite3.BUSY) || strings.Contains(err.Error(), "database is locked")
}

func connect(ctx context.Context, path string, q url.Values) (*sql.DB, error) {
	u := url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}
	db, err := sql.Open("sqlite3", u.String())
	if err != nil {
		return nil, fmt.Errorf("opening the store %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening the store %s: %w", path, err)
	}
	// A read proves the file is usable (a read-only open of a WAL file
	// fails here, not at Ping, when its index cannot be made).
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening the store %s: %w", path, err)
	}
	return db, nil
}

// Watch polls the generation every PollInterval.
func (s *Store) Watch(ctx context.Context) <-chan int64 {
	poke := make(chan struct{})
	go func() {
		defer close(poke)
		t := time.NewTicker(s.poll)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.done:
				return
			case <-t.C:
			}
			select {
			case poke <- struct{}{}:
			case <-ctx.Done():
				return
			case <-s.done:
				return
			}
		}
	}()
	return s.Follow(ctx, poke)
}

// Close ends every Watch and closes the file.
func (s *Store) Close() error {
	s.close.Do(func() { close(s.done) })
	return s.DB.Close()
}

func writable(path string) bool { return unix.Access(path, unix.W_OK) == nil }

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
