package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statementbot/statementbot/rag/llm/llmtest"
)

type askJSON struct {
	Answer    string `json:"answer"`
	Grounded  bool   `json:"grounded"`
	Mode      string `json:"mode"`
	Note      string `json:"note"`
	Citations []struct {
		N         int `json:"n"`
		Paragraph int `json:"paragraph"`
	} `json:"citations"`
}

func decodeAsk(t *testing.T, out string) askJSON {
	t.Helper()
	var a askJSON
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return a
}

func TestAskLLM(t *testing.T) {
	srv := llmtest.New(t)
	env := map[string]string{"OPENAI_BASE_URL": srv.URL(), "CHAT_MODEL": "llama3.1"}
	out, errs, code := runMain(t, env, "", "ask", "--json", "What is the EU mission in Iraq called?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	a := decodeAsk(t, out)
	if a.Mode != "llm" || !a.Grounded || len(a.Citations) != 1 || !strings.Contains(a.Answer, "[1]") {
		t.Errorf("answer = %+v", a)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Model != "llama3.1" || reqs[0].Authorization != "" || reqs[0].Stream {
		t.Errorf("requests = %+v; want one non-streaming request for llama3.1 with no Authorization (Ollama style)", reqs)
	}
}

func TestAskLLMDown(t *testing.T) {
	srv := llmtest.New(t)
	srv.Default = func(llmtest.Request) llmtest.Reply { return llmtest.Reply{Status: 500} }
	env := map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_API_KEY": "sk-test-secret", "LLM_MAX_RETRIES": "1", "LLM_TIMEOUT": "2s"}
	out, errs, code := runMain(t, env, "", "ask", "--json", "What is the EU mission in Iraq called?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	a := decodeAsk(t, out)
	if a.Mode != "extractive" || !a.Grounded || !strings.Contains(a.Answer, "EUAM") || !strings.Contains(a.Note, "unavailable") {
		t.Errorf("answer = %+v", a)
	}
	if strings.Contains(out, "secret") || strings.Contains(errs, "sk-test-secret") {
		t.Errorf("secret or upstream detail leaked:\nstdout %s\nstderr %s", out, errs)
	}
	if got := srv.ChatRequests(); got != 2 {
		t.Errorf("%d chat requests, want 2 (one retry)", got)
	}
}

func TestEnvFile(t *testing.T) {
	srv := llmtest.New(t)
	dir := t.TempDir()
	envFile := filepath.Join(dir, ".env")
	if err := os.WriteFile(envFile, []byte("# comment\nexport OPENAI_BASE_URL="+srv.URL()+"\nCHAT_MODEL=\"from-file\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"STATEMENTBOT_ENV_FILE": envFile, "CHAT_MODEL": "from-env"}
	out, errs, code := runMain(t, env, "", "ask", "--json", "What is ISIS-K?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if a := decodeAsk(t, out); a.Mode != "llm" {
		t.Errorf(".env base URL not used: %+v", a)
	}
	if m := srv.Requests()[0].Model; m != "from-env" {
		t.Errorf("model = %q: the real environment must win over .env", m)
	}
	_, errs, code = runMain(t, map[string]string{"STATEMENTBOT_ENV_FILE": filepath.Join(dir, "missing")}, "", "statements")
	if code != 1 || !strings.Contains(errs, "missing") {
		t.Errorf("missing explicit env file: exit %d %s", code, errs)
	}
}

func TestOpenAIEmbeddings(t *testing.T) {
	srv := llmtest.New(t)
	env := map[string]string{"OPENAI_BASE_URL": srv.URL(), "EMBEDDING_PROVIDER": "openai", "EMBEDDING_MODEL": "nomic-embed-text"}
	out, errs, code := runMain(t, env, "", "search", "--json", "-k", "1", "EUAM")
	if code != 0 || !strings.Contains(out, "EUAM") {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	var embedCalls int
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/embeddings") {
			embedCalls++
			if r.Model != "nomic-embed-text" {
				t.Errorf("embedding model %q", r.Model)
			}
		}
	}
	if embedCalls != 2 { // the paragraphs (one batch), then the query
		t.Errorf("%d embedding calls, want 2", embedCalls)
	}
	// Embedding server down at start: the local embedder takes over.
	srv2 := llmtest.New(t)
	srv2.QueueEmbed(llmtest.Reply{Status: 500}, llmtest.Reply{Status: 500}, llmtest.Reply{Status: 500})
	env2 := map[string]string{"OPENAI_BASE_URL": srv2.URL(), "EMBEDDING_PROVIDER": "openai", "LLM_MAX_RETRIES": "2"}
	out, errs, code = runMain(t, env2, "", "ask", "--json", "What is the EU mission in Iraq called?")
	if code != 0 || !strings.Contains(out, "EUAM") {
		t.Errorf("exit %d: %s\n%s", code, errs, out)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		env map[string]string
		msg string
	}{
		{map[string]string{"LLM_TIMEOUT": "soon"}, "LLM_TIMEOUT"},
		{map[string]string{"LLM_MAX_CONCURRENCY": "0"}, "LLM_MAX_CONCURRENCY"},
		{map[string]string{"EMBEDDING_PROVIDER": "magic"}, "EMBEDDING_PROVIDER"},
		{map[string]string{"EMBEDDING_PROVIDER": "openai"}, "needs OPENAI_API_KEY"},
		{map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{map[string]string{"SHUTDOWN_GRACE": "-1s"}, "SHUTDOWN_GRACE"},
		{map[string]string{"DISCORD_PUBLIC_KEY": "abc", "HTTP_ADDR": ":0"}, "DISCORD_PUBLIC_KEY"},
		{map[string]string{"DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32)}, "needs HTTP_ADDR"},
	} {
		_, errs, code := runMain(t, tt.env, "", "statements")
		if code != 2 || !strings.Contains(errs, tt.msg) {
			t.Errorf("%v: exit %d %q", tt.env, code, errs)
		}
	}
}
