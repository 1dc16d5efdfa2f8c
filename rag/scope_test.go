package rag

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/store/sqlite"
	"github.com/statementbot/statementbot/words"
)

const (
	serverA = "111111111111111111"
	serverB = "222222222222222222"
	// Both servers add a "harbour.txt": one id, two statements.
	harbourB = "Harbour Notice\n\nMarch 3, 2026 - Port Town - Harbour Office\n\nThe delegates approved the harbour budget of four million euros.\n\nThe lighthouse will be repainted in May."
	harbourA = "Harbour Notice\n\nApril 4, 2025 - Old Town - Ferry Office\n\nThe council rejected the ferry tariff after a long debate.\n\nThe quay will be closed in winter."
)

// openLimitedLibrary opens a library over a fresh store with limits.
func openLimitedLibrary(t *testing.T, lim ServerLimits) (*Library, *Engine) {
	t.Helper()
	dir := t.TempDir()
	inner := embeddings.NewLocal(64)
	lib, ix, _, err := OpenLibrary(context.Background(), LibraryConfig{
		Store: openStore(t, dir, sqlite.Options{}), Bundled: bundledFS(t), Docs: &countingEmbedder{Local: inner}, Limits: lim,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(ix, Config{Queries: inner})
	lib.SetEngine(e)
	return lib, e
}

func addTo(t *testing.T, lib *Library, library, name, text string) {
	t.Helper()
	if _, _, err := lib.Add(context.Background(), []AddRequest{{Library: library, Name: name, Data: []byte(text)}}, nil); err != nil {
		t.Fatalf("adding %s to %q: %v", name, library, err)
	}
}

func keysOf(stmts []*Statement) []string {
	var out []string
	for _, st := range stmts {
		out = append(out, st.ID)
	}
	return out
}

// TestScopedLibraries: a server's statement answers in that server only;
// the same id in two servers is two statements; the shared library is
// seen everywhere.
func TestScopedLibraries(t *testing.T) {
	ctx := context.Background()
	lib, e := openLimitedLibrary(t, ServerLimits{})
	addTo(t, lib, serverB, "harbour.txt", harbourB)
	addTo(t, lib, serverA, "harbour.txt", harbourA)
	rome := "2021-06-28-global-coalition-rome"
	keyA, keyB := StatementKey(serverA, "harbour"), StatementKey(serverB, "harbour")

	ix := e.Index()
	for _, tc := range []struct {
		scope Scope
		want  string
	}{
		{Scope{}, rome},
		{ServerScope(serverA), rome + " " + keyA},
		{ServerScope(serverB), rome + " " + keyB},
	} {
		if got := strings.Join(keysOf(ix.In(tc.scope).Statements()), " "); got != tc.want {
			t.Errorf("statements in %v: %s, want %s", tc.scope, got, tc.want)
		}
	}

	q := "What budget did the delegates approve for the harbour?"
	a, err := e.Ask(ctx, AskRequest{Question: q, Scope: ServerScope(serverB)})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Grounded || !strings.Contains(a.Text, "four million") || a.Citations[0].Statement != keyB {
		t.Errorf("in server B: %q citing %+v; want the budget from %s", a.Text, a.Citations, keyB)
	}
	for _, scope := range []Scope{{}, ServerScope(serverA), ServerScope("333")} {
		a, err := e.Ask(ctx, AskRequest{Question: q, Scope: scope})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(a.Text, "four million") {
			t.Errorf("in %v the answer quotes server B's statement: %q", scope, a.Text)
		}
		for _, c := range a.Citations {
			if c.Statement == keyB {
				t.Errorf("in %v the answer cites server B's statement", scope)
			}
		}
		for _, r := range []Retrieval{Hybrid, KeywordOnly, VectorOnly, RRF, Literal} {
			hits, err := e.Search(ctx, q, SearchOptions{K: 10, Scope: scope, Retrieval: r})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				if lib, _ := SplitKey(h.Statement); !scope.Has(lib) {
					t.Errorf("%v search in %v found %s", r, scope, h.Statement)
				}
			}
		}
	}
	// A statement search names a key of the scope only.
	if _, err := e.Search(ctx, "budget", SearchOptions{Statement: keyB, Scope: ServerScope(serverA)}); !errors.Is(err, ErrUnknownStatement) {
		t.Errorf("searching B's statement from A: %v, want ErrUnknownStatement", err)
	}
	if _, ok := ix.In(ServerScope(serverA)).Statement(keyB); ok {
		t.Error("B's statement is visible from A")
	}
	if _, err := ix.In(ServerScope(serverA)).Cite(keyB, 2); err == nil {
		t.Error("B's paragraph cited from A")
	}

	// "latest" picks among the scope's statements: B's is the newest of
	// all, A's the newest A sees.
	m := ix.In(ServerScope(serverA)).metaMatch("What did the latest harbour notice say?")
	if m == nil || m[ix.byID[keyA]] != 1 || m[ix.byID[keyB]] != 0 {
		t.Errorf("latest statement from A: scores %v (A's %d, B's %d)", m, ix.byID[keyA], ix.byID[keyB])
	}

	// The vocabulary is the scope's: a word only A's statement holds is
	// unknown in B and in the shared library, and nothing is respelled
	// towards it there.
	for _, tc := range []struct {
		scope Scope
		known bool
	}{{ServerScope(serverA), true}, {ServerScope(serverB), false}, {Scope{}, false}} {
		v := ix.In(tc.scope)
		if got := v.knows(words.Stem("tariff")); got != tc.known {
			t.Errorf("knows(tariff) in %v = %v", tc.scope, got)
		}
		if _, got := v.respell("tarifff"); got != tc.known {
			t.Errorf("respell(tarifff) in %v = %v", tc.scope, got)
		}
		if got := v.metaKnows(words.Stem("ferry")); got != tc.known {
			t.Errorf("metaKnows(ferry) in %v = %v", tc.scope, got)
		}
	}

	// References.
	for _, tc := range []struct {
		scope  Scope
		ref    string
		strict bool
		want   string
		ok     bool
	}{
		{ServerScope(serverB), "harbour", false, keyB, true},
		{ServerScope(serverB), "~harbour", false, keyB, true},
		{ServerScope(serverB), "harbour", true, "", false},
		{ServerScope(serverA), "~harbour", true, keyA, true},
		{ServerScope(serverA), keyB, false, "", false},
		{Scope{}, "~harbour", false, "", false},
		{Scope{}, "harbour", false, "", false},
		{ServerScope(serverB), rome, true, rome, true},
	} {
		key, ok := ix.In(tc.scope).Resolve(tc.ref, tc.strict)
		if ok != tc.ok || ok && key != tc.want {
			t.Errorf("Resolve(%q, strict %v) in %v = %q, %v; want %q, %v", tc.ref, tc.strict, tc.scope, key, ok, tc.want, tc.ok)
		}
	}
	if got := Ref(keyB); got != "~harbour" {
		t.Errorf("Ref(%s) = %q", keyB, got)
	}
	// With a shared "harbour" too, each Ref still names its own.
	addTo(t, lib, "", "harbour.txt", strings.Replace(harbourB, "four million", "five million", 1))
	vb := e.Index().In(ServerScope(serverB))
	if key, ok := vb.Resolve("harbour", false); !ok || key != "harbour" {
		t.Errorf("plain id beside a shared statement of that id: %q, %v", key, ok)
	}
	if key, ok := vb.Resolve("~harbour", false); !ok || key != keyB {
		t.Errorf("~id beside a shared statement of that id: %q, %v", key, ok)
	}
	if _, err := lib.Remove(ctx, "harbour"); err != nil {
		t.Fatal(err)
	}

	// Removing one server's statement leaves the other's; purging a
	// server's library leaves the shared one.
	if _, err := lib.Remove(ctx, keyA); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Index().In(ServerScope(serverB)).Statement(keyB); !ok {
		t.Error("removing A's harbour removed B's")
	}
	addTo(t, lib, serverB, "notice.txt", harbourA)
	stats, err := lib.RemoveLibrary(ctx, serverB)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Statements != 0 {
		t.Errorf("after the purge server B holds %d statements", stats.Statements)
	}
	if got := lib.Statements(); len(got) != 1 || got[0] != rome {
		t.Errorf("after the purges: %v, want the shared statement only", got)
	}
}

// TestServerLimits: the limits refuse with a message naming them, and
// concurrent adds cannot pass them together.
func TestServerLimits(t *testing.T) {
	ctx := context.Background()
	lib, _ := openLimitedLibrary(t, ServerLimits{Statements: 2, Bytes: 1_000})
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() {
			text := fmt.Sprintf("Notice %d\n\nMarch %d, 2026 - Port Town\n\nThe delegates approved item %d.", i, i+1, i)
			_, _, errs[i] = lib.Add(ctx, []AddRequest{{Library: serverA, Name: fmt.Sprintf("n%d.txt", i), Data: []byte(text)}}, nil)
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		var le *LimitError
		var ie *InputError
		switch {
		case err == nil:
			ok++
		case !errors.As(err, &le) || le.Msg != "SERVER_MAX_STATEMENTS" || !errors.As(err, &ie) || !strings.Contains(ie.Msg, "SERVER_MAX_STATEMENTS"):
			t.Errorf("refusal %v: want one naming SERVER_MAX_STATEMENTS", err)
		}
	}
	if ok != 2 {
		t.Errorf("%d concurrent adds passed a limit of 2", ok)
	}
	// The shared library has no limit; another server its own.
	addTo(t, lib, "", "harbour.txt", harbourB)
	addTo(t, lib, serverB, "harbour.txt", harbourB)
	_, _, err := lib.Add(ctx, []AddRequest{{Library: serverB, Name: "long.txt", Data: []byte("Long Notice\n\n" + strings.Repeat("The delegates met again today. ", 40))}}, nil)
	var le *LimitError
	if !errors.As(err, &le) || le.Msg != "SERVER_MAX_BYTES" || !strings.Contains(err.Error(), "1000 bytes") {
		t.Errorf("over the byte limit: %v, want a refusal naming SERVER_MAX_BYTES", err)
	}
	// The limit counts what the store holds: the text and the upload it
	// was extracted from (here, about 640 bytes of each).
	const serverC = "333333333333333333"
	notice := []byte("Port Notice\n\n" + strings.Repeat("The quay stays open. ", 30))
	_, _, err = lib.Add(ctx, []AddRequest{{Library: serverC, Name: "port.txt", Data: notice}}, nil)
	if !errors.As(err, &le) || le.Msg != "SERVER_MAX_BYTES" || !strings.Contains(err.Error(), "uploaded files") {
		t.Errorf("text and upload over the byte limit: %v, want a refusal naming SERVER_MAX_BYTES and what it counts", err)
	}
}

// TestMetaMatchIsTheScopes: which statements a question names by their
// metadata, and how strongly, is decided within the question's scope: a
// server's statements do not change it elsewhere (a word every shared
// statement has names none of them in a DM, whatever other servers hold).
func TestMetaMatchIsTheScopes(t *testing.T) {
	ctx := context.Background()
	stmt := func(library, id, title, text string) *Statement {
		key := StatementKey(library, id)
		return &Statement{ID: key, Title: title, Paragraphs: []Paragraph{{Statement: key, N: 1, Text: text}}}
	}
	shared := []*Statement{
		stmt("", "syria", "Coalition Statement on Syria", "The ministers discussed the detainees."),
		stmt("", "iraq", "Coalition Statement on Iraq", "The ministers discussed the reconstruction."),
	}
	servers := []*Statement{
		stmt(serverB, "harbour", "Harbour Notice", "The delegates approved the harbour budget."),
		stmt(serverB, "ferry", "Ferry Notice", "The council rejected the ferry tariff."),
		stmt(serverB, "quay", "Quay Notice", "The quay will be closed in winter."),
	}
	alone, _, err := Build(ctx, shared, embeddings.NewLocal(64), nil)
	if err != nil {
		t.Fatal(err)
	}
	all, _, err := Build(ctx, append(append([]*Statement(nil), shared...), servers...), embeddings.NewLocal(64), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"What did the coalition say about Syria?", "coalition detainees", "the latest coalition statement"} {
		want := alone.metaMatch(q)
		got := all.In(Scope{}).metaMatch(q)
		if want == nil != (got == nil) || got != nil && fmt.Sprint(got[:len(shared)]) != fmt.Sprint(want) {
			t.Errorf("%q in a DM: names %v with other servers' statements, %v without", q, got, want)
		}
		for i := len(shared); i < len(got); i++ {
			if got[i] != 0 {
				t.Errorf("%q in a DM names server statement %d", q, i)
			}
		}
	}
}

// TestServerAddLearnsNothingOfOthers: what a server's add reports, and
// what it embeds, does not tell whether another server holds a paragraph
// of the same text: vectors are reused from the shared library and the
// server's own only.
func TestServerAddLearnsNothingOfOthers(t *testing.T) {
	ctx := context.Background()
	secret := "The council will dig a tunnel under the old quay in secret."
	probe := "Probe Notice\n\nMay 5, 2026 - Port Town - Harbour Office\n\n" + secret
	add := func(lib *Library, library, name, text string) ChangeStats {
		t.Helper()
		stats, _, err := lib.Add(ctx, []AddRequest{{Library: library, Name: name, Data: []byte(text)}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return stats
	}
	control, _ := openLimitedLibrary(t, ServerLimits{})
	want := add(control, serverB, "probe.txt", probe)

	lib, _ := openLimitedLibrary(t, ServerLimits{})
	add(lib, serverA, "plans.txt", "Secret Plans\n\nApril 4, 2026 - Old Town - Council\n\n"+secret)
	got := add(lib, serverB, "probe.txt", probe)
	if got.Embedded != want.Embedded || got.Reused != want.Reused {
		t.Errorf("B's add reports %d computed, %d reused when A holds the paragraph; %d, %d when none does", got.Embedded, got.Reused, want.Embedded, want.Reused)
	}
	// The shared library's paragraphs are seen by B: reused.
	shared := add(lib, "", "notice.txt", "Shared Notice\n\nJune 6, 2026 - Port Town - Ministry\n\nThe ferry will run on Sundays.")
	again := add(lib, serverB, "copy.txt", "Copy Notice\n\nJuly 7, 2026 - Port Town - Harbour Office\n\nThe ferry will run on Sundays.")
	if shared.Embedded != 2 || again.Embedded != 1 {
		t.Errorf("a shared paragraph added to B: %d computed (want 1, the header), shared add %d", again.Embedded, shared.Embedded)
	}
}

// driftingEmbedder gives each call's vectors a little tilt of their own,
// as a remote model may in the last bits.
type driftingEmbedder struct {
	*embeddings.Local
	mu    sync.Mutex
	calls int
}

func (d *driftingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	vs, err := d.Local.Embed(ctx, texts)
	d.mu.Lock()
	d.calls++
	tilt := float32(d.calls) * 1e-4
	d.mu.Unlock()
	for _, v := range vs {
		v[0] += tilt
	}
	return vs, err
}

func (d *driftingEmbedder) Name() string  { return "drifting" }
func (d *driftingEmbedder) Model() string { return "m" }

// TestServerAddKeepsOthersVectors: a paragraph another server holds,
// embedded again for a server's add, keeps the vector it had.
func TestServerAddKeepsOthersVectors(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, t.TempDir(), sqlite.Options{})
	docs := &driftingEmbedder{Local: embeddings.NewLocal(64)}
	lib, ix, _, err := OpenLibrary(ctx, LibraryConfig{Store: st, Bundled: bundledFS(t), Docs: docs})
	if err != nil {
		t.Fatal(err)
	}
	lib.SetEngine(NewEngine(ix, Config{Queries: docs.Local}))
	secret := "The council will dig a tunnel under the old quay in secret."
	addTo(t, lib, serverA, "plans.txt", "Secret Plans\n\nApril 4, 2026 - Old Town - Council\n\n"+secret)
	h := TextHash(secret)
	before, err := st.Vectors(ctx, docs.Name(), docs.Model(), []string{h})
	if err != nil || before[h] == nil {
		t.Fatalf("A's vector: %v", err)
	}
	addTo(t, lib, serverB, "probe.txt", "Probe Notice\n\nMay 5, 2026 - Port Town - Harbour Office\n\n"+secret)
	after, err := st.Vectors(ctx, docs.Name(), docs.Model(), []string{h})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(after[h]) != fmt.Sprint(before[h]) {
		t.Error("B's add replaced the stored vector of A's paragraph")
	}
}

// TestConcurrentSharedRemoves: two operators' removes, each from a
// process that sees the shared library's two statements, cannot together
// empty it: one is refused, inside its change.
func TestConcurrentSharedRemoves(t *testing.T) {
	const rome = "2021-06-28-global-coalition-rome"
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			loc := b.fresh(t)
			first, _, _ := openLibraryOn(t, b.openOn(t, loc), "")
			if _, _, err := first.Add(ctx, []AddRequest{{Name: "harbour.txt", Data: []byte(harbour)}}, nil); err != nil {
				t.Fatal(err)
			}
			// Neither follows the other: each removes with the shared
			// library's two statements in view, as two processes whose
			// removes start together would.
			second, _, _ := openLibraryOn(t, b.openOn(t, loc), "")
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, r := range []struct {
				lib *Library
				key string
			}{{first, rome}, {second, "harbour"}} {
				wg.Go(func() { _, errs[i] = r.lib.Remove(ctx, r.key) })
			}
			wg.Wait()
			refused := 0
			for _, err := range errs {
				var ie *InputError
				switch {
				case err == nil:
				case errors.As(err, &ie) && strings.Contains(ie.Msg, "only statement left"):
					refused++
				default:
					t.Errorf("remove: %v", err)
				}
			}
			if refused != 1 {
				t.Errorf("%d of two concurrent removes refused, want 1 (%v)", refused, errs)
			}
			_, fresh, _ := openLibraryOn(t, b.openOn(t, loc), "")
			if n := len(fresh.Index().Statements()); n != 1 {
				t.Errorf("the shared library holds %d statements after the removes, want 1", n)
			}
		})
	}
}

