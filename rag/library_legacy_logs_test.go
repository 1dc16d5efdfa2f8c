package rag

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/sqlite"
)

// TestLibraryImportsLegacyLogs: the old data dir's audit.jsonl and
// feedback.jsonl (as earlier versions wrote them, the last line torn by
// a crash) go into the store with the corpus, once; the files stay.
func TestLibraryImportsLegacyLogs(t *testing.T) {
	dir := t.TempDir()
	writeLegacyDir(t, dir, &countingEmbedder{Local: embeddings.NewLocal(64)})
	audit := `{"time":"2024-03-04T10:00:00Z","actor":"cli:ops","action":"add","target":["2024-03-03-harbour"],"ok":true,"summary":"Paragraphs: 3 added"}
{"time":"2024-03-05T09:30:00.5Z","actor":"discord:42","guild":"7","action":"remove","target":["x"],"ok":false,"error":"no statement \"x\" is indexed"}
{"time":"2024-03-06T0`
	feedback := `{"time":"2024-03-04T11:00:00Z","vote":"up","question":"What budget?","answer":"Four million euros. [1]","citations":[{"n":1,"statement":"2024-03-03-harbour","title":"Harbour Notice","date":"2024-03-03","paragraph":2,"text":"The delegates approved the harbour budget of four million euros."}],"user":"a1b2c3d4e5f60718"}
`
	for name, data := range map[string]string{"audit.jsonl": audit, "feedback.jsonl": feedback} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before := dirContents(t, dir)
	openTestLibrary(t, dir)
	openTestLibrary(t, dir) // a second start imports nothing again

	st := openStore(t, dir, sqlite.Options{ReadOnly: true})
	gotAudit, err := st.ReadAudit(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	wantAudit := []store.AuditRecord{
		{Time: time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC), Actor: "cli:ops", Action: "add", Target: []string{"2024-03-03-harbour"}, OK: true, Summary: "Paragraphs: 3 added"},
		{Time: time.Date(2024, 3, 5, 9, 30, 0, 5e8, time.UTC), Actor: "discord:42", Guild: "7", Action: "remove", Target: []string{"x"}, Error: `no statement "x" is indexed`},
	}
	if !reflect.DeepEqual(gotAudit, wantAudit) {
		t.Errorf("audit:\n got %+v\nwant %+v", gotAudit, wantAudit)
	}
	gotFeedback, err := st.ReadFeedback(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	wantFeedback := []store.FeedbackRecord{{
		Time: time.Date(2024, 3, 4, 11, 0, 0, 0, time.UTC), Vote: "up", User: "a1b2c3d4e5f60718", Question: "What budget?", Answer: "Four million euros. [1]",
		Citations: []store.CitationRecord{{N: 1, Statement: "2024-03-03-harbour", Paragraph: 2}},
	}}
	if !reflect.DeepEqual(gotFeedback, wantFeedback) {
		t.Errorf("feedback:\n got %+v\nwant %+v", gotFeedback, wantFeedback)
	}
	after := dirContents(t, dir)
	if !reflect.DeepEqual(after, before) {
		t.Error("the old data dir's files changed")
	}
}
