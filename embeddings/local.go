package embeddings

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/statementbot/statementbot/words"
)

// Local is the offline embedder: deterministic signed feature hashing of
//
//   - stemmed content words,
//   - pairs of adjacent content words (word bigrams),
//   - character 3- to 5-grams of each word, with word-boundary marks,
//
// each weighted by sublinear term frequency (1 + ln tf), hashed with FNV-1a
// into Dims dimensions with a hash-derived sign, and L2-normalised. It needs
// no network, no model weights and no state: the same text always gives the
// same vector, on any machine.
type Local struct {
	dims int
}

// DefaultLocalDims is the vector size of NewLocal(0).
const DefaultLocalDims = 768

// Feature-group weights: whole words carry most of the meaning; bigrams
// reward phrases; character n-grams let inflections, compounds and
// misspellings meet.
const (
	wordWeight   = 1.0
	bigramWeight = 0.6
	ngramWeight  = 0.25
)

// NewLocal returns a local embedder of dims dimensions (DefaultLocalDims
// when dims <= 0).
func NewLocal(dims int) *Local {
	if dims <= 0 {
		dims = DefaultLocalDims
	}
	return &Local{dims: dims}
}

// Name identifies the embedder (and its feature scheme) in cache keys.
func (l *Local) Name() string { return "local-hash-v1" }

// Model identifies the vector size in cache keys.
func (l *Local) Model() string { return fmt.Sprintf("dims%d", l.dims) }

// Dims is the vector size.
func (l *Local) Dims() int { return l.dims }

// Embed embeds each text; it never fails but honours ctx.
func (l *Local) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out[i] = l.Vector(t)
	}
	return out, nil
}

// features counts one text's feature hashes; order lists each hash once,
// as first seen, so the vector is summed in the text's order: Go's map
// order is random, and float32 sums of colliding features depend on it.
type features struct {
	counts map[uint64]float32
	order  []uint64
}

func (f *features) add(h uint64) {
	if _, ok := f.counts[h]; !ok {
		f.order = append(f.order, h)
	}
	f.counts[h]++
}

var featuresPool = sync.Pool{New: func() any { return &features{counts: make(map[uint64]float32, 1024)} }}

// Vector embeds one text.
func (l *Local) Vector(text string) []float32 {
	feats := featuresPool.Get().(*features)
	defer func() {
		clear(feats.counts)
		feats.order = feats.order[:0]
		featuresPool.Put(feats)
	}()

	// Feature hashes are tagged by group so a word and an n-gram of the
	// same spelling do not collide on purpose. tf is summed per group.
	prev := ""
	var buf []byte
	for _, tok := range words.Tokens(text) {
		if words.IsStopword(tok) {
			prev = ""
			continue
		}
		stem := words.Stem(tok)
		feats.add(fnv(1, stem))
		if prev != "" {
			feats.add(fnv2(2, prev, stem))
		}
		prev = stem
		buf = append(buf[:0], '<')
		buf = append(buf, tok...)
		buf = append(buf, '>')
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(buf); i++ {
				feats.add(fnvBytes(3, buf[i:i+n]))
			}
		}
	}
	v := make([]float32, l.dims)
	for _, h := range feats.order {
		tf := feats.counts[h]
		w := float32(1 + math.Log(float64(tf)))
		switch h & 3 {
		case 1:
			w *= wordWeight
		case 2:
			w *= bigramWeight
		default:
			w *= ngramWeight
		}
		idx := (h >> 3) % uint64(l.dims)
		if h&4 != 0 {
			w = -w
		}
		v[idx] += w
	}
	normalize(v)
	return v
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnv hashes s with FNV-1a and stores group in the low two bits.
func fnv(group uint64, s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h&^3 | group
}

func fnv2(group uint64, a, b string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(a); i++ {
		h ^= uint64(a[i])
		h *= fnvPrime
	}
	h ^= ' '
	h *= fnvPrime
	for i := 0; i < len(b); i++ {
		h ^= uint64(b[i])
		h *= fnvPrime
	}
	return h&^3 | group
}

func fnvBytes(group uint64, s []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range s {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h&^3 | group
}

// normalize scales v to unit length in place; a zero vector stays zero.
func normalize(v []float32) {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
}
