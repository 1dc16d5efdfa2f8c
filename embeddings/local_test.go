package embeddings

import (
	"context"
	"math"
	"strings"
	"testing"
)

func cosine(a, b []float32) float64 {
	var dot float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
	}
	return dot
}

func TestLocalDeterministic(t *testing.T) {
	text := "The Ministers welcomed new members joining the Coalition."
	a := NewLocal(0).Vector(text)
	b := NewLocal(0).Vector(text)
	if len(a) != DefaultLocalDims {
		t.Fatalf("len = %d, want %d", len(a), DefaultLocalDims)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("component %d differs between runs: %v vs %v", i, a[i], b[i])
		}
	}
	// Pinned values: a change to tokenisation, hashing or weighting must be
	// deliberate (it invalidates every cache), so bump Name() with it.
	var sum float64
	nonzero := 0
	for _, x := range a {
		sum += float64(x) * float64(x)
		if x != 0 {
			nonzero++
		}
	}
	if math.Abs(sum-1) > 1e-5 {
		t.Errorf("|v|² = %v, want 1", sum)
	}
	if nonzero < 50 {
		t.Errorf("only %d non-zero components", nonzero)
	}
}

func TestLocalSimilarity(t *testing.T) {
	l := NewLocal(512)
	q := l.Vector("Which countries joined the coalition?")
	near := l.Vector("The Ministers welcomed new countries joining the Coalition.")
	far := l.Vector("Detainees in northeast Syria are a grave concern.")
	if !(cosine(q, near) > cosine(q, far)) {
		t.Errorf("cos(near) = %.3f <= cos(far) = %.3f", cosine(q, near), cosine(q, far))
	}
	// Inflections meet through stems and character n-grams.
	if c := cosine(l.Vector("reaffirmed"), l.Vector("reaffirming")); c < 0.5 {
		t.Errorf("cos(reaffirmed, reaffirming) = %.3f, want >= 0.5", c)
	}
	if z := l.Vector("the of and"); cosine(z, z) != 0 {
		t.Error("stop words only should embed to the zero vector")
	}
}

func TestLocalEmbedBatch(t *testing.T) {
	l := NewLocal(0)
	texts := []string{"one text", "another text", ""}
	got, err := l.Embed(context.Background(), texts)
	if err != nil || len(got) != 3 {
		t.Fatalf("Embed = %d, %v", len(got), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Embed(ctx, texts); err == nil {
		t.Error("Embed ignored a cancelled context")
	}
}

func BenchmarkLocalEmbed(b *testing.B) {
	para := strings.Repeat("The Ministers reaffirmed their shared determination to continue the fight against Daesh/ISIS, and to create conditions for the enduring defeat of the terrorist group. ", 5)
	l := NewLocal(0)
	b.SetBytes(int64(len(para)))
	b.ReportAllocs()
	for b.Loop() {
		l.Vector(para)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "paragraphs/s")
}
