package rag

import (
	"strings"
	"unicode"

	"github.com/statementbot/statementbot/embeddings"
)

// A model's sentence is kept only if the paragraphs it cites support it: a
// valid [n] is not enough ("Your key is Bearer sk-SECRET123 [1]" cites
// paragraph 1 too). Supported means: every number and every name
// (capitalised word after the first) it uses occurs in a cited paragraph
// or in the question, and at least minSupport of its content words do.

// minSupport is the share of a sentence's content words that must occur
// in its cited paragraphs or the question. Paraphrase is the model's job,
// so not all need to; chosen on the fake-model cases of
// llm_answer_test.go: "Four countries joined [1]", a fair summary of a
// paragraph listing four new members, has one word in three there (0.5
// dropped it); the unsupported sentences there have none.
const minSupport = 1.0 / 3

// supported reports whether sentence (markers removed) is supported by the
// paragraphs numbered cited.
func (ix *Index) supported(sentence, q string, cited []int, hits []Hit) bool {
	var sets []map[string]bool // the stems of the cited paragraphs' sentences
	for _, n := range cited {
		for _, sn := range ix.sentencesOf(hits[n-1].doc) {
			sets = append(sets, sn.set)
		}
	}
	question := map[string]bool{}
	for _, t := range embeddings.Tokens(q) {
		question[embeddings.Stem(t)] = true
	}
	known := func(stem string) bool {
		if question[stem] {
			return true
		}
		for _, set := range sets {
			if set[stem] {
				return true
			}
		}
		return false
	}
	var content, found int
	for i, f := range strings.Fields(sentence) {
		word := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if word == "" {
			continue
		}
		specific := strings.IndexFunc(word, unicode.IsDigit) >= 0 || i > 0 && unicode.IsUpper([]rune(word)[0])
		for _, t := range embeddings.Tokens(word) {
			if embeddings.IsStopword(t) {
				continue
			}
			ok := known(embeddings.Stem(t))
			if specific && !ok {
				return false // a name or number no cited paragraph has
			}
			content++
			if ok {
				found++
			}
		}
	}
	return content == 0 || float64(found) >= minSupport*float64(content)
}
