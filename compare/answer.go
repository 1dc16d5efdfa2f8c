package compare

import (
	"fmt"
	"strings"

	"github.com/statementbot/statementbot"
	"github.com/statementbot/statementbot/rag"
)

// answerChanges is how many changes an answer lists.
const answerChanges = 5

// Answer answers question when it asks what changed between statements
// of ix (see Route): the comparison's counts and most telling changes,
// citing the paragraphs of both statements. ok is false when the question
// asks no such thing or no pair of statements fits; it is then for the
// usual search to answer.
func Answer(ix Lister, question string) (a *rag.Answer, ok bool) {
	old, new, ok := Route(ix, question)
	if !ok {
		return nil, false
	}
	return Cited(old, new, Compare(old, new), question), true
}

// Cited renders res, the comparison of old with new, as an extractive,
// grounded answer to question: the headline, then up to five changes,
// each citing the paragraphs it is about ([n] for the old statement's,
// [m] for the new one's). Quoted words are the statements' own.
func Cited(old, new *statementbot.Statement, res Result, question string) *rag.Answer {
	a := &rag.Answer{Question: question, Grounded: true, Mode: rag.AnswerExtractive}
	cite := citer(a)
	var b strings.Builder
	b.WriteString(res.Headline())
	if len(res.Changes) == 0 {
		if po, pn := firstBody(old), firstBody(new); po != nil && pn != nil {
			fmt.Fprintf(&b, " Both say the same, in the same words %s%s.", cite(old, po), cite(new, pn))
		}
	}
	for _, c := range highlights(res) {
		b.WriteString("\n- ")
		switch c.Kind {
		case Added:
			fmt.Fprintf(&b, "New: %s %s", first(c.New.Text), cite(new, c.New))
		case Removed:
			fmt.Fprintf(&b, "No longer there: %s %s", first(c.Old.Text), cite(old, c.Old))
		default:
			refs := cite(old, c.Old) + cite(new, c.New)
			switch {
			case len(c.Edits) > 0:
				fmt.Fprintf(&b, "Changed: %s %s", c.Gist(400), refs)
			case len(c.Added) > 0:
				fmt.Fprintf(&b, "Now also says: %s %s", c.Added[0], refs)
			default:
				fmt.Fprintf(&b, "No longer says: %s %s", c.Removed[0], refs)
			}
		}
	}
	if more := len(res.Changes) - answerChanges; more > 0 {
		a.Note = fmt.Sprintf("%d more changes: see the full comparison (%s).", more, fullComparison(old.ID, new.ID))
	}
	a.Text = b.String()
	return a
}

// highlights are the answer's changes: the most telling, with at least
// one about the old statement's text when any is, so that both
// statements are cited.
func highlights(res Result) []Change {
	all := res.Important(len(res.Changes))
	top := all[:min(answerChanges, len(all))]
	for _, c := range top {
		if c.Old != nil {
			return top
		}
	}
	for _, c := range all[len(top):] {
		if c.Old != nil {
			return append(top[:len(top)-1:len(top)-1], c)
		}
	}
	return top
}

// firstBody is a statement's first paragraph that is not its header.
func firstBody(st *statementbot.Statement) *Para {
	for _, p := range st.Paragraphs {
		if !p.Header {
			return &Para{Paragraph: p.N, Text: p.Text}
		}
	}
	return nil
}

// citer returns a function that cites paragraph p of st in a: its number,
// as "[n]", adding the citation on first use.
func citer(a *rag.Answer) func(st *statementbot.Statement, p *Para) string {
	numbers := map[[2]any]int{}
	return func(st *statementbot.Statement, p *Para) string {
		k := [2]any{st.ID, p.Paragraph}
		n, ok := numbers[k]
		if !ok {
			n = len(a.Citations) + 1
			numbers[k] = n
			c := rag.Citation{N: n, Statement: st.ID, Title: st.Title, Date: st.Date, Paragraph: p.Paragraph, Text: p.Text}
			if sp, ok := st.Paragraph(p.Paragraph); ok {
				c.Section = sp.Section
			}
			a.Citations = append(a.Citations, c)
		}
		return fmt.Sprintf("[%d]", n)
	}
}

// fullComparison is where the whole comparison of the statements with
// index keys old and new is shown: /compare, or the CLI for shared
// statements. A server's statement is named by its Ref ("~id"), as
// /compare in that server takes it; the CLI's compare reads the shared
// library only, so it is not offered then.
func fullComparison(old, new string) string {
	ol, _ := rag.SplitKey(old)
	nl, _ := rag.SplitKey(new)
	if ol != "" || nl != "" {
		return fmt.Sprintf("/compare old:%s new:%s", rag.Ref(old), rag.Ref(new))
	}
	return fmt.Sprintf("/compare, or statementbot compare %s %s", old, new)
}
