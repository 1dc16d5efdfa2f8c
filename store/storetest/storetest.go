// Package storetest is the conformance suite of store.Store: every
// adapter runs Run against stores it makes fresh for each test, and the
// benchmarks of bench.go at the sizes the issue names. Data comes from
// small synthetic statements made here; nothing is read from outside.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/statementbot/statementbot/store"
)

// Backend is how the suite makes and opens the stores of one adapter.
type Backend struct {
	// Fresh makes a new, empty store location for t (removed after t) and
	// names it: a directory, a URL.
	Fresh func(t testing.TB) string
	// Open opens a handle on a location made by Fresh. Each call gives an
	// independent handle, as another process would have.
	Open func(ctx context.Context, loc string) (store.Store, error)
	// SetSchemaVersion records v as the schema version at loc, as a newer
	// statementbot would have.
	SetSchemaVersion func(t testing.TB, loc string, v int)
	// Exec runs sql (statements the adapter's database takes, no
	// arguments) on the location loc made by Fresh, without opening a
	// store there: to make a store as an earlier release left it.
	Exec func(t testing.TB, loc, sql string)
	// Migration is the text of the adapter's migration number n.
	Migration func(t testing.TB, n int) string
	// Written, if set, is a running count of the bytes the store has
	// written at loc, for the benchmarks.
	Written func(tb testing.TB, loc string) int64
}

// Run runs the conformance suite.
func Run(t *testing.T, b Backend) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, b) })
	t.Run("Replace", func(t *testing.T) { testReplace(t, b) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, b) })
	t.Run("Vacuum", func(t *testing.T) { testVacuum(t, b) })
	t.Run("FailedChangeWritesNothing", func(t *testing.T) { testFailedChange(t, b) })
	t.Run("TxReadsItsOwnWrites", func(t *testing.T) { testTxReads(t, b) })
	t.Run("Libraries", func(t *testing.T) { testLibraries(t, b) })
	t.Run("LimitUnderConcurrency", func(t *testing.T) { testLimitUnderConcurrency(t, b) })
	t.Run("ForgetServer", func(t *testing.T) { testForgetServer(t, b) })
	t.Run("Terms", func(t *testing.T) { testTerms(t, b) })
	t.Run("Texts", func(t *testing.T) { testTexts(t, b) })
	t.Run("Catalog", func(t *testing.T) { testCatalog(t, b) })
	t.Run("ParagraphOrder", func(t *testing.T) { testParagraphOrder(t, b) })
	t.Run("ManyParagraphs", func(t *testing.T) { testManyParagraphs(t, b) })
	t.Run("Memory", func(t *testing.T) { testMemory(t, b) })
	t.Run("NewerSchemaRefused", func(t *testing.T) { testNewerSchema(t, b) })
	t.Run("UpgradeFromFirstRelease", func(t *testing.T) { testUpgrade(t, b) })
	t.Run("ConcurrentOpen", func(t *testing.T) { testConcurrentOpen(t, b) })
	t.Run("Goroutines", func(t *testing.T) { testGoroutines(t, b) })
	t.Run("Processes", func(t *testing.T) { testProcesses(t, b) })
	t.Run("Watch", func(t *testing.T) { testWatch(t, b) })
	t.Run("KilledMidChange", func(t *testing.T) { testKilled(t, b) })
	t.Run("Announce", func(t *testing.T) { testAnnounce(t, b) })
}

// open opens a handle on loc, closed after t.
func open(t testing.TB, b Backend, loc string) store.Store {
	t.Helper()
	s, err := b.Open(context.Background(), loc)
	if err != nil {
		t.Fatalf("open %s: %v", loc, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// change runs fn as one change and fails t if it fails.
func change(t testing.TB, s store.Store, fn func(context.Context, store.Tx) error) int64 {
	t.Helper()
	g, err := s.Change(context.Background(), fn)
	if err != nil {
		t.Fatalf("change: %v", err)
	}
	return g
}

// put stores statements and vectors (of embedder "e", model "m") in one change.
func put(t testing.TB, s store.Store, vecs map[string][]float32, recs ...store.StatementRecord) int64 {
	t.Helper()
	return change(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, r := range recs {
			if err := tx.PutStatement(ctx, r); err != nil {
				return err
			}
		}
		if len(vecs) > 0 {
			return tx.PutVectors(ctx, "e", "m", vecs)
		}
		return nil
	})
}

// statement makes a statement whose paragraphs have the given text hashes
// (the first with terms, the others without).
func statement(library, id string, hashes ...string) store.StatementRecord {
	r := store.StatementRecord{
		Library: library, ID: id, Title: "Title of " + id, Date: "2021-06-28", Issuer: "Issuer",
		Place: "Rome", Source: "https://example.org/" + id, Hash: "sha-" + id,
		Upload: []byte("%PDF\x00\xff" + id), FileName: id + ".pdf", Text: "Text of " + id,
		AddedAt: time.Date(2026, 11, 28, 7, 50, 1, 123456000, time.UTC),
	}
	for i, h := range hashes {
		r.Paragraphs = append(r.Paragraphs, store.ParagraphRecord{
			N: i + 1, Section: "S", Text: fmt.Sprintf("Paragraph %d of %s.", i+1, id), Header: i == 0, TextHash: h,
		})
		if i == 0 {
			r.Paragraphs[i].Terms = "terms of " + h
		}
	}
	return r
}

// vec is a distinct small vector for seed.
func vec(seed int) []float32 {
	return []float32{float32(seed), -1.5, 1e-30, 3.4e38, float32(seed) / 7}
}
