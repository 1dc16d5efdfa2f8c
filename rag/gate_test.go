package rag

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/ingest"
)

// libraryEngine builds an engine over three small statements of one
// series, written for these tests: two years of a forum's communiqué and
// an unrelated notice.
func libraryEngine(t testing.TB) *Engine {
	t.Helper()
	texts := []struct{ id, text string }{
		{"2022-05-11-forum-marrakesh", "Forum Ministerial Communiqué\n\nMay 11, 2022 - Marrakesh - Forum Secretariat\n\n" +
			"The ministers of the Forum met today in Marrakesh and renewed their commitment to regional stability.\n\n" +
			"The ministers welcomed the work of INTERPOL on sharing information about foreign fighters.\n\n" +
			"In Africa, the ministers agreed to fund training of border police in the Sahel."},
		{"2023-06-08-forum-riyadh", "Forum Ministerial Communiqué\n\nJune 8, 2023 - Riyadh - Forum Secretariat\n\n" +
			"The ministers of the Forum met today in Riyadh and renewed their commitment to regional stability.\n\n" +
			"The ministers welcomed the return of displaced families to their homes.\n\n" +
			"In Africa, the ministers agreed to expand support to civilian courts in West Africa."},
		{"2024-01-01-fisheries", "Fisheries Notice\n\nJanuary 1, 2024 - Halifax - Fisheries Office\n\nThe cod quota rises by ten percent this year.\n\nSalmon rivers stay closed to anglers.\n\nMarie Tremblay, Director General"},
	}
	return engineOf(t, texts)
}

// engineOf builds an offline engine over statements given as (id, text).
func engineOf(t testing.TB, texts []struct{ id, text string }) *Engine {
	t.Helper()
	var stmts []*Statement
	for _, x := range texts {
		st, err := ingest.Parse(x.id, []byte(x.text), Metadata{})
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, st)
	}
	loc := embeddings.NewLocal(0)
	ix, _, err := Build(context.Background(), stmts, loc, nil)
	if err != nil {
		t.Fatal(err)
	}
	return NewEngine(ix, Config{Queries: loc})
}

// askGrounded asks req and reports an error unless the answer is grounded
// (answers from the statements) exactly when want; it returns the answer.
func askGrounded(t *testing.T, e *Engine, req AskRequest, want bool) *Answer {
	t.Helper()
	a, err := e.Ask(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if a.Grounded != want {
		t.Errorf("%q (retrieval %v): grounded=%v, want %v: %s", req.Question, req.Retrieval, a.Grounded, want, a.Text)
	}
	return a
}

// askLeads asks q and reports an error unless the answer is grounded and
// its first sentence holds lead; it returns the answer.
func askLeads(t *testing.T, e *Engine, q, lead string) *Answer {
	t.Helper()
	a := askGrounded(t, e, AskRequest{Question: q}, true)
	if first, _, _ := strings.Cut(a.Text, "[1]"); !strings.Contains(first, lead) {
		t.Errorf("%q: the answer does not lead with %q: %s", q, lead, a.Text)
	}
	return a
}

// TestGateNearSynonyms: a word no paragraph uses counts where a paragraph
// uses a near-synonym of it (GloVe neighbours, package glove), and only
// a near one.
func TestGateNearSynonyms(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2022-03-01-province", "Province Notice\n\nMarch 1, 2022 - Northtown - Province Office\n\n" +
			"The province will close the old prison in Northtown and move its inmates to the new facility in Easton.\n\n" +
			"Road conditions in the hills remain difficult for lorries.\n\n" +
			"The province thanks the volunteers of the harbour festival."},
	})
	for _, tt := range []struct {
		q      string
		answer bool
	}{
		{"What will happen to the jail in Northtown?", true},       // jail -> prison 0.94
		{"What's the weather in the hills?", false},                // weather -> conditions 0.72: too far
		{"What will happen to the cathedral in Northtown?", false}, // no neighbour the notice uses
	} {
		a := askGrounded(t, e, AskRequest{Question: tt.q}, tt.answer)
		if tt.answer && !strings.Contains(a.Text, "prison") {
			t.Errorf("%q: answer without the prison paragraph: %s", tt.q, a.Text)
		}
	}
	// Literal retrieval reads the question's own words only.
	askGrounded(t, e, AskRequest{Question: "What will happen to the jail in Northtown?", Retrieval: Literal}, false)
}

