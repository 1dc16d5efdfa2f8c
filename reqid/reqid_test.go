package reqid

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// TestHandler: a line logged with a context carrying an id has the id
// once, whether or not the logger also carries it; a line without one has
// none.
func TestHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(slog.NewJSONHandler(&buf, nil)))
	ctx := With(context.Background(), "abc123")
	log.InfoContext(ctx, "from rag")
	log.With(Key, "abc123").InfoContext(ctx, "from the bot")
	log.With("x", 1).WithGroup("g").InfoContext(ctx, "grouped")
	log.Info("no question")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{"abc123", "abc123", "abc123", ""}
	for i, l := range lines {
		if n := strings.Count(l, `"request"`); n > 1 {
			t.Errorf("line %d has the id %d times: %s", i, n, l)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		got, _ := m[Key].(string)
		if g, ok := m["g"].(map[string]any); ok && got == "" {
			got, _ = g[Key].(string)
		}
		if got != want[i] {
			t.Errorf("line %d: request %q, want %q: %s", i, got, want[i], l)
		}
	}
	if a, b := New(), New(); a == b || len(a) != 12 {
		t.Errorf("New() = %q, %q", a, b)
	}
}
