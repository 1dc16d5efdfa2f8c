package ingest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// header is what the first lines of a text say about it.
type header struct {
	meta Metadata
	line string // the dateline as written, "" if none
}

var (
	datelineSepRE = regexp.MustCompile(`\s+[-–—|]+\s+|\s*[–—]\s*`)
	// placeRE is a dateline's place in capitals before a dash:
	// "WASHINGTON, D.C. —", "ROME –".
	placeRE = regexp.MustCompile(`^([A-Z][A-Z.'’ ]+(?:,\s*[A-Z][A-Za-z.'’ ]+)?)\s*(?:[-–—]+|,)\s*`)
)

// namedPlaceRE is a place written as a name before a date and a comma:
// "Marrakesh, 11.05.2022", "Rome, June 28, 2021".
var namedPlaceRE = regexp.MustCompile(`^(\p{Lu}[\p{L}.'’-]*(?: \p{Lu}[\p{L}.'’-]*){0,3}),\s+`)

// maxHeaderLines is how many non-empty lines may precede the dateline.
const maxHeaderLines = 8

// splitHeader finds the header among the first lines of text: a title
// (Markdown "# Title", or one to three title-like lines) above a dateline
// ("June 28, 2021 - Ottawa, Ontario - Global Affairs Canada", "WASHINGTON,
// D.C. — July 16, 2022", or a line that is only a date). Without a
// dateline a plain first-line title still counts. It returns the header
// and the text after it; the part of a dateline line after the dateline
// ("WASHINGTON — Today the President ...") stays in the text.
//
// known is the title the text's front matter gives, or "". Lines that
// are not taken as the title stay in the text: a text with a title of its
// own has no second one, so a first line that differs from it ("James S.
// Brady Press Briefing Room", "A Proclamation") is text, not a title no
// title would be read from, dropped.
func splitHeader(text, format, known string) (header, string) {
	lines := strings.Split(text, "\n")
	var h header
	var titleLines []string
	seen := 0
	for i, line := range lines {
		t := spaced(line)
		if t == "" || isEndMark(t) {
			continue
		}
		seen++
		if seen > maxHeaderLines || utf8.RuneCountInString(t) > 300 {
			break
		}
		if isChromeLine(t) {
			continue
		}
		if strings.HasPrefix(t, "#") && len(titleLines) == 0 {
			titleLines = append(titleLines, strings.TrimSpace(strings.TrimLeft(t, "#")))
			continue
		}
		if dl, rest, ok := parseDateline(t); ok {
			h.meta = dl.meta
			h.line = dl.line
			after := strings.Join(lines[i+1:], "\n")
			if rest != "" {
				after = rest + "\n\n" + after
			}
			if title := strings.Join(titleLines, " "); titleLike(title) && isTitle(title, known) {
				h.meta.Title = title
			} else if len(titleLines) > 0 {
				after = strings.Join(titleLines, "\n") + "\n\n" + after
			}
			return h, after
		}
		if endsSentence(t) || utf8.RuneCountInString(t) > 200 || len(titleLines) == 3 {
			break
		}
		titleLines = append(titleLines, t)
	}
	// No dateline: a Markdown "# Title" or a plain title line above the
	// text still counts.
	for i, line := range lines {
		t := spaced(line)
		if t == "" || isChromeLine(t) {
			continue
		}
		if s, ok := strings.CutPrefix(t, "# "); ok && isTitle(s, known) {
			h.meta.Title = strings.TrimSpace(s)
			return h, strings.Join(lines[i+1:], "\n")
		}
		if format != FormatHTML && titleLike(t) && isTitle(t, known) && followedByText(lines[i+1:]) && !wrapped(t, lines[i+1:], format) {
			h.meta.Title = t
			return h, strings.Join(lines[i+1:], "\n")
		}
		break
	}
	return header{}, text
}

// spaced is a line of the header trimmed, its non-breaking spaces spaces
// (a Markdown body keeps them: "June 28,\u00a02021").
func spaced(line string) string {
	return strings.TrimSpace(strings.ReplaceAll(line, "\u00a0", " "))
}

