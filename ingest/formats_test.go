package ingest

import (
	"strings"
	"testing"
)

// parsed is what a table case expects of a parsed statement. Empty
// strings are checked too; paras counts body paragraphs (not the header).
type parsed struct {
	title, date, place, issuer string
	header                     string   // the header paragraph, "" for none
	paras                      []string // each body paragraph's text, or its start when it ends in "…"
	sections                   []string // each body paragraph's section, when given
}

func checkParsed(t *testing.T, st *Statement, want parsed) {
	t.Helper()
	if st.Title != want.title || st.Date != want.date || st.Place != want.place || st.Issuer != want.issuer {
		t.Errorf("title %q date %q place %q issuer %q;\nwant  %q      %q      %q       %q", st.Title, st.Date, st.Place, st.Issuer, want.title, want.date, want.place, want.issuer)
	}
	body := st.Paragraphs
	switch {
	case want.header != "" && (len(body) == 0 || !body[0].Header || body[0].Text != want.header):
		t.Errorf("header paragraph %+v, want %q", first(body), want.header)
	case want.header == "" && len(body) > 0 && body[0].Header:
		t.Errorf("unexpected header paragraph %q", body[0].Text)
	}
	if len(body) > 0 && body[0].Header {
		body = body[1:]
	}
	var got []string
	for _, p := range body {
		got = append(got, p.Text)
		if p.Header {
			t.Errorf("¶%d marked as header: %q", p.N, p.Text)
		}
		for _, bad := range []string{"###", "Photo", "photo by", "cookies"} {
			if strings.Contains(p.Text, bad) {
				t.Errorf("¶%d holds %q: %q", p.N, bad, p.Text)
			}
		}
	}
	if len(got) != len(want.paras) {
		t.Fatalf("%d body paragraphs, want %d:\n%s", len(got), len(want.paras), strings.Join(got, "\n"))
	}
	for i, w := range want.paras {
		prefix, open := strings.CutSuffix(w, "…")
		if got[i] != w && !(open && strings.HasPrefix(got[i], prefix)) {
			t.Errorf("¶%d = %q\nwant  %q", body[i].N, got[i], w)
		}
	}
	for i, s := range want.sections {
		if body[i].Section != s {
			t.Errorf("¶%d section = %q, want %q", body[i].N, body[i].Section, s)
		}
	}
}

func first(ps []Paragraph) Paragraph {
	if len(ps) == 0 {
		return Paragraph{}
	}
	return ps[0]
}

