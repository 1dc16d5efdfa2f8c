package extract

import (
	"strings"
	"time"
)

// dateLayouts are the textual date forms parseDate accepts besides the
// numeric ones, tried on the whole string.
var dateLayouts = []string{
	time.RFC1123Z,
	time.RFC1123,
	time.RFC850,
	time.ANSIC,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006",
	"January 2, 2006",
	"Jan 2, 2006",
	"Jan. 2, 2006",
	"Monday, January 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
	"02 January 2006",
	"Monday, 2 January 2006",
	"Monday 2 January 2006",
}

// parseDate returns the calendar date in s as YYYY-MM-DD, or "" if s holds
// none. It accepts PDF dates ("D:20210628103000+02'00'"), ISO 8601 dates
// and timestamps, and common English forms ("28 June 2021",
// "June 28, 2021", RFC 1123). The date is the one written, whatever its
// time zone.
func parseDate(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "D:")
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' && allDigits(s[:4]+s[5:7]+s[8:10]) &&
		(len(s) == 10 || !isDigit(s[10])) {
		return validDate(s[:4], s[5:7], s[8:10])
	}
	if len(s) >= 10 && s[4] == '/' && s[7] == '/' && allDigits(s[:4]+s[5:7]+s[8:10]) &&
		(len(s) == 10 || !isDigit(s[10])) {
		return validDate(s[:4], s[5:7], s[8:10])
	}
	if len(s) >= 8 && allDigits(s[:8]) {
		return validDate(s[:4], s[4:6], s[6:8])
	}
	s = strings.Join(strings.Fields(s), " ")
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return ""
}

// validDate returns year-month-day as YYYY-MM-DD if it is a real date.
func validDate(year, month, day string) string {
	d := year + "-" + month + "-" + day
	t, err := time.Parse(time.DateOnly, d)
	if err != nil || t.Year() < 1000 {
		return ""
	}
	return d
}

func allDigits(s string) bool {
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
