package ingest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// printHeaderRE is the header a browser prints atop each page: the
	// time stamp ("10/29/21, 3:41 PM"), then the page's title.
	printHeaderRE = regexp.MustCompile(`^\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s|$)`)
	// printFooterRE is the footer a browser prints: the page's address and
	// the page number ("https://… 1/2", "… Page 1").
	printFooterRE = regexp.MustCompile(`^(?:(?:https?|file)://\S+|www\.\S+)\s*(?:(?:Page\s+)?\d+(?:\s*(?:/|of)\s*\d+)?)?$`)
	// pageNumberRE is a page number alone: "3", "- 3 -", "Page 3", "3/7",
	// "3 of 7".
	pageNumberRE = regexp.MustCompile(`^(?i:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:/|of)\s*\d{1,4})?$`)
)

// dropPrintChrome removes what printing a page adds to each page of a
// PDF: running headers (time stamp and page title) and footers (address
// and page number), page numbers, and lines repeated at the top or bottom
// of every page; and letter-spaced letterheads, print headers and footers
// anywhere (a page break may be lost). Pages are
// separated by "\f" and stay so.
func dropPrintChrome(text string) string {
	pages := strings.Split(text, "\f")
	firsts, lasts := map[string]int{}, map[string]int{}
	for _, p := range pages {
		if f, l, ok := edgeLines(p); ok {
			firsts[digitless(f)]++
			lasts[digitless(l)]++
		}
	}
	repeated := func(counts map[string]int, line string) bool {
		return len(pages) >= 2 && counts[digitless(line)] >= 2
	}
	for i, p := range pages {
		lines := strings.Split(p, "\n")
		drop := make([]bool, len(lines))
		for j := 0; j < len(lines); j++ { // from the top
			t := strings.TrimSpace(lines[j])
			if t == "" {
				continue
			}
			if !(printHeaderRE.MatchString(t) || pageNumberRE.MatchString(t) || letterSpacedRE.MatchString(t) || repeated(firsts, t)) {
				break
			}
			drop[j] = true
		}
		for j := len(lines) - 1; j >= 0; j-- { // from the bottom
			t := strings.TrimSpace(lines[j])
			if t == "" {
				continue
			}
			if !(printFooterRE.MatchString(t) || pageNumberRE.MatchString(t) || repeated(lasts, t)) {
				break
			}
			drop[j] = true
		}
		var kept []string
		for j, l := range lines {
			t := strings.TrimSpace(l)
			if !drop[j] && !letterSpacedRE.MatchString(t) && !printHeaderRE.MatchString(t) && !isPrintFooter(t) {
				kept = append(kept, l)
			}
		}
		pages[i] = strings.Join(kept, "\n")
	}
	return strings.Join(pages, "\f")
}

// isPrintFooter reports a browser's print footer: the page's address and
// its page number.
func isPrintFooter(t string) bool {
	return printFooterRE.MatchString(t) && (strings.Contains(t, "://") || strings.HasPrefix(t, "www.")) &&
		strings.ContainsAny(t[len(t)-1:], "0123456789")
}

// edgeLines returns the first and last non-empty lines of a page.
func edgeLines(page string) (first, last string, ok bool) {
	for _, l := range strings.Split(page, "\n") {
		if t := strings.TrimSpace(l); t != "" {
			if !ok {
				first, ok = t, true
			}
			last = t
		}
	}
	return first, last, ok
}

// digitless blanks out digits, so that "Page 1" and "Page 2" compare
// equal.
func digitless(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '#'
		}
		return r
	}, s)
}

// letterhead reads a letter-spaced letterhead atop the first page ("T H E
// W H I T E H O U S E") as the name it spells ("The White House"), or
// returns "". Its word breaks are lost, so they are found with the word
// list.
func letterhead(text string) string {
	first, _, _ := strings.Cut(text, "\f")
	lines := strings.Split(first, "\n")
	for _, l := range lines[:min(len(lines), 5)] {
		t := strings.TrimSpace(l)
		if !letterSpacedRE.MatchString(t) {
			continue
		}
		letters := strings.ToLower(strings.ReplaceAll(t, " ", ""))
		words := NewSegmenter().Split(letters)
		for i, w := range words {
			r, size := utf8.DecodeRuneInString(w)
			words[i] = string(unicode.ToUpper(r)) + w[size:]
		}
		return strings.Join(words, " ")
	}
	return ""
}
