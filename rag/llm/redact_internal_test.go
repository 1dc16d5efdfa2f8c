package llm

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"Authorization: Bearer sk-abc.DEF_123":         "Authorization: [redacted]",
		"header bearer abc123 then":                    "header bearer [redacted] then",
		"key sk-proj-ABCdef123 was wrong":              "key [redacted] was wrong",
		`{"api_key": "hunter2", "x": 1}`:               `{"api_key": "[redacted]", "x": 1}`,
		"password=swordfish&user=me":                   "password=[redacted]&user=me",
		"id 0123456789abcdef0123456789abcdef0123 here": "id [redacted] here",
		"The model is overloaded. Try again later.":    "The model is overloaded. Try again later.",
		"max_tokens must be at most 4096":              "max_tokens must be at most 4096",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
	long := shortReason(strings.Repeat("overloaded ", 100) + "\nsecond line")
	if strings.Contains(long, "\n") || len([]rune(long)) > maxReason+1 {
		t.Errorf("shortReason = %q", long)
	}
}