// TestKeywordStatisticsAreTheScopes: the hits of a question asked in a
// server, or in a DM, are the same (order and every score) whether or
// not another server holds many statements of long paragraphs full of
// the question's words: the BM25 document frequencies, number of
// documents and average length are the scope's. B's statements sit
// between the shared ones and before A's, so the scope is several
// document ranges.
func TestKeywordStatisticsAreTheScopes(t *testing.T) {
	ctx := context.Background()
	stmt := func(library, id, title string, texts ...string) *Statement {
		key := StatementKey(library, id)
		st := &Statement{ID: key, Title: title}
		for i, text := range texts {
			st.Paragraphs = append(st.Paragraphs, Paragraph{Statement: key, N: i + 1, Text: text})
		}
		return st
	}
	shared1 := stmt("", "harbour", "Harbour Notice",
		"The council approved the harbour budget of four million euros.",
		"The lighthouse will be repainted in May by the harbour office.",
		"The ferry tariff stays as it is.")
	shared2 := stmt("", "ferry", "Ferry Notice",
		"The council rejected the ferry tariff after a long debate about the quay.",
		"The quay will be closed in winter; the ferry will run from the harbour.")
	own := stmt(serverA, "quay", "Quay Notice",
		"The delegates asked the council for a new quay budget.",
		"The lighthouse keeper reported storm damage to the quay.")
	var others []*Statement
	for i := range 30 {
		others = append(others, stmt(serverB, fmt.Sprintf("b%02d", i), fmt.Sprintf("Budget Notice %d", i),
			"The council and the harbour budget and the ferry tariff: "+strings.Repeat("budget council harbour ferry quay lighthouse tariff debate ", 3+i%5),
			strings.Repeat("The delegates discussed the budget of the council for the harbour at length. ", 4)))
	}
	alone := []*Statement{shared1, shared2, own}
	beside := append(append(append(append([]*Statement{shared1}, others[:10]...), shared2), others[10:]...), own)
	emb := embeddings.NewLocal(64)
	build := func(stmts []*Statement) *Engine {
		ix, _, err := Build(ctx, stmts, emb, nil)
		if err != nil {
			t.Fatal(err)
		}
		return NewEngine(ix, Config{Queries: emb})
	}
	without, with := build(alone), build(beside)
	hitsOf := func(e *Engine, q string, scope Scope, r Retrieval) string {
		hits, err := e.Search(ctx, q, SearchOptions{K: 10, Scope: scope, Retrieval: r})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, h := range hits {
			fmt.Fprintf(&b, "%d %s ¶%d score %v keyword %v similarity %v\n", h.Rank, h.Statement, h.N, h.Score, h.Keyword, h.Similarity)
		}
		return b.String()
	}
	for _, q := range []string{
		"What harbour budget did the council approve?",
		"Why did the council reject the ferry tariff?",
		"What damage did the lighthouse keeper report at the quay?",
	} {
		for _, scope := range []Scope{{}, ServerScope(serverA)} {
			for _, r := range []Retrieval{Hybrid, KeywordOnly, RRF, Literal} {
				want, got := hitsOf(without, q, scope, r), hitsOf(with, q, scope, r)
				if got != want {
					t.Errorf("%v %q in %v with server B's statements:\n%s\nwithout:\n%s", r, q, scope, got, want)
				}
			}
			a, err := with.Ask(ctx, AskRequest{Question: q, Scope: scope})
			if err != nil {
				t.Fatal(err)
			}
			b, err := without.Ask(ctx, AskRequest{Question: q, Scope: scope})
			if err != nil {
				t.Fatal(err)
			}
			if a.Text != b.Text || fmt.Sprint(a.Citations) != fmt.Sprint(b.Citations) {
				t.Errorf("%q in %v answered %q with server B's statements, %q without", q, scope, a.Text, b.Text)
			}
		}
	}
}
