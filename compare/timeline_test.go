package compare

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/statementbot/statementbot"
	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/rag"
)

func index(t testing.TB, stmts ...*statementbot.Statement) *rag.Index {
	t.Helper()
	ix, _, err := rag.Build(context.Background(), stmts, embeddings.NewLocal(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestTimeline(t *testing.T) {
	ix := index(t,
		statement("c-2027", "2027-06-10", pMeet, "The Ministers reviewed the liaison office in Nairobi. It opened in March.", pIraq),
		statement("undated", "", "A liaison office was discussed."),
		statement("a-2025", "2025-06-01", pMeet, pIraq),
		statement("b-2026", "2026-06-05", pFund, pNew),
		statement("also-2026", "2026-06-05", "Nairobi will host the next liaison office meeting.", pSyria),
	)
	for _, tc := range []struct {
		topic string
		want  [][2]any // statement, paragraph, oldest first
		text  []string
	}{
		{"liaison office", [][2]any{{"also-2026", 2}, {"b-2026", 3}, {"c-2027", 3}, {"undated", 2}},
			[]string{"Nairobi will host the next liaison office meeting.", pNew, "The Ministers reviewed the liaison office in Nairobi.", "A liaison office was discussed."}},
		{"Rome", [][2]any{{"a-2025", 2}, {"c-2027", 2}}, []string{"The Ministers met today in Rome.", "The Ministers met today in Rome."}},
		{"statement", [][2]any{}, []string{}}, // only in the headers
		{"volcanoes", [][2]any{}, []string{}},
	} {
		tl, err := Timeline(context.Background(), ix, tc.topic)
		if err != nil {
			t.Fatal(err)
		}
		var got [][2]any
		var text []string
		for _, e := range tl.Entries {
			got = append(got, [2]any{e.Statement, e.Paragraph})
			text = append(text, e.Text)
			st, _ := ix.Statement(e.Statement)
			if e.Title != st.Title || e.Date != st.Date {
				t.Errorf("%s: entry %+v does not name its statement", tc.topic, e)
			}
		}
		if tl.Topic != tc.topic || len(got) != len(tc.want) {
			t.Errorf("%s: entries %v, want %v", tc.topic, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] || text[i] != tc.text[i] {
				t.Errorf("%s: entry %d = %v %q, want %v %q", tc.topic, i, got[i], text[i], tc.want[i], tc.text[i])
			}
		}
	}
	if _, err := Timeline(context.Background(), ix, "  "); err == nil {
		t.Error("an empty topic gave no error")
	}
}

func TestTimelineJSON(t *testing.T) {
	ix := index(t, statement("a", "2025-06-01", pMeet))
	tl, err := Timeline(context.Background(), ix, "Rome")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(tl)
	want := `{"topic":"Rome","entries":[{"statement":"a","title":"Statement a","date":"2025-06-01","paragraph":2,"text":"The Ministers met today in Rome."}]}`
	if string(data) != want {
		t.Errorf("JSON:\n got %s\nwant %s", data, want)
	}
	tl, _ = Timeline(context.Background(), ix, "volcanoes")
	if data, _ := json.Marshal(tl); string(data) != `{"topic":"volcanoes","entries":[]}` {
		t.Errorf("empty timeline JSON: %s", data)
	}
}
