package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/statementbot/statementbot/store"
)

// Change runs fn in one transaction: the dialect's lock first, so that
// changes from every process take turns, then fn, the vacuum of orphaned
// vectors and the generation bump.
func (s *DB) Change(ctx context.Context, fn func(context.Context, store.Tx) error) (int64, error) {
	if err := s.writable(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("starting a change: %w", err)
	}
	defer sqlTx.Rollback()
	t := &tx{s: s, tx: sqlTx, orphans: map[string]bool{}}
	if err := sqlTx.QueryRowContext(ctx, s.d.LockChange).Scan(&t.gen); err != nil {
		return 0, fmt.Errorf("starting a change: %w", err)
	}
	if err := fn(ctx, t); err != nil {
		return 0, err
	}
	if err := t.vacuum(ctx); err != nil {
		return 0, err
	}
	var gen int64
	if err := sqlTx.QueryRowContext(ctx, "UPDATE store_meta SET generation = generation + 1 WHERE id = 1 RETURNING generation").Scan(&gen); err != nil {
		return 0, fmt.Errorf("counting the change: %w", err)
	}
	if s.d.AfterChange != nil {
		if err := s.d.AfterChange(ctx, sqlTx, gen); err != nil {
			return 0, err
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return 0, fmt.Errorf("committing the change: %w", err)
	}
	return gen, nil
}

// tx is a store.Tx. orphans are the text hashes whose vectors may have
// lost their last paragraph in this change.
type tx struct {
	s       *DB
	tx      *sql.Tx
	gen     int64
	orphans map[string]bool
}

var _ store.Tx = (*tx)(nil)

func (t *tx) Generation() int64 { return t.gen }

func (t *tx) Statement(ctx context.Context, library, id string) (store.StatementRecord, error) {
	return t.s.statement(ctx, t.tx, library, id)
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.s.d.q(query), args...)
}

// dropParagraphs deletes the paragraphs of a statement, noting their
// hashes as possible orphans.
func (t *tx) dropParagraphs(ctx context.Context, library, id string) error {
	rows, err := t.tx.QueryContext(ctx, t.s.d.q("SELECT text_hash FROM paragraphs WHERE library = ? AND statement_id = ?"), library, id)
	if err != nil {
		return fmt.Errorf("reading paragraphs of %q: %w", id, err)
	}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return fmt.Errorf("reading paragraphs of %q: %w", id, err)
		}
		t.orphans[h] = true
	}
	if err := errors.Join(rows.Close(), rows.Err()); err != nil {
		return fmt.Errorf("reading paragraphs of %q: %w", id, err)
	}
	if _, err := t.exec(ctx, "DELETE FROM paragraphs WHERE library = ? AND statement_id = ?", library, id); err != nil {
		return fmt.Errorf("deleting paragraphs of %q: %w", id, err)
	}
	return nil
}

