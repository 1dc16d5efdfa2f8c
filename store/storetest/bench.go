package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/statementbot/statementbot/store"
)

// Dim is the vector size of the benchmarks, as a typical embedding model.
const Dim = 768

// Bench runs the size benchmarks: a start (open, snapshot, all vectors),
// snapshot and vector loads, adding one small statement, and the query
// for statements to announce, each at 10k and 100k paragraphs of
// synthetic statements of 10 paragraphs.
func Bench(b *testing.B, be Backend) {
	for _, paragraphs := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("paragraphs=%dk", paragraphs/1000), func(b *testing.B) {
			loc := be.Fresh(b)
			s := open(b, be, loc)
			hashes := fill(b, s, paragraphs)
			ctx := context.Background()
			b.Run("Start", func(b *testing.B) {
				defer reportCPU(b)()
				b.ReportAllocs()
				for b.Loop() {
					o, err := be.Open(ctx, loc)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := o.Snapshot(ctx); err != nil {
						b.Fatal(err)
					}
					if v, err := o.Vectors(ctx, "e", "m", hashes); err != nil || len(v) != len(hashes) {
						b.Fatalf("%d of %d vectors: %v", len(v), len(hashes), err)
					}
					o.Close()
				}
			})
			b.Run("Snapshot", func(b *testing.B) {
				defer reportCPU(b)()
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.Snapshot(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Vectors", func(b *testing.B) {
				defer reportCPU(b)()
				b.ReportAllocs()
				for b.Loop() {
					if v, err := s.Vectors(ctx, "e", "m", hashes); err != nil || len(v) != len(hashes) {
						b.Fatalf("%d of %d vectors: %v", len(v), len(hashes), err)
					}
				}
			})
			b.Run("AddOne", func(b *testing.B) {
				defer reportCPU(b)()
				rng := rand.New(rand.NewPCG(2, 2))
				var written int64
				n := 0
				for b.Loop() {
					n++
					rec, vecs := synthetic(rng, fmt.Sprintf("added-%d", n), 3)
					before := int64(0)
					if be.Written != nil {
						before = be.Written(b, loc)
					}
					put(b, s, vecs, rec)
					if be.Written != nil {
						written += be.Written(b, loc) - before
					}
				}
				if be.Written != nil {
					b.ReportMetric(float64(written)/float64(n), "written-B/op")
				}
			})
			// What a bot with announcements asks at each index change:
			// every statement announced, one just added.
			b.Run("Unannounced", func(b *testing.B) {
				if _, err := s.StartAnnouncements(ctx, ""); err != nil {
					b.Fatal(err)
				}
				rec, vecs := synthetic(rand.New(rand.NewPCG(3, 3)), "to-announce", 3)
				put(b, s, vecs, rec)
				defer reportCPU(b)()
				for b.Loop() {
					if v, err := s.Unannounced(ctx, ""); err != nil || len(v) != 1 {
						b.Fatalf("unannounced %v: %v", v, err)
					}
				}
			})
		})
	}
}

// reportCPU starts counting this process's CPU time; the function it
// returns reports it per op. On a shared machine CPU time varies less
// than wall time.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if end := cpuTime(); start >= 0 && end >= 0 && b.N > 0 {
			b.ReportMetric(float64(end-start)/1e6/float64(b.N), "cpu-ms/op")
		}
	}
}

// fill adds statements of 10 paragraphs with vectors until s holds
// paragraphs paragraphs, and returns their text hashes.
func fill(b *testing.B, s store.Store, paragraphs int) []string {
	rng := rand.New(rand.NewPCG(1, 1))
	var hashes []string
	for done := 0; done < paragraphs; {
		var recs []store.StatementRecord
		vecs := map[string][]float32{}
		for range 100 {
			rec, v := synthetic(rng, fmt.Sprintf("st-%06d", done/10), 10)
			recs = append(recs, rec)
			for h, x := range v {
				vecs[h] = x
				hashes = append(hashes, h)
			}
			done += 10
		}
		put(b, s, vecs, recs...)
	}
	return hashes
}

var words = strings.Fields("the ministers coalition welcomed support iraq syria daesh efforts security stabilization partners global recalled commitment humanitarian region")

// synthetic is a statement of n paragraphs of about 300 characters, with
// random unit-free vectors.
func synthetic(rng *rand.Rand, id string, n int) (store.StatementRecord, map[string][]float32) {
	rec := statement("", id)
	rec.Upload = []byte(strings.Repeat("x", 2000))
	vecs := map[string][]float32{}
	for i := range n {
		var sb strings.Builder
		for sb.Len() < 300 {
			sb.WriteString(words[rng.IntN(len(words))])
			sb.WriteByte(' ')
		}
		h := fmt.Sprintf("%s-%d-%016x", id, i, rng.Uint64())
		rec.Paragraphs = append(rec.Paragraphs, store.ParagraphRecord{N: i + 1, Text: sb.String(), TextHash: h})
		v := make([]float32, Dim)
		for j := range v {
			v[j] = rng.Float32()
		}
		vecs[h] = v
	}
	return rec, vecs
}
