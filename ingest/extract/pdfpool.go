package extract

import (
	"context"
	"fmt"
	"io"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// wasmPageBytes is the size of a WebAssembly memory page.
const wasmPageBytes = 64 << 10

// initPool starts a go-pdfium pool; tests replace it to make a start fail.
var initPool = webassembly.Init

// startPool returns the PDF worker pool, starting it if this is the first
// PDF or an earlier start failed.
func (e *Extractor) startPool(ctx context.Context) (pdfium.Pool, error) {
	select {
	case e.start <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("extract: waiting for PDF pool to start: %w", context.Cause(ctx))
	}
	defer func() { <-e.start }()
	if e.pool != nil {
		return e.pool, nil
	}

	rc := e.runtimeConfig()
	if e.opts.CacheDir != "" {
		pool, err := e.startCachedPool(rc)
		if err == nil {
			e.pool = pool
			return pool, nil
		}
		// A full disk or an unwritable data directory must not stop PDF
		// uploads: the cache only saves start-up time.
		e.opts.Log.Warn("the compiled PDF reader cannot be cached; compiling it in memory", "dir", e.opts.CacheDir, "err", err)
	}
	pool, err := initPool(e.poolConfig(rc))
	if err != nil {
		return nil, fmt.Errorf("extract: starting PDF pool: %w", err)
	}
	e.pool = pool
	return pool, nil
}

// startCachedPool starts the pool with the compilation cache in CacheDir.
func (e *Extractor) startCachedPool(rc wazero.RuntimeConfig) (pdfium.Pool, error) {
	cache, err := wazero.NewCompilationCacheWithDir(e.opts.CacheDir)
	if err != nil {
		return nil, fmt.Errorf("opening compilation cache: %w", err)
	}
	pool, err := initPool(e.poolConfig(rc.WithCompilationCache(cache)))
	if err != nil {
		_ = cache.Close(context.Background())
		return nil, err
	}
	return pool, nil
}

// runtimeConfig is the wazero configuration of the PDFium workers.
func (e *Extractor) runtimeConfig() wazero.RuntimeConfig {
	// The bundled PDFium needs WebAssembly exception handling (it lowers
	// setjmp/longjmp to it). Closing on context done lets a PDF that runs
	// past its deadline be interrupted instead of holding a worker forever;
	// it makes text extraction about 1.6 times slower (some 10 ms a page
	// instead of 6). The memory limit makes PDFium fail (trap) when a PDF
	// needs more instead of growing to the 4 GiB WebAssembly allows.
	pages := max(e.opts.MaxMemoryBytes/wasmPageBytes, 1)
	return wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(uint32(min(pages, 65536)))
}

// poolConfig is the go-pdfium pool configuration over rc.
func (e *Extractor) poolConfig(rc wazero.RuntimeConfig) webassembly.Config {
	return webassembly.Config{
		// The workers' memories are instantiated in the pool's context.
		Context:  experimental.WithMemoryAllocator(context.Background(), e.mem),
		MaxTotal: e.opts.Workers,
		MaxIdle:  e.opts.Workers,
		// A fresh instance per PDF (ReuseWorkers false) costs about 6 ms
		// and 19 MB of short-lived allocation, but returns each document's
		// memory as soon as it is done and carries no state from one upload
		// into the next; a worker that failed is never handed out again.
		RuntimeConfig: rc,
		// Documents are passed from memory: PDFium sees no file system.
		FSConfig: wazero.NewFSConfig(),
		Stdout:   io.Discard,
		Stderr:   io.Discard,
	}
}
