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
		"Statement from Jane Roe, Director of the Harbour Office, on the New Quay":                   "Jane Roe, Director of the Harbour Office",
		"Statement by the Mayor Ahead of the Tenth Anniversary of the Flood":                         "Mayor",
		"Remarks by the Mayor After Arriving at the Quay | Avalon, RU":                               "Mayor",
		"Remarks by the Mayor and the Warden Before Their Meeting":                                   "Mayor and the Warden",
		"Remarks by the Mayor | Avalon":                                                              "Mayor",
		"Ruritania-Avalon Leaders’ Joint Statement":                                                  "Ruritania-Avalon Leaders",
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
	checkFormats(t, "readout", "readout.md", text, want, "", FormatMarkdown, FormatText)
	// A short title above a paragraph on one line is still a title.
	st, err := Parse("note", []byte("Statement on the Harbour\nThe council will close the old harbour to lorries from Monday.\n"), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Title != "Statement on the Harbour" || len(st.Paragraphs) != 2 || !strings.HasPrefix(st.Paragraphs[1].Text, "The council") {
		t.Errorf("title %q, paragraphs %+v", st.Title, st.Paragraphs)
	}
}

// TestMarkdownNonBreakingSpaces: in Markdown a non-breaking space is
// text, not indentation. A paragraph opening with them (as pandoc writes
// one a page indented with "&nbsp;") was an indented code block of its
// first line, cut off from the rest of its sentence; a line of them
// still separates paragraphs, and a bold heading with one after it is
// still a heading.
func TestMarkdownNonBreakingSpaces(t *testing.T) {
	const nb = "\u00a0"
	text := "---\ndate: '2024-03-05'\ntitle: Remarks at the Harbour Opening\n---\n" + nb + "\n" +
		nb + " " + nb + " " + nb + " " + nb + "  THE MAYOR:" + nb + " Good morning.  This is a big day for the\n" +
		"harbour, and for the town.\n" + nb + " \n" +
		"**The Works**" + nb + "\n\n" +
		nb + " " + nb + " " + nb + " " + nb + "  The quay will open in May.\n"
	want := parsed{
		title: "Remarks at the Harbour Opening", date: "2024-03-05",
		header: "2024-03-05 - Remarks at the Harbour Opening",
		paras: []string{
			"THE MAYOR: Good morning. This is a big day for the harbour, and for the town.",
			"The quay will open in May.",
		},
		sections: []string{"THE MAYOR", "The Works"},
	}
	checkFormats(t, "remarks", "remarks.md", text, want, "", FormatMarkdown)
}

// TestFrontMatterTitleKeepsFirstLine: a text whose front matter gives its
// title has no second one. A first line saying something else (the room
// remarks were given in, "A Proclamation") is text: it was read as the
// title, lost to the front matter's, and dropped.
func TestFrontMatterTitleKeepsFirstLine(t *testing.T) {
	fm := "---\ndate: '2023-04-12'\ntitle: Remarks by the Mayor on the New Quay\n---\n \n"
	tests := []struct {
		name, body string
		want       parsed
	}{
		{
			name: "a place line above the text",
			body: "Council Chamber\n\nGood morning, everyone.  The quay opens today.\n",
			want: parsed{
				header: "2023-04-12 - Mayor - Remarks by the Mayor on the New Quay",
				paras:  []string{"Council Chamber", "Good morning, everyone. The quay opens today."},
			},
		},
		{
			name: "a place line above a dateline",
			body: "Council Chamber\nApril 12, 2023\n\nThe quay opens today.\n",
			want: parsed{
				header: "April 12, 2023",
				paras:  []string{"Council Chamber", "The quay opens today."},
			},
		},
		{
			name: "the title again",
			body: "Remarks by the Mayor on the New Quay\n\nThe quay opens today.\n",
			want: parsed{
				header: "2023-04-12 - Mayor - Remarks by the Mayor on the New Quay",
				paras:  []string{"The quay opens today."},
			},
		},
	}
	for _, tc := range tests {
		for _, name := range []string{"remarks.md", "remarks.txt"} {
			t.Run(tc.name+" "+name, func(t *testing.T) {
				raw := Compose(name, "", fm+tc.body, Metadata{}, Metadata{})
				st, err := Parse("remarks", []byte(raw), Metadata{})
				if err != nil {
					t.Fatal(err)
				}
				want := tc.want
				if name == "remarks.txt" && len(want.paras) == 2 {
					// In text a short line in capitals above the text is its heading.
					want.paras, want.sections = want.paras[1:], want.paras[:1]
				}
				want.title, want.date, want.issuer = "Remarks by the Mayor on the New Quay", "2023-04-12", "Mayor"
				checkParsed(t, st, want)
			})
		}
	}
}

