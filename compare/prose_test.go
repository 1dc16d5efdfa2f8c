package compare

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/rag/llm"
	"github.com/statementbot/statementbot/rag/llm/llmtest"
)

// TestProse: the model's wording replaces the list of changes only when
// every sentence it writes is supported by the changes it cites;
// otherwise (an invented change, no citation, a failing model) the answer
// is the offline one, unchanged.
func TestProse(t *testing.T) {
	old := statement("h24", "2024-03-03", "The delegates approved the harbour budget of four million euros.", "The lighthouse will be repainted.", "The ferry keeps its winter timetable.")
	new := statement("h25", "2025-03-03", "The lighthouse will be repainted.", "The delegates approved the harbour budget of six million euros.", "A new pier opens in May.")
	res := Compare(old, new)
	const q = "what changed in the 2025 statement?"
	offline := Cited(old, new, res, q)
	const good = "The harbour budget grows from four million euros to six million euros [1]. A new pier opens in May [2]. The ferry's winter timetable is no longer mentioned [3]."
	for _, tc := range []struct {
		name    string
		replies []llmtest.Reply
		want    string // the answer's text; "" for the offline answer
	}{
		{"supported", []llmtest.Reply{{Content: good}}, res.Headline() +
			" The harbour budget grows from four million euros to six million euros [1][2]. A new pier opens in May [3]. The ferry's winter timetable is no longer mentioned [4]."},
		{"invented change", []llmtest.Reply{{Content: good + " The harbour also gets a casino worth 90 million euros [2]."}}, ""},
		{"invented thing", []llmtest.Reply{{Content: good + " A casino opens on the pier [2]."}}, ""},
		{"invented figure", []llmtest.Reply{{Content: "The harbour budget grows from four million euros to seven million euros [1]."}}, ""},
		{"no citation", []llmtest.Reply{{Content: "The budget grew and a pier was added."}}, ""},
		{"wrong citation", []llmtest.Reply{{Content: "A new pier opens in May [1]."}}, ""},
		{"declined", []llmtest.Reply{{Content: "The statement does not cover this question."}}, ""},
		{"model fails", []llmtest.Reply{{Status: 500}, {Status: 500}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.QueueChat(tc.replies...)
			p := &Prose{Chat: llm.New(llm.Config{BaseURL: srv.URL(), Model: "m", Timeout: time.Minute, MaxRetries: 1, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})}
			got := p.Cited(t.Context(), old, new, res, q)
			if tc.want == "" {
				if !reflect.DeepEqual(got, offline) {
					t.Errorf("got\n%+v\nwant the offline answer\n%+v", got, offline)
				}
				return
			}
			if got.Text != tc.want || got.Mode != rag.AnswerLLM || !got.Grounded {
				t.Errorf("got %q (%s, grounded %v)\nwant %q", got.Text, got.Mode, got.Grounded, tc.want)
			}
			var cites []string
			for _, c := range got.Citations {
				cites = append(cites, c.Statement+" ¶"+string(rune('0'+c.Paragraph)))
			}
			if want := []string{"h24 ¶2", "h25 ¶3", "h25 ¶4", "h24 ¶4"}; !reflect.DeepEqual(cites, want) {
				t.Errorf("citations %v, want %v", cites, want)
			}
			prompt := srv.Requests()[0].Messages[0].Content
			for _, w := range []string{"Old statement: Statement h24 (2024-03-03)", "«change 1» paragraph changed, ¶2 → ¶3\nBefore: The delegates approved the harbour budget of four million euros. After: The delegates approved the harbour budget of six million euros.", "«change 3» paragraph removed, old ¶4\nThe ferry keeps its winter timetable."} {
				if !strings.Contains(prompt, w) {
					t.Errorf("the prompt lacks %q:\n%s", w, prompt)
				}
			}
		})
	}
	// Without a model: offline, no request.
	if got := (&Prose{}).Cited(t.Context(), old, new, res, q); !reflect.DeepEqual(got, offline) {
		t.Errorf("without a model: %+v", got)
	}
}
