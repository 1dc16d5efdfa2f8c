package rag

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/renameio/v2"

	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/ingest/extract"
)

// A Library is the corpus on disk and its live index. It owns the data
// directory:
//
//	manifest.json        which statements are indexed (the commit point)
//	statements/<id>.txt  added statements, as text with front matter
//	cache/*.vec          embedding cache (embeddings.Cache)
//
// Every file is written atomically (temp file, fsync, rename). A change —
// add, replace, remove, reindex — builds a new index beside the live one,
// then writes the manifest, then swaps the index into the engine in one
// step: questions asked meanwhile are answered from the old index, and a
// crash at any point leaves the old or the new corpus, never a mix. One
// change runs at a time; another is refused with ErrBusy.
type Library struct {
	dir     string
	bundled fs.FS
	docs    Embedder
	engine  *Engine
	extract ExtractFunc
	log     *slog.Logger

	change sync.Mutex // held by the running change; TryLock refuses others
	mu     sync.Mutex // guards man
	man    manifest
}

// ExtractFunc turns an uploaded file into statement text, its format and
// what the file says about itself (PDF metadata, HTML title): it is
// (*extract.Extractor).Extract. Errors of bad input are *InputError.
type ExtractFunc func(ctx context.Context, name string, data []byte) (extract.Document, error)

// ErrBusy refuses a change while another runs.
var ErrBusy = errors.New("an index change (add, remove or reindex) is already running; try again when it finishes")

// manifest lists the indexed statements.
type manifest struct {
	Version    int             `json:"version"`
	Statements []manifestEntry `json:"statements"`
	// Removed lists bundled statements an admin removed.
	Removed []string `json:"removed_bundled,omitempty"`
}

type manifestEntry struct {
	ID      string    `json:"id"`
	File    string    `json:"file"` // "bundled:<name>" or a path under statements/
	Hash    string    `json:"hash"` // SHA-256 of the file's bytes
	Title   string    `json:"title"`
	Date    string    `json:"date"`
	AddedAt time.Time `json:"added_at"`
}

const bundledPrefix = "bundled:"

// LibraryConfig wires a Library.
type LibraryConfig struct {
	Dir     string // data directory
	Bundled fs.FS  // statements shipped in the binary
	Docs    Embedder
	Extract ExtractFunc
	Log     *slog.Logger
}

// OpenLibrary loads the manifest (seeding it from the bundled statements on
// first use), parses the statements, builds the index (reusing cached
// vectors) and returns the library with the index it built.
func OpenLibrary(ctx context.Context, cfg LibraryConfig) (*Library, *Index, BuildStats, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	l := &Library{dir: cfg.Dir, bundled: cfg.Bundled, docs: cfg.Docs, extract: cfg.Extract, log: cfg.Log}
	if err := os.MkdirAll(filepath.Join(l.dir, "statements"), 0o755); err != nil {
		return nil, nil, BuildStats{}, fmt.Errorf("data directory: %w", err)
	}
	man, err := l.readManifest()
	if err != nil {
		return nil, nil, BuildStats{}, err
	}
	l.man = man
	stmts, err := l.load(ctx, man, nil)
	if err != nil {
		return nil, nil, BuildStats{}, err
	}
	ix, stats, err := Build(ctx, stmts, l.docs, nil)
	if err != nil {
		return nil, nil, stats, err
	}
	l.cleanOrphans(man)
	return l, ix, stats, nil
}

// SetEngine tells the library which engine to swap new indexes into (the
// engine is made from the index OpenLibrary returns).
func (l *Library) SetEngine(e *Engine) { l.engine = e }

func (l *Library) manifestPath() string { return filepath.Join(l.dir, "manifest.json") }

