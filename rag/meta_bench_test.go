package rag

import (
	"fmt"
	"testing"
)

// BenchmarkMetaMatch is the per-question cost of scoring statements by
// the metadata words a question uses, at 10k statements: over all of
// them, and over a scope of half of them.
func BenchmarkMetaMatch(b *testing.B) {
	const n = 10_000
	const q = "What did the Ministry of Foreign Affairs say in Rome in June 2021 about fisheries quotas?"
	places := []string{"Rome", "Ottawa", "Paris", "Berlin", "Tokyo", "Nairobi", "Lima", "Oslo"}
	issuers := []string{"Ministry of Foreign Affairs", "Department of Fisheries", "Office of the Prime Minister", "Ministry of Defence"}
	stmts := make([]*Statement, n)
	for i := range stmts {
		stmts[i] = &Statement{
			ID:     fmt.Sprintf("statement-%d", i),
			Title:  fmt.Sprintf("Joint statement %d on topic %d", i, i%97),
			Issuer: issuers[i%len(issuers)],
			Place:  places[i%len(places)],
			Date:   fmt.Sprintf("%d-%02d-%02d", 2015+i%10, 1+i%12, 1+i%28),
		}
	}
	m := newMetaIndex(stmts)
	half := make([]int, 0, n/2)
	for i := 0; i < n; i += 2 {
		half = append(half, i)
	}
	b.Run("all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.match(q)
		}
	})
	b.Run("half", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.matchIn(q, half)
		}
	})
}