func TestParseFormats(t *testing.T) {
	tests := []struct {
		name, id, text string
		want           parsed
	}{
		{
			name: "markdown with YAML front matter: escapes, continued title, pandoc end mark",
			id:   "visit",
			text: "---\ntags: statements\ndate: '2021-12-13'\nsource_url: https://example.org/visit\ntitle: \"Statement by the Spokesperson on the Envoy\\\n  \\ Hale\\u2019s Travel to\\_Ruritania\"\n---\n \n" +
				"The Envoy completed a two day\nvisit where he met\u00a0leaders.  He confirmed the\ncommitment.\n\n\\###\n",
			want: parsed{
				title: "Statement by the Spokesperson on the Envoy Hale’s Travel to Ruritania", date: "2021-12-13",
				issuer: "Spokesperson",
				header: "2021-12-13 - Spokesperson - Statement by the Spokesperson on the Envoy Hale’s Travel to Ruritania",
				paras:  []string{"The Envoy completed a two day visit where he met leaders. He confirmed the commitment."},
			},
		},
		{
			name: "markdown headings, bold heading, lists with nested items",
			id:   "2024-02-02-notes",
			text: "# Notes of the Meeting\n\nThe ministers met.\n\n## Security\n\nThey agreed on:\n\n1. More patrols\n   along the border.\n2. Shared data:\n   - on ports\n   - on airports\n\n**Next Steps**\n\nThey will meet *again* in `May`.\n",
			want: parsed{
				title: "Notes of the Meeting", date: "2024-02-02", header: "2024-02-02 - Notes of the Meeting",
				paras:    []string{"The ministers met.", "They agreed on: 1. More patrols along the border. 2. Shared data: ◦ on ports ◦ on airports", "They will meet again in May."},
				sections: []string{"", "Security", "Next Steps"},
			},
		},
		{
			name: "web-copied text: title line, dateline, a paragraph per line, headings",
			id:   "press-release",
			text: "Joint Statement Following the Meeting of the Two Leaders in Avalon\nJuly 16, 2022\nThe leaders met today in Avalon. They reaffirmed their partnership.\nThey also consulted on regional issues, and agreed to meet again.\nEnergy Cooperation\nThe leaders welcomed new agreements on energy.\nThe President expressed his appreciation.\nPresident of the Republic\n###\n",
			want: parsed{
				title: "Joint Statement Following the Meeting of the Two Leaders in Avalon", date: "2022-07-16", place: "Avalon",
				header:   "July 16, 2022",
				paras:    []string{"The leaders met today in Avalon. They reaffirmed their partnership.", "They also consulted on regional issues, and agreed to meet again.", "The leaders welcomed new agreements on energy.", "The President expressed his appreciation.", "President of the Republic"},
				sections: []string{"", "", "Energy Cooperation", "Energy Cooperation", "Energy Cooperation"},
			},
		},
		{
			name: "fact sheet: bullets and a nested item stay with their item",
			id:   "fact-sheet",
			text: "Fact Sheet: The Council Lifts the Export Ban\nJune 30, 2025\nLIFTING THE BAN: Today the Council lifted the ban.\n• The Order removes the ban on grain.\n• On May 13, the Chair said so.\n    ◦ The Chair: “Good luck.”\nPROMISE KEPT: The Council delivers.\n• The Order takes effect at once.\n",
			want: parsed{
				title: "Fact Sheet: The Council Lifts the Export Ban", date: "2025-06-30", header: "June 30, 2025",
				paras:    []string{"LIFTING THE BAN: Today the Council lifted the ban.", "• The Order removes the ban on grain.", "• On May 13, the Chair said so. ◦ The Chair: “Good luck.”", "PROMISE KEPT: The Council delivers.", "• The Order takes effect at once."},
				sections: []string{"LIFTING THE BAN", "LIFTING THE BAN", "LIFTING THE BAN", "PROMISE KEPT", "PROMISE KEPT"},
			},
		},
		{
			name: "hard-wrapped typed text: long numbered items not split at wrapped indented lines",
			id:   "communique",
			text: "Ministerial Communiqué of Marrakesh\n\n11.05.2022\n\nThe ministers agreed on the\nfollowing points:\n\n" +
				"1. The coalition will keep up its pressure on the group and its affiliates in every region where\n   they operate, with the consent of the countries concerned.\n   It will also fund partners that hold detainees and camps, and help them to return people home.\n" +
				"2. The ministers thanked the hosts for the meeting and for the work of the secretariat over the year,\n   and asked it to report on the pledges made at the meeting before the next one.\n" +
				"3. They will meet again next year, in a place to be agreed by the members of the small group,\n   and will review what the working groups have done since.\n",
			want: parsed{
				title: "Ministerial Communiqué of Marrakesh", date: "2022-05-11", header: "11.05.2022",
				paras: []string{
					"The ministers agreed on the following points:",
					"1. The coalition will keep up its pressure on the group and its affiliates in every region where they operate, with the consent of the countries concerned. It will also fund partners that hold detainees and camps, and help them to return people home.",
					"2. The ministers thanked the hosts for the meeting and for the work of the secretariat over the year, and asked it to report on the pledges made at the meeting before the next one.",
					"3. They will meet again next year, in a place to be agreed by the members of the small group, and will review what the working groups have done since.",
				},
			},
		},
		{
			name: "PDF text pasted without blank lines: paragraphs at short sentence-ending lines, a heading",
			id:   "2023-03-03-pasted",
			text: "The ministers met in the capital to discuss the security of the region and the\nsituation of the people displaced by the fighting in the north.\nOutlook\nThey agreed that the coalition will continue its work with partners in the region\nfor as long as the threat remains, within the law of each country concerned, and\nthat it will report to the ministers every year.\nThe next meeting is in May.\n",
			want: parsed{
				title: "Pasted", date: "2023-03-03",
				paras: []string{
					"The ministers met in the capital to discuss the security of the region and the situation of the people displaced by the fighting in the north.",
					"They agreed that the coalition will continue its work with partners in the region for as long as the threat remains, within the law of each country concerned, and that it will report to the ministers every year.",
					"The next meeting is in May.",
				},
				sections: []string{"", "Outlook", "Outlook"},
			},
		},
		{
			name: "typed text keeps names and compounds whole",
			id:   "2024-01-10-talks",
			text: "The minister met Nasser Bourita in Rabat.\n\nBourita backs offline registers and the Baghdadi plan.\n",
			want: parsed{
				title: "Talks", date: "2024-01-10", place: "Rabat",
				paras: []string{"The minister met Nasser Bourita in Rabat.", "Bourita backs offline registers and the Baghdadi plan."},
			},
		},
		{
			name: "place-first dateline with the text on the same line",
			id:   "release",
			text: "Secretary Meets Counterpart\n\nWASHINGTON, D.C. — May 11, 2022 — Today the Secretary met her counterpart.\n\nThey discussed trade.\n",
			want: parsed{
				title: "Secretary Meets Counterpart", date: "2022-05-11", place: "Washington, D.C.",
				header: "WASHINGTON, D.C. — May 11, 2022",
				paras:  []string{"Today the Secretary met her counterpart.", "They discussed trade."},
			},
		},
		{
			name: "plain first-line title, date in the text as 11 May 2022",
			id:   "marrakesh-communique",
			text: "Coalition Ministers Meet in Marrakesh\n\n11 May 2022 - Marrakesh - Ministry of Foreign Affairs\n\nThe ministers met.\n",
			want: parsed{
				title: "Coalition Ministers Meet in Marrakesh", date: "2022-05-11", place: "Marrakesh", issuer: "Ministry of Foreign Affairs",
				header: "11 May 2022 - Marrakesh - Ministry of Foreign Affairs",
				paras:  []string{"The ministers met."},
			},
		},
		{
			name: "plain first-line title, no dateline, the date written in the opening paragraph",
			id:   "marrakesh-communique",
			text: "Coalition Ministers Meet in Marrakesh\nThe ministers met in Marrakesh on 11.05.2022. They agreed to meet again.\n",
			want: parsed{
				title: "Coalition Ministers Meet in Marrakesh", date: "2022-05-11", place: "Marrakesh",
				header: "2022-05-11 - Marrakesh - Coalition Ministers Meet in Marrakesh",
				paras:  []string{"The ministers met in Marrakesh on 11.05.2022. They agreed to meet again."},
			},
		},
		{
			name: "dateline with a place written as a name",
			id:   "communique",
			text: "Final Communiqué\nMarrakesh, 11 May 2022\nThe ministers met.\n",
			want: parsed{
				title: "Final Communiqué", date: "2022-05-11", place: "Marrakesh", header: "Marrakesh, 11 May 2022",
				paras: []string{"The ministers met."},
			},
		},
		{
			name: "a caption line is no title",
			id:   "2024-12-12-leaders",
			text: "The President speaks with leaders, Thursday, June 13, 2024, in Bari, Italy. (Official Photo)\n\nWe, the leaders, reaffirm our commitment.\n",
			want: parsed{title: "Leaders", date: "2024-12-12", paras: []string{"We, the leaders, reaffirm our commitment."}},
		},
		{
			name: "caption with a photo credit opening a paragraph is dropped",
			id:   "2022-01-30-prison",
			text: "The adviser speaks in the briefing room. (Official State Department photo by Jane Roe) The United States commends the forces.\n\nThe threat remains.\n",
			want: parsed{
				title: "Prison", date: "2022-01-30",
				paras: []string{"The United States commends the forces.", "The threat remains."},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Parse(tt.id, []byte(tt.text), Metadata{})
			if err != nil {
				t.Fatal(err)
			}
			checkParsed(t, st, tt.want)
		})
	}
}

