package rag

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/statementbot/statementbot/capitals"
	"github.com/statementbot/statementbot/words"
)

// Questions name governments by their capitals ("Did Washington claim a
// role?", "Tehran's drones"); statements by their countries ("the United
// States", "Iran"). A capitalised capital that no statement of the
// library names is read as its country, where the library names that
// (package capitals): the search, the gate and the choice of sentences
// then read the country. A capital the library names is left alone: "the
// ministers met in Rome" is about the city.

// maxCapitalWords is the most words a capital has ("Bandar Seri
// Begawan").
const maxCapitalWords = 3

// withCountries returns q with each such capital replaced by its country.
func (ix *Index) withCountries(q string) string {
	fields := strings.Fields(q)
	changed := false
	for i := 0; i < len(fields); i++ {
		for n := min(maxCapitalWords, len(fields)-i); n >= 1; n-- { // "Abu Dhabi" before "Abu"
			lead, name, tail := nameSpan(fields[i : i+n])
			if name == "" {
				continue
			}
			country, ok := capitals.Country(strings.ReplaceAll(strings.ToLower(name), "’", "'"))
			if !ok || !ix.lacksName(name) || !ix.names(country) {
				continue
			}
			fields[i] = lead + titleCase(country) + tail
			fields = append(fields[:i+1], fields[i+n:]...)
			changed = true
			break
		}
	}
	if !changed {
		return q
	}
	return strings.Join(fields, " ")
}

// nameSpan splits fields into what precedes a capitalised name (an
// opening quote), the name, and what follows it (a possessive, closing
// punctuation); name is "" when fields are not one capitalised name with
// nothing but punctuation around it.
func nameSpan(fields []string) (lead, name, tail string) {
	joined := strings.Join(fields, " ")
	start := strings.IndexFunc(joined, unicode.IsLetter)
	if start < 0 {
		return "", "", ""
	}
	end := len(joined)
	for _, suffix := range []string{"'s", "’s"} {
		if k := strings.LastIndex(joined, suffix); k > start && strings.TrimFunc(joined[k+len(suffix):], unicode.IsPunct) == "" {
			end = k
		}
	}
	k := strings.LastIndexFunc(joined[:end], unicode.IsLetter)
	if k < start {
		return "", "", ""
	}
	_, size := utf8.DecodeRuneInString(joined[k:])
	end = k + size
	name = joined[start:end]
	for _, w := range strings.Fields(name) {
		// Words of letters, with an apostrophe or hyphen inside
		// ("Sana'a", "Port-au-Prince"), capitalised but for joining
		// words ("Port of Spain").
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !words.IsStopword(w) || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !strings.ContainsRune("-'’", r) }) >= 0 {
			return "", "", ""
		}
	}
	if strings.TrimFunc(joined[:start], unicode.IsPunct) != "" {
		return "", "", ""
	}
	return joined[:start], name, joined[end:]
}

// lacksName reports whether no paragraph and no statement's metadata
// holds a word of name (its joining words, "of", aside).
func (ix *Index) lacksName(name string) bool {
	for _, w := range words.Tokens(name) {
		if !words.IsStopword(w) && !ix.lacks(words.Stem(w)) {
			return false
		}
	}
	return true
}

// names reports whether the library holds every word of name (its
// joining words, "and", aside).
func (ix *Index) names(name string) bool {
	for _, w := range words.Tokens(name) {
		if !words.IsStopword(w) && ix.lacks(words.Stem(w)) {
			return false
		}
	}
	return true
}

// titleCase capitalises each word of s but its joining words ("Bosnia
// and Herzegovina").
func titleCase(s string) string {
	ws := strings.Fields(s)
	for i, w := range ws {
		if r, size := utf8.DecodeRuneInString(w); !words.IsStopword(w) {
			ws[i] = string(unicode.ToUpper(r)) + w[size:]
		}
	}
	return strings.Join(ws, " ")
}