// isTitle reports whether a line may be the title of a text whose front
// matter titles it known: always when known is "", else when it says the
// same, but for case, spacing and end punctuation.
func isTitle(line, known string) bool {
	if known == "" {
		return true
	}
	norm := func(s string) string {
		return strings.ToLower(strings.Join(strings.Fields(strings.TrimRight(s, " .:")), " "))
	}
	return norm(line) == norm(known)
}

// wrapped reports whether line is the first line of a hard-wrapped
// paragraph rather than a title: in Markdown, any line the next line
// follows without a blank line (one paragraph, as goldmark reads it); in
// text, a line long enough to be wrapped ("President Joseph R. Biden,
// Jr. met today with Secretary General Jens" / "Stoltenberg of the
// …") followed at once by a line that does not end a sentence. A short
// title above a paragraph kept on one line ("Statement on Iraq" / "The
// President met today …  .") is not wrapped.
func wrapped(line string, rest []string, format string) bool {
	if len(rest) == 0 {
		return false
	}
	next := strings.TrimSpace(rest[0])
	if next == "" {
		return false
	}
	if format == FormatMarkdown {
		return true
	}
	return utf8.RuneCountInString(line) >= minWrappedLine && !endsSentence(next)
}

// minWrappedLine is the shortest first line taken for a wrapped one:
// text is wrapped at 60 to 80 columns; titles set on their own line are
// mostly shorter.
const minWrappedLine = 50

// followedByText reports whether the next non-empty line starts a new
// sentence: a title is not the first line of a wrapped sentence.
func followedByText(lines []string) bool {
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" {
			return startsSentence(t)
		}
	}
	return false
}

// dateline is a parsed dateline.
type dateline struct {
	meta Metadata
	line string
}

// parseDateline reads a line that opens with a date, or with a place in
// capitals and a date: the date, and after it, separated by dashes or
// bars, a place and an issuer ("June 28, 2021 - Ottawa, Ontario - Global
// Affairs Canada"). Text after a place-first dateline that is not short
// like a name is returned as rest.
func parseDateline(t string) (dateline, string, bool) {
	var dl dateline
	s := t
	if m := placeRE.FindStringSubmatchIndex(s); m != nil && !startsWithDate(s) {
		place := strings.TrimSpace(s[m[2]:m[3]])
		if !startsWithDate(s[m[1]:]) || utf8.RuneCountInString(place) > 40 {
			return dl, "", false
		}
		dl.meta.Place = capitalise(strings.TrimRight(place, ", "))
		s = s[m[1]:]
	} else if m := namedPlaceRE.FindStringSubmatchIndex(s); m != nil && startsWithDate(s[m[1]:]) && isPlaceName(s[m[2]:m[3]]) {
		dl.meta.Place = s[m[2]:m[3]] // "Marrakesh, 11 May 2022"
		s = s[m[1]:]
	}
	date, start, end, ok := findDate(s)
	if !ok || start != 0 && !weekdayOnly(s[:start]) {
		return dl, "", false
	}
	dl.meta.Date = date
	rest := strings.TrimLeft(s[end:], " ,-–—|")
	var parts []string
	if rest != "" {
		parts = datelineSepRE.Split(rest, -1)
	}
	if len(parts) > 0 && timeRE.MatchString(parts[0]) {
		parts = parts[1:] // "February 7, 2023, 9 PM ET": the time is no place nor issuer
	}
	if r, _ := utf8.DecodeRuneInString(rest); unicode.IsLower(r) {
		return dl, "", false // "On Thursday, July 21, 2022, the President signed …": a sentence
	}
	var tail string
	switch {
	case len(parts) == 0:
	case dl.meta.Place != "":
		// WASHINGTON — July 16, 2022 — Today the President ...: after a
		// place-first dateline comes the text.
		if len(parts) == 1 && isNameLike(parts[0]) {
			dl.meta.Issuer = parts[0]
		} else {
			tail = strings.Join(parts, " — ")
		}
	case len(parts) == 1:
		if !isNameLike(parts[0]) {
			return dl, "", false // a sentence that opens with a date
		}
		dl.meta.Issuer = parts[0]
	default:
		for _, p := range parts {
			if !isNameLike(p) {
				return dl, "", false
			}
		}
		dl.meta.Place = strings.Join(parts[:len(parts)-1], " - ")
		dl.meta.Issuer = parts[len(parts)-1]
	}
	dl.line = strings.TrimSpace(strings.TrimSuffix(t, tail))
	dl.line = strings.TrimRight(dl.line, " -–—|")
	return dl, tail, true
}

