//go:build ignore

// generate writes capitals.txt, the table behind package capitals, from
// the npm package countries-list (MIT, Annexare Studio):
//
//	npm pack countries-list@3.4.1
//	go run capitals/generate.go countries-list-3.4.1.tgz
//
// Each line is "capital<TAB>country", both in lowercase: the capital as
// a question writes it ("washington" of "Washington D.C."), the country
// by its common English name. A capital that is its country's name or
// holds it ("Kuwait City", "Vatican City") is left out: it names
// nothing new. Lines are sorted.
package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type country struct {
	Name    string `json:"name"`
	Capital string `json:"capital"`
}

func main() {
	if len(os.Args) != 2 {
		fail(fmt.Errorf("usage: go run capitals/generate.go countries-list-3.4.1.tgz"))
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fail(err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		fail(err)
	}
	tr := tar.NewReader(zr)
	var countries map[string]country
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(err)
		}
		if h.Name == "package/countries.min.json" {
			if err := json.NewDecoder(tr).Decode(&countries); err != nil {
				fail(err)
			}
		}
	}
	if len(countries) == 0 {
		fail(fmt.Errorf("%s: no package/countries.min.json", os.Args[1]))
	}
	seen, dropped := map[string]string{}, map[string]bool{}
	for _, c := range countries {
		capital := strings.ToLower(strings.TrimSpace(strings.TrimSuffix(c.Capital, " D.C.")))
		name := strings.ToLower(c.Name)
		if capital == "" || strings.Contains(capital, name) || dropped[capital] {
			continue
		}
		if prev, ok := seen[capital]; ok && prev != name {
			// Two countries' capitals share a name: neither.
			delete(seen, capital)
			dropped[capital] = true
			continue
		}
		seen[capital] = name
	}
	var lines []string
	for capital, name := range seen {
		lines = append(lines, capital+"\t"+name)
	}
	sort.Strings(lines)
	out := "# capital<TAB>country, from countries-list 3.4.1 (MIT); see generate.go\n" + strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile("capitals/capitals.txt", []byte(out), 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "generate:", err)
	os.Exit(1)
}