// readManifest reads manifest.json; without one, the bundled statements
// make the corpus.
func (l *Library) readManifest() (manifest, error) {
	data, err := os.ReadFile(l.manifestPath())
	if errors.Is(err, fs.ErrNotExist) {
		return l.bundledManifest(nil)
	}
	if err != nil {
		return manifest{}, fmt.Errorf("reading manifest: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil || m.Version != 1 {
		return manifest{}, fmt.Errorf("%s is damaged (%v): restore it from a backup, or delete it to start from the bundled statements", l.manifestPath(), err)
	}
	// Statements bundled with a newer binary join in, unless removed.
	fresh, err := l.bundledManifest(m.Removed)
	if err != nil {
		return manifest{}, err
	}
	have := map[string]bool{}
	for _, e := range m.Statements {
		have[e.ID] = true
	}
	for _, e := range fresh.Statements {
		if !have[e.ID] {
			m.Statements = append(m.Statements, e)
		}
	}
	return m, nil
}

func (l *Library) bundledManifest(removed []string) (manifest, error) {
	m := manifest{Version: 1, Removed: removed}
	if l.bundled == nil {
		return m, nil
	}
	entries, err := fs.ReadDir(l.bundled, ".")
	if err != nil {
		return m, err
	}
	skip := map[string]bool{}
	for _, id := range removed {
		skip[id] = true
	}
	for _, e := range entries {
		if e.IsDir() || !IsStatementFile(e.Name()) || skip[ingest.StatementID(e.Name())] {
			continue
		}
		m.Statements = append(m.Statements, manifestEntry{ID: ingest.StatementID(e.Name()), File: bundledPrefix + e.Name()})
	}
	return m, nil
}

// readSource returns the bytes of a manifest entry's file.
func (l *Library) readSource(e manifestEntry) ([]byte, error) {
	if name, ok := strings.CutPrefix(e.File, bundledPrefix); ok {
		return fs.ReadFile(l.bundled, name)
	}
	if strings.Contains(e.File, "..") || filepath.IsAbs(e.File) {
		return nil, fmt.Errorf("manifest: bad file %q", e.File)
	}
	return os.ReadFile(filepath.Join(l.dir, e.File))
}

// load parses every statement of m, reusing those in known (by content
// hash) instead of reading and repairing them again.
func (l *Library) load(ctx context.Context, m manifest, known map[string]*Statement) ([]*Statement, error) {
	var out []*Statement
	for _, e := range m.Statements {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if st, ok := known[e.Hash]; ok && e.Hash != "" && st.ID == e.ID {
			out = append(out, st)
			continue
		}
		raw, err := l.readSource(e)
		if err != nil {
			return nil, fmt.Errorf("statement %s: %w", e.ID, err)
		}
		st, err := ingest.Parse(e.ID, raw, Metadata{})
		if err != nil {
			return nil, fmt.Errorf("statement %s: %w", e.ID, err)
		}
		out = append(out, st)
	}
	return out, nil
}

// cleanOrphans deletes statement files the manifest does not list: left
// by a change that crashed before its commit.
func (l *Library) cleanOrphans(m manifest) {
	listed := map[string]bool{}
	for _, e := range m.Statements {
		listed[filepath.Clean(e.File)] = true
	}
	files, _ := filepath.Glob(filepath.Join(l.dir, "statements", "*"))
	for _, f := range files {
		rel, err := filepath.Rel(l.dir, f)
		if err != nil || listed[rel] {
			continue
		}
		l.log.Info("removing a statement file no manifest lists (left by an interrupted change)", "file", f)
		_ = os.Remove(f)
	}
}

// ChangeStats summarise one change of the corpus.
type ChangeStats struct {
	BuildStats
	Added   int `json:"added"`   // paragraphs new to the index
	Changed int `json:"changed"` // paragraphs whose text changed
	Removed int `json:"removed"` // paragraphs gone
}

// String is the one-line summary shown to whoever made the change.
func (s ChangeStats) String() string {
	return fmt.Sprintf("Paragraphs: %d added, %d changed, %d removed (%d statements, %d paragraphs in all). Embeddings: %d computed, %d reused. Took %.1fs.",
		s.Added, s.Changed, s.Removed, s.Statements, s.Paragraphs, s.Embedded, s.Reused, s.Duration.Seconds())
}

// AddRequest is one file to add.
type AddRequest struct {
	Name    string // file name: gives the id and the format
	Data    []byte
	Meta    Metadata // overrides what the file says
	Replace bool     // replace a statement with the same id
}

// Statements lists the corpus as the manifest holds it.
func (l *Library) Statements() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ids []string
	for _, e := range l.man.Statements {
		ids = append(ids, e.ID)
	}
	return ids
}

