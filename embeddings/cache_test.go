package embeddings

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// counting counts the texts it is asked to embed.
type counting struct {
	*Local
	calls, texts atomic.Int64
}

func (c *counting) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.calls.Add(1)
	c.texts.Add(int64(len(texts)))
	return c.Local.Embed(ctx, texts)
}

func TestCacheReuses(t *testing.T) {
	dir := t.TempDir()
	inner := &counting{Local: NewLocal(64)}
	c, err := OpenCache(dir, inner)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	texts := []string{"alpha paragraph", "beta paragraph", "alpha paragraph"}
	first, err := c.Embed(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	if got := inner.texts.Load(); got != 3 {
		t.Errorf("first pass embedded %d texts, want 3 (duplicates within one call are not deduplicated)", got)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	// Same process, again: no call.
	if _, err := c.Embed(ctx, texts[:2]); err != nil {
		t.Fatal(err)
	}
	if got := inner.calls.Load(); got != 1 {
		t.Errorf("second pass made %d calls in total, want 1", got)
	}
	// New process: reopen from disk, no call, same vectors.
	inner2 := &counting{Local: NewLocal(64)}
	c2, err := OpenCache(dir, inner2)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c2.Embed(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	if inner2.calls.Load() != 0 {
		t.Errorf("reopened cache made %d calls, want 0", inner2.calls.Load())
	}
	for i := range texts {
		for j := range first[i] {
			if first[i][j] != again[i][j] {
				t.Fatalf("vector %d differs after reload", i)
			}
		}
	}
	hits, misses := c2.Stats()
	if hits != 3 || misses != 0 {
		t.Errorf("Stats = %d hits, %d misses; want 3, 0", hits, misses)
	}
	// A returned vector is a copy: changing it does not change the cache.
	again[0][0] = 42
	third, _ := c2.Embed(ctx, texts[:1])
	if third[0][0] == 42 {
		t.Error("cache handed out its own slice")
	}
}

func TestCacheSeparatesModels(t *testing.T) {
	dir := t.TempDir()
	a, _ := OpenCache(dir, NewLocal(64))
	ctx := context.Background()
	va, _ := a.Embed(ctx, []string{"x y"})
	_ = a.Flush()
	b2, _ := OpenCache(dir, NewLocal(32))
	vb, _ := b2.Embed(ctx, []string{"x y"})
	if len(va[0]) != 64 || len(vb[0]) != 32 {
		t.Errorf("dims %d and %d: caches of different models mixed", len(va[0]), len(vb[0]))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.vec"))
	if len(files) != 1 {
		t.Errorf("%d cache files after one flush, want 1", len(files))
	}
}

func TestCacheCorruptFile(t *testing.T) {
	dir := t.TempDir()
	inner := &counting{Local: NewLocal(16)}
	c, _ := OpenCache(dir, inner)
	_, _ = c.Embed(context.Background(), []string{"some text"})
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, cacheFileName(inner.Name(), inner.Model()))
	data, _ := os.ReadFile(path)
	for _, damaged := range [][]byte{data[:len(data)/2], append(append([]byte{}, data[:20]...), 0xff), []byte("garbage")} {
		if err := os.WriteFile(path, damaged, 0o644); err != nil {
			t.Fatal(err)
		}
		inner2 := &counting{Local: NewLocal(16)}
		c2, err := OpenCache(dir, inner2)
		if err != nil {
			t.Fatalf("corrupt cache is an error: %v", err)
		}
		if c2.Len() != 0 {
			t.Errorf("corrupt cache loaded %d vectors", c2.Len())
		}
		if _, err := c2.Embed(context.Background(), []string{"some text"}); err != nil || inner2.calls.Load() != 1 {
			t.Errorf("corrupt cache: re-embedding failed: %v", err)
		}
	}
}
