package compare

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/statementbot/statementbot"
	"github.com/statementbot/statementbot/embeddings"
)

// Lister lists the statements a question may be about. *rag.Index is one.
type Lister interface {
	Statements() []*statementbot.Statement
}

var (
	// changeIntent: the question asks what differs between statements.
	changeIntent = regexp.MustCompile(`(?i)\bwhat(?:'s|’s|\s+is|\s+has|\s+have|\s+was)?\s+(?:changed|different|differs)\b|` +
		`\bwhat(?:'s|’s|\s+is)\s+new\b|\bcompar(?:e|ed|es|ing|ison)\b|\bdifferen(?:ce|ces|t)\s+(?:between|from)\b|` +
		`\bchanges?\s+(?:since|from|between|compared)\b|\bhow\s+(?:has|have|did)\b.*\b(?:statement|communiqu|text|wording)\w*\s+change`)
	// docReference: it names a statement (by noun, year or recency),
	// so "what has changed in Syria?" is not a comparison.
	docReference = regexp.MustCompile(`(?i)\b(?:statements?|communiqu[eé]s?|releases?|declarations?|fact\s*sheets?|readouts?|texts?|versions?|editions?|documents?|one)\b|\b(?:19|20)\d\d\b|\b(?:latest|newest|most\s+recent|last|previous|earlier|current)\b`)
	year         = regexp.MustCompile(`\b(?:19|20)\d\d\b`)
	// sinceYear: a year the comparison starts from.
	sinceYear = regexp.MustCompile(`(?i)\b(?:since|from|with|to|than|vs\.?|versus|against|after)\s+(?:the\s+|its\s+)?((?:19|20)\d\d)\b`)
)

// genericTerms are question words that name no statement.
var genericTerms = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range embeddings.Terms(`what changed change changes new different differs difference differences compare compared comparison
		statement statements communique communiqué text version edition document one
		latest newest recent last previous earlier current since year tell show`) {
		m[t] = true
	}
	return m
}()

// Route reads question as a request to compare two statements of ix and
// returns them, oldest first: "what changed in the 2027 statement
// compared with 2026?" (the statements of those years, of one series),
// "what changed since 2026?" (that year's and the latest of its series),
// "what's new in the latest statement?" (the latest and the one before it
// in its series: see Previous). Words of the question naming a title,
// issuer or place narrow the statements considered. ok is false when the
// question asks no such thing or no pair fits.
func Route(ix Lister, question string) (old, new *statementbot.Statement, ok bool) {
	if !changeIntent.MatchString(question) || !docReference.MatchString(question) {
		return nil, nil, false
	}
	_, all := narrow(ix.Statements(), question)
	years := distinct(year.FindAllString(question, -1))
	var from string
	if m := sinceYear.FindStringSubmatch(question); m != nil {
		from = m[1]
	}
	switch {
	case len(years) >= 2:
		return bestPair(inYear(all, years[0]), inYear(all, years[1]))
	case len(years) == 1 && from != "":
		// "since 2026": that year's statement and the latest of its series.
		var best [2]*statementbot.Statement
		bestScore := -1.0
		for _, o := range inYear(all, from) {
			if n := latestOfSeries(all, o); n != nil {
				if s := seriesScore(o, n); s > bestScore {
					best, bestScore = [2]*statementbot.Statement{o, n}, s
				}
			}
		}
		return best[0], best[1], best[0] != nil
	case len(years) == 1:
		cands := inYear(all, years[0])
		slices.SortStableFunc(cands, byDateDesc)
		for _, n := range cands {
			if o := Previous(all, n); o != nil {
				return o, n, true
			}
		}
		return nil, nil, false
	}
	if o, n, ok := namedPair(ix.Statements(), question); ok {
		return o, n, true
	}
	n := latest(all)
	if n == nil {
		return nil, nil, false
	}
	o := Previous(all, n)
	return o, n, o != nil
}

// pairSplit is where a question naming two statements may divide.
var pairSplit = regexp.MustCompile(`(?i)\s(?:with|and|to|vs\.?|versus|against)\s`)

// namedPair finds two statements the question names on either side of
// "with", "and", "to", "versus" ("Compare the G7 statement on Syria with
// the NSC statement"), whatever their series, oldest first.
func namedPair(all []*statementbot.Statement, question string) (old, new *statementbot.Statement, ok bool) {
	for _, loc := range pairSplit.FindAllStringIndex(question, -1) {
		a, b := namedOne(all, question[:loc[0]]), namedOne(all, question[loc[1]:])
		if a == nil || b == nil || a == b {
			continue
		}
		if byDateDesc(a, b) < 0 {
			a, b = b, a
		}
		return a, b, true
	}
	return nil, nil, false
}

// namedOne is the statement text names: the one whose title, issuer,
// place or id hold most of its words, the latest of them on a tie.
func namedOne(all []*statementbot.Statement, text string) *statementbot.Statement {
	named, _ := narrow(all, text)
	if len(named) == 1 {
		return named[0]
	}
	return latest(named)
}

// Previous is the statement before st in its series: among the
// statements dated earlier of the same issuer or a similar title, the
// closest in date (ties: the most similar title, then the id). nil if
// there is none.
func Previous(all []*statementbot.Statement, st *statementbot.Statement) *statementbot.Statement {
	d, ok := isoDate(st.Date)
	if !ok {
		return nil
	}
	var best *statementbot.Statement
	for _, o := range all {
		od, ok := isoDate(o.Date)
		if !ok || !od.Before(d) || o.ID == st.ID || seriesScore(o, st) == 0 {
			continue
		}
		if best == nil {
			best = o
			continue
		}
		bd, _ := isoDate(best.Date)
		if c := cmp.Or(od.Compare(bd), cmp.Compare(seriesScore(o, st), seriesScore(best, st)), cmp.Compare(best.ID, o.ID)); c > 0 {
			best = o
		}
	}
	return best
}