// Add parses and indexes new statements. Nothing changes unless all of
// them are good and the new index is built.
func (l *Library) Add(ctx context.Context, reqs []AddRequest, progress Progress) (ChangeStats, []string, error) {
	man, done, err := l.begin()
	if err != nil {
		return ChangeStats{}, nil, err
	}
	defer done()

	byID := map[string]int{}
	byHash := map[string]string{}
	live := map[string]bool{} // files the manifest names now: never staged over or cleaned up
	for i, e := range man.Statements {
		byID[e.ID] = i
		live[e.File] = true
	}
	type file struct {
		entry manifestEntry
		data  []byte
	}
	var todo []file
	var ids, replaced []string
	known := l.liveStatements()
	for _, r := range reqs {
		st, data, err := l.prepare(ctx, r)
		if err != nil {
			return ChangeStats{}, nil, fmt.Errorf("%s: %w", r.Name, err)
		}
		if i, dup := byID[st.ID]; dup && !r.Replace {
			return ChangeStats{}, nil, fmt.Errorf("%s: %w", r.Name, &InputError{Msg: fmt.Sprintf("a statement with id %q is already indexed (%s): remove it first, or add with replace", st.ID, man.Statements[i].Title)})
		}
		for _, e := range man.Statements {
			if e.Hash == st.Hash && e.ID != st.ID {
				byHash[st.Hash] = e.ID
			}
		}
		if other, dup := byHash[st.Hash]; dup {
			return ChangeStats{}, nil, fmt.Errorf("%s: %w", r.Name, &InputError{Msg: fmt.Sprintf("the same text is already indexed as %q", other)})
		}
		byHash[st.Hash] = st.ID
		entry := manifestEntry{ID: st.ID, File: filepath.Join("statements", st.ID+"."+st.Hash[:12]+".txt"), Hash: st.Hash, Title: st.Title, Date: st.Date, AddedAt: time.Now().UTC()}
		if i, dup := byID[st.ID]; dup {
			if old := man.Statements[i].File; old != entry.File && !strings.HasPrefix(old, bundledPrefix) {
				replaced = append(replaced, old)
			}
			man.Statements[i] = entry
		} else {
			byID[st.ID] = len(man.Statements)
			man.Statements = append(man.Statements, entry)
		}
		man.Removed = without(man.Removed, st.ID)
		todo = append(todo, file{entry: entry, data: data})
		known[st.Hash] = st
		ids = append(ids, st.ID)
	}
	// Stage the files; until the manifest names them they are orphans. A
	// file named by the live manifest already holds these bytes (names
	// carry the content hash).
	var staged []string
	for _, s := range todo {
		if live[s.entry.File] {
			continue
		}
		if err := renameio.WriteFile(filepath.Join(l.dir, s.entry.File), s.data, 0o644); err != nil {
			removeAll(l.dir, staged)
			return ChangeStats{}, nil, fmt.Errorf("saving %s: %w", s.entry.ID, err)
		}
		staged = append(staged, s.entry.File)
	}
	if err := syncDir(filepath.Join(l.dir, "statements")); err != nil {
		removeAll(l.dir, staged)
		return ChangeStats{}, nil, err
	}
	stats, err := l.commit(ctx, man, known, progress)
	if err != nil {
		removeAll(l.dir, staged)
		return stats, nil, err
	}
	removeAll(l.dir, replaced)
	return stats, ids, nil
}

func removeAll(dir string, files []string) {
	for _, f := range files {
		_ = os.Remove(filepath.Join(dir, f))
	}
}

// syncDir makes the entries of dir (new and renamed files) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}

// prepare extracts and parses one file, and renders what is stored: the
// statement's text with front matter carrying its metadata.
func (l *Library) prepare(ctx context.Context, r AddRequest) (*Statement, []byte, error) {
	// The extractor is the judge of file formats (it also decodes UTF-16
	// text); without one only UTF-8 .txt and .md are taken.
	doc := extract.Document{Text: string(r.Data), Format: extract.FormatText}
	if l.extract != nil {
		var err error
		if doc, err = l.extract(ctx, r.Name, r.Data); err != nil {
			return nil, nil, err
		}
	} else {
		if !IsStatementFile(r.Name) {
			return nil, nil, &InputError{Msg: "only .txt and .md files can be added here"}
		}
		if err := ingest.CheckText(r.Data); err != nil {
			return nil, nil, err
		}
	}
	id := ingest.UploadID(r.Name, doc.Text, r.Meta.Title, doc.Title)
	if id == "" {
		return nil, nil, &InputError{Msg: "the file name gives no id: name it like 2024-05-01-summit.txt"}
	}
	// Front matter keeps what Discord options and the file's metadata said,
	// apart; the text below it stays as extracted, parsed at every ingest.
	fileMeta := Metadata{Title: doc.Title, Date: doc.Date, Source: doc.Source}
	stored := ingest.Compose(r.Name, doc.Format, doc.Text, fileMeta, r.Meta)
	st, err := ingest.Parse(id, []byte(stored), Metadata{})
	if err != nil {
		return nil, nil, err
	}
	return st, []byte(stored), nil
}

