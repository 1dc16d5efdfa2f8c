package storetest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/statementbot/statementbot/store"
)

// counted is one change as the concurrency tests make it: it adds
// statement id with a vector and adds one to the counter statement, read
// inside the change, so that a change made from a stale view shows as a
// wrong count.
func counted(ctx context.Context, s store.Store, id string) (int64, error) {
	return s.Change(ctx, func(ctx context.Context, tx store.Tx) error {
		c, err := tx.Statement(ctx, "", "counter")
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(c.Title)
		if err != nil {
			return err
		}
		c.Title = strconv.Itoa(n + 1)
		if err := tx.PutStatement(ctx, c); err != nil {
			return err
		}
		if err := tx.PutStatement(ctx, statement("", id, "h-"+id)); err != nil {
			return err
		}
		return tx.PutVectors(ctx, "e", "m", map[string][]float32{"h-" + id: vec(len(id))})
	})
}

func startCounter(t testing.TB, s store.Store) {
	t.Helper()
	c := statement("", "counter")
	c.Title = "0"
	put(t, s, nil, c)
}

// checkCounted fails t unless every id in done is stored with its vector,
// nothing else was added, the counter counts them all and every change
// had a generation of its own.
func checkCounted(t testing.TB, s store.Store, done map[string]int64) {
	t.Helper()
	snap := snapshot(t, s)
	stored := map[string]bool{}
	for _, r := range snap.Statements {
		stored[r.ID] = true
		if r.ID == "counter" && r.Title != strconv.Itoa(len(done)) {
			t.Errorf("counter at %s after %d changes: a change was lost", r.Title, len(done))
		}
	}
	if len(stored) != len(done)+1 {
		t.Errorf("%d statements stored, want the counter and %d", len(stored), len(done))
	}
	gens := map[int64]string{}
	var hashes []string
	for id, g := range done {
		if !stored[id] {
			t.Errorf("%s was reported added (generation %d) but is not stored", id, g)
		}
		if other, ok := gens[g]; ok {
			t.Errorf("%s and %s both committed as generation %d", id, other, g)
		}
		gens[g] = id
		hashes = append(hashes, "h-"+id)
	}
	if got := vectors(t, s, "e", "m", hashes...); len(got) != len(hashes) {
		t.Errorf("%d of %d vectors stored", len(got), len(hashes))
	}
	if want := int64(len(done) + 1); snap.Generation != want {
		t.Errorf("generation %d after %d changes, want %d", snap.Generation, len(done)+1, want)
	}
}

// testConcurrentOpen opens one new location from several goroutines at
// once: one of them creates the schema, none fails.
func testConcurrentOpen(t *testing.T, b Backend) {
	loc := b.Fresh(t)
	handles := make([]store.Store, 4)
	errs := make([]error, len(handles))
	var wg sync.WaitGroup
	for i := range handles {
		wg.Go(func() { handles[i], errs[i] = b.Open(context.Background(), loc) })
	}
	wg.Wait()
	for i, s := range handles {
		if errs[i] != nil {
			t.Errorf("open %d: %v", i, errs[i])
			continue
		}
		defer s.Close()
		put(t, s, nil, statement("", fmt.Sprintf("from-%d", i)))
	}
	if t.Failed() {
		return
	}
	if n := len(snapshot(t, handles[0]).Statements); n != len(handles) {
		t.Errorf("%d statements from %d handles", n, len(handles))
	}
}

