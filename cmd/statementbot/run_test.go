package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// runMain runs the program as a user would, with its own data directory
// and only the given environment.
func runMain(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["STATEMENTBOT_DATA"]; !ok {
		env["STATEMENTBOT_DATA"] = t.TempDir()
	}
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errb)
	code = report(err, &errb)
	return out.String(), errb.String(), code
}

func TestAskJSON(t *testing.T) {
	out, errs, code := runMain(t, nil, "", "ask", "--json", "Which countries joined the Coalition?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Question  string `json:"question"`
		Answer    string `json:"answer"`
		Grounded  bool   `json:"grounded"`
		Mode      string `json:"mode"`
		Citations []struct {
			N         int    `json:"n"`
			Statement string `json:"statement"`
			Title     string `json:"title"`
			Date      string `json:"date"`
			Paragraph int    `json:"paragraph"`
			Text      string `json:"text"`
		} `json:"citations"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if !got.Grounded || got.Mode != "extractive" || !strings.Contains(got.Answer, "Yemen") || !strings.Contains(got.Answer, "[1]") {
		t.Errorf("answer = %+v", got)
	}
	c := got.Citations[0]
	if c.N != 1 || c.Statement != "2021-06-28-global-coalition-rome" || c.Date != "2021-06-28" || c.Paragraph != 2 || !strings.Contains(c.Text, "Mauritania, and Yemen") {
		t.Errorf("citation = %+v", c)
	}
}

func TestAskText(t *testing.T) {
	// Flags after the question work too.
	out, _, code := runMain(t, nil, "", "ask", "What is the EU mission in Iraq called?", "--statement", "2021-06-28-global-coalition-rome")
	if code != 0 || !strings.Contains(out, "EUAM") || !strings.Contains(out, "Sources:") || !strings.Contains(out, "[1] Statement: Global Coalition Rome (2021-06-28), ¶5") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	out, _, code = runMain(t, nil, "", "ask", "Tell me a joke about penguins.")
	if code != 0 || !strings.Contains(out, "does not cover") || !strings.Contains(out, "Closest paragraphs:") {
		t.Errorf("off-topic: exit %d, output:\n%s", code, out)
	}
}

func TestSearchJSON(t *testing.T) {
	out, errs, code := runMain(t, nil, "", "search", "--json", "-k", "3", "foreign terrorist fighters")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Query   string `json:"query"`
		Results []struct {
			Rank      int     `json:"rank"`
			Statement string  `json:"statement"`
			Paragraph int     `json:"paragraph"`
			Score     float64 `json:"score"`
			Text      string  `json:"text"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Query != "foreign terrorist fighters" || len(got.Results) != 3 || got.Results[0].Paragraph != 8 || got.Results[0].Rank != 1 {
		t.Errorf("search = %+v", got)
	}
	// k larger than the corpus is clamped.
	out, _, _ = runMain(t, nil, "", "search", "--json", "-k", "100", "Syria")
	if n := strings.Count(out, `"rank"`); n != 10 {
		t.Errorf("-k 100 gave %d results, want all 10 paragraphs", n)
	}
}

func TestStatementsAndCite(t *testing.T) {
	out, _, code := runMain(t, nil, "", "statements", "--json")
	want := `{"statements":[{"id":"2021-06-28-global-coalition-rome","title":"Statement: Global Coalition Rome","date":"2021-06-28","issuer":"Global Affairs Canada","paragraphs":10}]}`
	var compact bytes.Buffer
	_ = json.Compact(&compact, []byte(out))
	if code != 0 || compact.String() != want {
		t.Errorf("statements --json = %s\nwant %s", compact.String(), want)
	}
	out, _, code = runMain(t, nil, "", "cite", "2021-06-28-global-coalition-rome", "10")
	if code != 0 || !strings.Contains(out, "Meeting in Brussels in the fall of 2021") || !strings.Contains(out, "¶10") {
		t.Errorf("cite: exit %d\n%s", code, out)
	}
	out, _, _ = runMain(t, nil, "", "cite", "--json", "2021-06-28-global-coalition-rome", "1")
	if !strings.Contains(out, `"text": "June 28, 2021 - Ottawa, Ontario - Global Affairs Canada"`) {
		t.Errorf("cite --json 1:\n%s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "no command"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"ask"}, 2, "give a question"},
		{[]string{"ask", "   "}, 2, "empty"},
		{[]string{"ask", strings.Repeat("why ", 300)}, 2, "limit is 1000"},
		{[]string{"ask", "--bogus", "x"}, 2, "flag provided but not defined"},
		{[]string{"ask", "--statement", "nope", "Syria?"}, 2, `no statement "nope"`},
		{[]string{"search", "-k", "0", "x"}, 2, "-k must be"},
		{[]string{"cite", "2021-06-28-global-coalition-rome"}, 2, "statement id and a paragraph"},
		{[]string{"cite", "2021-06-28-global-coalition-rome", "x"}, 2, "must be a number"},
		{[]string{"cite", "2021-06-28-global-coalition-rome", "99"}, 2, "paragraphs 1 to 10"},
		{[]string{"eval"}, 2, "--questions"},
		{[]string{"eval", "--questions", "/nonexistent.jsonl"}, 2, "no such file"},
	}
	for _, tt := range tests {
		_, errs, code := runMain(t, nil, "", tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.msg) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d mentioning %q", tt.args, code, errs, tt.code, tt.msg)
		}
		if strings.Count(strings.TrimSpace(errs), "\n") > 0 && tt.args != nil {
			t.Errorf("%q: stderr has more than one line:\n%s", tt.args, errs)
		}
		if strings.Contains(errs, "goroutine") || strings.Contains(errs, "panic") {
			t.Errorf("%q: stack trace on stderr", tt.args)
		}
	}
}

func TestHelp(t *testing.T) {
	out, _, code := runMain(t, nil, "", "--help")
	if code != 0 || !strings.Contains(out, "statementbot ask") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
	out, _, code = runMain(t, nil, "", "ask", "-h")
	if code != 0 || !strings.Contains(out, "-statement") {
		t.Errorf("ask -h: exit %d\n%s", code, out)
	}
}

func TestChat(t *testing.T) {
	out, errs, code := runMain(t, nil, "Which countries joined the Coalition?\n\nWhat is ISIS-K?\nquit\nnot asked\n", "chat")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "Yemen") || !strings.Contains(out, "Khurasan") || strings.Contains(out, "not asked") {
		t.Errorf("chat output:\n%s", out)
	}
}