func TestGateDecisions(t *testing.T) {
	e := libraryEngine(t)
	for _, tt := range []struct {
		q         string
		answer    bool
		statement string // the statement the answer must lead with
	}{
		{"What did the ministers say about INTERPOL?", true, "2022-05-11-forum-marrakesh"},
		{"What did the 2023 meeting say about Africa?", true, "2023-06-08-forum-riyadh"},
		{"What did the Marrakech meeting say about Africa?", true, "2022-05-11-forum-marrakesh"}, // spelled otherwise
		{"What did the latest communiqué say about Africa?", true, "2023-06-08-forum-riyadh"},
		{"How much does the cod quota rise?", true, "2024-01-01-fisheries"},
		{"Who hosted the Riyadh meeting?", true, "2023-06-08-forum-riyadh"}, // "host" is in no statement
		{"Who won the World Cup in Qatar?", false, ""},
		{"What's the weather in Riyadh?", false, ""},
		{"How do I renew my passport?", false, ""},
		{"What is the population of Marrakesh?", false, ""},
		// The issuer's name covers most of it; no statement says
		// "population".
		{"What is the population of the Forum Secretariat?", false, ""},
		{"What did the ministers say about the Taliban?", false, ""},
		// The Riyadh paragraphs cover the name, another the ordinary word:
		// no one paragraph answers.
		{"What is the quota in Riyadh?", false, ""},
		// Two ordinary words found, and a name no statement mentions.
		{"What regional stability score did the Lakers get?", false, ""},
		{"What is the Forum Secretariat's position on foreign fighters?", true, "2022-05-11-forum-marrakesh"},
		// No statement of 2021: the meetings of other years do not answer.
		{"Where did the ministers of the Forum meet in 2021?", false, ""},
		{"Where did the ministers of the Forum meet in 2023?", true, "2023-06-08-forum-riyadh"},
		// The signature names the notice; the answer is the body's.
		{"What did Marie Tremblay say about salmon rivers?", true, "2024-01-01-fisheries"},
		{"According to the notice Marie Tremblay issued, what happens to salmon rivers?", true, "2024-01-01-fisheries"},
	} {
		a := askGrounded(t, e, AskRequest{Question: tt.q}, tt.answer)
		if a.Grounded != tt.answer {
			continue
		}
		if tt.statement != "" && a.Citations[0].Statement != tt.statement {
			t.Errorf("%q: led by %s, want %s: %s", tt.q, a.Citations[0].Statement, tt.statement, a.Text)
		}
		if tt.answer && bare(a.Citations[0].Text) {
			t.Errorf("%q: led by a paragraph of names only: %s", tt.q, a.Text)
		}
	}
}

func TestMetaMatch(t *testing.T) {
	e := libraryEngine(t)
	m := e.Index().meta
	for _, tt := range []struct {
		q    string
		best int // index of the statement scoring 1, -1 for none
	}{
		{"What did they say in 2023?", 1},
		{"What happened in Marrakesh in May?", 0},
		{"What is in the fisheries notice?", 2},
		{"What did the first communiqué say?", 0},
		{"What did the most recent statement say?", 2},
		{"What did they say about stability?", -1},
	} {
		s := m.match(tt.q)
		got := -1
		for i, v := range s {
			if v == 1 {
				got = i
				break
			}
		}
		if got != tt.best {
			t.Errorf("match(%q) = %v, want statement %d first", tt.q, s, tt.best)
		}
	}
}

func TestDatePick(t *testing.T) {
	m := newMetaIndex([]*Statement{
		{ID: "a", Date: "2022-08-31"},
		{ID: "b", Date: "2023-10-16"},
		{ID: "c", Date: "2023-02-06"},
		{ID: "d"},
		{ID: "e", Date: "2021-10-04"},
	})
	all := []int{0, 1, 2, 3, 4}
	for _, tt := range []struct {
		q    string
		in   []int
		want int
	}{
		{"What did they discuss on their call in October 2023?", all, 1},
		{"the Oct. 16, 2023 readout", all, 1},
		{"In the 16 October 2023 call", all, 1},
		{"What was said in August 2022?", all, 0},
		{"What was said in 2023?", all, -1},           // a year alone: two statements
		{"in October 2023 or February 2023", all, -1}, // two named
		{"in October 2023", []int{0, 2, 3, 4}, -1},    // not in scope
		{"in March 2023", all, -1},                    // no statement then
		{"What was said in October?", all, -1},        // no year
	} {
		if got := m.datePick(tt.q, tt.in); got != tt.want {
			t.Errorf("datePick(%q) = %d, want %d", tt.q, got, tt.want)
		}
	}
}

func TestFuseScores(t *testing.T) {
	got := fuseScores([]fusedDoc{
		{doc: 4, keyword: 1, cosine: 0.30},  // close on both
		{doc: 2, keyword: 9, cosine: 0.20},  // far ahead by keyword
		{doc: 7, keyword: 0, cosine: 0.31},  // vector only
		{doc: 1, keyword: 1, cosine: 0.30},  // ties doc 4: the lower doc first
		{doc: 9, keyword: 0, cosine: -0.10}, // negative similarity counts as none
	})
	want := []int32{2, 1, 4, 7, 9}
	for i, d := range want {
		if got[i].doc != d {
			t.Fatalf("fused order %v, want %v", got, want)
		}
	}
	if got[4].score != 0 {
		t.Errorf("a paragraph found by neither scores %v", got[4].score)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"marrakech", "marrakesh", 1}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"same", "same", 0}} {
		if got := editDistance(tt.a, tt.b); got != tt.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}