func testGoroutines(t *testing.T, b Backend) {
	loc := b.Fresh(t)
	handles := []store.Store{open(t, b, loc), open(t, b, loc)}
	startCounter(t, handles[0])
	var mu sync.Mutex
	done := map[string]int64{}
	var wg sync.WaitGroup
	for h, s := range handles {
		for i := range 20 {
			wg.Go(func() {
				id := fmt.Sprintf("g%d-%02d", h, i)
				g, err := counted(context.Background(), s, id)
				if err != nil {
					t.Errorf("change %s: %v", id, err)
					return
				}
				mu.Lock()
				done[id] = g
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	if len(done) != 40 {
		t.Errorf("%d of 40 changes succeeded", len(done))
	}
	checkCounted(t, handles[0], done)
}

const childEnv = "STATEMENTBOT_STORETEST_CHILD"

var okLine = regexp.MustCompile(`^storetest-ok (\S+) (\d+)$`)

// testProcesses runs 2 processes (this test binary again) of 20
// concurrent changes each against one store.
func testProcesses(t *testing.T, b Backend) {
	if v := os.Getenv(childEnv); v != "" {
		name, loc, _ := strings.Cut(v, "\t")
		child(t, b, name, loc)
		return
	}
	loc := b.Fresh(t)
	s := open(t, b, loc)
	startCounter(t, s)
	outs := make([]bytes.Buffer, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for p := range 2 {
		cmd := again(t, fmt.Sprintf("p%d", p), loc)
		cmd.Stdout = &outs[p]
		cmd.Stderr = &outs[p]
		wg.Go(func() { errs[p] = cmd.Run() })
	}
	wg.Wait()
	done := map[string]int64{}
	for p := range 2 {
		if errs[p] != nil {
			t.Errorf("process %d: %v\n%s", p, errs[p], outs[p].String())
		}
		sc := bufio.NewScanner(&outs[p])
		for sc.Scan() {
			if m := okLine.FindStringSubmatch(sc.Text()); m != nil {
				done[m[1]], _ = strconv.ParseInt(m[2], 10, 64)
			}
		}
	}
	if len(done) != 40 {
		t.Errorf("%d of 2 x 20 changes reported success", len(done))
	}
	checkCounted(t, s, done)
}

// again is a command running t again in a child process of this test
// binary, which sees name and loc in childEnv.
func again(t *testing.T, name, loc string) *exec.Cmd {
	var pattern []string
	for _, part := range strings.Split(t.Name(), "/") {
		pattern = append(pattern, "^"+regexp.QuoteMeta(part)+"$")
	}
	cmd := exec.Command(os.Args[0], "-test.run="+strings.Join(pattern, "/"), "-test.count=1", "-test.v=false")
	cmd.Env = append(os.Environ(), childEnv+"="+name+"\t"+loc)
	return cmd
}

// child is one process of testProcesses: it prints a line per change that
// succeeded and fails for one that did not.
func child(t *testing.T, b Backend, name, loc string) {
	s := open(t, b, loc)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range 20 {
		wg.Go(func() {
			id := fmt.Sprintf("%s-%02d", name, i)
			g, err := counted(context.Background(), s, id)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("change %s: %v", id, err)
				return
			}
			fmt.Printf("storetest-ok %s %d\n", id, g)
		})
	}
	wg.Wait()
}

// patience bounds the wait for something that must happen, so that a
// broken Watch fails instead of hanging; it is no measure of speed.
const patience = time.Minute

func testWatch(t *testing.T, b Backend) {
	loc := b.Fresh(t)
	watcher, other := open(t, b, loc), open(t, b, loc)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := watcher.Watch(ctx)
	waitFor := func(want int64) {
		t.Helper()
		deadline := time.After(patience)
		for {
			select {
			case g, ok := <-ch:
				if !ok {
					t.Fatalf("watch closed before generation %d", want)
				}
				if g > want {
					t.Fatalf("watch skipped to %d, want %d first", g, want)
				}
				if g == want {
					return
				}
			case <-deadline:
				t.Fatalf("generation %d not seen in %v", want, patience)
			}
		}
	}
	waitFor(put(t, other, nil, statement("", "from-elsewhere")))
	waitFor(put(t, watcher, nil, statement("", "from-here")))
	waitFor(change(t, other, func(ctx context.Context, tx store.Tx) error { return tx.DeleteStatement(ctx, "", "from-here") }))
	cancel()
	deadline := time.After(patience)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("watch not closed %v after its context ended", patience)
		}
	}
}
