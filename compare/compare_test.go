package compare

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/statementbot/statementbot"
	"github.com/statementbot/statementbot/ingest"
)

// statement builds a statement with a header paragraph and the given body
// paragraphs, numbered from 2.
func statement(id, date string, body ...string) *statementbot.Statement {
	st := &statementbot.Statement{ID: id, Title: "Statement " + id, Date: date}
	st.Paragraphs = append(st.Paragraphs, statementbot.Paragraph{Statement: id, N: 1, Text: "Statement " + id + " " + date, Header: true})
	for i, t := range body {
		st.Paragraphs = append(st.Paragraphs, statementbot.Paragraph{Statement: id, N: i + 2, Text: t})
	}
	return st
}

const (
	pMeet   = "The Ministers met today in Rome. They welcomed new members of the Coalition."
	pIraq   = "The Coalition operates in Iraq at the request of its Government. The Ministers condemned attacks on Coalition personnel."
	pSyria  = "In Syria, the Coalition supports a political settlement. It supports stabilization in liberated areas."
	pAfrica = "The Ministers discussed the threat in Africa. They tasked the working groups to assess ways to help. They welcomed observers from African nations. The next meeting will be held in 2022."
	pFund   = "The Coalition pledged 40 million euros to stabilization in Iraq. The pledge drive continues."
	pNew    = "The Ministers agreed to open a liaison office in Nairobi."
)

// change is a Change in short form for the tables.
type change struct {
	kind           string
	old, new       int
	added, removed []string
	edits          []Edit
}

func short(cs []Change) []change {
	out := []change{}
	for _, c := range cs {
		s := change{kind: c.Kind, added: c.Added, removed: c.Removed, edits: c.Edits}
		if c.Old != nil {
			s.old = c.Old.Paragraph
		}
		if c.New != nil {
			s.new = c.New.Paragraph
		}
		out = append(out, s)
	}
	return out
}

func TestComparePairs(t *testing.T) {
	for _, tc := range []struct {
		name      string
		old, new  []string
		want      []change
		unchanged int
	}{
		{"identical", []string{pMeet, pIraq}, []string{pMeet, pIraq}, []change{}, 2},
		{"paragraph added", []string{pMeet, pIraq}, []string{pMeet, pNew, pIraq},
			[]change{{kind: Added, new: 3, added: []string{}, removed: []string{}}}, 2},
		{"paragraph removed", []string{pMeet, pSyria, pIraq}, []string{pMeet, pIraq},
			[]change{{kind: Removed, old: 3, added: []string{}, removed: []string{}}}, 2},
		{"paragraphs moved", []string{pMeet, pIraq, pSyria}, []string{pSyria, pMeet, pIraq}, []change{}, 3},
		{"paragraph split", []string{pMeet, pAfrica},
			[]string{pMeet, "The Ministers discussed the threat in Africa. They tasked the working groups to assess ways to help.", "They welcomed observers from African nations. The next meeting will be held in 2022."},
			[]change{}, 3},
		{"paragraphs merged", []string{pMeet, pIraq, pSyria}, []string{pMeet + " " + pIraq, pSyria}, []change{}, 2},
		{"figure changed", []string{pMeet, pFund}, []string{pMeet, strings.Replace(pFund, "40 million", "55 million", 1)},
			[]change{{kind: Changed, old: 3, new: 3,
				removed: []string{"The Coalition pledged 40 million euros to stabilization in Iraq."},
				added:   []string{"The Coalition pledged 55 million euros to stabilization in Iraq."},
				edits:   []Edit{{Old: "40 million euros", New: "55 million euros"}}}}, 1},
		{"date and name changed", []string{pAfrica}, []string{strings.Replace(strings.Replace(pAfrica, "2022", "2023", 1), "African nations", "Kenya", 1)},
			[]change{{kind: Changed, old: 2, new: 2,
				removed: []string{"They welcomed observers from African nations.", "The next meeting will be held in 2022."},
				added:   []string{"They welcomed observers from Kenya.", "The next meeting will be held in 2023."},
				edits:   []Edit{{Old: "African nations", New: "Kenya"}, {Old: "2022", New: "2023"}}}}, 0},
		{"only punctuation, quotes, case and spacing", []string{pMeet, pSyria},
			[]string{"The Ministers met today, in Rome; they welcomed new members of the “Coalition”.", "In Syria the  coalition supports a political settlement. It supports stabilization in liberated areas!"},
			[]change{}, 2},
		{"sentence added to a paragraph", []string{pMeet, pIraq}, []string{pMeet, pIraq + " " + pNew},
			[]change{{kind: Changed, old: 3, new: 3, added: []string{pNew}, removed: []string{}}}, 1},
		{"sentence dropped from a paragraph", []string{pMeet, pIraq}, []string{"The Ministers met today in Rome.", pIraq},
			[]change{{kind: Changed, old: 2, new: 2, added: []string{}, removed: []string{"They welcomed new members of the Coalition."}}}, 1},
		{"sentence moved to another paragraph", []string{pMeet, pIraq},
			[]string{"The Ministers met today in Rome.", "They welcomed new members of the Coalition. " + pIraq}, []change{}, 2},
		{"removed paragraph placed after its predecessor", []string{pMeet, pSyria, pIraq}, []string{pNew, pMeet, pIraq},
			[]change{{kind: Added, new: 2, added: []string{}, removed: []string{}}, {kind: Removed, old: 3, added: []string{}, removed: []string{}}}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Compare(statement("a", "2026-01-01", tc.old...), statement("b", "2027-01-01", tc.new...))
			if got := short(res.Changes); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("changes:\n got %+v\nwant %+v", got, tc.want)
			}
			if res.Unchanged != tc.unchanged {
				t.Errorf("unchanged = %d, want %d", res.Unchanged, tc.unchanged)
			}
		})
	}
}