// isPlaceName reports whether a capitalised phrase before a date may be
// a place: not a weekday nor a phrase opening with a function word ("On
// Thursday", "In Rome"), as a sentence that opens with a date has.
func isPlaceName(s string) bool {
	first := strings.Fields(s)[0]
	return !functionWords[strings.ToLower(first)] && !notPlaceRE.MatchString(first)
}

func startsWithDate(s string) bool {
	_, start, _, ok := findDate(s)
	return ok && (start == 0 || weekdayOnly(s[:start]))
}

// weekdayOnly reports text before a date that is only a weekday.
func weekdayOnly(s string) bool {
	s = strings.ToLower(strings.Trim(s, " ,"))
	return strings.HasSuffix(s, "day") && !strings.Contains(s, " ")
}

// timeRE is a time of day: "9 PM ET", "10:30 a.m.".
var timeRE = regexp.MustCompile(`^\d{1,2}(?::\d{2})?\s*(?i:[ap]\.?m\b\.?)`)

// isNameLike reports a short part of a dateline: a place or an issuer,
// not a sentence nor a time of day.
func isNameLike(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ".C.") || len(strings.Fields(s)) > 10 || timeRE.MatchString(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

// titleLike reports a line that reads like a title: not too long, no
// sentence end, and most longer words capitalised ("Joint Statement on
// Maritime Security") or a short sentence-case title.
func titleLike(t string) bool {
	t = strings.TrimSpace(t)
	words := strings.Fields(t)
	if len(words) == 0 || len(words) > 30 || endsSentence(t) && !strings.HasSuffix(t, ":") || strings.HasSuffix(t, ",") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	long, caps := capitalised(words, `"'“”‘’()[]:,;`)
	return long == 0 || caps*2 >= long || len(words) <= 8
}

// capitalise turns "WASHINGTON, D.C." into "Washington, D.C.": a place in
// capitals, as datelines print it, written as a name.
func capitalise(s string) string {
	if strings.ToUpper(s) != s {
		return s
	}
	words := strings.Fields(s)
	for i, w := range words {
		if strings.Count(w, ".") >= 2 || utf8.RuneCountInString(w) <= 2 && !strings.HasSuffix(w, ",") { // D.C., US
			continue
		}
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(r) + strings.ToLower(w[size:])
	}
	return strings.Join(words, " ")
}

var (
	// letterSpacedRE is a letterhead printed letter by letter: "T H E
	// W H I T E H O U S E".
	letterSpacedRE = regexp.MustCompile(`^(?:\p{L} ){4,}\p{L}$`)
	// breadcrumbRE is a site's navigation trail: "BRIEFING ROOM •
	// STATEMENTS AND RELEASES", "Home › News".
	breadcrumbRE = regexp.MustCompile(`^[^.!?]{2,60}\s[•›»>/]\s[^.!?]{2,60}$`)
	// endMarkRE is the mark that ends a press release: "###", "# # #",
	// "-30-", also with Markdown escapes ("\###").
	endMarkRE = regexp.MustCompile(`^\\?(?:#\s*#\s*#|-\s*30\s*-|- END -|END)$`)
)

// isChromeLine reports a line that is page furniture, not statement text:
// a letter-spaced letterhead, a breadcrumb trail, or a photo caption with
// its credit.
func isChromeLine(t string) bool {
	return letterSpacedRE.MatchString(t) || breadcrumbRE.MatchString(t) && !strings.ContainsAny(t, ",;") ||
		creditRE.MatchString(t) && dropCaption(t) == ""
}

// isEndMark reports the end mark of a press release.
func isEndMark(t string) bool { return endMarkRE.MatchString(strings.TrimSpace(t)) }
