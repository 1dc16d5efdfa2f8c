package rag

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/store"
)

// legacyManifest is manifest.json of an earlier version's data dir: it
// listed the indexed statements, each in statements/ or bundled.
type legacyManifest struct {
	Version    int `json:"version"`
	Statements []struct {
		ID      string    `json:"id"`
		File    string    `json:"file"` // "bundled:<name>" or a path under statements/
		AddedAt time.Time `json:"added_at"`
	} `json:"statements"`
}

const bundledPrefix = "bundled:"

// errSeeded stops a seeding change that another process beat to it.
var errSeeded = errors.New("the store was seeded meanwhile")

// seed fills a new store (generation 0) once: from an earlier version's
// data dir when there is one, else from the bundled statements. Several
// processes may try at once; the first change wins, the others see a
// generation past 0 and leave it. A new store that cannot be written
// (read-only) is no use: inMemory says to read the corpus into memory.
func (l *Library) seed(ctx context.Context) (inMemory bool, err error) {
	gen, err := l.st.Generation(ctx)
	if err != nil || gen != 0 {
		return false, err
	}
	recs, vecs, legacy, err := l.initialCorpus(ctx)
	if err != nil {
		return false, err
	}
	_, err = l.st.Change(ctx, func(ctx context.Context, tx store.Tx) error {
		if tx.Generation() != 0 {
			return errSeeded
		}
		for _, rec := range recs {
			if err := tx.PutStatement(ctx, rec); err != nil {
				return err
			}
		}
		return tx.PutVectors(ctx, l.docs.Name(), l.docs.Model(), vecs)
	})
	switch {
	case errors.Is(err, errSeeded):
		return false, nil
	case errors.Is(err, store.ErrReadOnly):
		l.log.Warn("the store is read-only and empty: the corpus is read into memory", "err", err)
		return true, nil
	case err != nil:
		return false, fmt.Errorf("filling the new store: %w", err)
	}
	if legacy {
		audit, feedback, err := l.importLegacyLogs(ctx)
		if err != nil {
			l.log.Warn("the old audit and feedback logs were not all imported; the files are left as they were", "imported audit records", audit, "imported feedback records", feedback, "err", err)
		}
		l.log.Info("imported the data dir of an earlier version into the store; manifest.json, statements/, cache/, audit.jsonl and feedback.jsonl are left as they were and no longer read (delete them once the store is backed up)",
			"dir", l.legacy, "statements", len(recs), "vectors", len(vecs), "audit records", audit, "feedback records", feedback)
	} else {
		l.log.Info("new store seeded with the bundled statements", "statements", len(recs))
	}
	return false, nil
}

// initialCorpus is what a new store starts with, or an in-memory library
// serves: the statements of an earlier version's data dir (and the
// vectors of its cache that they use) when it has a manifest, else the
// bundled statements.
func (l *Library) initialCorpus(ctx context.Context) (recs []store.StatementRecord, vecs map[string][]float32, legacy bool, err error) {
	if l.legacy != "" {
		data, err := os.ReadFile(filepath.Join(l.legacy, "manifest.json"))
		switch {
		case err == nil:
			recs, vecs, err := l.importLegacy(ctx, data)
			return recs, vecs, true, err
		case !errors.Is(err, fs.ErrNotExist):
			return nil, nil, false, fmt.Errorf("reading the data dir of an earlier version: %w", err)
		}
	}
	recs, err = l.bundledRecords()
	return recs, map[string][]float32{}, false, err
}

// importLegacy reads the statements an old manifest lists and the cached
// vectors of their paragraphs. Nothing there is written or deleted. A
// statement that cannot be read is left out, and said so in the log.
func (l *Library) importLegacy(ctx context.Context, manifest []byte) ([]store.StatementRecord, map[string][]float32, error) {
	var m legacyManifest
	if err := json.Unmarshal(manifest, &m); err != nil || m.Version != 1 {
		l.log.Warn("the old manifest.json is damaged: importing the bundled statements and every statement file statements/ holds instead", "err", err)
		m = l.legacyFiles()
	}
	var recs []store.StatementRecord
	seen := map[string]bool{}
	for _, e := range m.Statements {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		raw, name, err := l.readLegacy(e.File)
		if err == nil && seen[e.ID] {
			err = errors.New("listed twice")
		}
		var st *Statement
		if err == nil {
			st, err = ingest.Parse(e.ID, raw, Metadata{})
		}
		if err != nil {
			l.log.Warn("a statement of the old data dir is not imported", "statement", e.ID, "file", e.File, "err", err)
			continue
		}
		seen[e.ID] = true
		rec := toRecord(st, name, raw, string(raw))
		rec.AddedAt = e.AddedAt
		recs = append(recs, rec)
	}
	cached, err := embeddings.ReadLegacyCache(filepath.Join(l.legacy, "cache"), l.docs.Name(), l.docs.Model())
	if err != nil {
		l.log.Warn("the old embedding cache is not imported; its vectors are computed again", "err", err)
	}
	vecs := map[string][]float32{}
	for _, rec := range recs {
		for _, p := range rec.Paragraphs {
			if v, ok := cached[p.TextHash]; ok {
				vecs[p.TextHash] = v
			}
		}
	}
	return recs, vecs, nil
}

