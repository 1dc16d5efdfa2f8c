package embeddings

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
)

// The embedding cache of earlier statementbot versions kept, under
// DATA/cache, one file per (embedder, model): vectors keyed by the
// SHA-256 of the embedded text. The store (package store) keeps vectors
// now; ReadLegacyCache reads such a file once, when an old data dir is
// imported, so that its paragraphs need not be embedded again. Nothing
// writes these files any more.

var unsafeNameRE = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// LegacyCacheFile is the name of the cache file of embedder name and model.
func LegacyCacheFile(name, model string) string {
	return unsafeNameRE.ReplaceAllString(name+"--"+model, "_") + ".vec"
}

// LegacyCacheMagic starts a cache file. The format: magic, dims (uint32),
// count (uint32), then count records of a 32-byte key and dims
// little-endian float32s, then a CRC-32 (IEEE) of all that.
var LegacyCacheMagic = []byte("SBVEC1\n\x00")

// ReadLegacyCache reads the cache file of embedder name and model under
// dir: vectors by the hex SHA-256 of their text. Without a file it returns
// an empty map; a damaged file is an error (its vectors are computed
// again).
func ReadLegacyCache(dir, name, model string) (map[string][]float32, error) {
	path := filepath.Join(dir, LegacyCacheFile(name, model))
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string][]float32{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("embedding cache: %w", err)
	}
	out, err := decodeLegacy(data)
	if err != nil {
		return nil, fmt.Errorf("embedding cache %s: %w", path, err)
	}
	return out, nil
}

func decodeLegacy(data []byte) (map[string][]float32, error) {
	m := len(LegacyCacheMagic)
	if len(data) < m+12 || !bytes.Equal(data[:m], LegacyCacheMagic) {
		return nil, errors.New("not a cache file")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, errors.New("checksum mismatch")
	}
	dims := int(binary.LittleEndian.Uint32(body[m:]))
	count := int(binary.LittleEndian.Uint32(body[m+4:]))
	recs := body[m+8:]
	size := 32 + 4*dims
	if dims <= 0 || dims > 1<<16 || size*count != len(recs) {
		return nil, errors.New("size mismatch")
	}
	out := make(map[string][]float32, count)
	for i := range count {
		rec := recs[i*size : (i+1)*size]
		v := make([]float32, dims)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(rec[32+4*j:]))
		}
		out[hex.EncodeToString(rec[:32])] = v
	}
	return out, nil
}
