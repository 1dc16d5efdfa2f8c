package rag

import (
	"regexp"
	"strings"

	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/words"
)

// Whether a statement covers a question is judged from the question's
// content words, each weighted by how rare it is in general English (its
// Zipf cost in the segmenter's word list; words no list knows, such as
// names, weigh most). A paragraph covers the share of that weight whose
// words it contains. Rare words carry the topic: "What did the coalition say
// about its own record?" is covered although "record" is missing, while
// "What is the tallest mountain in the world?" is not, although "world"
// occurs in the statement.

// unlistedWeight is the weight of a word no word list knows.
const unlistedWeight = 16.0

// metaWords are words questions use to ask, not to say what they are
// about.
var metaWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`say said says tell told mention mentioned mentions describe
	describes described explain explains explained statement statements according regarding
	anything something everything know talk talks talked please give summary summarize
	summarise document text paragraph paragraphs question answer think thought
	specifically exactly actually really much many kind sort way ways anyone someone
	role roles play plays played position stance view views opinion happen happens happened`) {
		metaWords[w] = true
	}
}

// queryTerm is one content word of a question.
type queryTerm struct {
	token, stem string
	weight      float64
	// optional terms (a hyphenated compound joined up, "isisk") count
	// only when found; their parts stand for them otherwise.
	optional bool
	// proper is a capitalised word that does not start the question.
	proper bool
	// alts are other words for it (expand.go), set only where the
	// search may use them; found, one counts for its credit of the word.
	alts []alternative
}

// queryTerms returns the distinct content words of q with their weights.
func queryTerms(q string) []queryTerm { return queryTermsOf(q, properNouns(q)) }

// queryTermsOf is queryTerms with the question's capitalised words given:
// those of the whole question when q is part of it (a name that opens
// what is left of "Summarize Denmark's statement" is still a name).
func queryTermsOf(q string, proper map[string]bool) []queryTerm {
	seen := map[string]bool{}
	var out []queryTerm
	for _, tok := range words.Tokens(q) {
		if words.IsStopword(tok) || metaWords[tok] {
			continue
		}
		compound := !strings.Contains(q, tok) && !strings.Contains(strings.ToLower(q), tok)
		if len(tok) <= 2 && !isNumber(tok) && strings.Contains(strings.ToLower(q), tok+"-") {
			continue // "co" of "co-hosted"
		}
		stem := words.Stem(tok)
		if seen[stem] {
			continue
		}
		seen[stem] = true
		w, ok := ingest.ZipfCost(tok)
		if !ok {
			w, ok = ingest.ZipfCost(stem)
		}
		if !ok {
			w = unlistedWeight
			if isNumber(tok) {
				w = 12 // numbers are specific, but often written out
			}
		}
		out = append(out, queryTerm{token: tok, stem: stem, weight: w, optional: compound, proper: proper[tok]})
	}
	return out
}

// properNouns returns the lowercased words of q written with a capital,
// other than its first word.
func properNouns(q string) map[string]bool {
	out := map[string]bool{}
	for i, f := range strings.Fields(q) {
		f = strings.Trim(f, `"'“”‘’()?!.,;:`)
		if i == 0 || f == "" || f[0] < 'A' || f[0] > 'Z' {
			continue
		}
		for _, tok := range words.Tokens(f) {
			out[tok] = true
		}
	}
	return out
}

func isNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// coverage is the weighted share of terms found in document doc, or in
// the metadata of its statement (a question's "2021" or "Rome" names the
// statement; its paragraphs need not repeat them).
func (ix *Index) coverage(terms []queryTerm, doc int32) float64 {
	var have, total float64
	st := ix.byID[ix.paras[doc].Statement]
	for _, t := range terms {
		found := ix.keywords.has(t.stem, doc) || ix.meta.covers(st, t.stem)
		if t.optional && !found {
			continue
		}
		total += t.weight
		if found {
			have += t.weight
			continue
		}
		credit := 0.0
		for _, a := range t.alts {
			if a.credit > credit && ix.keywords.has(a.stem, doc) {
				credit = a.credit
			}
		}
		have += credit * t.weight
	}
	if total == 0 {
		return 0
	}
	return have / total
}