func TestIssuerFromTitle(t *testing.T) {
	for title, want := range map[string]string{
		"Statement by NSC Spokesperson Jane Roe on Ruritania":                                        "NSC Spokesperson Jane Roe",
		"Joint Statement of the Ministers of the Northern Alliance":                                  "Ministers of the Northern Alliance",
		"Statement from the Press Secretary":                                                         "Press Secretary",
		"G9 Leaders’ Statement on Ruritania":                                                         "G9 Leaders",
		"Joint Statement Following Meeting Between the President and Prime Minister Smith in Avalon": "President and Prime Minister Smith",
		"Fact Sheet: The Council Lifts the Export Ban":                                               "",
		"United States-Ruritania Joint Statement":                                                    "United States-Ruritania",
		"Readout of the Call Between the Minister and Her Counterpart":                               "",
	} {
		if got := issuerFromTitle(title); got != want {
			t.Errorf("issuerFromTitle(%q) = %q, want %q", title, got, want)
		}
	}
}

// TestDamageRepairOnlyWhereShown: merged-word splitting and blank-line
// re-joining apply to text that shows PDF damage, never to typed text,
// and never split a capitalised name.
func TestDamageRepairOnlyWhereShown(t *testing.T) {
	const damaged = "The Ministers met in Rabat with Nasser Bourita,and agreed\n\nto continue. They welcomed the progressmade and the\n\nsupport of the partnersin the region.The coalition will keep itspressure on the group andon its networks.\n"
	const typed = "The Ministers met in Rabat with Nasser Bourita, and agreed.\n\nto be continued: the partnersin the region keep offline lists.\n"
	tests := []struct {
		name, text string
		damaged    bool
		paras      []string
	}{
		{"damaged", damaged, true, []string{"The Ministers met in Rabat with Nasser Bourita, and agreed to continue. They welcomed the progress made and the support of the partners in the region. The coalition will keep its pressure on the group and on its networks."}},
		{"typed", typed, false, []string{"The Ministers met in Rabat with Nasser Bourita, and agreed.", "to be continued: the partnersin the region keep offline lists."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := showsDamage(tt.text); got != tt.damaged {
				t.Errorf("showsDamage = %v, want %v", got, tt.damaged)
			}
			st, err := Parse("talks", []byte(tt.text), Metadata{})
			if err != nil {
				t.Fatal(err)
			}
			checkParsed(t, st, parsed{title: "Talks", place: "Rabat", paras: tt.paras})
		})
	}
}