func (t *tx) PutStatement(ctx context.Context, r store.StatementRecord) error {
	if err := r.Check(); err != nil {
		return err
	}
	if err := t.dropParagraphs(ctx, r.Library, r.ID); err != nil {
		return err
	}
	upload := r.Upload
	if upload == nil {
		upload = []byte{}
	}
	_, err := t.exec(ctx, `INSERT INTO statements (`+statementCols+`, upload, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (library, id) DO UPDATE SET title = excluded.title, date = excluded.date, issuer = excluded.issuer,
		place = excluded.place, source = excluded.source, hash = excluded.hash, file_name = excluded.file_name,
		added_at = excluded.added_at, upload = excluded.upload, text = excluded.text`,
		r.Library, r.ID, r.Title, r.Date, r.Issuer, r.Place, r.Source, r.Hash, r.FileName, t.s.d.TimeArg(r.AddedAt), upload, r.Text)
	if err != nil {
		return fmt.Errorf("storing statement %q: %w", r.ID, err)
	}
	stmt, err := t.tx.PrepareContext(ctx, t.s.d.q("INSERT INTO paragraphs (library, statement_id, n, section, text, header, text_hash, terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
	if err != nil {
		return fmt.Errorf("storing paragraphs of %q: %w", r.ID, err)
	}
	defer stmt.Close()
	for _, p := range r.Paragraphs {
		if _, err := stmt.ExecContext(ctx, r.Library, r.ID, p.N, p.Section, p.Text, p.Header, p.TextHash, p.Terms); err != nil {
			return fmt.Errorf("storing paragraph %d of %q: %w", p.N, r.ID, err)
		}
	}
	return nil
}

func (t *tx) DeleteStatement(ctx context.Context, library, id string) error {
	if err := t.dropParagraphs(ctx, library, id); err != nil {
		return err
	}
	res, err := t.exec(ctx, "DELETE FROM statements WHERE library = ? AND id = ?", library, id)
	if err != nil {
		return fmt.Errorf("deleting statement %q: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("deleting statement %q: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("statement %q: %w", id, store.ErrNotFound)
	}
	return nil
}

func (t *tx) LibraryUsage(ctx context.Context, library string) (int, int64, error) {
	var n int
	var size int64
	err := t.tx.QueryRowContext(ctx, t.s.d.q("SELECT count(*), coalesce(sum(octet_length(text) + octet_length(upload)), 0) FROM statements WHERE library = ?"), library).Scan(&n, &size)
	if err != nil {
		return 0, 0, fmt.Errorf("counting the statements of library %q: %w", library, err)
	}
	return n, size, nil
}

func (t *tx) ForgetServer(ctx context.Context, guild string) error {
	if guild == "" || guild == store.GuildUnknown {
		return fmt.Errorf("forgetting a server: %q is not a server's id", guild)
	}
	if _, err := t.exec(ctx, "DELETE FROM answers WHERE guild = ?", guild); err != nil {
		return fmt.Errorf("forgetting the answers of server %s: %w", guild, err)
	}
	if _, err := t.exec(ctx, "DELETE FROM feedback WHERE guild = ?", guild); err != nil {
		return fmt.Errorf("forgetting the votes of server %s: %w", guild, err)
	}
	return nil
}

func (t *tx) StatementIDs(ctx context.Context, library string) ([]string, error) {
	rows, err := t.tx.QueryContext(ctx, t.s.d.q("SELECT id FROM statements WHERE library = ? ORDER BY id"), library)
	if err != nil {
		return nil, fmt.Errorf("listing the statements of library %q: %w", library, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("listing the statements of library %q: %w", library, err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (t *tx) PutVectors(ctx context.Context, embedder, model string, vectors map[string][]float32) error {
	stmt, err := t.tx.PrepareContext(ctx, t.s.d.q(`INSERT INTO vectors (embedder, model, text_hash, vec) VALUES (?, ?, ?, ?)
		ON CONFLICT (embedder, model, text_hash) DO UPDATE SET vec = excluded.vec`))
	if err != nil {
		return fmt.Errorf("storing vectors: %w", err)
	}
	defer stmt.Close()
	for h, v := range vectors {
		if _, err := stmt.ExecContext(ctx, embedder, model, h, store.EncodeVector(v)); err != nil {
			return fmt.Errorf("storing the vector of %s: %w", h, err)
		}
		t.orphans[h] = true
	}
	return nil
}

func (t *tx) PutTerms(ctx context.Context, terms map[string]string) error {
	if len(terms) == 0 {
		return nil
	}
	stmt, err := t.tx.PrepareContext(ctx, t.s.d.q("UPDATE paragraphs SET terms = ? WHERE text_hash = ?"))
	if err != nil {
		return fmt.Errorf("storing paragraph terms: %w", err)
	}
	defer stmt.Close()
	for h, enc := range terms {
		if _, err := stmt.ExecContext(ctx, enc, h); err != nil {
			return fmt.Errorf("storing the terms of %s: %w", h, err)
		}
	}
	return nil
}

// vacuum drops the vectors of the possible orphans that no paragraph uses.
func (t *tx) vacuum(ctx context.Context) error {
	hashes := make([]any, 0, len(t.orphans))
	for h := range t.orphans {
		hashes = append(hashes, h)
	}
	for chunk := range slices.Chunk(hashes, 256) {
		_, err := t.exec(ctx, `DELETE FROM vectors WHERE text_hash IN (`+placeholders(len(chunk))+`)
			AND NOT EXISTS (SELECT 1 FROM paragraphs WHERE paragraphs.text_hash = vectors.text_hash)`, chunk...)
		if err != nil {
			return fmt.Errorf("dropping unused vectors: %w", err)
		}
	}
	return nil
}
