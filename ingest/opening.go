package ingest

import (
	"regexp"
	"strings"
)

// openingDate is the first full date written in the opening paragraph
// ("The ministers met in Marrakesh on 11.05.2022"), or "".
func openingDate(paras []Paragraph) string {
	if len(paras) == 0 {
		return ""
	}
	date, _, _, _ := findDate(paras[0].Text)
	return date
}

var (
	// meetingRE finds where a meeting took place in an opening sentence:
	// "met today in Rome", "gathered in Jeddah, Saudi Arabia".
	meetingRE  = regexp.MustCompile(`\b(?:met|meet|meeting|gathered|convened|assembled|took place|was held|were held)\b[^.;]{0,60}?\bin ((?:\p{Lu}[\p{L}'’-]+)(?:,? \p{Lu}[\p{L}'’-]+){0,2})`)
	notPlaceRE = regexp.MustCompile(`^(?i:` + month + `|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|The|This|That|Their|Our|His|Her)$`)
)

// meetingPlace is where the opening paragraph says a meeting took place,
// or "".
func meetingPlace(paras []Paragraph) string {
	if len(paras) == 0 {
		return ""
	}
	m := meetingRE.FindStringSubmatch(paras[0].Text)
	if m == nil || notPlaceRE.MatchString(strings.Fields(m[1])[0]) {
		return ""
	}
	return m[1]
}
