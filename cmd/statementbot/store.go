package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/postgres"
	"github.com/statementbot/statementbot/store/sqlite"
)

// openStore opens the store the configuration names: PostgreSQL when
// STATEMENTBOT_STORE is a postgres:// URL, else SQLite in the data dir.
// It returns nil, without error, when the data dir is read-only (or
// cannot be written, as on a full disk) and holds no store yet: the
// library then reads the corpus into memory.
func openStore(ctx context.Context, cfg config, log *slog.Logger) (store.Store, error) {
	if cfg.StoreURL != "" {
		s, err := postgres.Open(ctx, cfg.StoreURL)
		if err != nil {
			return nil, fmt.Errorf("the PostgreSQL store (STATEMENTBOT_STORE): %w", err)
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, cfg.DataDir, sqlite.Options{})
	if err == nil {
		return s, nil
	}
	var tooNew *store.SchemaTooNewError
	if errors.As(err, &tooNew) {
		return nil, err
	}
	if _, statErr := os.Stat(filepath.Join(cfg.DataDir, sqlite.FileName)); errors.Is(err, fs.ErrNotExist) || errors.Is(statErr, fs.ErrNotExist) {
		log.Warn("no store could be made in the data directory (read-only or full?): the corpus is read into memory and cannot be changed", "dir", cfg.DataDir, "err", err)
		return nil, nil
	}
	return nil, fmt.Errorf("opening the store in %s: %w", cfg.DataDir, err)
}