// TestParseHTMLText reads the article text extract renders from a page:
// the title and date from the page's metadata when the text has none,
// "## " headings as sections, a short list joined to its lead-in, a
// caption with its credit dropped.
func TestParseHTMLText(t *testing.T) {
	text := "The envoy speaks at the podium, Thursday, June 13, 2024, in Bari. (Official Photo)\n\n" +
		"We, the leaders, reaffirm our commitment.\n\n## Support\n\nWe will support partners:\n\n• training forces;\n\n• sharing data.\n\nWe stand ready.\n\n###"
	stored := Compose("joint-statement.html", FormatHTML, text, Metadata{Title: "Leaders’ Statement on Ruritania", Date: "2024-12-12", Source: "https://example.org/s"}, Metadata{})
	st, err := Parse("joint-statement", []byte(stored), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	checkParsed(t, st, parsed{
		title: "Leaders’ Statement on Ruritania", date: "2024-12-12", issuer: "Leaders",
		header:   "2024-12-12 - Leaders - Leaders’ Statement on Ruritania",
		paras:    []string{"We, the leaders, reaffirm our commitment.", "We will support partners: • training forces; • sharing data.", "We stand ready."},
		sections: []string{"", "Support", "Support"},
	})
	if st.Source != "https://example.org/s" {
		t.Errorf("source %q", st.Source)
	}
}

func TestMeetingPlace(t *testing.T) {
	for text, want := range map[string]string{
		"The ministers met today in Rome at the invitation of Italy.":                      "Rome",
		"The President met today with the Prime Minister of Iraq in Jeddah, Saudi Arabia.": "Jeddah, Saudi Arabia",
		"The leaders gathered in Brussels.":                                                "Brussels",
		"The ministers met in March to discuss the plan.":                                  "",
		"The ministers discussed the situation in Syria.":                                  "",
		"The council will meet again next year.":                                           "",
	} {
		if got := meetingPlace([]Paragraph{{Text: text}}); got != want {
			t.Errorf("meetingPlace(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestWrappedFirstLineIsText: the first line of a hard-wrapped paragraph
// is text, not a title, even when most of its words are capitalised;
// and a wrapped line holding the end of a sentence is no heading. Both
// lost a readout's opening sentence, read as Markdown and as text.
func TestWrappedFirstLineIsText(t *testing.T) {
	text := "---\ndate: '2021-10-04'\ntitle: \"Readout of the Minister\\u2019s Meeting with the Secretary General\"\n---\n \n" +
		"Minister Anna K. Lind, Jr. met today with Secretary General Jens\n" +
		"Olafsson of the Northern Maritime Treaty Organization (NMTO). They\n" +
		"discussed the security of the region and its ports.\n\n\\###\n"
	want := parsed{
		title: "Readout of the Minister’s Meeting with the Secretary General", date: "2021-10-04",
		header: "2021-10-04 - Readout of the Minister’s Meeting with the Secretary General",
		paras:  []string{"Minister Anna K. Lind, Jr. met today with Secretary General Jens Olafsson of the Northern Maritime Treaty Organization (NMTO). They discussed the security of the region and its ports."},
	}
	for _, format := range []string{"", FormatMarkdown, FormatText} {
		t.Run("format "+format, func(t *testing.T) {
			raw := text
			if format != "" {
				raw = Compose("readout.md", format, text, Metadata{}, Metadata{})
			}
			st, err := Parse("readout", []byte(raw), Metadata{})
			if err != nil {
				t.Fatal(err)
			}
			checkParsed(t, st, want)
		})
	}
	// A short title above a paragraph on one line is still a title.
	st, err := Parse("note", []byte("Statement on the Harbour\nThe council will close the old harbour to lorries from Monday.\n"), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Title != "Statement on the Harbour" || len(st.Paragraphs) != 2 || !strings.HasPrefix(st.Paragraphs[1].Text, "The council") {
		t.Errorf("title %q, paragraphs %+v", st.Title, st.Paragraphs)
	}
}

// TestWrappedTitleRules: in text, a short title stays a title above a
// hard-wrapped paragraph (only a line long enough to be wrapped is taken
// for one); in Markdown, a line the next follows without a blank line is
// one paragraph with it, however short.
func TestWrappedTitleRules(t *testing.T) {
	text := "Statement on the Harbour\nThe council will close the old harbour to lorries\nfrom Monday and open the new quay in spring.\n"
	for _, tt := range []struct {
		format    string
		title     bool   // "Statement on the Harbour" is the title
		paragraph string // the last paragraph begins so
	}{
		{FormatText, true, "The council will close"},
		{FormatMarkdown, false, "Statement on the Harbour The council will close"},
	} {
		st, err := Parse("note", []byte(Compose("note", tt.format, text, Metadata{}, Metadata{})), Metadata{})
		if err != nil {
			t.Fatal(err)
		}
		ps := st.Paragraphs
		if (st.Title == "Statement on the Harbour") != tt.title || len(ps) == 0 || !strings.HasPrefix(ps[len(ps)-1].Text, tt.paragraph) {
			t.Errorf("%s: title %q, paragraphs %+v; want the title %v, the text beginning %q", tt.format, st.Title, ps, tt.title, tt.paragraph)
		}
	}
}
