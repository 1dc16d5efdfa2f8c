package ingest

import (
	"strings"
	"testing"
)

// FuzzParse: parsing any text in any format never panics, numbers its
// paragraphs 1..n, keeps the header first, and never yields an empty
// paragraph.
func FuzzParse(f *testing.F) {
	f.Add("---\ntitle: \"A\\\n  \\ B\"\n---\n# H\n\n1. a\n   b\n- c\n\n**D**\n\ntext\n\\###", FormatMarkdown)
	f.Add("T\nJuly 16, 2022\nA line.\nHeading\n• item\n    ◦ sub\n###", FormatText)
	f.Add("1/2/24, 9:00 AM T\nT H E X\nTitle\nMay 1, 2020\nText.\nhttps://x/y 1/2\fMore.\n2", FormatPDF)
	f.Add("caption (Official Photo by X) Text.\n\n## H\n\n• a\n\nB:\n\n• c", FormatHTML)
	f.Add("WASHINGTON, D.C. — May 11, 2022 — Today.\n\nA,b c.The", FormatText)
	f.Add("---\n---\n", FormatText)
	f.Fuzz(func(t *testing.T, text, format string) {
		st, err := Parse("fuzz", []byte(Compose("f.txt", format, text, Metadata{}, Metadata{})), Metadata{})
		if err != nil {
			return
		}
		for i, p := range st.Paragraphs {
			if p.N != i+1 || p.Statement != "fuzz" {
				t.Fatalf("paragraph %d numbered %d of %q", i, p.N, p.Statement)
			}
			if p.Header && i > 0 {
				t.Errorf("header paragraph at %d", p.N)
			}
			if strings.TrimSpace(p.Text) == "" {
				t.Errorf("empty paragraph %d", p.N)
			}
		}
	})
}
