package embeddings

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// legacyFile renders vectors (by text) in the format of the old cache.
func legacyFile(dims int, byText map[string][]float32) []byte {
	b := append([]byte(nil), LegacyCacheMagic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(dims))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(byText)))
	for text, v := range byText {
		sum := sha256.Sum256([]byte(text))
		b = append(b, sum[:]...)
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

func TestReadLegacyCache(t *testing.T) {
	dir := t.TempDir()
	byText := map[string][]float32{"alpha": {1, 0, 0.5}, "beta": {0, -2, 3}}
	if err := os.WriteFile(filepath.Join(dir, LegacyCacheFile("local-hash-v1", "dims3")), legacyFile(3, byText), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLegacyCache(dir, "local-hash-v1", "dims3")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float32{}
	for text, v := range byText {
		sum := sha256.Sum256([]byte(text))
		want[hex.EncodeToString(sum[:])] = v
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read %v, want %v", got, want)
	}
	// Another model has no file: empty, no error.
	if other, err := ReadLegacyCache(dir, "local-hash-v1", "dims64"); err != nil || len(other) != 0 {
		t.Errorf("missing file: %v, %v; want empty, nil", other, err)
	}
	// A damaged file is an error, not wrong vectors.
	data := legacyFile(3, byText)
	data[len(LegacyCacheMagic)+10] ^= 0xff
	if err := os.WriteFile(filepath.Join(dir, LegacyCacheFile("x", "y")), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadLegacyCache(dir, "x", "y"); err == nil {
		t.Error("damaged file read without error")
	}
}
