package ingest

import "testing"

func BenchmarkRepairSeed(b *testing.B) {
	raw := []byte(readSeed(b))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("seed", raw, Metadata{}); err != nil {
			b.Fatal(err)
		}
	}
}
