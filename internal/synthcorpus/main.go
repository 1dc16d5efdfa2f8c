// Command synthcorpus fills a data directory with a synthetic library of
// statements, for measuring statementbot at scale (cold start, memory,
// adding one statement). It is a development tool, not shipped.
//
//	go run ./internal/synthcorpus -data /tmp/lib100k -paragraphs 100000
//
// Statements read like the bundled one: a title, a dateline (date, place,
// issuer) and body paragraphs of two to five sentences drawn from the
// bundled statement, with names, places and figures varied, about nine
// paragraphs to a statement. They are added through the library, as
// `statementbot add` does (parsed, embedded with the local embedder,
// stored in batches of one transaction each), into the SQLite store of
// the data directory. The same flags give the same library.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/statements"
	"github.com/statementbot/statementbot/store/sqlite"
)

func main() {
	dir := flag.String("data", "", "data directory to fill (made if missing)")
	paragraphs := flag.Int("paragraphs", 100_000, "paragraphs to add, about")
	batch := flag.Int("batch", 500, "statements per transaction")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *dir == "" {
		log.Fatal("give -data DIR")
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, *dir, sqlite.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	lib, _, _, err := rag.OpenLibrary(ctx, rag.LibraryConfig{Store: st, Bundled: statements.FS, Docs: parallel{embeddings.NewLocal(0)}, ChangesOnly: true})
	if err != nil {
		log.Fatal(err)
	}
	g := newGenerator(*seed)
	start := time.Now()
	added, n := 0, 0
	for added < *paragraphs {
		var reqs []rag.AddRequest
		for range *batch {
			if added >= *paragraphs {
				break
			}
			name, text, paras := g.statement(n)
			n++
			added += paras
			reqs = append(reqs, rag.AddRequest{Name: name, Data: []byte(text)})
		}
		stats, _, err := lib.Add(ctx, reqs, nil)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "%d statements, %d paragraphs stored (%s)\n", stats.Statements, stats.Paragraphs, time.Since(start).Round(time.Second))
	}
}

// parallel is the local embedder on every processor (filling is setup,
// not what is measured); it names itself as the local embedder does, so
// statementbot reuses its vectors.
type parallel struct{ *embeddings.Local }

func (p parallel) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(texts); i += workers {
				out[i] = p.Vector(texts[i])
			}
		})
	}
	wg.Wait()
	return out, nil
}

// A generator makes statements from the bundled statement's sentences.
type generator struct {
	rng       *rand.Rand
	sentences []string
}

var (
	sentenceEnd = regexp.MustCompile(`[.!?]["”’]?\s+`)
	capitalised = regexp.MustCompile(`\b(?:Rome|Iraq|Syria|Italy|Africa|Sahel|Afghanistan|Mauritania|Yemen|Coalition)\b`)
	figure      = regexp.MustCompile(`\b\d[\d,.]*\b`)
)

var (
	places  = strings.Fields("Rome Ottawa Paris Berlin Madrid Rabat Amman Baghdad Erbil Riyadh Doha Nairobi Abuja Dakar Niamey Bamako Tunis Cairo Ankara Vienna Brussels Warsaw Oslo Lisbon Athens Tokyo Seoul Canberra Wellington Geneva Marrakesh Kuwait Manama Muscat Beirut Nicosia Valletta Dublin Prague Budapest")
	issuers = []string{"Global Affairs Canada", "Department of State", "Foreign Office", "Ministry of Foreign Affairs", "Office of the Spokesperson", "Council of the European Union", "Federal Foreign Office", "Ministry for Europe and Foreign Affairs", "Prime Minister's Office", "National Security Council"}
	topics  = []string{"Stabilization", "Counter-Terrorism Financing", "Foreign Terrorist Fighters", "Humanitarian Assistance", "Detention Facilities", "Border Security", "Information Sharing", "Civilian Protection", "Repatriation", "Reconstruction", "Sanctions", "Maritime Security", "Cyber Threats", "Chemical Weapons", "Refugee Returns"}
	months  = strings.Fields("January February March April May June July August September October November December")
)

func newGenerator(seed uint64) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(seed, 99))}
	data, err := statements.FS.ReadFile("2021-06-28-global-coalition-rome.txt")
	if err != nil {
		log.Fatal(err)
	}
	st, err := ingest.Parse("seed", data, rag.Metadata{})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range st.Paragraphs {
		if p.Header {
			continue
		}
		for _, s := range sentenceEnd.Split(p.Text, -1) {
			if s = strings.TrimSpace(s); len(s) > 30 {
				g.sentences = append(g.sentences, strings.TrimRight(s, ".")+".")
			}
		}
	}
	return g
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// sentence is one of the seed's sentences with its places and figures
// varied.
func (g *generator) sentence() string {
	s := g.pick(g.sentences)
	s = capitalised.ReplaceAllStringFunc(s, func(string) string { return g.pick(places) })
	return figure.ReplaceAllStringFunc(s, func(string) string { return fmt.Sprint(g.rng.IntN(5000)) })
}

// statement is statement n: its file name, text and paragraph count (the
// body's, plus the header).
func (g *generator) statement(n int) (string, string, int) {
	year, month, day := 2015+g.rng.IntN(11), 1+g.rng.IntN(12), 1+g.rng.IntN(28)
	topic, place := g.pick(topics), g.pick(places)
	var b strings.Builder
	fmt.Fprintf(&b, "Joint Statement on %s, Meeting %d\n\n", topic, n)
	fmt.Fprintf(&b, "%s %d, %d - %s - %s\n\n", months[month-1], day, year, place, g.pick(issuers))
	body := 7 + g.rng.IntN(3) // 7-9 body paragraphs: about 9 with the header
	for range body {
		k := 2 + g.rng.IntN(4)
		for j := range k {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(g.sentence())
		}
		b.WriteString("\n\n")
	}
	name := fmt.Sprintf("%04d-%02d-%02d-%s-%06d.txt", year, month, day, strings.ToLower(place), n)
	return name, b.String(), body + 1
}
