package ingest

import (
	"regexp"
	"strings"
)

// overlay fills the empty fields of top from under.
func overlay(top, under Metadata) Metadata {
	return Metadata{
		Title:  firstNonEmpty(top.Title, under.Title),
		Date:   firstNonEmpty(top.Date, under.Date),
		Issuer: firstNonEmpty(top.Issuer, under.Issuer),
		Place:  firstNonEmpty(top.Place, under.Place),
		Source: firstNonEmpty(top.Source, under.Source),
	}
}

// resolve applies the one precedence rule: the admin, then the text, then
// the file's metadata, then the id (date only; the caller makes a title
// from the id). A date merely written in the opening paragraph comes after
// the file's, except a PDF's, which is the day it was made, and after the
// id's: the date an uploader put in the file's name is theirs, the opening
// paragraph's may be history ("first observed on April 10, 1872"). A
// generic title ("Statement") gives way to a specific one from a weaker
// source and is returned as kind when none has one.
func (d storedDoc) resolve(id string) (m Metadata, kind string) {
	layers := []Metadata{d.admin, d.text, d.file}
	for _, l := range layers {
		t := strings.TrimSpace(l.Title)
		switch {
		case t == "":
		case isGenericTitle(t):
			kind = firstNonEmpty(kind, t)
			continue
		case m.Title == "":
			m.Title = t
		}
	}
	named := dateFromID(id)
	dates := []string{d.admin.Date, d.text.Date, d.file.Date, named, d.opening}
	if d.format == FormatPDF {
		dates = []string{d.admin.Date, d.text.Date, named, d.opening, d.file.Date}
	}
	for _, v := range dates {
		if v = strings.TrimSpace(v); v != "" && m.Date == "" {
			m.Date = firstNonEmpty(ParseDate(v), v)
		}
	}
	for _, l := range layers {
		m.Place = firstNonEmpty(m.Place, l.Place)
		m.Source = firstNonEmpty(m.Source, l.Source)
	}
	m.Place = firstNonEmpty(m.Place, d.meetingPlace)
	// A title that names its issuer ("Statement by ...") is the text's
	// word, above a letterhead's.
	m.Issuer = firstNonEmpty(d.admin.Issuer, d.text.Issuer, issuerFromTitle(m.Title), d.file.Issuer)
	return m, kind
}

var (
	// byTitleRE is a title naming who speaks: "Statement by NSC
	// Spokesperson Jane Roe on Syria", "Joint Statement of the Ministers",
	// "Remarks by the President After Air Force One Arrival | Fletcher, NC".
	byTitleRE = regexp.MustCompile(`^(?:Joint\s+)?(?:Statement|Remarks|Fact Sheet|Press Release|Communiqu[eé]|Declaration|Message|Letter)s?\s+(?:by|from|of)\s+(?:the\s+)?(.+?)(?:\s+(?:on|regarding|concerning|following|about|at|to|for|(?i:after|before|during|upon|ahead\s+of))\s+.*|\s+\|.*)?$`)
	// betweenTitleRE is a joint statement of a meeting's parties: "Joint
	// Statement Following the Meeting Between A and B in C".
	betweenTitleRE = regexp.MustCompile(`^(?i:joint\s+statement\s+(?:following|after|on|of)\s+(?:the\s+)?(?:meeting|talks|call)\s+between)\s+(?:the\s+)?(.+?)(?:\s+(?:in|at|on)\s+.*)?$`)
	// jointTitleRE is "United States-France Joint Statement".
	jointTitleRE = regexp.MustCompile(`^(.{2,60}?)\s+(?i:joint\s+(?:statement|communiqu[eé]|declaration))$`)
	// possessiveTitleRE is "G7 Leaders’ Statement on Syria".
	possessiveTitleRE = regexp.MustCompile(`^(.{2,60}?)['’]s?\s+(?i:joint\s+)?(?i:statement|communiqu[eé]|declaration)\b`)
)

// issuerFromTitle reads who issued a statement from a title that says so,
// or returns "".
func issuerFromTitle(title string) string {
	for _, re := range []*regexp.Regexp{byTitleRE, betweenTitleRE, jointTitleRE, possessiveTitleRE} {
		if m := re.FindStringSubmatch(title); m != nil {
			// "Raj Roe, Director of the Office, on …": the comma before
			// the cut; "Leaders’ Joint Statement": the possessive.
			return strings.TrimRight(m[1], " ,;:’'")
		}
	}
	return ""
}

// headerLine builds the searchable header paragraph of a statement whose
// text has no dateline, from its resolved metadata: none when nothing but
// the id is known.
func headerLine(m Metadata, d storedDoc) string {
	known := m.Title != "" || d.admin.Date != "" || d.text.Date != "" || d.file.Date != "" || d.opening != ""
	if !known {
		return ""
	}
	var parts []string
	for _, v := range []string{m.Date, m.Place, m.Issuer, m.Title} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " - ")
}
