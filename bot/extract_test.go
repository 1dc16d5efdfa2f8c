package bot

import (
	"sync"
	"testing"

	"github.com/statementbot/statementbot/ingest/extract"
	"github.com/statementbot/statementbot/ingest/extract/extracttest"
	"github.com/statementbot/statementbot/rag"
)

var (
	extractorOnce sync.Once
	extractor     *extract.Extractor
)

// testExtractor is one PDF/HTML extractor shared by the bot's tests (its
// PDFium pool is costly to start).
func testExtractor(tb testing.TB) rag.ExtractFunc {
	extractorOnce.Do(func() {
		extractor = extract.New(extract.Options{CacheDir: extracttest.CacheDir(tb)})
	})
	return extractor.Extract
}
