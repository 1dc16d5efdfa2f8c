package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statementbot/statementbot/store/sqlite"
)

func TestAddRemoveReindexCLI(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"STATEMENTBOT_DATA": data, "USER": "alice"}
	file := filepath.Join(t.TempDir(), "2024-03-03-harbour.md")
	if err := os.WriteFile(file, []byte("---\ntitle: Harbour Notice\n---\nThe delegates approved the harbour budget of four million euros.\n\nThe lighthouse will be repainted."), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runMain(t, env, "", "add", "--json", file)
	if code != 0 {
		t.Fatalf("add: exit %d %s", code, errs)
	}
	var got changeJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Statements != 2 || got.Embedded != 3 || got.Reused != 10 || got.Removed != 0 || got.IDs[0] != "2024-03-03-harbour" {
		t.Errorf("add --json = %+v", got)
	}
	if !strings.Contains(errs, "embedding 3/3 paragraphs") {
		t.Errorf("no progress lines on stderr: %q", errs)
	}
	out, _, _ = runMain(t, env, "", "ask", "What budget did the delegates approve?")
	if !strings.Contains(out, "four million euros") || !strings.Contains(out, "Harbour Notice") {
		t.Errorf("added statement not answered:\n%s", out)
	}
	// Second add of the same file: refused, nothing changes.
	_, errs, code = runMain(t, env, "", "add", file)
	if code != 1 || !strings.Contains(errs, "already indexed") {
		t.Errorf("duplicate add: exit %d %s", code, errs)
	}
	out, _, code = runMain(t, env, "", "reindex", "--json")
	if code != 0 || !strings.Contains(out, `"embedded": 0`) || !strings.Contains(out, `"reused": 13`) {
		t.Errorf("reindex: exit %d\n%s", code, out)
	}
	out, errs, code = runMain(t, env, "", "remove", "--json", "2024-03-03-harbour")
	if code != 0 || !strings.Contains(out, `"removed": 3`) {
		t.Errorf("remove: exit %d %s\n%s", code, errs, out)
	}
	_, errs, code = runMain(t, env, "", "remove", "nope")
	if code != 2 || !strings.Contains(errs, `no statement "nope"`) {
		t.Errorf("remove unknown: exit %d %s", code, errs)
	}
	st, err := sqlite.Open(context.Background(), data, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	audit, err := st.ReadAudit(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 5 || audit[0].Actor != "cli:alice" || audit[0].Action != "add" || !audit[0].OK || audit[1].OK {
		t.Errorf("audit log: %+v", audit)
	}
}

func TestAddBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		path string
		env  map[string]string
		code int
		msg  string
	}{
		{write("empty.txt", nil), nil, 1, "empty"},
		{write("garbage.txt", []byte("\x00\x01\x02\xff binary")), nil, 1, "binary"},
		{write("big.txt", []byte(strings.Repeat("a", 2000))), map[string]string{"MAX_UPLOAD_BYTES": "1000"}, 1, "limit is 1000"},
		{filepath.Join(dir, "missing.txt"), nil, 2, "no such file"},
		{dir, nil, 2, "is a directory"},
	}
	for _, tt := range tests {
		env := map[string]string{"STATEMENTBOT_DATA": t.TempDir()}
		for k, v := range tt.env {
			env[k] = v
		}
		_, errs, code := runMain(t, env, "", "add", tt.path)
		if code != tt.code || !strings.Contains(errs, tt.msg) {
			t.Errorf("add %s: exit %d %q; want %d %q", filepath.Base(tt.path), code, errs, tt.code, tt.msg)
		}
	}
}

// TestAddUTF16: a text file saved as UTF-16 (with a byte-order mark) is
// decoded, not refused as binary.
func TestAddUTF16(t *testing.T) {
	text := "Harbour Notice\n\nThe delegates approved the harbour budget of four million euros."
	var data []byte
	data = append(data, 0xFF, 0xFE)
	for _, r := range text {
		data = append(data, byte(r), byte(r>>8))
	}
	file := filepath.Join(t.TempDir(), "harbour.txt")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"STATEMENTBOT_DATA": t.TempDir()}
	if _, errs, code := runMain(t, env, "", "add", file); code != 0 {
		t.Fatalf("add UTF-16: exit %d %s", code, errs)
	}
	out, _, _ := runMain(t, env, "", "ask", "What budget did the delegates approve?")
	if !strings.Contains(out, "four million euros") {
		t.Errorf("UTF-16 statement not answered:\n%s", out)
	}
}
