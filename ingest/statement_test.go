package ingest

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSeed(t *testing.T) {
	st, err := Parse("2021-06-28-global-coalition-rome", []byte(readSeed(t)), Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Date != "2021-06-28" || st.Issuer != "Global Affairs Canada" || st.Place != "Ottawa, Ontario" {
		t.Errorf("got date %q issuer %q place %q", st.Date, st.Issuer, st.Place)
	}
	if st.Title != "Statement: Global Coalition Rome" {
		t.Errorf("title = %q", st.Title)
	}
	if p := st.Paragraphs[0]; !p.Header || p.Text != "June 28, 2021 - Ottawa, Ontario - Global Affairs Canada" {
		t.Errorf("¶1 = %+v, want the dateline as header paragraph", p)
	}
	for i, p := range st.Paragraphs {
		if p.N != i+1 || p.Statement != st.ID {
			t.Errorf("paragraph %d numbered %d of %q", i, p.N, p.Statement)
		}
	}
	again, _ := Parse(st.ID, []byte(readSeed(t)), Metadata{})
	if again.Hash != st.Hash || len(again.Paragraphs) != len(st.Paragraphs) {
		t.Error("parsing the same text twice gave different results")
	}
}

func TestParseHeaders(t *testing.T) {
	tests := []struct {
		name                            string
		id, text                        string
		meta                            Metadata
		title, date, issuer, place, hdr string
		first                           string
	}{
		{
			name: "front matter", id: "summit",
			text:  "---\ntitle: \"Leaders' Summit Communiqué\"\ndate: 2024-03-01\nsource: https://example.org/c\nissuer: Ministry of Examples\n---\nThe leaders met.\n\nThey agreed.",
			title: "Leaders' Summit Communiqué", date: "2024-03-01", issuer: "Ministry of Examples",
			hdr: "2024-03-01 - Ministry of Examples - Leaders' Summit Communiqué", first: "The leaders met.",
		},
		{
			name: "markdown title", id: "2023-05-02-note",
			text:  "# Readout of the call\n\nThe ministers spoke.",
			title: "Readout of the call", date: "2023-05-02", hdr: "2023-05-02 - Readout of the call", first: "The ministers spoke.",
		},
		{
			name: "dateline with title", id: "x",
			text:  "Joint Statement on Maritime Security\n\n3 March 2022 – Brussels – Council of the EU\n\nThe Council adopted.",
			title: "Joint Statement on Maritime Security", date: "2022-03-03", issuer: "Council of the EU", place: "Brussels",
			hdr: "3 March 2022 – Brussels – Council of the EU", first: "The Council adopted.",
		},
		{
			name: "metadata wins", id: "y", meta: Metadata{Title: "Given title", Date: "2020-01-02"},
			text:  "Statement\n\nJune 28, 2021 - Ottawa, Ontario - Global Affairs Canada\n\nBody text.",
			title: "Given title", date: "2020-01-02", issuer: "Global Affairs Canada", place: "Ottawa, Ontario",
			hdr: "June 28, 2021 - Ottawa, Ontario - Global Affairs Canada", first: "Body text.",
		},
		{
			name: "a time after the date is no issuer", id: "watch",
			text:  "How to Watch the Harbour Opening\n\nSaturday, May 6, 2023, 9 PM ET\n\nThe opening is streamed live.",
			title: "How to Watch the Harbour Opening", date: "2023-05-06",
			hdr: "Saturday, May 6, 2023, 9 PM ET", first: "The opening is streamed live.",
		},
		{
			name: "no header", id: "plain-text",
			text:  "Just a body. Nothing else.",
			title: "Plain Text", first: "Just a body. Nothing else.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Parse(tt.id, []byte(tt.text), tt.meta)
			if err != nil {
				t.Fatal(err)
			}
			if st.Title != tt.title || st.Date != tt.date || st.Issuer != tt.issuer || st.Place != tt.place {
				t.Errorf("got title %q date %q issuer %q place %q; want %q %q %q %q", st.Title, st.Date, st.Issuer, st.Place, tt.title, tt.date, tt.issuer, tt.place)
			}
			body := st.Paragraphs
			if tt.hdr != "" {
				if !body[0].Header || body[0].Text != tt.hdr {
					t.Errorf("header paragraph = %+v, want %q", body[0], tt.hdr)
				}
				body = body[1:]
			} else if body[0].Header {
				t.Errorf("unexpected header paragraph %q", body[0].Text)
			}
			if body[0].Text != tt.first {
				t.Errorf("first body paragraph = %q, want %q", body[0].Text, tt.first)
			}
		})
	}
}

func TestParseBadInput(t *testing.T) {
	tests := []struct {
		name, id string
		raw      []byte
		want     string
	}{
		{"empty", "a", nil, "empty"},
		{"blank", "a", []byte(" \n\t\n"), "empty"},
		{"binary", "a", []byte("PK\x03\x04\x00\x00binary"), "binary"},
		{"not utf8", "a", []byte(strings.Repeat("\xff\xfe\xfa", 100)), "UTF-8"},
		{"no id", "", []byte("text"), "no id"},
		{"header only", "a", []byte("Statement\n\nJune 28, 2021 - Ottawa - GAC\n"), "no text paragraphs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.id, tt.raw, Metadata{})
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want InputError mentioning %q", err, tt.want)
			}
		})
	}
}

// TestParseHasNoSizeLimit checks that Parse refuses no text for its size:
// the one limit is the caller's, on the uploaded file (a 4 MiB limit here
// used to refuse files under it, counting the front matter too).
func TestParseHasNoSizeLimit(t *testing.T) {
	para := "The ministers agreed on a plan for the coming year and will review it in Paris.\n\n"
	body := strings.Repeat(para, (4<<20+64<<10)/len(para))
	stored := Compose("big.txt", FormatText, body, Metadata{Title: "File Title"}, Metadata{Title: "Big Statement"})
	st, err := Parse("big", []byte(stored), Metadata{})
	if err != nil {
		t.Fatalf("Parse(%d bytes) error = %v, want none", len(stored), err)
	}
	if st.Title != "Big Statement" || len(st.Paragraphs) < strings.Count(body, "\n\n") {
		t.Errorf("Parse(%d bytes) = title %q, %d paragraphs; want %q, at least %d", len(stored), st.Title, len(st.Paragraphs), "Big Statement", strings.Count(body, "\n\n"))
	}
}
