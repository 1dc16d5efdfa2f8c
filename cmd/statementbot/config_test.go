package main

import (
	"testing"

	"github.com/statementbot/statementbot/rag/llm/llmtest"
)

// TestLLMMaxRetries: LLM_MAX_RETRIES counts the retries after a failed
// model call, and 0 means none (it used to mean the default of 2).
func TestLLMMaxRetries(t *testing.T) {
	requests := func(retries string) int {
		t.Helper()
		srv := llmtest.New(t)
		srv.Default = func(llmtest.Request) llmtest.Reply { return llmtest.Reply{Status: 500, RetryAfter: "0"} }
		env := map[string]string{"OPENAI_BASE_URL": srv.URL()}
		if retries != "" {
			env["LLM_MAX_RETRIES"] = retries
		}
		if _, errs, code := runMain(t, env, "", "ask", "--json", "What is the EU mission in Iraq called?"); code != 0 {
			t.Fatalf("LLM_MAX_RETRIES=%q: exit %d: %s", retries, code, errs)
		}
		return srv.ChatRequests()
	}
	calls := requests("0")
	if calls == 0 {
		t.Fatal("the model was never asked")
	}
	for retries, want := range map[string]int{"1": 2 * calls, "": 3 * calls, "4": 5 * calls} {
		if got := requests(retries); got != want {
			t.Errorf("LLM_MAX_RETRIES=%q: %d requests, want %d (%d model calls)", retries, got, want, calls)
		}
	}
}
