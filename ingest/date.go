package ingest

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/itlightning/dateparse"
)

const month = `(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`

// dateInTextRE finds a written date in running text: "May 11, 2022",
// "11 May 2022", "2022-05-11", "11.05.2022", "5/11/2022", each optionally
// after a weekday.
var dateInTextRE = regexp.MustCompile(`(?i)\b(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:` +
	month + `\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}` +
	`|\d{1,2}(?:st|nd|rd|th)?\s+` + month + `,?\s+\d{4}` +
	`|\d{4}-\d{2}-\d{2}` +
	`|\d{1,2}\.\d{1,2}\.\d{4}` +
	`|\d{1,2}/\d{1,2}/\d{4})\b`)

// ParseDate returns the calendar date s holds as YYYY-MM-DD, or "" if it
// holds none. It reads ISO dates and timestamps, "11.05.2022" (day first),
// "5/11/2022" (month first, as in the United States), "11 May 2022",
// "May 11, 2022", with or without a weekday, and PDF dates
// ("D:20210628103000+02'00'"). The date is the one written, whatever the
// time zone.
func ParseDate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return ""
	}
	if rest, ok := strings.CutPrefix(s, "D:"); ok && len(rest) >= 8 {
		s = rest[:4] + "-" + rest[4:6] + "-" + rest[6:8]
	}
	if len(s) > 10 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10] // a timestamp: the date as written, not moved to UTC
	}
	// "28 June, 2021": the comma before the year confuses the parser.
	s = commaYearRE.ReplaceAllString(s, "$1 $2")
	monthFirst := strings.Contains(s, "/")
	t, err := dateparse.ParseIn(s, time.UTC, dateparse.PreferMonthFirst(monthFirst), dateparse.SimpleErrorMessages(true))
	if err != nil || t.Year() < 1000 || t.Year() > 9999 {
		return ""
	}
	return t.Format(time.DateOnly)
}

var commaYearRE = regexp.MustCompile(`(?i)(\d\s+` + month + `),\s*(\d{4})`)

// findDate returns the first written date in line, as YYYY-MM-DD, and
// where it is; ok is false if line holds none.
func findDate(line string) (date string, start, end int, ok bool) {
	for _, loc := range dateInTextRE.FindAllStringIndex(line, -1) {
		if d := ParseDate(line[loc[0]:loc[1]]); d != "" {
			return d, loc[0], loc[1], true
		}
	}
	return "", 0, 0, false
}

// CheckDate returns an InputError for an admin's date that is not a
// calendar date ("2024-13-45", "last tuesday"): such a date would be
// stored as given. An empty date is fine (the file's own is used).
func CheckDate(s string) error {
	if strings.TrimSpace(s) == "" || ParseDate(s) != "" {
		return nil
	}
	return &InputError{Msg: fmt.Sprintf("the date %q is not a calendar date: write it as 2024-05-01 or 1 May 2024", s)}
}
