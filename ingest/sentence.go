package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations end with a period that does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "no": true,
	"vs": true, "etc": true, "e.g": true, "i.e": true, "gen": true, "col": true, "lt": true,
	"sgt": true, "rev": true, "hon": true, "jr": true, "sr": true, "art": true, "para": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "approx": true, "fig": true,
	"u.s": true, "u.k": true, "u.n": true, "e.u": true, "amb": true, "gov": true, "pres": true,
}

// Sentences splits a paragraph into sentences, keeping every byte:
// strings.Join(Sentences(p), " ") == p for single-spaced p. A sentence
// ends at ".", "!" or "?" (and closing quotes or brackets) followed by a
// space and a capital, digit or opening quote, except after abbreviations
// ("U.S.", "Mr."), initials ("J.") and a list item's number or letter
// ("1.", "iv.").
func Sentences(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		end := i + 1
		for end < len(p) {
			r, size := utf8.DecodeRuneInString(p[end:])
			if !strings.ContainsRune(`"')]”’»`, r) {
				break
			}
			end += size
		}
		if end >= len(p) || p[end] != ' ' {
			continue
		}
		next := strings.TrimLeft(p[end+1:], ` "'“‘«(`)
		r, _ := utf8.DecodeRuneInString(next)
		if !(unicode.IsUpper(r) || unicode.IsDigit(r)) {
			continue
		}
		if c == '.' && (isAbbreviation(p[start:i]) || isListMarker(p[start:i])) {
			continue
		}
		out = append(out, p[start:end])
		start = end + 1
		i = end
	}
	if start < len(p) {
		if rest := strings.TrimSpace(p[start:]); rest != "" {
			out = append(out, rest)
		}
	}
	return out
}

// isAbbreviation reports whether the text before a period ends with an
// abbreviation or a single-letter initial.
func isAbbreviation(before string) bool {
	i := strings.LastIndexAny(before, " (")
	word := before[i+1:]
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(r)
	}
	return abbreviations[strings.ToLower(word)]
}

// isListMarker reports whether s is only the number or letter of a list
// item ("1", "12", "b", "iv"): "1. We, the Leaders of the G7, met …" is
// one sentence.
func isListMarker(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 4 {
		return false
	}
	if strings.Trim(s, "0123456789") == "" {
		return true
	}
	return len(s) == 1 && unicode.IsLetter(rune(s[0])) || strings.Trim(strings.ToLower(s), "ivx") == ""
}
