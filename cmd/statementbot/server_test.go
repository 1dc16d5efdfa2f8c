package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/sqlite"
)

// TestServerLibrariesCLI: --server acts on a server's own library; the
// shared library does not see it; --all purges it; the limits apply.
func TestServerLibrariesCLI(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"STATEMENTBOT_DATA": data, "USER": "alice", "SERVER_MAX_STATEMENTS": "1"}
	dir := t.TempDir()
	file := filepath.Join(dir, "harbour.md")
	other := filepath.Join(dir, "ferry.md")
	if err := os.WriteFile(file, []byte("---\ntitle: Harbour Notice\n---\nThe delegates approved the harbour budget of four million euros.\n\nThe lighthouse will be repainted."), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, []byte("---\ntitle: Ferry Notice\n---\nThe ferry tariff was rejected by the council."), 0o644); err != nil {
		t.Fatal(err)
	}
	const server = "123456789012345678"
	run := func(args ...string) (string, string, int) { return runMain(t, env, "", args...) }
	if _, errs, code := run("add", "--server", server, file); code != 0 {
		t.Fatalf("add --server: exit %d %s", code, errs)
	}
	if _, errs, code := run("add", "--server", server, other); code != 1 || !strings.Contains(errs, "SERVER_MAX_STATEMENTS") {
		t.Errorf("add over the limit: exit %d %s", code, errs)
	}
	q := "What budget did the delegates approve?"
	if out, _, _ := run("ask", "--server", server, q); !strings.Contains(out, "four million euros") {
		t.Errorf("ask --server:\n%s", out)
	}
	if out, _, _ := run("ask", q); strings.Contains(out, "four million euros") {
		t.Errorf("the shared library answers from the server's statement:\n%s", out)
	}
	if out, _, _ := run("ask", "--server", "999", q); strings.Contains(out, "four million euros") {
		t.Errorf("another server answers from it:\n%s", out)
	}
	if out, _, _ := run("statements", "--server", server); !strings.Contains(out, server+"/harbour") || !strings.Contains(out, "2021-06-28-global-coalition-rome") {
		t.Errorf("statements --server:\n%s", out)
	}
	if out, _, _ := run("statements"); strings.Contains(out, "harbour") {
		t.Errorf("statements of the shared library:\n%s", out)
	}
	if out, errs, code := run("search", "--server", server, "--statement", "harbour", "budget"); code != 0 || !strings.Contains(out, server+"/harbour ¶") {
		t.Errorf("search --server --statement: exit %d %s\n%s", code, errs, out)
	}
	if out, errs, code := run("cite", "--server", server, "~harbour", "2"); code != 0 || !strings.Contains(out, "four million") {
		t.Errorf("cite --server: exit %d %s\n%s", code, errs, out)
	}
	if _, errs, code := run("cite", "harbour", "1"); code != 2 || !strings.Contains(errs, `no statement "harbour"`) {
		t.Errorf("cite of a server's statement without --server: exit %d %s", code, errs)
	}
	// compare and timeline see the shared library and, with --server,
	// that server's own, named by ~id, <server>/<id> or a plain id.
	const rome = "2021-06-28-global-coalition-rome"
	for _, ref := range []string{"~harbour", server + "/harbour", "harbour"} {
		if out, errs, code := run("compare", "--server", server, rome, ref); code != 0 || !strings.Contains(out, "new: "+server+"/harbour") {
			t.Errorf("compare --server %s: exit %d %s\n%s", ref, code, errs, out)
		}
	}
	if _, errs, code := run("compare", rome, server+"/harbour"); code != 2 || !strings.Contains(errs, "no statement") {
		t.Errorf("compare of a server's statement without --server: exit %d %s", code, errs)
	}
	if _, errs, code := run("compare", "--server", "999", rome, "harbour"); code != 2 || !strings.Contains(errs, `no statement "harbour"`) {
		t.Errorf("compare of a server's statement from another server: exit %d %s", code, errs)
	}
	if _, errs, code := run("compare", "--server", "my-server", rome, rome); code != 2 || !strings.Contains(errs, "Discord server id") {
		t.Errorf("compare with a bad --server: exit %d %s", code, errs)
	}
	if out, errs, code := run("timeline", "--server", server, "harbour budget"); code != 0 || !strings.Contains(out, "four million euros") || !strings.Contains(out, server+"/harbour") {
		t.Errorf("timeline --server: exit %d %s\n%s", code, errs, out)
	}
	if out, errs, code := run("timeline", "harbour budget"); code != 0 || strings.Contains(out, "four million euros") || !strings.Contains(out, "No statement mentions") {
		t.Errorf("timeline of the shared library quotes the server's statement: exit %d %s\n%s", code, errs, out)
	}
	if out, errs, code := run("timeline", "--server", "999", "harbour budget"); code != 0 || strings.Contains(out, "four million euros") || !strings.Contains(out, "No statement mentions") {
		t.Errorf("timeline of another server quotes the server's statement: exit %d %s\n%s", code, errs, out)
	}
	if _, errs, code := run("reindex", "--server", server); code != 0 {
		t.Errorf("reindex --server: exit %d %s", code, errs)
	}
	if _, errs, code := run("remove", "--all"); code != 2 || !strings.Contains(errs, "--server") {
		t.Errorf("remove --all without --server: exit %d %s", code, errs)
	}
	if _, errs, code := run("add", "--server", "my-server", file); code != 2 || !strings.Contains(errs, "Discord server id") {
		t.Errorf("a bad --server: exit %d %s", code, errs)
	}
	// What the bot remembers of the server (answers behind /sources and
	// buttons, votes) quotes its statements: the purge forgets it, and
	// nothing of another server or a DM.
	const elsewhere = "999"
	remember(t, data, server, "in-server")
	remember(t, data, elsewhere, "in-other")
	remember(t, data, "", "in-dm")
	if out, errs, code := run("remove", "--server", server, "--all"); code != 0 || !strings.Contains(out, "removed every statement of server "+server) {
		t.Errorf("remove --all: exit %d %s\n%s", code, errs, out)
	}
	if out, _, _ := run("statements", "--server", server); strings.Contains(out, "harbour") {
		t.Errorf("after the purge:\n%s", out)
	}
	st, err := sqlite.Open(context.Background(), data, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.GetAnswer(ctx, "in-server"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the server's answer after the purge: %v, want it forgotten", err)
	}
	for _, id := range []string{"in-other", "in-dm"} {
		if _, err := st.GetAnswer(ctx, id); err != nil {
			t.Errorf("answer %s after another server's purge: %v", id, err)
		}
	}
	fbs, err := st.ReadFeedback(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var votes []string
	for _, fb := range fbs {
		votes = append(votes, fb.AnswerID)
	}
	if want := []string{"in-other", "in-dm"}; !slices.Equal(votes, want) {
		t.Errorf("votes after the purge: %v, want %v", votes, want)
	}
	recs, err := st.ReadAudit(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 || recs[0].Action != "add" || !recs[0].OK || recs[len(recs)-1].Action != "remove" {
		t.Errorf("audit log after the purge: %+v; want it kept, from the first add to the purge", recs)
	}
	for _, r := range recs {
		if r.Guild != server {
			t.Errorf("audit record without the server: %+v", r)
		}
	}
}

// remember stores, in the store at data, an answer given in guild under
// id citing guild's statement, and a vote on it, as the bot would.
func remember(t *testing.T, data, guild, id string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, data, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cites := []store.CitationRecord{{N: 1, Library: guild, Statement: "harbour", Paragraph: 2}}
	quote := "The delegates approved the harbour budget of four million euros. [1]"
	at := time.Now().UTC()
	if err := st.PutAnswer(ctx, store.AnswerRecord{ID: id, Channel: "c-" + id, Guild: guild, Question: "What budget?", Answer: quote, Mode: "extractive", Citations: cites, Time: at}); err != nil {
		t.Fatal(err)
	}
	if err := st.AppendFeedback(ctx, store.FeedbackRecord{Time: at, Guild: guild, Vote: "up", User: "u", AnswerID: id, Question: "What budget?", Answer: quote, Citations: cites}); err != nil {
		t.Fatal(err)
	}
}

// TestServerConfig: the server limits default to 200 statements and 50
// MB, 0 lifts them, and OPERATOR_GUILD_IDS is a list.
func TestServerConfig(t *testing.T) {
	cfg, err := loadConfig(func(string) string { return "" })
	if err != nil || (cfg.ServerMaxStatements != 200 || cfg.ServerMaxBytes != 50_000_000 || len(cfg.OperatorGuildIDs) != 0) {
		t.Errorf("defaults: %d statements, %d bytes, operators %v", cfg.ServerMaxStatements, cfg.ServerMaxBytes, cfg.OperatorGuildIDs)
	}
	cfg, err = loadConfig(func(k string) string {
		return map[string]string{"SERVER_MAX_STATEMENTS": "0", "SERVER_MAX_BYTES": "1000", "OPERATOR_GUILD_IDS": "111, 222"}[k]
	})
	if err != nil || cfg.ServerMaxStatements != 0 || cfg.ServerMaxBytes != 1000 || len(cfg.OperatorGuildIDs) != 2 || cfg.OperatorGuildIDs[1] != "222" {
		t.Errorf("set: %+v, %v", cfg, err)
	}
	if _, err := loadConfig(func(k string) string { return map[string]string{"SERVER_MAX_STATEMENTS": "-1"}[k] }); err == nil || !strings.Contains(err.Error(), "SERVER_MAX_STATEMENTS") {
		t.Errorf("SERVER_MAX_STATEMENTS=-1: %v", err)
	}
}