func TestAlternatives(t *testing.T) {
	alts := alternativesOf("What did the leaders say about graft?", func(string) bool { return true })
	found := func(stem, alt string) bool {
		for _, a := range alts[stem] {
			if a.stem == alt {
				return a.credit == synonymCredit
			}
		}
		return false
	}
	if !found("graft", "briberi") {
		t.Errorf("graft: %v", alts)
	}
	// A phrasal verb is looked up with its particle; its more general
	// words count as a two-word lemma's.
	alts = alternativesOf("Who will look into the attack?", func(string) bool { return true })
	if !found("look", "investig") {
		t.Errorf("look into: %v", alts["look"])
	}
	// A light verb gets no other words of its own, in the gate either;
	// its phrasal verb does.
	if alts := alternativesOf("How will Iraq get power?", func(string) bool { return true }); len(alts["get"]) != 0 {
		t.Errorf("get: %v", alts["get"])
	}
	verbs := engineOf(t, []struct{ id, text string }{
		{"2024-02-01-council-notice", "Council Notice\n\nFebruary 1, 2024 - Northtown - Council Office\n\nThe council will make a decision and come back to the harbour."},
	}).Index()
	if near := verbs.nearSynonyms("go", false); len(near) != 0 {
		t.Errorf("go: near-synonyms %v", near)
	}
	alts = alternativesOf("Are refugees going back?", func(string) bool { return true })
	if !slices.Contains(alts["go"], alternative{"return", phraseHypernymCredit}) {
		t.Errorf("going back: %v", alts["go"])
	}
	alts = alternativesOf("What about graft and bribery?", func(string) bool { return true })
	if found("graft", "briberi") {
		t.Errorf("a word of the question is listed as another word for graft: %v", alts)
	}
	for stem, list := range alts {
		for _, a := range list {
			if a.stem == stem {
				t.Errorf("%s lists itself", stem)
			}
		}
	}
	ix := libraryEngine(t).Index()
	terms := ix.withAlternatives(unitWeights([]string{"graft", "minist"}), alternativesOf("graft minister", ix.lacks))
	if len(terms) < 3 || terms[2].weight != synonymCredit {
		t.Errorf("weighted terms %v", terms)
	}
	for _, wt := range terms[2:] {
		if wt.term == "secretari" {
			t.Errorf("%v: a word the library holds (minister) was expanded", terms)
		}
	}
	terms = ix.withAlternatives(unitWeights([]string{"graft"}), alternativesOf("graft", ix.lacks))
	if len(terms) < 2 || terms[0] != (weightedTerm{"graft", 1}) || terms[1].weight != synonymCredit {
		t.Errorf("weighted terms %v", terms)
	}
}

func TestSummaryAndAcrossAnswers(t *testing.T) {
	e := libraryEngine(t)
	ask := func(q string) *Answer {
		t.Helper()
		a, err := e.Ask(context.Background(), AskRequest{Question: q})
		if err != nil {
			t.Fatal(err)
		}
		checkCitations(t, e.Index(), a)
		return a
	}
	// A summary quotes the lead sentences of the statement named.
	a := ask("Summarize the 2023 communiqué.")
	if !a.Grounded || len(a.Citations) < 2 || a.Citations[0].Statement != "2023-06-08-forum-riyadh" || a.Citations[0].Paragraph != 2 {
		t.Errorf("summary = %+v", a)
	}
	for _, c := range a.Citations {
		if c.Statement != "2023-06-08-forum-riyadh" {
			t.Errorf("summary cites %s", c.Statement)
		}
	}
	if a := ask("Summarize the statement about the Taliban."); a.Grounded {
		t.Errorf("summary of something no statement mentions: %s", a.Text)
	}
	// Asked for a summary of no statement in particular: the newest.
	for _, q := range []string{"tl;dr", "Summarize the statement.", "Give me the gist"} {
		a := ask(q)
		if !a.Grounded || len(a.Citations) == 0 || a.Citations[0].Statement != "2024-01-01-fisheries" {
			t.Errorf("%q: %+v", q, a)
		}
	}
	// A question across statements quotes each, labelled.
	a = ask("Which statements mention Africa?")
	if !a.Grounded || len(a.Citations) != 2 || a.Citations[0].Statement == a.Citations[1].Statement {
		t.Fatalf("across = %+v", a)
	}
	lines := strings.Split(a.Text, "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "2023-06-08, Riyadh"+LabelSeparator) || !strings.HasPrefix(lines[1], "2022-05-11, Marrakesh"+LabelSeparator) {
		t.Errorf("across answer not labelled per statement, newest first:\n%s", a.Text)
	}

	// Otherwise an answer quotes one statement.
	a = ask("What did the ministers agree about Africa?")
	for _, c := range a.Citations {
		if c.Statement != a.Citations[0].Statement {
			t.Errorf("a single-statement answer mixes %s and %s", a.Citations[0].Statement, c.Statement)
		}
	}
}

