package rag

import "regexp"

// What a question asks for, beyond its words: a summary of a statement,
// or an answer across statements. Both are read from its wording.

var (
	summaryRE = regexp.MustCompile(`(?i)\b(?:` + summaryWords + `|what(?:'s|’s| is| was)(?: this| the| that)?(?: \w+){0,4} about\??$)`)
	// summaryWordsRE matches the words that ask for a summary and for
	// nothing else; they are no content a statement must hold.
	summaryWordsRE = regexp.MustCompile(`(?i)\b(?:` + summaryWords + `)\b`)
	acrossRE       = regexp.MustCompile(`(?i)\b(?:(?:which|what|how many) (?:of the )?(?:statements|communiqu[eé]s|releases|documents|texts|fact sheets|declarations)|(?:all|each|every|both|any|several) (?:of )?(?:the )?(?:statements|communiqu[eé]s|releases|documents)|across (?:the )?(?:statements|communiqu[eé]s|documents)|in (?:both|all|each) (?:of )?(?:the )?(?:statements|communiqu[eé]s|documents))\b`)
)

const summaryWords = `summar(?:y|ise|ize|ising|izing)|tl;?dr|overview|gist|main points|key points|in a nutshell`

// withoutForm returns q without the words that ask for a form of answer
// (a summary: "tl;dr") or pick a statement by date ("the latest
// communiqué"): the words left are what a statement must cover.
func withoutForm(q string) string {
	return withoutRecency(summaryWordsRE.ReplaceAllString(q, " "))
}

// summaryIntent reports whether q asks for a summary of a statement
// ("summarize the statement", "what is this statement about?", "tl;dr").
func summaryIntent(q string) bool { return summaryRE.MatchString(q) }

// acrossIntent reports whether q asks across statements ("Which
// statements mention al-Hol?").
func acrossIntent(q string) bool { return acrossRE.MatchString(q) }