// Remove takes a statement out of the corpus.
func (l *Library) Remove(ctx context.Context, id string) (ChangeStats, error) {
	man, done, err := l.begin()
	if err != nil {
		return ChangeStats{}, err
	}
	defer done()
	i := -1
	for j, e := range man.Statements {
		if e.ID == id {
			i = j
		}
	}
	if i < 0 {
		return ChangeStats{}, &UnknownStatementError{ID: id}
	}
	if len(man.Statements) == 1 {
		return ChangeStats{}, &InputError{Msg: "that is the only statement left; add another before removing it"}
	}
	gone := man.Statements[i]
	man.Statements = append(man.Statements[:i], man.Statements[i+1:]...)
	// A bundled statement (or an upload that replaced one) stays removed
	// across restarts.
	if bundled, _ := l.bundledManifest(nil); slices.ContainsFunc(bundled.Statements, func(e manifestEntry) bool { return e.ID == gone.ID }) {
		man.Removed = append(man.Removed, gone.ID)
	}
	stats, err := l.commit(ctx, man, l.liveStatements(), nil)
	if err != nil {
		return stats, err
	}
	if !strings.HasPrefix(gone.File, bundledPrefix) {
		_ = os.Remove(filepath.Join(l.dir, gone.File))
	}
	return stats, nil
}

// Reindex re-reads and repairs every statement and re-embeds what changed
// (nothing, for an unchanged corpus), then swaps the result in.
func (l *Library) Reindex(ctx context.Context, progress Progress) (ChangeStats, error) {
	man, done, err := l.begin()
	if err != nil {
		return ChangeStats{}, err
	}
	defer done()
	return l.commit(ctx, man, nil, progress)
}

// liveStatements are the statements of the index being served, by content
// hash: an add or remove need not parse them again.
func (l *Library) liveStatements() map[string]*Statement {
	known := map[string]*Statement{}
	if l.engine == nil {
		return known
	}
	for _, st := range l.engine.Index().Statements() {
		known[st.Hash] = st
	}
	return known
}

// begin starts a change: it takes the change lock (or returns ErrBusy)
// and a copy of the manifest to edit; done releases the lock.
func (l *Library) begin() (man manifest, done func(), err error) {
	if !l.change.TryLock() {
		return manifest{}, nil, ErrBusy
	}
	l.mu.Lock()
	man = cloneManifest(l.man)
	l.mu.Unlock()
	return man, l.change.Unlock, nil
}

// commit builds the index of man beside the live one (statements in known
// are not parsed again), writes the manifest, and swaps the index in. The
// manifest write is the commit point.
func (l *Library) commit(ctx context.Context, man manifest, known map[string]*Statement, progress Progress) (ChangeStats, error) {
	stmts, err := l.load(ctx, man, known)
	if err != nil {
		return ChangeStats{}, err
	}
	for i, st := range stmts {
		man.Statements[i].Hash, man.Statements[i].Title, man.Statements[i].Date = st.Hash, st.Title, st.Date
	}
	ix, built, err := Build(ctx, stmts, l.docs, progress)
	stats := ChangeStats{BuildStats: built}
	if err != nil {
		return stats, err
	}
	data, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return stats, err
	}
	if err := renameio.WriteFile(l.manifestPath(), data, 0o644); err != nil {
		return stats, fmt.Errorf("writing manifest: %w", err)
	}
	if err := syncDir(l.dir); err != nil {
		return stats, err
	}
	l.mu.Lock()
	l.man = man
	l.mu.Unlock()
	if l.engine != nil {
		old := l.engine.Index()
		stats.Added, stats.Changed, stats.Removed = diffParagraphs(old, ix)
		l.engine.SetIndex(ix)
	}
	return stats, nil
}

// diffParagraphs counts paragraphs added, changed and removed between two
// indexes, matching them by statement and number.
func diffParagraphs(old, cur *Index) (added, changed, removed int) {
	type key struct {
		st string
		n  int
	}
	before := map[key]string{}
	if old != nil {
		for _, p := range old.paras {
			before[key{p.Statement, p.N}] = p.Text
		}
	}
	for _, p := range cur.paras {
		k := key{p.Statement, p.N}
		text, ok := before[k]
		switch {
		case !ok:
			added++
		case text != p.Text:
			changed++
		}
		delete(before, k)
	}
	return added, changed, len(before)
}

func cloneManifest(m manifest) manifest {
	m.Statements = append([]manifestEntry(nil), m.Statements...)
	m.Removed = append([]string(nil), m.Removed...)
	return m
}

func without(list []string, s string) []string {
	out := list[:0:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}