func TestIntents(t *testing.T) {
	for q, want := range map[string][2]bool{
		"Summarize the statement":                    {true, false},
		"tl;dr?":                                     {true, false},
		"What is this statement about?":              {true, false},
		"What did the statement say about Iran?":     {false, false},
		"Which statements mention al-Hol?":           {false, true},
		"Do all the statements refer to UNSCR 2254?": {false, true},
		"Which countries joined the Coalition?":      {false, false},
		"What is the general license called?":        {false, false},
	} {
		if got := [2]bool{summaryIntent(q), acrossIntent(q)}; got != want {
			t.Errorf("%q: summary, across = %v, want %v", q, got, want)
		}
	}
}

func TestHeaderIntent(t *testing.T) {
	for q, want := range map[string]bool{
		"Who issued this statement?":                            true,
		"When was the communiqué published?":                    true,
		"When was this statement made?":                         true,
		"When was it?":                                          true,
		"Who met, and where, according to the joint statement?": false,
		"Where is the source?":                                  true,
		"When is the next meeting?":                             false,
		"Who joined the G7 leaders on 8 May 2022?":              false,
		"In which city was the meeting held?":                   false,
		"What did the ministers say about Africa?":              false,
		"Who is the author of the statement?":                   true,
		"What did the G7 ask of the authorities in Belarus?":    false, // "authorities" stems as "author"
	} {
		if got := headerIntent(q, queryTerms(q)); got != want {
			t.Errorf("headerIntent(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestSectionsSearchableAndCited(t *testing.T) {
	st := &Statement{ID: "s", Title: "Joint Statement", Date: "2022-07-16", Paragraphs: []Paragraph{
		{Statement: "s", N: 1, Text: "July 16, 2022", Header: true},
		{Statement: "s", N: 2, Text: "The leaders discussed trade.", Section: "Promoting Stability"},
		{Statement: "s", N: 3, Text: "The leaders discussed energy."},
	}}
	loc := embeddings.NewLocal(0)
	ix, _, err := Build(context.Background(), []*Statement{st}, loc, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(ix, Config{Queries: loc})
	hits, err := e.Search(context.Background(), "promoting stability", SearchOptions{K: 1})
	if err != nil || len(hits) != 1 || hits[0].N != 2 {
		t.Fatalf("section not searchable: %+v %v", hits, err)
	}
	c := ix.citationFor(1, hits[0].Paragraph)
	if c.Section != "Promoting Stability" || c.Label() != "Joint Statement (2022-07-16), ¶2 (Promoting Stability)" || c.Text != "The leaders discussed trade." {
		t.Errorf("citation %+v, label %q", c, c.Label())
	}
}

// TestIssueQuestions: the questions the bundled statement answered wrongly
// or declined (issue "Answers that hold up on a real library").
func TestIssueQuestions(t *testing.T) {
	e := seedEngine(t)
	for _, tt := range []struct {
		q, lead string // lead: in the first sentence; "" for a decline
	}{
		{"What did the ministers say about INTERPOL?", "INTERPOL"},
		{"Who hosted the meeting?", "at the invitation of"},
		{"summarize the statement", "met today in Rome"},
		{"What's the weather in Rome?", ""},
		{"How do I renew my passport?", ""},
		{"What is the population of Saudi Arabia?", ""},
	} {
		a, err := e.Ask(context.Background(), AskRequest{Question: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		checkCitations(t, e.Index(), a)
		if tt.lead == "" {
			if a.Grounded {
				t.Errorf("%q answered: %s", tt.q, a.Text)
			}
			continue
		}
		first, _, _ := strings.Cut(a.Text, "[1]")
		if !a.Grounded || !strings.Contains(first, tt.lead) {
			t.Errorf("%q: want %q in the first sentence: %s", tt.q, tt.lead, a.Text)
		}
	}
}

func TestCompareHook(t *testing.T) {
	base := libraryEngine(t)
	calls := 0
	e := NewEngine(base.Index(), Config{Compare: func(_ context.Context, ix *Index, q string) (*Answer, bool) {
		calls++
		if q != "What changed since 2022?" {
			return nil, false
		}
		return &Answer{Text: "compared", Grounded: true, Mode: AnswerExtractive}, true
	}})
	a, err := e.Ask(context.Background(), AskRequest{Question: "What changed since 2022?"})
	if err != nil || a.Text != "compared" || a.Question != "What changed since 2022?" {
		t.Fatalf("comparison question: %+v %v", a, err)
	}
	a, err = e.Ask(context.Background(), AskRequest{Question: "What did the ministers say about INTERPOL?"})
	if err != nil || !strings.Contains(a.Text, "INTERPOL") || calls != 2 {
		t.Errorf("other questions go on to search: %+v %v (calls %d)", a, err, calls)
	}
	// A question restricted to one statement is not a comparison.
	if _, err := e.Ask(context.Background(), AskRequest{Question: "What changed since 2022?", Statement: "2024-01-01-fisheries"}); err != nil || calls != 2 {
		t.Errorf("restricted question reached the comparison (calls %d, %v)", calls, err)
	}
}

// TestHeaderNotQuoted: a statement's header (its dateline with the
// title) holds the words that name the statement, which every sentence
// of the statement covers; it is quoted only for questions about the
// statement itself.
func TestHeaderNotQuoted(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2024-03-03-harbour-readout", "Readout of the Minister’s Meeting with the Harbour Board Chair Ana Ruiz\n\nMarch 3, 2024 - Northtown - Ministry of Ports\n\n" +
			"The Minister met today with Harbour Board Chair Ana Ruiz. She thanked the board for its work on the new quay. Separately, the deputy minister met the board's staff."},
		{"2024-01-01-fisheries", "Fisheries Notice\n\nJanuary 1, 2024 - Halifax - Fisheries Office\n\nThe cod quota rises by ten percent this year.\n\nSalmon rivers stay closed to anglers."},
	})
	for _, tt := range []struct {
		q      string
		header bool
	}{
		{"What did the Minister tell the Harbour Board Chair at their March 2024 meeting?", false},
		{"Who issued the harbour readout, and when?", true},
	} {
		a, err := e.Ask(context.Background(), AskRequest{Question: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		checkCitations(t, e.Index(), a)
		quoted := false
		for _, c := range a.Citations {
			quoted = quoted || c.Paragraph == 1
		}
		if !a.Grounded || quoted != tt.header {
			t.Errorf("%q: header quoted %v, want %v: %s", tt.q, quoted, tt.header, a.Text)
		}
	}
}

// TestSourcePhraseChoosesLittle: the opening phrase that names the
// statement does not choose the sentence; what the question asks does.
func TestSourcePhraseChoosesLittle(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2024-03-03-harbour-readout", "Readout of the Minister’s Meeting with the Harbour Board Chair Ana Ruiz\n\nMarch 3, 2024 - Northtown - Ministry of Ports\n\n" +
			"The Minister met today with Harbour Board Chair Ana Ruiz at the Northtown harbour. She thanked the board for its work on the new quay."},
	})
	askLeads(t, e, "In the readout of the Minister's meeting with Harbour Board Chair Ana Ruiz at the harbour, what did she thank the board for?", "new quay")
}

// TestEntityQuestionNamesThem: for a question asking which ones, the
// sentence that names them ranks above one that only repeats the
// question's words.
func TestEntityQuestionNamesThem(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2022-06-29-summit-fact-sheet", "Fact Sheet: The Northern Summit\n\nJune 29, 2022 - Northtown - The Council\n\n" +
			"The Northern Summit will be an historic moment. For the first time, it will include the Council's Pacific partners at the leaders level. The Pacific partners will participate in its first working session.\n\n" +
			"Wider Partnerships: For the first time ever, the leaders of Avalon, New Brigadoon, and North Camelot will participate in a Northern Summit. The partners will start a roadmap for cooperation."},
	})
	ix := e.Index()
	q := "Which Pacific partners will participate in the Northern Summit for the first time?"
	hits, err := ix.Search(context.Background(), q, nil, SearchOptions{K: 5})
	if err != nil {
		t.Fatal(err)
	}
	rank := map[string]int{}
	for i, c := range ix.rankSentences(ix.sentenceQueryOf(q, ""), hits) {
		switch {
		case strings.Contains(c.text, "New Brigadoon"):
			rank["names"] = i + 1
		case strings.Contains(c.text, "working session"):
			rank["repeats"] = i + 1
		}
	}
	if rank["names"] == 0 || rank["repeats"] == 0 || rank["names"] > rank["repeats"] {
		t.Errorf("sentence ranks %v: the one naming the partners should rank above the one repeating the question", rank)
	}
}