// legacyFileRE matches the names earlier versions gave added statements:
// <id>.<first 12 hex digits of the content hash>.txt.
var legacyFileRE = regexp.MustCompile(`^(.+)\.[0-9a-f]{12}\.txt$`)

// legacyFiles stands in for a damaged old manifest: the bundled
// statements, and the statement files of statements/ (by their names;
// other files are left out), the newest file of an id winning.
func (l *Library) legacyFiles() legacyManifest {
	m := legacyManifest{Version: 1}
	type entry = struct {
		ID      string    `json:"id"`
		File    string    `json:"file"`
		AddedAt time.Time `json:"added_at"`
	}
	byID := map[string]int{}
	add := func(e entry) {
		if i, ok := byID[e.ID]; ok {
			if e.AddedAt.After(m.Statements[i].AddedAt) {
				m.Statements[i] = e
			}
			return
		}
		byID[e.ID] = len(m.Statements)
		m.Statements = append(m.Statements, e)
	}
	if recs, err := l.bundledRecords(); err == nil {
		for _, r := range recs {
			add(entry{ID: r.ID, File: bundledPrefix + r.FileName})
		}
	}
	files, _ := os.ReadDir(filepath.Join(l.legacy, "statements"))
	for _, f := range files {
		sub := legacyFileRE.FindStringSubmatch(f.Name())
		info, err := f.Info()
		if sub == nil || err != nil || !info.Mode().IsRegular() {
			continue
		}
		add(entry{ID: sub[1], File: filepath.Join("statements", f.Name()), AddedAt: info.ModTime().UTC()})
	}
	return m
}

// readLegacy reads a file an old manifest names, and its base name.
func (l *Library) readLegacy(file string) ([]byte, string, error) {
	if name, ok := strings.CutPrefix(file, bundledPrefix); ok {
		if l.bundled == nil {
			return nil, "", errors.New("no bundled statements in this binary")
		}
		data, err := fs.ReadFile(l.bundled, name)
		return data, name, err
	}
	if !filepath.IsLocal(file) {
		return nil, "", fmt.Errorf("bad file %q", file)
	}
	data, err := os.ReadFile(filepath.Join(l.legacy, file))
	return data, filepath.Base(file), err
}

// bundledRecords are the statements shipped in the binary.
func (l *Library) bundledRecords() ([]store.StatementRecord, error) {
	if l.bundled == nil {
		return nil, nil
	}
	entries, err := fs.ReadDir(l.bundled, ".")
	if err != nil {
		return nil, err
	}
	var recs []store.StatementRecord
	for _, e := range entries {
		if e.IsDir() || !IsStatementFile(e.Name()) {
			continue
		}
		raw, err := fs.ReadFile(l.bundled, e.Name())
		if err != nil {
			return nil, err
		}
		st, err := ingest.Parse(ingest.StatementID(e.Name()), raw, Metadata{})
		if err != nil {
			return nil, fmt.Errorf("bundled statement %s: %w", e.Name(), err)
		}
		recs = append(recs, toRecord(st, e.Name(), raw, string(raw)))
	}
	return recs, nil
}

// loadInMemory builds the library of a data dir without a store, which
// it cannot make (read-only): the old layout's statements, or the bundled
// ones, with the old cache's vectors and the rest computed.
func (l *Library) loadInMemory(ctx context.Context) (BuildStats, error) {
	recs, vecs, legacy, err := l.initialCorpus(ctx)
	if err != nil {
		return BuildStats{}, err
	}
	if legacy {
		l.log.Info("no store in the read-only data dir: serving the earlier version's data dir from memory", "dir", l.legacy, "statements", len(recs))
	}
	stmts, hashes, terms := fromRecords(recs)
	l.vecs = vecs
	return l.build(ctx, 0, stmts, hashes, terms, nil, nil)
}
