package compare

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/statementbot/statementbot"
)

// generated is a statement of n paragraphs of four sentences, varied by
// seed; every tenth paragraph differs between seeds 0 and 1 (a figure),
// and seed 1 moves the first ten paragraphs to the end.
func generated(id string, n, seed int) *statementbot.Statement {
	var body []string
	for i := range n {
		figure := i
		if i%10 == 0 {
			figure += seed * 1000
		}
		body = append(body, fmt.Sprintf("The Ministers discussed item %d of the agenda in Rome. They agreed to allocate %d million euros to region %d. "+
			"The working group on topic %d will report by June. Delegations from country %d and country %d took part.", i, figure, i, i, i, i+1))
	}
	if seed == 1 {
		body = append(body[10:], body[:10]...)
	}
	return statement(id, fmt.Sprintf("202%d-01-01", seed), body...)
}

func BenchmarkCompare200Paragraphs(b *testing.B) {
	old, new := generated("old", 200, 0), generated("new", 200, 1)
	var res Result
	for b.Loop() {
		res = Compare(old, new)
	}
	if len(res.Changes) != 20 {
		b.Fatalf("%d changes, want 20", len(res.Changes))
	}
}

func BenchmarkTimeline10kParagraphs(b *testing.B) {
	var stmts []*statementbot.Statement
	for s := range 100 {
		st := generated(fmt.Sprintf("s%03d", s), 100, 0)
		st.Date = fmt.Sprintf("%04d-01-01", 1900+s)
		for i := range st.Paragraphs {
			st.Paragraphs[i].Statement = st.ID
			if i == s%100+1 {
				st.Paragraphs[i].Text = strings.Replace(st.Paragraphs[i].Text, "Rome", "Rome and the liaison office in Nairobi", 1)
			}
		}
		stmts = append(stmts, st)
	}
	ix := index(b, stmts...)
	var tl TopicTimeline
	for b.Loop() {
		var err error
		if tl, err = Timeline(context.Background(), ix, "liaison office in Nairobi"); err != nil {
			b.Fatal(err)
		}
	}
	if len(tl.Entries) != 100 {
		b.Fatalf("%d entries", len(tl.Entries))
	}
}
