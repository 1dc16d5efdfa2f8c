package rag

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/statementbot/statementbot/words"
)

// Statement-aware retrieval. A question often names the statement it is
// about rather than words of the answering paragraph: "What did the 2021
// Rome meeting say about Africa?", "In the December 2024 G7 statement…",
// "the latest fact sheet". Such words — years, months, dates, places,
// issuers, title words — are matched against each statement's metadata;
// they select statements (a boost in ranking) and count as covered for
// every paragraph of a statement whose metadata holds them, so the
// answering paragraph need not repeat "2021" or "Rome".

// metaIndex holds each statement's metadata words (stems). A word's
// weight, its inverse statement frequency, is counted among the
// statements of the question's scope (matchIn), so that no other
// server's statements change which statements a question names.
type metaIndex struct {
	terms []map[string]bool // per statement
	dates []time.Time       // per statement; zero when unknown
	// holders are, per word, the statements whose metadata holds it, in
	// ascending order: terms inverted, so that a question's word costs
	// its statements, not every statement in scope. Its keys are the
	// words of every statement's metadata.
	holders map[string][]int
}

const docNoun = `(?:statement|communiqu|release|declaration|fact sheet|meeting|readout)`

// metaText is the text a statement's metadata words are taken from.
func metaText(st *Statement) string {
	var b strings.Builder
	for _, s := range []string{st.Title, st.Issuer, st.Place, strings.ReplaceAll(st.ID, "-", " ")} {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	// A short paragraph of names and dates — a signature block ("Joseph
	// R. Biden, Jr. Emmanuel Macron"), a dateline — names the statement
	// as its metadata does (bare.go).
	for _, p := range st.Paragraphs {
		if !p.Header && bare(p.Text) && len(strings.Fields(p.Text)) <= maxSignatureWords {
			b.WriteString(p.Text)
			b.WriteByte('\n')
		}
	}
	if d, ok := statementDate(st); ok {
		// "2021", "june", "28": the forms people use to name a date.
		b.WriteString(d.Format("2006 January 2"))
	}
	return b.String()
}

// maxSignatureWords bounds the bare paragraphs taken as metadata: a
// signature block or a dateline, not a list of names.
const maxSignatureWords = 16

func statementDate(st *Statement) (time.Time, bool) {
	d, err := time.Parse("2006-01-02", st.Date)
	return d, err == nil
}

func newMetaIndex(stmts []*Statement) *metaIndex {
	m := &metaIndex{holders: map[string][]int{}}
	for i, st := range stmts {
		terms := words.Terms(metaText(st))
		set := make(map[string]bool, len(terms))
		for _, t := range terms {
			if !set[t] {
				m.holders[t] = append(m.holders[t], i)
			}
			set[t] = true
		}
		m.terms = append(m.terms, set)
		d, _ := statementDate(st)
		m.dates = append(m.dates, d)
	}
	return m
}

var (
	latestRE   = regexp.MustCompile(`(?i)\b(?:latest|newest|most recent|last (?:\w+ ){0,2}` + docNoun + `)`)
	earliestRE = regexp.MustCompile(`(?i)\b(?:earliest|oldest|first (?:\w+ ){0,2}` + docNoun + `)`)
)

// withoutRecency returns q without its words that pick a statement by
// date ("the latest communiqué"): they select, they ask for no content.
func withoutRecency(q string) string {
	return earliestRE.ReplaceAllString(latestRE.ReplaceAllString(q, " "), " ")
}

// match is matchIn over every statement.
func (m *metaIndex) match(q string) []float64 {
	in := make([]int, len(m.terms))
	for i := range in {
		in[i] = i
	}
	return m.matchIn(q, in)
}

// matchIn scores each statement of in (statement indices: the scope's,
// each once) by
// the metadata words of q it holds, normalised so the best statement
// scores 1; nil when q names no statement. Statements not in in score 0.
// "latest" and "earliest" favour the newest and oldest dated statement
// among those q otherwise selects (or among all of in).
func (m *metaIndex) matchIn(q string, in []int) []float64 {
	if len(in) < 2 {
		return nil
	}
	score := make([]float64, len(m.terms))
	best := 0.0
	var member []bool // nil: in holds every statement (its indices are distinct)
	if len(in) < len(m.terms) {
		member = make([]bool, len(m.terms))
		for _, i := range in {
			member[i] = true
		}
	}
	inScope := func(i int) bool { return member == nil || member[i] }
	seen := map[string]bool{}
	for _, t := range words.Terms(q) {
		if seen[t] {
			continue
		}
		seen[t] = true
		holders := m.holders[t]
		if len(holders) == 0 {
			continue
		}
		// The word's inverse frequency among in: a word every statement
		// of in has selects none.
		df := 0
		for _, i := range holders {
			if inScope(i) {
				df++
			}
		}
		if df == 0 || df == len(in) {
			continue
		}
		w := math.Log(float64(len(in)) / float64(df))
		for _, i := range holders {
			if inScope(i) {
				score[i] += w
				best = max(best, score[i])
			}
		}
	}
	latest, earliest := latestRE.MatchString(q), earliestRE.MatchString(q)
	if latest || earliest {
		pick := -1
		for _, i := range in {
			d := m.dates[i]
			if d.IsZero() || best > 0 && score[i] < best {
				continue
			}
			if pick < 0 || latest && d.After(m.dates[pick]) || earliest && d.Before(m.dates[pick]) {
				pick = i
			}
		}
		if pick >= 0 {
			score[pick] += max(best, 1) / 2
			best = max(best, score[pick])
		}
	}
	if best == 0 {
		return nil
	}
	for i := range score {
		score[i] /= best
	}
	return score
}

// monthYearRE matches a month named with its year, as people name a
// statement's date: "October 2023", "Oct. 16, 2023", "16 October 2023".
var monthYearRE = regexp.MustCompile(`(?i)\b(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?((?:19|20)\d\d)\b`)

// datePick returns the one statement of in dated in a month and year q
// names ("their call in October 2023"), -1 when q names none or they
// date more than one statement.
func (m *metaIndex) datePick(q string, in []int) int {
	type monthYear struct {
		month time.Month
		year  int
	}
	var named []monthYear
	for _, mt := range monthYearRE.FindAllStringSubmatch(q, -1) {
		year, _ := strconv.Atoi(mt[2])
		named = append(named, monthYear{monthNamed(mt[1]), year})
	}
	if len(named) == 0 {
		return -1
	}
	pick := -1
	for _, i := range in {
		d := m.dates[i]
		if d.IsZero() || !slices.Contains(named, monthYear{d.Month(), d.Year()}) {
			continue
		}
		if pick >= 0 {
			return -1
		}
		pick = i
	}
	return pick
}

// monthNamed is the month a name or abbreviation of monthYearRE names.
func monthNamed(name string) time.Month {
	prefix := strings.ToLower(name[:3])
	for mo := time.January; mo <= time.December; mo++ {
		if strings.HasPrefix(strings.ToLower(mo.String()), prefix) {
			return mo
		}
	}
	return 0
}

// newestIn returns the newest dated statement of in (the first of in on
// a tie), -1 when none is dated.
func (m *metaIndex) newestIn(in []int) int {
	pick := -1
	for _, i := range in {
		if d := m.dates[i]; !d.IsZero() && (pick < 0 || d.After(m.dates[pick])) {
			pick = i
		}
	}
	return pick
}

// covers reports whether statement i's metadata holds stem t.
func (m *metaIndex) covers(i int, t string) bool { return m.terms[i][t] }