// TestGateNearSynonymsNotNames: a name no paragraph uses is not found
// where a paragraph uses a name GloVe puts next to it: a notice about an
// agreement with one country says nothing about its neighbour. A form
// of the name still counts.
func TestGateNearSynonymsNotNames(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2022-03-01-province", "Province Notice\n\nMarch 1, 2022 - Northtown - Province Office\n\n" +
			"The province reached a fisheries agreement with Norway on quotas for cod.\n\n" +
			"The province will close the old prison in Northtown.\n\n" +
			"A choir of Tibetan monks will sing at the harbour festival."},
	})
	for _, tt := range []struct {
		q      string
		answer bool
	}{
		{"What did the notice say about Tibet?", true}, // tibet -> tibetan 0.80
		{"What did the notice say about Norway?", true},
		{"What did the notice say about Denmark?", false}, // denmark -> norway 0.82
		{"What was agreed with Norway?", true},
		{"What was agreed with Denmark?", false},
	} {
		askGrounded(t, e, AskRequest{Question: tt.q}, tt.answer)
	}
}

// countingModel answers with a sentence of both forum communiqués,
// citing paragraph 1, and counts its calls.
type countingModel struct{ calls *int }

func (m countingModel) Chat(_ context.Context, _ []ChatMessage, _ func(string)) (string, error) {
	*m.calls++
	return "The ministers renewed their commitment to regional stability [1].", nil
}