func TestEval(t *testing.T) {
	dir := t.TempDir()
	q := dir + "/q.jsonl"
	o := dir + "/o.jsonl"
	_ = os.WriteFile(q, []byte(`{"q":"What is the EU mission in Iraq called?","gold":["EUAM Iraq Mission"],"keys":["EUAM"]}`+"\n"), 0o644)
	_ = os.WriteFile(o, []byte(`{"q":"Tell me a joke about penguins."}`+"\n"), 0o644)
	out, errs, code := runMain(t, nil, "", "eval", "--json", "--questions", q, "--offtopic", o)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Results []struct {
			Mode      string  `json:"mode"`
			RecallAt1 float64 `json:"recall_at_1"`
			KeyFacts  float64 `json:"key_facts"`
			Refused   int     `json:"offtopic_declined"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Results) != 5 || got.Results[0].Mode != "hybrid" || got.Results[0].RecallAt1 != 1 || got.Results[0].KeyFacts != 1 || got.Results[0].Refused != 1 {
		t.Errorf("eval = %+v", got)
	}
	_ = os.WriteFile(q, []byte("not json\n"), 0o644)
	_, errs, code = runMain(t, nil, "", "eval", "--questions", q)
	if code != 1 || !strings.Contains(errs, "line 1") {
		t.Errorf("bad eval file: exit %d %s", code, errs)
	}
}

// TestCacheAcrossRuns: the second run over the same data directory embeds
// nothing.
func TestCacheAcrossRuns(t *testing.T) {
	env := map[string]string{"STATEMENTBOT_DATA": t.TempDir(), "LOG_LEVEL": "info"}
	_, errs, _ := runMain(t, env, "", "statements")
	if !strings.Contains(errs, "embedded=10 reused=0") {
		t.Errorf("first run log: %s", errs)
	}
	_, errs, _ = runMain(t, env, "", "statements")
	if !strings.Contains(errs, "embedded=0 reused=10") {
		t.Errorf("second run log: %s", errs)
	}
}

func TestHelpCommand(t *testing.T) {
	out, errs, code := runMain(t, nil, "", "help", "ask")
	if code != 0 || !strings.Contains(out+errs, "Usage: statementbot ask") || !strings.Contains(out+errs, "-statement ID") {
		t.Errorf("help ask: exit %d\n%s%s", code, out, errs)
	}
	if _, errs, code := runMain(t, nil, "", "help", "nope"); code != 2 || !strings.Contains(errs, `no command "nope"`) {
		t.Errorf("help nope: exit %d %s", code, errs)
	}
}

func TestAddRefusesBadDate(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/2024-03-03-note.txt"
	if err := os.WriteFile(file, []byte("Note\n\nThe harbour reopens on Monday."), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"2024-13-45", "last tuesday"} {
		_, errs, code := runMain(t, map[string]string{"STATEMENTBOT_DATA": dir + "/data"}, "", "add", "--date", d, file)
		if code != 2 || !strings.Contains(errs, "not a calendar date") || strings.Count(errs, "\n") != 1 {
			t.Errorf("--date %q: exit %d %q", d, code, errs)
		}
	}
	if _, err := os.Stat(dir + "/data"); err == nil {
		t.Errorf("a refused add created the data directory")
	}
}
