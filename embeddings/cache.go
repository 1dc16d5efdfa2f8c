package embeddings

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"

	"github.com/google/renameio/v2"
)

// Embedder is what the cache wraps: a batch embedder that names itself,
// so vectors of different embedders or models never mix.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	Name() string
	Model() string
}

// Cache remembers vectors on disk keyed by (embedder, model, SHA-256 of the
// text), so an unchanged paragraph is never embedded twice, across runs.
// Each (embedder, model) pair has one file, rewritten atomically (temp
// file, fsync, rename) by Flush. A missing, foreign or corrupt file is an
// empty cache, never an error. Safe for concurrent use.
type Cache struct {
	inner Embedder
	path  string

	mu      sync.Mutex
	vectors map[[32]byte][]float32
	dims    int
	dirty   bool

	hits, misses atomic.Int64
}

// OpenCache opens (or starts) the cache file for inner under dir.
func OpenCache(dir string, inner Embedder) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("embedding cache: %w", err)
	}
	c := &Cache{
		inner:   inner,
		path:    filepath.Join(dir, cacheFileName(inner.Name(), inner.Model())),
		vectors: map[[32]byte][]float32{},
	}
	if err := c.load(); err != nil && !errors.Is(err, os.ErrNotExist) {
		// A damaged cache costs re-embedding, nothing else.
		c.vectors = map[[32]byte][]float32{}
		c.dims = 0
	}
	return c, nil
}

var unsafeNameRE = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func cacheFileName(name, model string) string {
	return unsafeNameRE.ReplaceAllString(name+"--"+model, "_") + ".vec"
}

// Name and Model are the wrapped embedder's.
func (c *Cache) Name() string  { return c.inner.Name() }
func (c *Cache) Model() string { return c.inner.Model() }

// Stats reports how many texts were served from the cache and how many were
// sent to the wrapped embedder since the cache was opened.
func (c *Cache) Stats() (hits, misses int64) { return c.hits.Load(), c.misses.Load() }

// Embed returns cached vectors and embeds the rest in one call to the
// wrapped embedder. Returned slices are copies.
func (c *Cache) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	keys := make([][32]byte, len(texts))
	var missIdx []int
	var missTexts []string
	c.mu.Lock()
	for i, t := range texts {
		keys[i] = sha256.Sum256([]byte(t))
		if v, ok := c.vectors[keys[i]]; ok {
			out[i] = append([]float32(nil), v...)
			continue
		}
		missIdx = append(missIdx, i)
		missTexts = append(missTexts, t)
	}
	c.mu.Unlock()
	c.hits.Add(int64(len(texts) - len(missIdx)))
	if len(missIdx) == 0 {
		return out, nil
	}
	c.misses.Add(int64(len(missIdx)))
	vecs, err := c.inner.Embed(ctx, missTexts)
	if err != nil {
		return nil, err
	}
	if len(vecs) != len(missTexts) {
		return nil, fmt.Errorf("embedder %s returned %d vectors for %d texts", c.inner.Name(), len(vecs), len(missTexts))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for j, i := range missIdx {
		v := vecs[j]
		if c.dims == 0 {
			c.dims = len(v)
		}
		if len(v) != c.dims || len(v) == 0 {
			return nil, fmt.Errorf("embedder %s returned a %d-dimensional vector; expected %d", c.inner.Name(), len(v), c.dims)
		}
		c.vectors[keys[i]] = append([]float32(nil), v...)
		out[i] = v
		c.dirty = true
	}
	return out, nil
}

// Len is the number of cached vectors.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.vectors)
}

// File format: magic, dims (uint32), count (uint32), then count records of
// a 32-byte key and dims little-endian float32s, then a CRC-32 of all that.
var cacheMagic = []byte("SBVEC1\n\x00")

// Flush writes the cache file atomically if anything was added.
func (c *Cache) Flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty {
		return nil
	}
	var buf bytes.Buffer
	buf.Grow(len(cacheMagic) + 8 + len(c.vectors)*(32+4*c.dims) + 4)
	buf.Write(cacheMagic)
	var u32 [4]byte
	binary.LittleEndian.PutUint32(u32[:], uint32(c.dims))
	buf.Write(u32[:])
	binary.LittleEndian.PutUint32(u32[:], uint32(len(c.vectors)))
	buf.Write(u32[:])
	for k, v := range c.vectors {
		buf.Write(k[:])
		for _, x := range v {
			binary.LittleEndian.PutUint32(u32[:], math.Float32bits(x))
			buf.Write(u32[:])
		}
	}
	binary.LittleEndian.PutUint32(u32[:], crc32.ChecksumIEEE(buf.Bytes()))
	buf.Write(u32[:])
	if err := renameio.WriteFile(c.path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("embedding cache: %w", err)
	}
	c.dirty = false
	return nil
}

func (c *Cache) load() error {
	data, err := os.ReadFile(c.path)
	if err != nil {
		return err
	}
	if len(data) < len(cacheMagic)+12 || !bytes.Equal(data[:len(cacheMagic)], cacheMagic) {
		return errors.New("not a cache file")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return errors.New("cache file checksum mismatch")
	}
	r := bufio.NewReader(bytes.NewReader(body[len(cacheMagic):]))
	var hdr [8]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return err
	}
	dims := int(binary.LittleEndian.Uint32(hdr[:4]))
	count := int(binary.LittleEndian.Uint32(hdr[4:]))
	if dims <= 0 || dims > 1<<16 || (32+4*dims)*count != len(body)-len(cacheMagic)-8 {
		return errors.New("cache file size mismatch")
	}
	vectors := make(map[[32]byte][]float32, count)
	rec := make([]byte, 32+4*dims)
	for range count {
		if _, err := io.ReadFull(r, rec); err != nil {
			return err
		}
		var k [32]byte
		copy(k[:], rec[:32])
		v := make([]float32, dims)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(rec[32+4*j:]))
		}
		vectors[k] = v
	}
	c.vectors, c.dims = vectors, dims
	return nil
}