// TestUnknownYearNotForModel: a year no statement is dated in and no
// paragraph mentions is declined with a language model too, without
// asking it: the meetings of other years would answer.
func TestUnknownYearNotForModel(t *testing.T) {
	calls := 0
	e := NewEngine(libraryEngine(t).Index(), Config{Queries: embeddings.NewLocal(0), Chat: countingModel{&calls}})
	for _, tt := range []struct {
		q      string
		answer bool
	}{
		{"Where did the ministers of the Forum meet in 2021?", false},
		{"Where did the ministers of the Forum meet in 2022?", true},
	} {
		calls = 0
		a, err := e.Ask(context.Background(), AskRequest{Question: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Grounded != tt.answer || (calls > 0) != tt.answer {
			t.Errorf("%q: grounded=%v after %d model calls, want %v: %s", tt.q, a.Grounded, calls, tt.answer, a.Text)
		}
	}
}

// TestFormWordsKeepNames: once the words asking for a summary are left
// out, a name that opened what is left is still a name, and so is not
// read as a near-synonym ("Monday" is not "Tuesday").
func TestFormWordsKeepNames(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2022-03-01-council", "Council Notice\n\nMarch 1, 2022 - Northtown - Council Office\n\nThe council met on Tuesday and approved the budget for the new library."},
		{"2022-04-01-harbour", "Harbour Notice\n\nApril 1, 2022 - Easton - Harbour Office\n\nThe harbour will close for repairs to the quay."},
	})
	for _, q := range []string{"Summarize Monday's statement.", "Latest Monday communiqué"} {
		askGrounded(t, e, AskRequest{Question: q}, false)
	}
}

// TestMonthYearPicksStatement: a month and year that date one statement
// lead to it, although another statement's paragraph holds more of the
// question's words.
func TestMonthYearPicksStatement(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2022-08-31-harbour-call", "Readout of the Minister’s Call with the Harbour Chair\n\nAugust 31, 2022 - Northtown - Ministry of Ports\n\nOn a call today, the Minister and the Harbour Chair discussed the new quay, and the Minister thanked the Harbour Chair for the call."},
		{"2023-10-16-harbour-call", "Readout of the Minister’s Call with the Harbour Chair\n\nOctober 16, 2023 - Northtown - Ministry of Ports\n\nThe Minister spoke today with the chair of the harbour board about the storm damage to the pier."},
		{"2021-10-04-fisheries", "Fisheries Notice\n\nOctober 4, 2021 - Halifax - Fisheries Office\n\nThe cod quota rises by ten percent this year."},
		{"2023-02-06-roads", "Roads Notice\n\nFebruary 6, 2023 - Easton - Roads Office\n\nThe coast road stays closed after the storm."},
	})
	a, err := e.Ask(context.Background(), AskRequest{Question: "What did the Minister and the Harbour Chair discuss on their call in October 2023?"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Grounded || a.Citations[0].Statement != "2023-10-16-harbour-call" {
		t.Errorf("led by %+v: %s", a.Citations, a.Text)
	}
}

// TestCalendarWordsAreNames: a month no statement is dated in and no
// paragraph mentions is not read as its GloVe neighbour, another month,
// however written; the question is declined as for such a year.
func TestCalendarWordsAreNames(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2022-03-01-council", "Council Notice\n\nMarch 1, 2022 - Northtown - Council Office\n\nIn february the council approved the budget for the new library."},
		{"2022-04-01-harbour", "Harbour Notice\n\nApril 1, 2022 - Easton - Harbour Office\n\nThe harbour will close for repairs to the quay."},
	})
	for _, q := range []string{"what did the council approve in october?", "What did the council approve in October?"} {
		askGrounded(t, e, AskRequest{Question: q}, false)
	}
}