// TestHeadingsWithoutText: a heading no paragraph follows before the next
// heading was replaced by it, and one at the end of the text was dropped,
// with its words; a bold sentence is text, not a heading.
func TestHeadingsWithoutText(t *testing.T) {
	tests := []struct {
		name, file, format, text string
		paras, sections          []string
	}{
		{
			name: "markdown", file: "plan.md", format: FormatMarkdown,
			text: "**I. Goals**\n\n**A. Roads**\n\nThe council will mend the roads.\n\n## B. Bridges\n\nThe council will paint the bridges.\n\n" +
				"**The council keeps its word.**\n\nIt will report in June.\n\n**Ready for the future.**\n",
			paras:    []string{"The council will mend the roads.", "The council will paint the bridges.", "The council keeps its word.", "It will report in June.", "Ready for the future."},
			sections: []string{"I. Goals — A. Roads", "B. Bridges", "B. Bridges", "B. Bridges", "B. Bridges"},
		},
		{
			name: "markdown heading at the end", file: "plan.md", format: FormatMarkdown,
			text:     "## Roads\n\nThe council will mend the roads.\n\n## Contact\n",
			paras:    []string{"The council will mend the roads.", "Contact"},
			sections: []string{"Roads", "Roads"},
		},
		{
			name: "text", file: "plan.txt", format: FormatText,
			text:     "Council Plan\nMarch 3, 2022\n\nGoals\n\nRoads\n\nThe council will mend the roads.\n\nBridges\n\nThe council will paint the bridges.\n",
			paras:    []string{"The council will mend the roads.", "The council will paint the bridges."},
			sections: []string{"Goals — Roads", "Bridges"},
		},
		{
			name: "html", file: "plan.html", format: FormatHTML,
			text:     "## Goals\n\n## Roads\n\nThe council will mend the roads.\n\n## Contact\n",
			paras:    []string{"The council will mend the roads.", "Contact"},
			sections: []string{"Goals — Roads", "Goals — Roads"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := Compose(tc.file, tc.format, tc.text, Metadata{}, Metadata{})
			st, err := Parse("plan", []byte(raw), Metadata{})
			if err != nil {
				t.Fatal(err)
			}
			var paras, sections []string
			for _, p := range st.Paragraphs {
				if !p.Header {
					paras, sections = append(paras, p.Text), append(sections, p.Section)
				}
			}
			if strings.Join(paras, "\n") != strings.Join(tc.paras, "\n") || strings.Join(sections, "\n") != strings.Join(tc.sections, "\n") {
				t.Errorf("paragraphs %q\nsections   %q\nwant       %q\n           %q", paras, sections, tc.paras, tc.sections)
			}
		})
	}
}

