package bot

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/statementbot/statementbot/ingest/extract"
	"github.com/statementbot/statementbot/ingest/extract/extracttest"
	"github.com/statementbot/statementbot/rag"
)

var (
	extractorOnce sync.Once
	extractor     *extract.Extractor
	extractorErr  error
)

// testExtractor is one PDF/HTML extractor shared by the bot's tests, its
// PDFium pool started by reading a first PDF before any test waits for
// anything: on a machine without the compiled code cached, compiling it
// takes 40-50 s under -race, which no wait should have to include.
func testExtractor(tb testing.TB) rag.ExtractFunc {
	tb.Helper()
	extractorOnce.Do(func() {
		extractor = extract.New(extract.Options{CacheDir: extracttest.CacheDir(tb)})
		start := time.Now()
		pdf := extracttest.PDF{Pages: []string{extracttest.TextPage("Warm-up statement", "", "The PDF reader is ready.")}}.Build()
		_, extractorErr = extractor.Extract(context.Background(), "warm-up.pdf", pdf)
		tb.Logf("PDF reader started in %v", time.Since(start).Round(time.Millisecond))
	})
	if extractorErr != nil {
		tb.Fatalf("starting the PDF reader: %v", extractorErr)
	}
	return extractor.Extract
}