// headerIntent reports whether a question asks about a statement itself
// (who issued it, when, where from), which its header paragraph answers:
// it says "issued", "published", "dated", "source" or "author", or asks
// who, when or where of the statement as a document ("When was this
// statement made?"). "When is the next meeting?", "Who joined the
// leaders?" and "Who met, according to the joint statement?" ask about
// what the statement says, not about the statement.
func headerIntent(q string, terms []queryTerm) bool {
	// "According to the joint statement Biden and Macron issued in Rome,
	// where …?": the opening phrase names the statement; the question
	// follows it.
	if asked, ok := withoutSourcePhrase(q); ok {
		q = asked
		terms = queryTerms(q)
	}
	for _, t := range terms {
		switch t.stem {
		case "issu", "publish", "releas", "date", "sourc", "dat", "sign":
			return true
		}
		switch t.token { // "authorities" stems as "author" does
		case "author", "authors", "authored", "authorship":
			return true
		}
	}
	return aboutDocumentRE.MatchString(strings.TrimSpace(q))
}

// sourcePhraseRE matches an opening phrase that names where the answer is
// to be found, up to its comma; trailingSourceRE one that closes the
// question ("How is Iraq to get cheaper electricity, according to the
// Biden-Kadhimi statement?"), where a bare "in …" or "per …" is part of
// the question ("Which prison … in Syria?", "… barrels per day?").
var (
	sourcePhraseRE   = regexp.MustCompile(`(?i)^\s*(?:according to|as (?:stated|said|set out) in|in|per|under)\s[^,;?]{3,}?,\s*`)
	trailingSourceRE = regexp.MustCompile(`(?i),?\s+(?:according to|as (?:stated|said|set out) in|per the)\s[^,;?]{3,}(\?*)\s*$`)
)

// askingRE matches a question that opens with a preposition and a
// question word ("In which countries were …, according to …?"): the
// opening is the question, not its source.
var askingRE = regexp.MustCompile(`(?i)^\s*(?:in|under|per|according to)\s+(?:which|what|whose|whom|how|when|where|who)\b`)

// mayCloseWithSource reports whether q holds a word trailingSourceRE
// begins with: most questions do not, and the expression scans slowly.
func mayCloseWithSource(q string) bool {
	l := strings.ToLower(q)
	return strings.Contains(l, "according") || strings.Contains(l, "as s") || strings.Contains(l, "per the ")
}

// withoutSourcePhrase returns q without the phrase that names where its
// answer is to be found, opening or closing it, and whether it had one:
// what is asked.
func withoutSourcePhrase(q string) (string, bool) {
	if m := sourcePhraseRE.FindStringIndex(q); m != nil && !askingRE.MatchString(q) {
		return q[m[1]:], true
	}
	if !mayCloseWithSource(q) {
		return q, false
	}
	if m := trailingSourceRE.FindStringSubmatchIndex(q); m != nil && m[0] > 0 {
		return q[:m[0]] + q[m[2]:m[3]], true
	}
	return q, false
}

// aboutDocumentRE matches who/when/where questions whose subject is the
// statement itself ("When was this statement made?"), not one that only
// names it ("Who met, according to the joint statement?").
var aboutDocumentRE = regexp.MustCompile(`(?i)^(?:who|when|where)\b[^,;]*?\b(?:is|was|were|are)\s+(?:(?:it|this)\s*(?:made|written|signed|given|put out|issued|from)?\s*\??$|(?:this|the|that)\s+(?:[\w’'-]+\s+){0,2}?(?:statement|communiqu[eé]|press release|release|fact sheet|declaration|readout)\b)`)
