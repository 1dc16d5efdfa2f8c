package extract

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"

	"github.com/statementbot/statementbot/ingest/extract/extracttest"
)

func TestPoolStartRetriesAfterFailure(t *testing.T) {
	pdfExtractor(t) // fills the compilation cache first
	failing := errors.New("no memory for the runtime")
	calls := 0
	initPool = func(cfg webassembly.Config) (pdfium.Pool, error) {
		calls++
		if calls <= 2 { // with the cache, then without
			return nil, failing
		}
		return webassembly.Init(cfg)
	}
	defer func() { initPool = webassembly.Init }()
	e := New(Options{CacheDir: extracttest.CacheDir(t)})
	defer e.Close()
	data := extracttest.PDF{Pages: []string{extracttest.TextPage("Retry text.")}}.Build()

	_, err := e.Extract(context.Background(), "a.pdf", data)
	var ie *InputError
	if !errors.Is(err, failing) || errors.As(err, &ie) {
		t.Fatalf("Extract() with a failing start error = %v, want an internal error wrapping %v", err, failing)
	}
	got, err := e.Extract(context.Background(), "a.pdf", data)
	if err != nil || got.Text != "Retry text." {
		t.Errorf("Extract() after a failed start = %q, %v; want %q, nil", got.Text, err, "Retry text.")
	}
}

// TestUnusableCacheCompilesInMemory checks that PDFs are still read when
// the compilation cache cannot be used (a full disk, a data directory that
// cannot be written), with a warning. Its directory here lies under a
// regular file, so it cannot be created; PDFium is then compiled in
// memory, which takes some seconds.
func TestUnusableCacheCompilesInMemory(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	e := New(Options{CacheDir: filepath.Join(notADir, "cache", "wazero"), Log: slog.New(slog.NewTextHandler(&log, nil))})
	defer e.Close()
	data := extracttest.PDF{Pages: []string{extracttest.TextPage("Uncached text.")}}.Build()

	got, err := e.Extract(context.Background(), "a.pdf", data)
	if err != nil || got.Text != "Uncached text." {
		t.Fatalf("Extract() with an unusable cache = %q, %v; want %q, nil", got.Text, err, "Uncached text.")
	}
	if !strings.Contains(log.String(), "compiling it in memory") {
		t.Errorf("log = %q, want a warning that the reader is compiled in memory", log.String())
	}
}