// TestGateBridgesParaphrases: two words no paragraph uses, found by other
// words for them (WordNet, GloVe) in one paragraph, answer from that
// paragraph's sentence; one such word, or a paragraph that covers too
// little, does not.
func TestGateBridgesParaphrases(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2022-07-16-council-readout", "Council Readout\n\nJuly 16, 2022 - Northtown - Council Office\n\n" +
			"The mayor and the council met today in Northtown. They reviewed the harbour works and the new quay.\n\n" +
			"The council met the harbour board on the new quay. It stressed the importance of fighting corruption in public contracts.\n\n" +
			"The mayor thanked the volunteers of the harbour festival."},
	})
	for _, tt := range []struct {
		q      string
		answer bool
	}{
		// graft -> corruption, bribery -> graft -> corruption: two words
		// bridged into one paragraph.
		{"What did the council say about graft and bribery?", true},
		// Only "sushi" bridged to nothing, "restaurant" to nothing.
		{"Which sushi restaurant does the council recommend?", false},
		{"What did the council say about laptops and programming?", false},
	} {
		if tt.answer {
			askLeads(t, e, tt.q, "corruption")
		} else {
			askGrounded(t, e, AskRequest{Question: tt.q}, false)
		}
	}
	// Literal retrieval reads the question's own words only.
	askGrounded(t, e, AskRequest{Question: "What did the council say about graft and bribery?", Retrieval: Literal}, false)
}

// TestClosingSourcePhrase: a closing "according to …" names the statement;
// the sentence is chosen by what is asked.
func TestClosingSourcePhrase(t *testing.T) {
	for _, tt := range []struct{ q, asked string }{
		{"How is Iraq to get cheaper electricity according to the Biden-Kadhimi meeting statement?", "How is Iraq to get cheaper electricity?"},
		{"What changed, according to the G7?", "What changed?"},
		{"In the 2022 statement, what changed?", "what changed?"},
		{"Which prison did they attack in Syria?", "Which prison did they attack in Syria?"},
		{"How many barrels of oil does it produce per day?", "How many barrels of oil does it produce per day?"},
		{"What is the tariff per ton of steel?", "What is the tariff per ton of steel?"},
		{"What changed, per the G7 statement?", "What changed?"},
		// The opening is the question.
		{"In which countries were the battle groups set up, according to the NATO statement?", "In which countries were the battle groups set up?"},
	} {
		if got, _ := withoutSourcePhrase(tt.q); got != tt.asked {
			t.Errorf("withoutSourcePhrase(%q) = %q, want %q", tt.q, got, tt.asked)
		}
	}
	e := engineOf(t, []struct{ id, text string }{
		{"2024-03-03-harbour-readout", "Readout of the Minister’s Meeting with the Harbour Board Chair Ana Ruiz\n\nMarch 3, 2024 - Northtown - Ministry of Ports\n\n" +
			"The Minister and Harbour Board Chair Ana Ruiz discussed the role of Northtown in the region. The new quay will bring cheaper freight to Northtown."},
	})
	askLeads(t, e, "How is Northtown supposed to get cheaper freight according to the Minister's readout with Harbour Board Chair Ana Ruiz?", "new quay")
}

// TestPastQuestions: a question about the past passes over plans; "is
// supposed to" and "is expected to" ask of what will be.
func TestPastQuestions(t *testing.T) {
	ix := seedEngine(t).Index()
	for _, tt := range []struct {
		q    string
		past bool
	}{
		{"Who hosted the meeting?", true},
		{"What did the ministers agree?", true},
		{"How is Iraq supposed to get cheaper electricity?", false},
		{"When is the summit expected to take place?", false},
		{"What will the ministers do next?", false},
		{"Which sanctions were imposed due to the invasion?", true},
		{"How is Daesh propaganda countered?", false},
		{"Which countries joined the Coalition?", true},
		// The saying is past; what was said may be a plan.
		{"What did the G7 say about refugees going back to Syria?", false},
		{"What did the leaders pledge to do?", false},
	} {
		if got := ix.sentenceQueryOf(tt.q, "").pastQ; got != tt.past {
			t.Errorf("%q: past=%v, want %v", tt.q, got, tt.past)
		}
	}
}

// TestAcrossNewestFirst: the statements an answer across statements lists
// each answer; they come newest first, not by how well they match.
func TestAcrossNewestFirst(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2021-03-01-old-notice", "Old Notice\n\nMarch 1, 2021 - Northtown - Port Office\n\nThe harbour dredging plan covers the harbour dredging of the north basin."},
		{"2023-03-01-new-notice", "New Notice\n\nMarch 1, 2023 - Northtown - Port Office\n\nAmong many other works across the town this spring, the office will also continue the harbour dredging."},
	})
	a, err := e.Ask(context.Background(), AskRequest{Question: "Which statements mention harbour dredging?"})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(a.Text, "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "2023-03-01, Northtown"+LabelSeparator) || !strings.HasPrefix(lines[1], "2021-03-01, Northtown"+LabelSeparator) {
		t.Errorf("not newest first:\n%s", a.Text)
	}
}

