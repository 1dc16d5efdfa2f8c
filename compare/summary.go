package compare

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/statementbot/statementbot/ingest"
)

// Important returns at most n changes, the most telling first: changed
// figures and dates, then changed names, then paragraphs added, sentences
// added, paragraphs removed, and the rest; ties in the Result's order.
func (r Result) Important(n int) []Change {
	idx := make([]int, len(r.Changes))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Compare(weight(r.Changes[b]), weight(r.Changes[a]))
	})
	out := make([]Change, 0, min(n, len(idx)))
	for _, i := range idx[:min(n, len(idx))] {
		out = append(out, r.Changes[i])
	}
	return out
}

func weight(c Change) int {
	switch {
	case c.Kind == Changed && slices.ContainsFunc(c.Edits, func(e Edit) bool { return hasFigure(e.Old) || hasFigure(e.New) }):
		return 6
	case c.Kind == Changed && slices.ContainsFunc(c.Edits, func(e Edit) bool { return hasCapital(e.Old) || hasCapital(e.New) }):
		return 5
	case c.Kind == Added:
		return 4
	case c.Kind == Changed && len(c.Added) > 0:
		return 3
	case c.Kind == Removed:
		return 2
	}
	return 1
}

// hasFigure reports a figure or a date in s, in digits or words.
func hasFigure(s string) bool {
	if strings.ContainsFunc(s, unicode.IsDigit) {
		return true
	}
	for _, w := range words(s) {
		if figureWords[w] {
			return true
		}
	}
	return false
}

var figureWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
		sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
		billion trillion half dozen percent per cent first second third fourth fifth january february march april may june
		july august september october november december`) {
		figureWords[w] = true
	}
}

func hasCapital(s string) bool {
	for w := range strings.FieldsSeq(s) {
		r := []rune(w)
		if len(r) > 0 && unicode.IsUpper(r[0]) {
			return true
		}
	}
	return false
}

// Where says where a change is: "¶3 → ¶4", "new ¶5", "old ¶9".
func (c Change) Where() string {
	switch {
	case c.Old != nil && c.New != nil:
		return fmt.Sprintf("¶%d → ¶%d", c.Old.Paragraph, c.New.Paragraph)
	case c.New != nil:
		return fmt.Sprintf("new ¶%d", c.New.Paragraph)
	case c.Old != nil:
		return fmt.Sprintf("old ¶%d", c.Old.Paragraph)
	}
	return ""
}

// Gist says a change in one line: the words that changed ("“40 million
// euros” → “55 million euros”"), else the first sentence added or
// removed, cut to about n runes.
func (c Change) Gist(n int) string {
	var s string
	switch {
	case c.Kind == Added:
		s = "added: " + first(c.New.Text)
	case c.Kind == Removed:
		s = "removed: " + first(c.Old.Text)
	case len(c.Edits) > 0:
		var parts []string
		for _, e := range c.Edits {
			switch {
			case e.New == "":
				parts = append(parts, fmt.Sprintf("“%s” dropped", e.Old))
			case e.Old == "":
				parts = append(parts, fmt.Sprintf("“%s” added", e.New))
			default:
				parts = append(parts, fmt.Sprintf("“%s” → “%s”", e.Old, e.New))
			}
		}
		s = strings.Join(parts, "; ")
	case len(c.Added) > 0:
		s = "now says: " + c.Added[0]
	case len(c.Removed) > 0:
		s = "no longer says: " + c.Removed[0]
	}
	return cut(s, n)
}

func first(text string) string {
	if ss := ingest.Sentences(text); len(ss) > 0 {
		return ss[0]
	}
	return text
}

// cut shortens s to at most n runes, marking the cut.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// Headline says the counts in one sentence: "Compared with A (date), B
// (date) adds 1 paragraph, removes 2 paragraphs and changes 3
// paragraphs; 7 paragraphs are unchanged." Zero counts are left out.
func (r Result) Headline() string {
	a, rm, ch := r.Counts()
	var parts []string
	for _, p := range []struct {
		verb string
		n    int
	}{{"adds", a}, {"removes", rm}, {"changes", ch}} {
		if p.n > 0 {
			parts = append(parts, p.verb+" "+plural(p.n, "paragraph"))
		}
	}
	what := "changes no paragraph"
	switch len(parts) {
	case 1:
		what = parts[0]
	case 2, 3:
		what = strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	s := fmt.Sprintf("Compared with %s, %s %s", label(r.Old), label(r.New), what)
	if r.Unchanged > 0 {
		s += "; " + plural(r.Unchanged, "paragraph") + isAre(r.Unchanged) + " unchanged"
	}
	return s + "."
}

func label(ref Ref) string {
	if ref.Date == "" {
		return ref.Title
	}
	return fmt.Sprintf("%s (%s)", ref.Title, ref.Date)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func isAre(n int) string {
	if n == 1 {
		return " is"
	}
	return " are"
}
