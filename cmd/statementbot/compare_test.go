package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statementbot/statementbot/rag/llm/llmtest"
)

// twoHarbours is a data directory with two notices of one series.
func twoHarbours(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{"STATEMENTBOT_DATA": t.TempDir()}
	dir := t.TempDir()
	for name, text := range map[string]string{
		"2024-03-03-harbour.md": "---\ntitle: Harbour Notice\ndate: 2024-03-03\n---\nThe delegates approved the harbour budget of four million euros.\n\nThe lighthouse will be repainted.\n\nThe ferry keeps its winter timetable.",
		"2025-03-03-harbour.md": "---\ntitle: Harbour Notice\ndate: 2025-03-03\n---\nThe lighthouse will be repainted.\n\nThe delegates approved the harbour budget of six million euros.\n\nA new pier opens in May.",
	} {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, errs, code := runMain(t, env, "", "add", file); code != 0 {
			t.Fatalf("add: exit %d %s", code, errs)
		}
	}
	return env
}

func TestCompareCLI(t *testing.T) {
	env := twoHarbours(t)
	out, errs, code := runMain(t, env, "", "compare", "2024-03-03-harbour", "2025-03-03-harbour")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"adds 1 paragraph, removes 1 paragraph and changes 1 paragraph; 1 paragraph is unchanged.",
		"changed ¶2 → ¶3: “four million euros” → “six million euros”\n  - The delegates approved the harbour budget of four million euros.\n  + The delegates approved the harbour budget of six million euros.",
		"added new ¶4:\n  + A new pier opens in May.",
		"removed old ¶4:\n  - The ferry keeps its winter timetable.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	out, _, code = runMain(t, env, "", "compare", "--json", "2024-03-03-harbour", "2025-03-03-harbour")
	var got struct {
		Old     struct{ ID, Title, Date string }
		Changes []struct {
			Kind string
			Old  *struct{ Paragraph int }
			New  *struct{ Paragraph int }
		}
		Unchanged int
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 {
		t.Fatalf("exit %d, not JSON (%v):\n%s", code, err, out)
	}
	if got.Old.ID != "2024-03-03-harbour" || got.Old.Date != "2024-03-03" || len(got.Changes) != 3 || got.Unchanged != 1 || got.Changes[1].Kind != "changed" {
		t.Errorf("JSON = %+v", got)
	}

	_, errs, code = runMain(t, env, "", "compare", "2024-03-03-harbour", "nope")
	if code != 2 || !strings.Contains(errs, `no statement "nope"`) {
		t.Errorf("unknown id: exit %d %q", code, errs)
	}
	if _, _, code = runMain(t, env, "", "compare", "2024-03-03-harbour"); code != 2 {
		t.Errorf("one id: exit %d, want 2", code)
	}
}

func TestTimelineCLI(t *testing.T) {
	env := twoHarbours(t)
	out, errs, code := runMain(t, env, "", "timeline", "harbour budget")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := "What the statements said about “harbour budget”, oldest first:\n\n" +
		"2024-03-03  Harbour Notice — 2024-03-03-harbour ¶2\n  The delegates approved the harbour budget of four million euros.\n\n" +
		"2025-03-03  Harbour Notice — 2025-03-03-harbour ¶3\n  The delegates approved the harbour budget of six million euros.\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	out, _, code = runMain(t, env, "", "timeline", "--json", "pier")
	if code != 0 || !strings.Contains(out, `"topic": "pier"`) || strings.Count(out, `"statement":`) != 1 || !strings.Contains(out, `"paragraph": 4`) {
		t.Errorf("JSON: exit %d\n%s", code, out)
	}
	if _, _, code = runMain(t, env, "", "timeline"); code != 2 {
		t.Errorf("no topic: exit %d, want 2", code)
	}
}

// TestAskCompareLLM: with a model configured, a "what changed" question
// is answered with the model's wording when the changes support every
// sentence, and with the comparison as computed when one sentence invents
// a change.
func TestAskCompareLLM(t *testing.T) {
	env := twoHarbours(t)
	srv := llmtest.New(t)
	env["OPENAI_BASE_URL"], env["CHAT_MODEL"] = srv.URL(), "m"
	const q = "what changed in the 2025 harbour notice compared with 2024?"
	const good = "The harbour budget rises from four million euros to six million euros [1]. A new pier opens in May [2]."
	srv.QueueChat(llmtest.Reply{Content: good}, llmtest.Reply{Content: good + " The ferry is replaced by a bridge costing 90 million euros [3]."})

	out, errs, code := runMain(t, env, "", "ask", "--json", q)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	a := decodeAsk(t, out)
	want := "Compared with Harbour Notice (2024-03-03), Harbour Notice (2025-03-03) adds 1 paragraph, removes 1 paragraph and changes 1 paragraph; 1 paragraph is unchanged. " +
		"The harbour budget rises from four million euros to six million euros [1][2]. A new pier opens in May [3]."
	if a.Mode != "llm" || a.Answer != want || len(a.Citations) != 3 {
		t.Errorf("reworded: %+v\nwant %q", a, want)
	}
	if !strings.Contains(srv.Requests()[0].Messages[0].Content, "«change 1» paragraph changed, ¶2 → ¶3") {
		t.Errorf("the model was not given the changes:\n%s", srv.Requests()[0].Messages[0].Content)
	}

	out, errs, code = runMain(t, env, "", "ask", "--json", q)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	a = decodeAsk(t, out)
	if a.Mode != "extractive" || strings.Contains(a.Answer, "bridge") || !strings.Contains(a.Answer, "- Changed: “four million euros” → “six million euros” [1][2]") {
		t.Errorf("an invented change: %+v", a)
	}
}
