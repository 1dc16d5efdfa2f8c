package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"

	"github.com/statementbot/statementbot/store"
)

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type libID struct{ library, id string }

const statementCols = "library, id, title, date, issuer, place, source, hash, file_name, added_at"

func scanStatement(row interface{ Scan(...any) error }, extra ...any) (store.StatementRecord, error) {
	var r store.StatementRecord
	var added timeCol
	dest := append([]any{&r.Library, &r.ID, &r.Title, &r.Date, &r.Issuer, &r.Place, &r.Source, &r.Hash, &r.FileName, &added}, extra...)
	if err := row.Scan(dest...); err != nil {
		return r, err
	}
	r.AddedAt = added.t
	return r, nil
}

// Snapshot is every statement and paragraph as of one generation.
func (s *DB) Snapshot(ctx context.Context) (store.Snapshot, error) {
	var snap store.Snapshot
	tx, err := s.readTx(ctx, &snap.Generation)
	if err != nil {
		return snap, err
	}
	defer tx.Rollback()
	if snap.Statements, err = readStatements(ctx, tx); err != nil {
		return snap, err
	}
	byKey := make(map[libID]int, len(snap.Statements))
	for i, r := range snap.Statements {
		byKey[libID{r.Library, r.ID}] = i
	}
	rows, err := tx.QueryContext(ctx, "SELECT library, statement_id, n, section, text, header, text_hash, terms FROM paragraphs")
	if err != nil {
		return snap, fmt.Errorf("reading paragraphs: %w", err)
	}
	defer rows.Close()
	// Every paragraph goes into one array, in statement order, which each
	// statement's Paragraphs then share: at 100k paragraphs, growing a
	// slice per statement made some 30 MB of garbage at start. Rows come
	// grouped by statement as they were written, so the statement is
	// looked up only when it changes, without a string per row. The
	// paragraphs are read into chunks, then copied once into an array of
	// their number: grown by append (a quarter at a time, past 256
	// elements), it was some 40 MB of garbage at 100k paragraphs.
	var chunks [][]store.ParagraphRecord
	var owner []int32 // the statement of each paragraph
	var lib, id sql.RawBytes
	var p store.ParagraphRecord // one, reused: scanned into, appended as a copy
	last := -1
	for rows.Next() {
		p = store.ParagraphRecord{}
		if err := rows.Scan(&lib, &id, &p.N, &p.Section, &p.Text, &p.Header, &p.TextHash, &p.Terms); err != nil {
			return snap, fmt.Errorf("reading paragraphs: %w", err)
		}
		if last < 0 || string(lib) != snap.Statements[last].Library || string(id) != snap.Statements[last].ID {
			i, ok := byKey[libID{string(lib), string(id)}]
			if !ok {
				return snap, fmt.Errorf("paragraph %d of statement %q, which is not stored", p.N, id)
			}
			last = i
		}
		if n := len(chunks); n == 0 || len(chunks[n-1]) == cap(chunks[n-1]) {
			chunks = append(chunks, make([]store.ParagraphRecord, 0, paragraphChunk))
		}
		n := len(chunks) - 1
		chunks[n], owner = append(chunks[n], p), append(owner, int32(last))
	}
	if err := rows.Err(); err != nil {
		return snap, fmt.Errorf("reading paragraphs: %w", err)
	}
	paras := make([]store.ParagraphRecord, 0, len(owner))
	for i, c := range chunks {
		paras = append(paras, c...)
		chunks[i] = nil
	}
	byStatement := paragraphOrder{paras, owner}
	if !sort.IsSorted(byStatement) {
		sort.Sort(byStatement)
	}
	for lo := 0; lo < len(paras); {
		hi := lo + 1
		for hi < len(paras) && owner[hi] == owner[lo] {
			hi++
		}
		snap.Statements[owner[lo]].Paragraphs = paras[lo:hi:hi]
		lo = hi
	}
	sortStatements(snap.Statements)
	return snap, nil
}

// paragraphChunk is how many paragraphs Snapshot reads into each chunk.
const paragraphChunk = 4096

