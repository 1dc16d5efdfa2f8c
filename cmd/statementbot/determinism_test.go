package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statementbot/statementbot/rag/llm/llmtest"
)

// Notices sharing a letterhead, a closing paragraph and a "###" mark word
// for word: the shared paragraphs tie in retrieval, more of them than it
// keeps, and "###" has no features at all.
func writeTieNotices(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	towns := []string{"Arden", "Brill", "Corran", "Dunmore", "Elgin", "Fenwick", "Garth", "Halden"}
	var files []string
	for i := range 40 {
		town := towns[i%len(towns)]
		name := filepath.Join(dir, fmt.Sprintf("2024-03-%02d-harbour-notice-%02d.md", 1+i%28, i))
		text := fmt.Sprintf(`---
title: Harbour Notice %[1]d
issuer: Office of the Harbour Spokesperson
---
OFFICE OF THE HARBOUR SPOKESPERSON. For immediate release to the press and the public.

The council of %[2]s approved a harbour budget of %[1]d million euros for the quays of %[2]s.

The council thanked the harbour master for the report on the lighthouse and the quays.

###
`, i+1, town)
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	return files
}

var tieQuestions = []string{
	"What did the council thank the harbour master for?",
	"What is released to the press and the public?",
	"What harbour budget did the council of Corran approve?",
	"Which lighthouse report was mentioned?",
	"Who issued the harbour notices?",
	"What is the capital of Peru?",
}

// citeAllParagraphs is a deterministic model: it quotes the first
// sentence of every paragraph of the prompt, in order, each cited, so any
// change of the prompt shows in the answer.
func citeAllParagraphs(req llmtest.Request) llmtest.Reply {
	ps := llmtest.Paragraphs(req)
	if len(ps) == 0 {
		return llmtest.EchoFirstSentence(req)
	}
	var b strings.Builder
	for n := 1; n <= len(ps); n++ {
		first, _, _ := strings.Cut(ps[fmt.Sprint(n)], ". ")
		fmt.Fprintf(&b, "%s [%d]. ", strings.TrimSuffix(first, "."), n)
	}
	return llmtest.Reply{Content: b.String()}
}

// helperEnv lists what the helper process passes on to run().
var helperEnv = []string{"STATEMENTBOT_DATA", "OPENAI_BASE_URL", "CHAT_MODEL"}

// TestAskHelperProcess is not a test: started by askInProcess, it asks
// every question of tieQuestions with `ask --json`, through run(), and
// writes the outputs to $STATEMENTBOT_TEST_OUT.
func TestAskHelperProcess(t *testing.T) {
	out := os.Getenv("STATEMENTBOT_TEST_OUT")
	if out == "" {
		t.Skip("started by TestSameAnswersAcrossProcesses")
	}
	env := map[string]string{}
	for _, k := range helperEnv {
		env[k] = os.Getenv(k)
	}
	var all bytes.Buffer
	for _, q := range tieQuestions {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"ask", "--json", q}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
		if err != nil {
			t.Fatalf("ask %q: %v\n%s", q, err, stderr.String())
		}
		all.Write(stdout.Bytes())
	}
	if err := os.WriteFile(out, all.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// askInProcess runs TestAskHelperProcess in a new process with env and
// returns what it wrote.
func askInProcess(t *testing.T, env map[string]string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "answers")
	cmd := exec.Command(os.Args[0], "-test.run=^TestAskHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "STATEMENTBOT_TEST_OUT="+out)
	for _, k := range helperEnv {
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("helper process: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestSameAnswersAcrossProcesses adds the same notices to two fresh data
// directories with the CLI, then asks the same questions in three
// processes (two on the first directory, one on the second): every answer
// and citation must be byte-identical, in extractive and in model mode.
func TestSameAnswersAcrossProcesses(t *testing.T) {
	srv := llmtest.New(t)
	srv.Default = citeAllParagraphs
	files := writeTieNotices(t)
	// The first directory gets the notices one by one, the second all in
	// one add: the same statements in the same order.
	dirs := []string{t.TempDir(), t.TempDir()}
	for _, f := range files {
		if _, errs, code := runMain(t, map[string]string{"STATEMENTBOT_DATA": dirs[0]}, "", "add", f); code != 0 {
			t.Fatalf("add %s: exit %d %s", f, code, errs)
		}
	}
	if _, errs, code := runMain(t, map[string]string{"STATEMENTBOT_DATA": dirs[1]}, "", append([]string{"add"}, files...)...); code != 0 {
		t.Fatalf("add: exit %d %s", code, errs)
	}
	for _, mode := range []struct {
		name, want string
		env        map[string]string
	}{
		{"extractive", `"mode": "extractive"`, map[string]string{}},
		{"model", `"mode": "llm"`, map[string]string{"OPENAI_BASE_URL": srv.URL(), "CHAT_MODEL": "test"}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			var outs []string
			for _, dir := range []string{dirs[0], dirs[0], dirs[1]} {
				mode.env["STATEMENTBOT_DATA"] = dir
				outs = append(outs, askInProcess(t, mode.env))
			}
			if !strings.Contains(outs[0], mode.want) {
				t.Fatalf("no answer with %s:\n%s", mode.want, outs[0])
			}
			for i, o := range outs[1:] {
				if o != outs[0] {
					t.Fatalf("process %d answered differently from process 1:\n%s", i+2, firstDiff(outs[0], o))
				}
			}
		})
	}
}

// firstDiff shows the first differing line of two outputs.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d\nfirst: %s\nthen:  %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d lines, then %d", len(la), len(lb))
}
