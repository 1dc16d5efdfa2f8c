package ingest

import (
	"strings"
	"testing"
)

// printedPDF is text as PDFium extracts it from a web page printed to
// PDF by a browser: a time stamp and page title atop each page, the
// address and page number below, a letter-spaced letterhead and a
// breadcrumb, paragraphs marked by no blank line, one column.
const printedPDF = "3/14/22, 2:05 PM Joint Statement of the Ministers of the Northern Alliance | The Agency\n" +
	"T H E A G E N C Y\n" +
	"BRIEFING ROOM • STATEMENTS AND RELEASES\n" +
	"Joint Statement of the Ministers of the Northern Alliance on\n" +
	"Maritime Security\n" +
	"March 14, 2022\n" +
	"The ministers of the Northern Alliance met today to discuss the security of shipping lanes in the\n" +
	"northern seas, and agreed to keep offline backups of their registers.\n" +
	"They thanked the hosts.\n" +
	"Patrols\n" +
	"The ministers will increase patrols along the coast and share what the patrols find with every\n" +
	"member of the alliance, within the limits of national law and the rules of the alliance\n" +
	"https://agency.example/statements/2022/03/14/joint-statement/ Page 1\f" +
	"3/14/22, 2:05 PM Joint Statement of the Ministers of the Northern Alliance | The Agency\n" +
	"itself. The patrols begin in April.\n" +
	"The ministers will meet again next year in the capital of the presidency, to review how far the\n" +
	"patrols have come and what remains to be done.\n" +
	"###\n" +
	"https://agency.example/statements/2022/03/14/joint-statement/ Page 2"

func TestParsePrintedPDF(t *testing.T) {
	stored := Compose("statement.pdf", FormatPDF, printedPDF, Metadata{Date: "2026-11-28"}, Metadata{})
	st, err := Parse("statement", []byte(stored), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	checkParsed(t, st, parsed{
		title:  "Joint Statement of the Ministers of the Northern Alliance on Maritime Security",
		date:   "2022-03-14",
		issuer: "Ministers of the Northern Alliance",
		header: "March 14, 2022",
		paras: []string{
			"The ministers of the Northern Alliance met today to discuss the security of shipping lanes in the northern seas, and agreed to keep offline backups of their registers.",
			"They thanked the hosts.",
			"The ministers will increase patrols along the coast and share what the patrols find with every member of the alliance, within the limits of national law and the rules of the alliance itself. The patrols begin in April.",
			"The ministers will meet again next year in the capital of the presidency, to review how far the patrols have come and what remains to be done.",
		},
		sections: []string{"", "", "Patrols", "Patrols"},
	})
	for _, p := range st.Paragraphs {
		for _, chrome := range []string{"PM", "https://", "Page", "T H E", "BRIEFING"} {
			if strings.Contains(p.Text, chrome) {
				t.Errorf("¶%d holds print chrome %q: %q", p.N, chrome, p.Text)
			}
		}
	}
}

func TestDropPrintChrome(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"header and footer", "1/2/24, 9:00 AM Title | Site\nText.\nhttps://x.example/a 1/2\fhttps://x.example/a 2/2", "Text.\f"},
		{"page numbers", "- 1 -\nText.\n1\fMore.\nPage 2 of 2", "Text.\fMore."},
		{"repeated running header", "Agency Bulletin\nText.\fAgency Bulletin\nMore.", "Text.\fMore."},
		{"letterhead anywhere", "Text.\nT H E  A G E N C Y\nMore.", "Text.\nT H E  A G E N C Y\nMore."},
		{"single page keeps its first line", "Agency Bulletin\nText.", "Agency Bulletin\nText."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := dropPrintChrome(tt.in)
			if strings.TrimSpace(got) != tt.want && got != tt.want {
				t.Errorf("dropPrintChrome(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLetterhead(t *testing.T) {
	for in, want := range map[string]string{
		"1/2/24, 9:00 AM Title\nT H E W H I T E H O U S E\nText.": "The White House",
		"T H E A G E N C Y\nText.":                                "The Agency",
		"Text.\nMore text.":                                       "",
		"Text.\fT H E A G E N C Y":                                "",
	} {
		if got := letterhead(in); got != want {
			t.Errorf("letterhead(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParsePrintedPDFIssuer: a letterhead names the issuer when the text
// does not.
func TestParsePrintedPDFIssuer(t *testing.T) {
	text := "1/2/24, 9:00 AM Ruritania Talks | The Agency\nT H E A G E N C Y\nRuritania Talks\nJanuary 2, 2024\nThe talks went well.\nhttps://agency.example/talks 1/1"
	st, err := Parse("talks", []byte(Compose("talks.pdf", FormatPDF, text, Metadata{}, Metadata{})), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	checkParsed(t, st, parsed{title: "Ruritania Talks", date: "2024-01-02", issuer: "The Agency", header: "January 2, 2024", paras: []string{"The talks went well."}})
}