// TestSourcePhraseSearch: the words of a phrase naming the source ("…,
// according to the Port Office?") pick the statement; in a paragraph's
// text they weigh little.
func TestSourcePhraseSearch(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2024-03-03-port-notice", "Port Notice\n\nMarch 3, 2024 - Northtown - Port Office\n\n" +
			"The Port Office thanks the staff of the Port Office and its office board.\n\n" +
			"Ferry fares rise in May."},
	})
	hits, err := e.Search(context.Background(), "What rises, according to the Port Office?", SearchOptions{K: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || !strings.HasPrefix(hits[0].Text, "Ferry fares") {
		t.Errorf("hits %+v", hits)
	}
}

// TestUnknownNameAsksTwice: in a question about a topic (it has ordinary
// words), a name no statement mentions asks twice the coverage another
// unknown word does; in one that only names statements ("Summarize the
// 2025 White House fact sheet") once. Rules B and D want as many
// ordinary words found as unknown.
func TestUnknownNameAsksTwice(t *testing.T) {
	for _, tt := range []struct {
		ev   evidence
		want bool
	}{
		{evidence{best: 0, anchored: 0.65, ordinary: 1, unknown: 1, unknownNames: 1}, false},
		{evidence{best: 0, anchored: 0.75, ordinary: 1, unknown: 1, unknownNames: 1}, true},
		{evidence{best: 0, anchored: 0.65, ordinary: 1, unknown: 1}, true},
		{evidence{best: 0, anchored: 0.65, unknown: 1, unknownNames: 1}, true},
		// B and D: not fewer ordinary words found than unknown words.
		{evidence{best: 0, coverage: 0.48, topical: 2, unknown: 3, similarity: 0.14, factoid: true}, false},
		{evidence{best: 0, coverage: 0.48, topical: 2, unknown: 2, similarity: 0.14}, true},
		{evidence{best: 0, coverage: 0.48, topical: 2, unknown: 2, factoid: true}, true},
	} {
		if got := tt.ev.answerable(); got != tt.want {
			t.Errorf("%+v: answerable=%v, want %v", tt.ev, got, tt.want)
		}
	}
}

// TestQuestionKinds: how long and how soon ask for a number, as how many
// and how much do.
func TestQuestionKinds(t *testing.T) {
	for q, want := range map[string]string{
		"How many ships were hit?":                      "howmany",
		"How long after the announcement did it apply?": "howmany",
		"How soon will the truce start?":                "howmany",
		"Who hosted the meeting?":                       "who",
		"How is Iraq to get cheaper electricity?":       "",
	} {
		if got := questionKind(q); got != want {
			t.Errorf("questionKind(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestWithLead: a where/when/who question reads the statement's first
// body paragraph too, however the search ranked it.
func TestWithLead(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2023-06-08-forum-communique", "Forum Communiqué\n\nJune 8, 2023 - Forum Secretariat\n\n" +
			"The ministers of the Forum met today in Northtown.\n\n" +
			"The budget rose.\n\nThe budget fell.\n\nThe budget held.\n\nThe budget doubled.\n\nThe budget halved.\n\nThe budget ended."},
	})
	ix := e.Index()
	hits, err := e.Search(context.Background(), "What happened to the budget?", SearchOptions{K: 6})
	if err != nil {
		t.Fatal(err)
	}
	lead := ix.leadHits(mustStatement(t, ix, "2023-06-08-forum-communique"))[0]
	has := func(hs []Hit) bool {
		for i, h := range hs {
			if i < extractParagraphs && h.doc == lead.doc {
				return true
			}
		}
		return false
	}
	if has(hits) {
		t.Fatalf("the fixture's search found the lead: %+v", hits)
	}
	with := ix.withLead(hits)
	if !has(with) || len(with) != extractParagraphs {
		t.Errorf("withLead: %+v", with)
	}
	if again := ix.withLead(with); len(again) != len(with) {
		t.Errorf("withLead added the lead twice: %+v", again)
	}
}

func mustStatement(t *testing.T, ix *Index, id string) *Statement {
	t.Helper()
	st, ok := ix.Statement(id)
	if !ok {
		t.Fatalf("no statement %s", id)
	}
	return st
}

// TestAcrossQuotesWhereSaid: an answer across statements quotes, of each,
// a sentence that says what was asked, not one its title covers.
func TestAcrossQuotesWhereSaid(t *testing.T) {
	e := engineOf(t, []struct{ id, text string }{
		{"2023-04-02-truce-statement", "Statement on the Anniversary of the Truce\n\nApril 2, 2023 - Northtown - Council Office\n\n" +
			"The council stands with its partners. A year ago the truce in the valley began, and it has held since."},
		{"2022-04-01-harbour-notice", "Harbour Notice\n\nApril 1, 2022 - Northtown - Harbour Office\n\n" +
			"The truce in the harbour dispute holds."},
	})
	a := askGrounded(t, e, AskRequest{Question: "Which statements mention the truce anniversary?"}, true)
	for _, line := range strings.Split(a.Text, "\n") {
		if !strings.Contains(strings.ToLower(line), "truce") {
			t.Errorf("a line that does not say it: %q", line)
		}
	}
}