// TestMarkdownStrayBoldMarks: emphasis marks goldmark cannot pair (pandoc
// writes bold ending in a space as "**Roads. **The council …") are no
// text; escaped and free-standing asterisks are.
func TestMarkdownStrayBoldMarks(t *testing.T) {
	text := "-   **Roads. **The council will mend the roads.\n" +
		"-   **Bridges: ** The council will paint the *old* bridges.\n\n" +
		"Spending rose 5 * 3 times, by the \\*estimate\\* of the **treasurer**.\n\n" +
		"Trade and** Labor and *Health  \n**Dialogue\n"
	raw := Compose("plan.md", FormatMarkdown, text, Metadata{}, Metadata{})
	st, err := Parse("plan", []byte(raw), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"• Roads. The council will mend the roads.",
		"• Bridges: The council will paint the old bridges.",
		"Spending rose 5 * 3 times, by the *estimate* of the treasurer.",
		"Trade and Labor and Health Dialogue",
	}
	var got []string
	for _, p := range st.Paragraphs {
		if !p.Header {
			got = append(got, p.Text)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paragraphs\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSentenceOpeningWithDateIsText: a sentence that opens with a date
// ("On Monday, May 2, 2022, the Mayor signed …") is no dateline: it was
// cut in two, "On Monday" made the place and the rest a paragraph.
func TestSentenceOpeningWithDateIsText(t *testing.T) {
	for _, first := range []string{"On Monday, May 2, 2022, the Mayor signed into law:", "May 2, 2022, the Mayor signed into law:"} {
		text := "---\ndate: '2022-05-03'\ntitle: Bill Signing\n---\n\n" + first + "\n\nThe Harbour Act, which closes the old harbour to lorries.\n"
		raw := Compose("bill.md", FormatMarkdown, text, Metadata{}, Metadata{})
		st, err := Parse("bill", []byte(raw), Metadata{})
		if err != nil {
			t.Fatal(err)
		}
		checkParsed(t, st, parsed{
			title: "Bill Signing", date: "2022-05-03", header: "2022-05-03 - Bill Signing",
			paras: []string{first, "The Harbour Act, which closes the old harbour to lorries."},
		})
	}
}

// TestInterruptedLineIsText: a short line ending in a dash is speech cut
// off ("Q On the —"), not a heading: the test of its last character read
// one byte of the dash, the line became the section of the next one, and
// a speaker's label there replaced it.
func TestInterruptedLineIsText(t *testing.T) {
	for _, line := range []string{"Q On the —", "Q Harbour dues –", "Q So the -"} {
		if isHeading(line) {
			t.Errorf("isHeading(%q) = true", line)
		}
	}
	if !isHeading("Harbour Works") {
		t.Error(`isHeading("Harbour Works") = false`)
	}
	text := "Remarks by the Mayor at the Harbour\n\nTHE MAYOR: We will take a couple of questions about the quay and\nthe harbour dues.\n\n" +
		"Q On the —\n\nTHE MAYOR: On the quay, please.\n"
	got := bodyFields(t, "remarks", text, func(p Paragraph) string { return p.Text })
	want := []string{"THE MAYOR: We will take a couple of questions about the quay and the harbour dues.", "Q On the —", "THE MAYOR: On the quay, please."}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paragraphs\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestHeadingAboveInlineHeading: a heading whose first paragraph opens
// with a heading in capitals ("HARBOUR DUES: …") was replaced by it, and
// no paragraph carried its words.
func TestHeadingAboveInlineHeading(t *testing.T) {
	text := "Harbour Plan\nMarch 3, 2022\n\nBackground\n\nHARBOUR DUES: The council will halve the harbour dues.\n\nThe dues fall in May.\n\nNEW QUAY: The quay opens in June.\n"
	got := bodyFields(t, "plan", text, func(p Paragraph) string { return p.Section })
	want := []string{"Background — HARBOUR DUES", "Background — HARBOUR DUES", "NEW QUAY"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sections %q, want %q", got, want)
	}
}

// TestInlineHeadingsWithStops: a capitals heading or a speaker's label
// with a full stop in it ("U.S. PORTS:", "MR. LEE:") is one too, and a
// question ("Q  …") is no earlier speaker's: their paragraphs sat under
// the heading or the speaker before.
func TestInlineHeadingsWithStops(t *testing.T) {
	text := "Harbour Plan\nMarch 3, 2022\n\nNEW HARBOUR DUES: The council will halve the harbour dues.\n\nU.S. PORTS ALIKE: Ports in the U.S. charge less.\n\n" +
		"THE MAYOR: Thank you all.\n\nQ Will the dues fall?\n\nMR. LEE: They will fall in May.\n\nAUDIENCE: Hear, hear.\n"
	got := bodyFields(t, "plan", text, func(p Paragraph) string { return p.Section })
	want := []string{"NEW HARBOUR DUES", "U.S. PORTS ALIKE", "THE MAYOR", "", "MR. LEE", ""}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sections %q, want %q", got, want)
	}
}

// TestWrappedCapitalsLineIsText: in hard-wrapped text a wrapped line of a
// sentence that happens to be in capitals is no heading. It was cut out
// of its paragraph and made the section of the rest; headings after a
// sentence's end, short or above a blank line, still are.
func TestWrappedCapitalsLineIsText(t *testing.T) {
	text := "Harbour Works Update\n\n" +
		"The council met the harbour board on Monday to agree the works for the\n" +
		"spring, and the board confirmed the dates. The council has a Harbour\n" +
		"Master Liaison Office and a Northern Quay Maintenance Works Team\n" +
		"working at the old quay this week with more crews at the ready.\n\n" +
		"Dredging Works\n" +
		"The dredger will clear the channel in April, working at night so that\n" +
		"the ferries keep their times through the whole of the spring season.\n\n" +
		"Northern Quay Maintenance Works Team and the Harbour Master Office\n" +
		"Staff will meet the ferry operators in May to agree the new timetable.\n\n" +
		"Contacts\n\n" +
		"Questions go to the harbour office, which is open on weekdays only.\n"
	checkBody(t, text, true, []string{
		" | The council met the harbour board on Monday to agree the works for the spring, and the board confirmed the dates. The council has a Harbour Master Liaison Office and a Northern Quay Maintenance Works Team working at the old quay this week with more crews at the ready.",
		"Dredging Works | The dredger will clear the channel in April, working at night so that the ferries keep their times through the whole of the spring season.",
		"Dredging Works | Northern Quay Maintenance Works Team and the Harbour Master Office Staff will meet the ferry operators in May to agree the new timetable.",
		"Contacts | Questions go to the harbour office, which is open on weekdays only.",
	})
}

// TestWrappedDashIsNoListItem: in hard-wrapped text a line that opens
// with the dash or the number of a sentence wrapped there is no list
// item; it cut the sentence in two. A dash list after a colon still is
// one.
func TestWrappedDashIsNoListItem(t *testing.T) {
	text := "Harbour Works Update\n\n" +
		"The works will bring the trade back to the old quay, which lost it to\n" +
		"the new port in the north, and now it is all coming back to the town\n" +
		"— the fishing, the ferries and the markets. The first ferry came on May\n" +
		"25. It was full.\n\n" +
		"The board has asked the council to keep the old cranes where they are\n" +
		"and to paint them in the colours of the town, so that visitors coming\n" +
		"off the ferries see at once where the market and the museum are.\n\n" +
		"The council will:\n" +
		"- dredge the channel in April, from the harbour mouth to the old quay, so that the ferries and the fishing boats can come in at every tide, whatever the weather;\n" +
		"- mend the quay in May, with new stone from the quarry above the town, and paint the old cranes in the colours of the town, as the board has asked.\n"
	checkBody(t, text, false, []string{
		"The works will bring the trade back to the old quay, which lost it to the new port in the north, and now it is all coming back to the town — the fishing, the ferries and the markets. The first ferry came on May 25. It was full.",
		"The board has asked the council to keep the old cranes where they are and to paint them in the colours of the town, so that visitors coming off the ferries see at once where the market and the museum are.",
		// Items too long to join their lead-in stay paragraphs of
		// their own: the list is seen as one.
		"The council will:",
		"- dredge the channel in April, from the harbour mouth to the old quay, so that the ferries and the fishing boats can come in at every tide, whatever the weather;",
		"- mend the quay in May, with new stone from the quarry above the town, and paint the old cranes in the colours of the town, as the board has asked.",
	})
}

// TestMarkdownHTMLTable: the rows of an HTML table in Markdown (pandoc
// writes tables so) are text, a paragraph each; the block was dropped as
// raw HTML with every figure in it. A figure's caption still goes.
func TestMarkdownHTMLTable(t *testing.T) {
	text := "The council set the budget for the year:\n\n<table>\n<tbody>\n<tr class=\"odd\">\n<td><strong>Item</strong></td>\n<td><strong>£ million</strong></td>\n</tr>\n" +
		"<tr class=\"even\">\n<td>Roads &amp; Bridges</td>\n<td>40</td>\n</tr>\n</tbody>\n</table>\n\n" +
		"<figure>\n<img src=\"quay.jpg\" />\n<figcaption>The quay at dawn</figcaption>\n</figure>\n\nThe budget is final.\n"
	raw := Compose("budget.md", FormatMarkdown, text, Metadata{}, Metadata{})
	st, err := Parse("budget", []byte(raw), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range st.Paragraphs {
		if !p.Header {
			got = append(got, p.Text)
		}
	}
	want := []string{"The council set the budget for the year:", "Item | £ million", "Roads & Bridges | 40", "The budget is final."}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paragraphs\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestMarkdownNonBreakingSpacesInHeader: the non-breaking spaces a
// Markdown body keeps are spaces to the front matter's reader and to the
// dateline's, as before they were kept.
func TestMarkdownNonBreakingSpacesInHeader(t *testing.T) {
	text := "---\ntitle:\u00a0Harbour Plan: Spring\n---\n\nJune 28,\u00a02021 – Avalon – Harbour\u00a0Office\n\nThe council met.\n"
	raw := Compose("plan.md", FormatMarkdown, text, Metadata{}, Metadata{})
	st, err := Parse("plan", []byte(raw), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	checkParsed(t, st, parsed{
		title: "Harbour Plan: Spring", date: "2021-06-28", place: "Avalon", issuer: "Harbour Office",
		header: "June 28, 2021 – Avalon – Harbour Office", paras: []string{"The council met."},
	})
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

// checkBody parses text and compares its body paragraphs (after the
// header) with want, each prefixed "section | " when sections is set.
func checkBody(t *testing.T, text string, sections bool, want []string) {
	t.Helper()
	got := bodyFields(t, "works", text, func(p Paragraph) string {
		if sections {
			return p.Section + " | " + p.Text
		}
		return p.Text
	})
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paragraphs\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// bodyFields parses text as id and returns field of each body paragraph
// (after the header).
func bodyFields(t *testing.T, id, text string, field func(Paragraph) string) []string {
	t.Helper()
	st, err := Parse(id, []byte(text), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range st.Paragraphs[1:] {
		out = append(out, field(p))
	}
	return out
}

// checkFormats parses text as id, read as it is ("" in formats) and as
// an upload of file in each other format given, and checks each against
// want.
func checkFormats(t *testing.T, id, file, text string, want parsed, formats ...string) {
	t.Helper()
	for _, format := range formats {
		t.Run("format "+format, func(t *testing.T) {
			raw := text
			if format != "" {
				raw = Compose(file, format, text, Metadata{}, Metadata{})
			}
			st, err := Parse(id, []byte(raw), Metadata{})
			if err != nil {
				t.Fatal(err)
			}
			checkParsed(t, st, want)
		})
	}
}