func TestCompareJSON(t *testing.T) {
	res := Compare(statement("a", "2026-01-01", pMeet, pSyria), statement("b", "2027-01-01", pMeet, pNew))
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"old":{"id":"a","title":"Statement a","date":"2026-01-01"},"new":{"id":"b","title":"Statement b","date":"2027-01-01"},` +
		`"changes":[{"kind":"removed","old":{"paragraph":3,"text":"` + pSyria + `"},"new":null,"added":[],"removed":[]},` +
		`{"kind":"added","old":null,"new":{"paragraph":3,"text":"` + pNew + `"},"added":[],"removed":[]}],"unchanged":1}`
	if string(data) != want {
		t.Errorf("JSON:\n got %s\nwant %s", data, want)
	}
}

func seed(t testing.TB) *statementbot.Statement {
	t.Helper()
	raw, err := os.ReadFile("../statements/2021-06-28-global-coalition-rome.txt")
	if err != nil {
		t.Fatal(err)
	}
	st, err := ingest.Parse("2021-06-28-global-coalition-rome", raw, ingest.Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// edited copies st with its body paragraphs replaced by body (numbered
// after the header).
func edited(st *statementbot.Statement, id string, body []string) *statementbot.Statement {
	cp := *st
	cp.ID = id
	cp.Paragraphs = nil
	for _, p := range st.Paragraphs {
		if p.Header {
			cp.Paragraphs = append(cp.Paragraphs, p)
		}
	}
	for _, text := range body {
		cp.Paragraphs = append(cp.Paragraphs, statementbot.Paragraph{Statement: id, N: len(cp.Paragraphs) + 1, Text: text})
	}
	return &cp
}

func TestCompareSeedWithEditedCopy(t *testing.T) {
	st := seed(t)
	var body []string
	for _, p := range st.Paragraphs {
		if !p.Header {
			body = append(body, p.Text)
		}
	}
	if len(body) != 9 {
		t.Fatalf("the seed has %d body paragraphs; the edits below expect 9", len(body))
	}
	if res := Compare(st, st); len(res.Changes) != 0 || res.Unchanged != 9 {
		t.Fatalf("seed against itself: %d changes, %d unchanged", len(res.Changes), res.Unchanged)
	}

	// The edits (old numbering): ¶4 and ¶5 swap places; ¶6 (Syria) is split in two after
	// its first sentence; a figure changes in ¶4 and a date in ¶10; ¶9
	// is dropped; a new paragraph closes the text; ¶2 is re-punctuated.
	sents := ingest.Sentences(body[4])
	news := []string{
		strings.ReplaceAll(strings.ReplaceAll(body[0], ", ", " , "), "’", "'"),
		body[1],
		body[3], body[2],
		sents[0], strings.Join(sents[1:], " "),
		body[5], body[6],
		strings.Replace(body[8], "June 2022", "June 2023", 1),
		pNew,
	}
	body[2] = strings.Replace(body[2], "nearly eight million", "nearly nine million", 1)
	old := edited(st, "old", body)
	res := Compare(old, edited(st, "new", news))
	got := short(res.Changes)
	want := []change{
		{kind: Changed, old: 4, new: 5,
			removed: []string{"Daesh/ISIS no longer controls territory and nearly nine million people have been freed from its control in Iraq and Syria, but the threat remains."},
			added:   []string{"Daesh/ISIS no longer controls territory and nearly eight million people have been freed from its control in Iraq and Syria, but the threat remains."},
			edits:   []Edit{{Old: "nine million people", New: "eight million people"}}},
		{kind: Removed, old: 9, added: []string{}, removed: []string{}},
		{kind: Changed, old: 10, new: 10,
			removed: []string{body[8]}, added: []string{news[8]},
			edits: []Edit{{Old: "June 2022", New: "June 2023"}}},
		{kind: Added, new: 11, added: []string{}, removed: []string{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n got %+v\nwant %+v", got, want)
	}
	if res.Unchanged != 7 {
		t.Errorf("unchanged = %d, want 7", res.Unchanged)
	}
	for _, c := range res.Changes {
		if c.Old != nil {
			if p, _ := old.Paragraph(c.Old.Paragraph); p.Text != c.Old.Text {
				t.Errorf("old ¶%d text is not the paragraph's", c.Old.Paragraph)
			}
		}
	}
}

func TestImportantFiguresFirst(t *testing.T) {
	old := statement("a", "2026-01-01", pMeet, "The budget is four million euros.", pIraq, "The office is in Rome.")
	new := statement("b", "2027-01-01", pMeet, "The budget is six million euros.", pIraq, pNew, "The office is in Tunis.")
	var got []string
	for _, c := range Compare(old, new).Important(5) {
		got = append(got, c.Where()+" "+c.Gist(100))
	}
	want := []string{"¶3 → ¶3 “four million euros” → “six million euros”", "¶5 → ¶6 “Rome” → “Tunis”", "new ¶5 added: " + pNew}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Important:\n got %q\nwant %q", got, want)
	}
}
