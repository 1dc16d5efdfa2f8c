package compare

import (
	"fmt"
	"strings"
	"testing"

	"github.com/statementbot/statementbot"
)

type list []*statementbot.Statement

func (l list) Statements() []*statementbot.Statement { return l }

func meta(id, title, date, issuer string) *statementbot.Statement {
	return &statementbot.Statement{ID: id, Title: title, Date: date, Issuer: issuer}
}

var library = list{
	meta("min-2025", "Ministerial Statement of the Global Coalition", "2025-06-01", "Global Coalition"),
	meta("min-2026", "Ministerial Statement of the Global Coalition", "2026-06-05", "Global Coalition"),
	meta("min-2027", "Ministerial Statement of the Global Coalition", "2027-06-10", "Global Coalition"),
	meta("fs-2026", "Fact Sheet: Syria Sanctions Relief", "2026-07-01", "The White House"),
	meta("fs-2027", "Fact Sheet: Syria Sanctions Relief Extended", "2027-03-01", ""),
	meta("joint", "Joint Statement on Iraq", "", "State Department"),
	meta("readout", "Readout of the Secretary's Call on Iraq", "2027-08-01", "U.S. Department of State"),
}

func TestRoute(t *testing.T) {
	for _, tc := range []struct {
		q        string
		old, new string // "" when the question is not routed
	}{
		{"What changed in the 2027 statement compared with 2026?", "min-2026", "min-2027"},
		{"what changed in the 2026 statement compared with the 2027 one", "min-2026", "min-2027"},
		{"What changed since 2026?", "min-2026", "min-2027"},
		{"What's new in the latest fact sheet?", "fs-2026", "fs-2027"},
		{"What’s new in the 2027 Syria sanctions fact sheet?", "fs-2026", "fs-2027"},
		{"Compare the 2025 and 2027 ministerial statements", "min-2025", "min-2027"},
		{"What is different in the 2026 statement?", "min-2025", "min-2026"},
		{"How has the ministerial statement changed since 2025?", "min-2025", "min-2027"},
		// Two statements named, of different series.
		{"Compare the Syria sanctions relief extended fact sheet with the readout of the call on Iraq", "fs-2027", "readout"},
		{"compare the readout on Iraq to the ministerial statement", "min-2027", "readout"},
		{"What is the difference between the joint statement on Iraq and the readout on Iraq?", "joint", "readout"},
		// The latest statement starts no series: nothing to compare it with.
		{"What's new in the latest statement?", "", ""},
		// An undated statement has no place in a series.
		{"What's new in the Iraq joint statement?", "", ""},
		// Not comparisons.
		{"Which countries joined the Coalition?", "", ""},
		{"What new members joined the Coalition in 2027?", "", ""},
		{"What has changed in Syria?", "", ""},
		{"What is the Coalition's sole purpose?", "", ""},
	} {
		old, new, ok := Route(library, tc.q)
		var got [2]string
		if ok {
			got = [2]string{old.ID, new.ID}
		}
		if got != [2]string{tc.old, tc.new} {
			t.Errorf("Route(%q) = %v, want %v", tc.q, got, [2]string{tc.old, tc.new})
		}
	}
}

func TestPrevious(t *testing.T) {
	by := map[string]*statementbot.Statement{}
	for _, st := range library {
		by[st.ID] = st
	}
	for id, want := range map[string]string{
		"min-2027": "min-2026", "min-2025": "", "fs-2027": "fs-2026", "readout": "", "joint": "",
	} {
		got := ""
		if p := Previous(library, by[id]); p != nil {
			got = p.ID
		}
		if got != want {
			t.Errorf("Previous(%s) = %q, want %q", id, got, want)
		}
	}
}

