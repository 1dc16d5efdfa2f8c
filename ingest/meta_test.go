package ingest

import (
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2022-05-11":                    "2022-05-11",
		"11.05.2022":                    "2022-05-11",
		"11 May 2022":                   "2022-05-11",
		"11 May, 2022":                  "2022-05-11",
		"May 11, 2022":                  "2022-05-11",
		"Sept. 5, 2022":                 "2022-09-05",
		"Wednesday, May 11, 2022":       "2022-05-11",
		"5/11/2022":                     "2022-05-11",
		"2022-01-30T16:52:20-05:00":     "2022-01-30",
		"2021-12-13 23:08:49-05:00":     "2021-12-13",
		"D:20210628103000+02'00'":       "2021-06-28",
		"D:20210628":                    "2021-06-28",
		"20210628":                      "2021-06-28",
		"D:2021":                        "",
		"D:20211399":                    "",
		"2021/06/28":                    "2021-06-28",
		"2021-06-28123":                 "",
		"Mon, 28 Jun 2021 10:00:00 GMT": "2021-06-28",
		"Monday, 28 June 2021":          "2021-06-28",
		"May 2022":                      "",
		"31.02.2022":                    "",
		"soon":                          "",
		"":                              "",
	} {
		if got := ParseDate(in); got != want {
			t.Errorf("ParseDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMetadataPrecedence checks the one rule: the admin's options, then
// the text (front matter, title line, dateline), then the file's own
// metadata, then the file name.
func TestMetadataPrecedence(t *testing.T) {
	const dated = "Summit Communiqué\n\nJune 28, 2021 - Ottawa - Global Affairs\n\nThe leaders met.\n"
	const bare = "The leaders met. They agreed.\n"
	file := Metadata{Title: "PDF Title", Date: "2026-11-28", Source: "https://example.org/file"}
	tests := []struct {
		name         string
		id, format   string
		text         string
		file, admin  Metadata
		meta         Metadata // passed to Parse
		title, date  string
		issuer, src  string
		headerPrefix string
	}{
		{name: "text beats file", id: "x", format: FormatPDF, text: dated, file: file,
			title: "Summit Communiqué", date: "2021-06-28", issuer: "Global Affairs", src: "https://example.org/file"},
		{name: "admin beats text", id: "x", format: FormatPDF, text: dated, file: file, admin: Metadata{Title: "Given", Date: "3 March 2020", Issuer: "Admin Office"},
			title: "Given", date: "2020-03-03", issuer: "Admin Office", src: "https://example.org/file"},
		{name: "Parse's meta beats stored admin", id: "x", format: FormatText, text: dated, admin: Metadata{Title: "Stored"}, meta: Metadata{Title: "Typed now"},
			title: "Typed now", date: "2021-06-28", issuer: "Global Affairs"},
		{name: "file beats name", id: "2020-01-01-talks", format: FormatHTML, text: bare, file: Metadata{Title: "Page Title", Date: "2022-02-02"},
			title: "Page Title", date: "2022-02-02"},
		{name: "name last", id: "2020-01-01-talks", format: FormatText, text: bare,
			title: "Talks", date: "2020-01-01"},
		{name: "generic text title gives way to the file's", id: "x", format: FormatPDF, text: "Statement\n\nJune 28, 2021\n\nThe leaders met.\n", file: file,
			title: "PDF Title", date: "2021-06-28", src: "https://example.org/file"},
		{name: "generic title and nothing better: kind and name", id: "2021-06-28-global-rome", format: FormatText, text: "Statement\n\nJune 28, 2021\n\nThe leaders met.\n",
			title: "Statement: Global Rome", date: "2021-06-28"},
		{name: "a page's date beats one written in the opening paragraph", id: "x", format: FormatHTML, text: "The ministers recalled the attack of May 1, 2019.\n", file: Metadata{Date: "2022-02-02"},
			title: "X", date: "2022-02-02"},
		{name: "a date in the opening paragraph beats a PDF's creation date", id: "x", format: FormatPDF, text: "The ministers met on May 1, 2019.\n", file: Metadata{Date: "2026-11-28"},
			title: "X", date: "2019-05-01"},
		{name: "a date in the name beats one written in the opening paragraph", id: "2024-04-26-arbor-day", format: FormatText, text: "The day was first kept on April 10, 1872.\n",
			title: "Arbor Day", date: "2024-04-26"},
		{name: "a date in the name beats a PDF's opening paragraph and creation date", id: "2024-04-26-arbor-day", format: FormatPDF, text: "The day was first kept on April 10, 1872.\n", file: Metadata{Date: "2026-11-28"},
			title: "Arbor Day", date: "2024-04-26"},
		{name: "front matter beats file", id: "x", format: FormatMarkdown, text: "---\ntitle: Front Title\ndate: 2019-09-09\nissuer: Front Office\n---\nThe leaders met.\n", file: file,
			title: "Front Title", date: "2019-09-09", issuer: "Front Office", src: "https://example.org/file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored := Compose("upload", tt.format, tt.text, tt.file, tt.admin)
			st, err := Parse(tt.id, []byte(stored), tt.meta)
			if err != nil {
				t.Fatal(err)
			}
			if st.Title != tt.title || st.Date != tt.date || st.Issuer != tt.issuer || st.Source != tt.src {
				t.Errorf("got title %q date %q issuer %q source %q; want %q %q %q %q", st.Title, st.Date, st.Issuer, st.Source, tt.title, tt.date, tt.issuer, tt.src)
			}
			for _, p := range st.Paragraphs {
				if !p.Header && !strings.Contains(strings.Join(strings.Fields(tt.text), " "), p.Text) {
					t.Errorf("body paragraph %q is not text of the file: metadata leaked into it", p.Text)
				}
			}
		})
	}
}

// TestComposeFormats checks the format Compose records: the extractor's,
// Markdown for .md text, plain text otherwise.
func TestComposeFormats(t *testing.T) {
	for _, tt := range []struct{ name, format, want string }{
		{"a.pdf", FormatPDF, FormatPDF},
		{"a.html", FormatHTML, FormatHTML},
		{"a.md", FormatText, FormatMarkdown},
		{"a.MARKDOWN", "", FormatMarkdown},
		{"a.txt", FormatText, FormatText},
		{"a.txt", "", FormatText},
	} {
		if got := readStored(Compose(tt.name, tt.format, "Text.", Metadata{}, Metadata{})).format; got != tt.want {
			t.Errorf("Compose(%q, %q): format %q, want %q", tt.name, tt.format, got, tt.want)
		}
	}
}

// TestStoredBefore reads a statement stored before the admin's and the
// file's metadata were kept apart: its front matter (a PDF's creation
// date baked in) ranks below the text's dateline, and a lost page break
// does not keep print chrome in the text.
func TestStoredBefore(t *testing.T) {
	stored := "---\ndate: 2026-11-28\ntitle: Fact Sheet: Old Title\n---\n" +
		"3/14/22, 2:05 PM Talks | The Agency\nT H E A G E N C Y\nRuritania Talks\nMarch 14, 2022\n" +
		"The talks went well and the ministers agreed to meet again in the spring.\n" +
		"https://agency.example/talks 1/2\n\n3/14/22, 2:05 PM Talks | The Agency\nThey thanked the hosts.\n"
	st, err := Parse("talks", []byte(stored), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	checkParsed(t, st, parsed{
		title: "Ruritania Talks", date: "2022-03-14", issuer: "The Agency", header: "March 14, 2022",
		paras: []string{"The talks went well and the ministers agreed to meet again in the spring.", "They thanked the hosts."},
	})
}