// Catalog is every statement without its paragraphs, and their number.
func (s *DB) Catalog(ctx context.Context) (store.Catalog, error) {
	var c store.Catalog
	tx, err := s.readTx(ctx, &c.Generation)
	if err != nil {
		return c, err
	}
	defer tx.Rollback()
	counts, err := tx.QueryContext(ctx, "SELECT library, count(*) FROM paragraphs GROUP BY library")
	if err != nil {
		return c, fmt.Errorf("counting paragraphs: %w", err)
	}
	c.LibraryParagraphs = map[string]int{}
	for counts.Next() {
		var lib string
		var n int
		if err := counts.Scan(&lib, &n); err != nil {
			counts.Close()
			return c, fmt.Errorf("counting paragraphs: %w", err)
		}
		c.LibraryParagraphs[lib] = n
		c.Paragraphs += n
	}
	if err := counts.Close(); err != nil {
		return c, fmt.Errorf("counting paragraphs: %w", err)
	}
	if err := counts.Err(); err != nil {
		return c, fmt.Errorf("counting paragraphs: %w", err)
	}
	if c.Statements, err = readStatements(ctx, tx); err != nil {
		return c, err
	}
	sortStatements(c.Statements)
	return c, nil
}

// readTx begins a read-only transaction and reads into gen the
// generation it sees; the caller rolls it back.
func (s *DB) readTx(ctx context.Context, gen *int64) (*sql.Tx, error) {
	tx, err := s.db.BeginTx(ctx, &s.d.ReadTx)
	if err != nil {
		return nil, fmt.Errorf("reading the store: %w", err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT generation FROM store_meta WHERE id = 1").Scan(gen); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("reading the store's generation: %w", err)
	}
	return tx, nil
}

// readStatements is every statement without its paragraphs, text or
// upload, in the order the store returns them.
func readStatements(ctx context.Context, tx *sql.Tx) ([]store.StatementRecord, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+statementCols+" FROM statements")
	if err != nil {
		return nil, fmt.Errorf("reading statements: %w", err)
	}
	defer rows.Close()
	var out []store.StatementRecord
	for rows.Next() {
		r, err := scanStatement(rows)
		if err != nil {
			return nil, fmt.Errorf("reading statements: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading statements: %w", err)
	}
	return out, nil
}

// sortStatements orders statements by library, then id.
func sortStatements(rs []store.StatementRecord) {
	slices.SortFunc(rs, func(a, b store.StatementRecord) int {
		return cmp.Or(cmp.Compare(a.Library, b.Library), cmp.Compare(a.ID, b.ID))
	})
}

// Texts calls fn with every statement, with its text, in one query.
func (s *DB) Texts(ctx context.Context, fn func(store.StatementRecord) error) error {
	tx, err := s.db.BeginTx(ctx, &s.d.ReadTx)
	if err != nil {
		return fmt.Errorf("reading the store: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT "+statementCols+", text FROM statements ORDER BY library, id")
	if err != nil {
		return fmt.Errorf("reading statements: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var text string
		r, err := scanStatement(rows, &text)
		if err != nil {
			return fmt.Errorf("reading statements: %w", err)
		}
		r.Text = text
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading statements: %w", err)
	}
	return nil
}

// paragraphOrder sorts paragraphs, with the statement each belongs to,
// by statement and number.
type paragraphOrder struct {
	paras []store.ParagraphRecord
	owner []int32
}

func (o paragraphOrder) Len() int { return len(o.paras) }
func (o paragraphOrder) Less(i, j int) bool {
	return o.owner[i] < o.owner[j] || o.owner[i] == o.owner[j] && o.paras[i].N < o.paras[j].N
}
func (o paragraphOrder) Swap(i, j int) {
	o.paras[i], o.paras[j] = o.paras[j], o.paras[i]
	o.owner[i], o.owner[j] = o.owner[j], o.owner[i]
}

func sortParagraphs(ps []store.ParagraphRecord) {
	slices.SortFunc(ps, func(a, b store.ParagraphRecord) int { return cmp.Compare(a.N, b.N) })
}

// Statement is one statement, whole.
func (s *DB) Statement(ctx context.Context, library, id string) (store.StatementRecord, error) {
	tx, err := s.db.BeginTx(ctx, &s.d.ReadTx)
	if err != nil {
		return store.StatementRecord{}, fmt.Errorf("reading the store: %w", err)
	}
	defer tx.Rollback()
	return s.statement(ctx, tx, library, id)
}

func (s *DB) statement(ctx context.Context, q querier, library, id string) (store.StatementRecord, error) {
	var upload []byte
	var text string
	r, err := scanStatement(q.QueryRowContext(ctx, s.d.q("SELECT "+statementCols+", upload, text FROM statements WHERE library = ? AND id = ?"), library, id), &upload, &text)
	if err != nil {
		return r, notFound(err, fmt.Sprintf("statement %q", id))
	}
	r.Upload, r.Text = upload, text
	rows, err := q.QueryContext(ctx, s.d.q("SELECT n, section, text, header, text_hash, terms FROM paragraphs WHERE library = ? AND statement_id = ?"), library, id)
	if err != nil {
		return r, fmt.Errorf("reading paragraphs of %q: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p store.ParagraphRecord
		if err := rows.Scan(&p.N, &p.Section, &p.Text, &p.Header, &p.TextHash, &p.Terms); err != nil {
			return r, fmt.Errorf("reading paragraphs of %q: %w", id, err)
		}
		r.Paragraphs = append(r.Paragraphs, p)
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("reading paragraphs of %q: %w", id, err)
	}
	sortParagraphs(r.Paragraphs)
	return r, nil
}

// scanAll is the number of hashes past which Vectors counts the vectors
// of the model: when at least half of them are asked for, reading them
// all and keeping those asked for is faster than looking each up (at
// 100k, 0.6 s against 1.0 s).
const scanAll = 512

// Vectors are the stored vectors of embedder and model for hashes.
func (s *DB) Vectors(ctx context.Context, embedder, model string, hashes []string) (map[string][]float32, error) {
	out := make(map[string][]float32, len(hashes))
	if len(hashes) == 0 {
		return out, nil
	}
	if len(hashes) > scanAll && s.most(ctx, embedder, model, len(hashes)) {
		want := make(map[string]bool, len(hashes))
		for _, h := range hashes {
			want[h] = true
		}
		return out, s.scanVectors(ctx, out, want, embedder, model)
	}
	for chunk := range slices.Chunk(hashes, 256) {
		args := []any{embedder, model}
		for _, h := range chunk {
			args = append(args, h)
		}
		err := s.readVectors(ctx, out, nil, store.DecodeVector, "SELECT text_hash, vec FROM vectors WHERE embedder = ? AND model = ? AND text_hash IN ("+placeholders(len(chunk))+")", args...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// ModelVectors are all the stored vectors of embedder and model, for a
// start that has no text hashes yet (it reads them beside the snapshot).
func (s *DB) ModelVectors(ctx context.Context, embedder, model string) (map[string][]float32, error) {
	out := map[string][]float32{}
	return out, s.scanVectors(ctx, out, nil, embedder, model)
}

// scanVectors reads every stored vector of embedder and model into out,
// those in want only when want is not nil, in one scan of the table, cut
// from a slab's large arrays (a few vectors, as a batched read of an
// added statement's, each get their own: a slab's 4 MB array lives as
// long as any vector cut from it).
func (s *DB) scanVectors(ctx context.Context, out map[string][]float32, want map[string]bool, embedder, model string) error {
	var slab store.VectorSlab
	return s.readVectors(ctx, out, want, slab.Decode, "SELECT text_hash, vec FROM "+cmp.Or(s.d.AllVectors, "vectors")+" WHERE embedder = ? AND model = ?", embedder, model)
}

// most reports whether n is at least half the vectors of the model.
func (s *DB) most(ctx context.Context, embedder, model string, n int) bool {
	var stored int
	err := s.db.QueryRowContext(ctx, s.d.q("SELECT count(*) FROM vectors WHERE embedder = ? AND model = ?"), embedder, model).Scan(&stored)
	return err == nil && 2*n >= stored
}

// readVectors decodes the rows of query into out with decode, keeping
// only hashes in want unless want is nil.
func (s *DB) readVectors(ctx context.Context, out map[string][]float32, want map[string]bool, decode func([]byte) ([]float32, error), query string, args ...any) error {
	rows, err := s.db.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return fmt.Errorf("reading vectors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		var blob sql.RawBytes
		if err := rows.Scan(&h, &blob); err != nil {
			return fmt.Errorf("reading vectors: %w", err)
		}
		if want != nil && !want[h] {
			continue
		}
		v, err := decode(blob)
		if err != nil {
			return fmt.Errorf("reading the vector of %s: %w", h, err)
		}
		out[h] = v
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading vectors: %w", err)
	}
	return nil
}