func TestAnswerCitesBothStatements(t *testing.T) {
	old := statement("min-2026", "2026-06-05", pMeet, pFund, pSyria)
	new := statement("min-2027", "2027-06-10", pMeet, strings.Replace(pFund, "40 million", "55 million", 1), pNew)
	old.Issuer, new.Issuer = "Global Coalition", "Global Coalition"
	new.Paragraphs[2].Section = "Stabilization"
	a, ok := Answer(list{old, new}, "What's new in the latest statement?")
	if !ok {
		t.Fatal("not routed")
	}
	if !a.Grounded || a.Mode != "extractive" || a.Question != "What's new in the latest statement?" {
		t.Errorf("answer = %+v", a)
	}
	wantLines := []string{
		"Compared with Statement min-2026 (2026-06-05), Statement min-2027 (2027-06-10) adds 1 paragraph, removes 1 paragraph and changes 1 paragraph; 1 paragraph is unchanged.",
		"- Changed: “40 million euros” → “55 million euros” [1][2]",
		"- New: " + pNew + " [3]",
		"- No longer there: In Syria, the Coalition supports a political settlement. [4]",
	}
	if got := strings.Split(a.Text, "\n"); strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("text:\n%s\nwant:\n%s", a.Text, strings.Join(wantLines, "\n"))
	}
	wantCites := [][2]any{{"min-2026", 3}, {"min-2027", 3}, {"min-2027", 4}, {"min-2026", 4}}
	if len(a.Citations) != len(wantCites) {
		t.Fatalf("citations = %+v", a.Citations)
	}
	for i, c := range a.Citations {
		st := old
		if c.Statement == new.ID {
			st = new
		}
		p, _ := st.Paragraph(c.Paragraph)
		if c.N != i+1 || [2]any{c.Statement, c.Paragraph} != wantCites[i] || c.Text != p.Text || c.Section != p.Section || c.Title != st.Title || c.Date != st.Date {
			t.Errorf("citation %d = %+v, want %v verbatim", i+1, c, wantCites[i])
		}
	}
}

func TestAnswerCitesTheOldStatementToo(t *testing.T) {
	// Six paragraphs added rank above the one removed, which is still
	// listed, in place of the fifth.
	old := statement("a", "2026-01-01", pMeet)
	new := statement("b", "2027-01-01", pNew, pIraq, pSyria, pAfrica, pFund, "The lighthouse will be repainted.")
	a := Cited(old, new, Compare(old, new), "what changed?")
	var got []string
	for _, l := range strings.Split(a.Text, "\n")[1:] {
		got = append(got, l[:min(len(l), 20)])
	}
	want := []string{"- New: The Ministers", "- New: The Coalition", "- New: In Syria, the", "- New: The Ministers", "- No longer there: T"}
	if strings.Join(got, "|") != strings.Join(want, "|") || a.Citations[len(a.Citations)-1].Statement != "a" {
		t.Errorf("lines %q, want %q; citations %+v", got, want, a.Citations)
	}
}

func TestAnswerNoChanges(t *testing.T) {
	old := statement("a", "2026-01-01", pMeet, pIraq)
	new := statement("b", "2027-01-01", pIraq, pMeet)
	a := Cited(old, new, Compare(old, new), "what changed?")
	if !strings.HasSuffix(a.Text, "2 paragraphs are unchanged. Both say the same, in the same words [1][2].") || len(a.Citations) != 2 || a.Citations[1].Statement != "b" {
		t.Errorf("answer = %+v", a)
	}
}

// TestAnswerNoteNamesServerStatements: the note under an answer about two
// statements of a server's own library names them as people of that
// server do (~id, in /compare), not by their index keys
// ("<server>/<id>"), which no command takes.
func TestAnswerNoteNamesServerStatements(t *testing.T) {
	var oldBody, newBody []string
	for i := range 8 {
		oldBody = append(oldBody, fmt.Sprintf("The council approved %d million euros for harbour works in district %d.", 10+i, i))
		newBody = append(newBody, fmt.Sprintf("The council approved %d million euros for harbour works in district %d.", 50+i, i))
	}
	for _, tc := range []struct {
		old, new string
		want     []string
	}{
		{"2024-budget", "2025-budget", []string{"statementbot compare 2024-budget 2025-budget"}},
		{"111/2024-budget", "111/2025-budget", []string{"/compare old:~2024-budget new:~2025-budget"}},
	} {
		old, new := statement(tc.old, "2024-01-01", oldBody...), statement(tc.new, "2025-01-01", newBody...)
		a := Cited(old, new, Compare(old, new), "what changed?")
		if a.Note == "" {
			t.Fatalf("%s -> %s: no note for %d changes", tc.old, tc.new, len(Compare(old, new).Changes))
		}
		for _, w := range tc.want {
			if !strings.Contains(a.Note, w) {
				t.Errorf("%s -> %s: note %q, want it to name %q", tc.old, tc.new, a.Note, w)
			}
		}
		if strings.Contains(a.Note, "111/") {
			t.Errorf("%s -> %s: note %q names an index key", tc.old, tc.new, a.Note)
		}
	}
}