// latestOfSeries is the latest statement after o in its series.
func latestOfSeries(all []*statementbot.Statement, o *statementbot.Statement) *statementbot.Statement {
	od, ok := isoDate(o.Date)
	if !ok {
		return nil
	}
	var series []*statementbot.Statement
	for _, n := range all {
		if nd, ok := isoDate(n.Date); ok && nd.After(od) && seriesScore(o, n) > 0 {
			series = append(series, n)
		}
	}
	return latest(series)
}

// minTitleSimilarity is the share of title words (Dice) that makes two
// statements of one series when their issuers differ or are unknown.
const minTitleSimilarity = 0.5

// seriesScore says how surely a and b are of one series: 0 not at all;
// the title similarity, plus 1 for the same issuer.
func seriesScore(a, b *statementbot.Statement) float64 {
	sim := dice(titleTerms(a.Title), titleTerms(b.Title))
	same := a.Issuer != "" && strings.EqualFold(strings.TrimSpace(a.Issuer), strings.TrimSpace(b.Issuer))
	switch {
	case same:
		return 1 + sim
	case sim >= minTitleSimilarity:
		return sim
	}
	return 0
}

// isNumber: years and other figures name no statement by themselves
// ("G7" does).
func isNumber(t string) bool {
	return strings.Trim(t, "0123456789") == ""
}

// titleTerms are a title's content words, without figures (years differ
// from one edition to the next).
func titleTerms(title string) map[string]bool {
	m := map[string]bool{}
	for _, t := range embeddings.Terms(title) {
		if !strings.ContainsAny(t, "0123456789") {
			m[t] = true
		}
	}
	return m
}

func dice(a, b map[string]bool) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	n := 0
	for t := range a {
		if b[t] {
			n++
		}
	}
	return 2 * float64(n) / float64(len(a)+len(b))
}

// narrow finds the statements whose title, issuer, place or id hold most
// of the question's own words (not its years or comparison words): named
// are those, series those and the rest of their series; all statements
// when the question names none.
func narrow(all []*statementbot.Statement, question string) (named, series []*statementbot.Statement) {
	var words []string
	for _, t := range distinct(embeddings.Terms(question)) {
		if !genericTerms[t] && !isNumber(t) {
			words = append(words, t)
		}
	}
	var best []*statementbot.Statement
	bestN := 0
	for _, st := range all {
		meta := map[string]bool{}
		for _, t := range embeddings.Terms(strings.Join([]string{st.Title, st.Issuer, st.Place, strings.ReplaceAll(st.ID, "-", " ")}, " ")) {
			meta[t] = true
		}
		n := 0
		for _, w := range words {
			if meta[w] {
				n++
			}
		}
		switch {
		case n > bestN:
			best, bestN = []*statementbot.Statement{st}, n
		case n == bestN && n > 0:
			best = append(best, st)
		}
	}
	if bestN == 0 {
		return nil, all
	}
	// The named statements and the rest of their series.
	out := slices.Clone(best)
	for _, st := range all {
		if slices.Contains(out, st) {
			continue
		}
		for _, b := range best {
			if seriesScore(st, b) > 0 {
				out = append(out, st)
				break
			}
		}
	}
	return best, out
}

// bestPair picks one statement of each list, of one series, the most
// alike first (ties: the closest dates, then ids), returned oldest first.
func bestPair(as, bs []*statementbot.Statement) (old, new *statementbot.Statement, ok bool) {
	bestScore, bestGap := 0.0, 0.0
	for _, a := range as {
		for _, b := range bs {
			s := seriesScore(a, b)
			if s == 0 || a.ID == b.ID {
				continue
			}
			ad, _ := isoDate(a.Date)
			bd, _ := isoDate(b.Date)
			gap := ad.Sub(bd).Abs().Hours()
			if old == nil || s > bestScore || s == bestScore && gap < bestGap {
				old, new, bestScore, bestGap = a, b, s, gap
			}
		}
	}
	if old == nil {
		return nil, nil, false
	}
	if od, _ := isoDate(old.Date); od.After(mustDate(new.Date)) {
		old, new = new, old
	}
	return old, new, true
}

func mustDate(s string) (t time.Time) {
	t, _ = isoDate(s)
	return t
}

// inYear keeps the statements dated in year y.
func inYear(all []*statementbot.Statement, y string) []*statementbot.Statement {
	var out []*statementbot.Statement
	for _, st := range all {
		if _, ok := isoDate(st.Date); ok && strings.HasPrefix(st.Date, y+"-") {
			out = append(out, st)
		}
	}
	return out
}

// latest is the statement with the latest date (ties: the greatest id).
func latest(all []*statementbot.Statement) *statementbot.Statement {
	var dated []*statementbot.Statement
	for _, st := range all {
		if _, ok := isoDate(st.Date); ok {
			dated = append(dated, st)
		}
	}
	if len(dated) == 0 {
		return nil
	}
	slices.SortStableFunc(dated, byDateDesc)
	return dated[0]
}

func byDateDesc(a, b *statementbot.Statement) int {
	ad, _ := isoDate(a.Date)
	bd, _ := isoDate(b.Date)
	return cmp.Or(bd.Compare(ad), cmp.Compare(b.ID, a.ID))
}

func distinct(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
