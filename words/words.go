// Package words splits text into the words retrieval compares: tokens
// (Tokens), stop words (IsStopword), and stems (Stem, with irregular verb
// forms mapped first), a text's content-word stems (Terms), and a
// fingerprint of what Terms gives (Fingerprint), which terms stored by
// an earlier version are checked against. The BM25
// keyword index, the relevance gate and the answerer in package rag, the
// local embedder in package embeddings and package compare all read text
// through it, so they agree on what a word is.
package words

import (
	"strings"
	"sync"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// Tokens splits text into lowercase tokens: maximal runs of letters and
// digits. Apostrophes end a token ("Iraq’s" -> "iraq", "s"), as do slashes.
// A hyphenated word gives its parts and then the parts joined, so
// "ISIS-K" matches "ISIS K" and "isisk", and "counter-terrorism" matches
// "counterterrorism".
func Tokens(text string) []string {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	out := make([]string, 0, len(fields)+4)
	for _, f := range fields {
		if !strings.Contains(f, "-") {
			out = append(out, f)
			continue
		}
		n := 0
		for part := range strings.SplitSeq(f, "-") {
			if part != "" {
				out = append(out, part)
				n++
			}
		}
		if n > 1 {
			out = append(out, strings.ReplaceAll(f, "-", ""))
		}
	}
	return out
}

// Terms returns the stemmed content words of text, in order: Tokens minus
// stop words, each reduced by the Snowball English stemmer
// ("reaffirmed" -> "reaffirm").
func Terms(text string) []string {
	toks := Tokens(text)
	out := toks[:0]
	for _, t := range toks {
		if IsStopword(t) {
			continue
		}
		out = append(out, Stem(t))
	}
	return out
}

var stemCache sync.Map // string -> string

// Stem returns the Snowball English stem of a lowercase word. Stems are
// memoised: the vocabulary of a statement corpus is small.
func Stem(w string) string {
	if s, ok := stemCache.Load(w); ok {
		return s.(string)
	}
	s := w
	if lemma, ok := irregular[w]; ok {
		s = lemma
	}
	if len(s) > 2 && !isNumber(s) {
		s = english.Stem(s, false)
	}
	stemCache.Store(w, s)
	return s
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// IsStopword reports whether a lowercase token carries no topic: function
// words and single letters.
func IsStopword(t string) bool {
	if len(t) == 1 && !unicode.IsDigit(rune(t[0])) {
		return true
	}
	return stopwords[t]
}

var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
a about above after again against all also am an and any are aren as at be because been
before being below between both but by can cannot could couldn did didn do does doesn doing
don down during each few for from further had hadn has hasn have haven having he her here
hers herself him himself his how i if in into is isn it its itself just let ll me more most
mustn my myself no nor not now of off on once only or other ought our ours ourselves out
over own re same shan she should shouldn so some such than that the their theirs them
themselves then there these they this those through to too under until up upon us ve very
was wasn we were weren what when where which while who whom whose why will with won would
wouldn you your yours yourself yourselves s t d m o y ve`) {
		m[w] = true
	}
	return m
}()

// irregular maps irregular English verb forms to their base form, which
// stemming cannot do ("met" -> "meet", "held" -> "hold").
var irregular = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(`arise arose arisen
be was were been
bear bore borne born
beat beaten
become became
begin began begun
bring brought
build built
buy bought
catch caught
choose chose chosen
come came
deal dealt
do did done
draw drew drawn
drive drove driven
eat ate eaten
fall fell fallen
feel felt
fight fought
find found
fly flew flown
forget forgot forgotten
freeze froze frozen
get got gotten
give gave given
go went gone
grow grew grown
hang hung
have had has
hear heard
hide hid hidden
hold held
keep kept
know knew known
lay laid
lead led
leave left
lend lent
lose lost
make made
mean meant
meet met
pay paid
rise rose risen
run ran
say said
see saw seen
seek sought
sell sold
send sent
shake shook shaken
shoot shot
show shown
sink sank sunk
sit sat
speak spoke spoken
spend spent
stand stood
steal stole stolen
strike struck stricken
swear swore sworn
take took taken
teach taught
tear tore torn
tell told
think thought
throw threw thrown
understand understood
undertake undertook undertaken
win won
withdraw withdrew withdrawn
write wrote written`, "\n") {
		f := strings.Fields(line)
		for _, form := range f[1:] {
			m[form] = f[0]
		}
	}
	return m
}()
