// Package sqlstore implements store.Store over database/sql for both
// adapters: store/sqlite and store/postgres hand it an open *sql.DB, the
// dialect's few differences and their embedded migrations, and keep only
// how to connect and how to learn of changes (polling, LISTEN/NOTIFY).
package sqlstore
