package rag

import (
	"strings"
	"unicode"

	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/words"
)

// A model's sentence is kept only if the paragraphs it cites support it: a
// valid [n] is not enough ("Your key is Bearer sk-SECRET123 [1]" cites
// paragraph 1 too). Supported means: every number and every name
// (capitalised word after the first) it uses occurs in a cited paragraph
// or in the question, and at least minSupport of its content words do.
// Texts checked through CheckSources may be held to more (Rules).

// minSupport is the share of a sentence's content words that must occur
// in its cited paragraphs or the question. Paraphrase is the model's job,
// so not all need to; chosen on the fake-model cases of
// llm_answer_test.go: "Four countries joined [1]", a fair summary of a
// paragraph listing four new members, has one word in three there (0.5
// dropped it); the unsupported sentences there have none.
const minSupport = 1.0 / 3

// citable are the numbered texts (from 1) a model's sentences may cite.
type citable interface {
	count() int
	text(n int) string
	// sentenceStems are the content-word stem sets of text n's sentences.
	sentenceStems(n int) []map[string]bool
	// rules are how strict the check is: answers may count what a
	// paragraph lists ("Four countries joined") and paraphrase freely
	// (answerRules); other writing may be held to more.
	rules() Rules
}

// Rules tighten the support check.
type Rules struct {
	// FiguresInWords holds figures written in words ("seven", "million")
	// to the rule for figures: a cited text must have them.
	FiguresInWords bool
	// MinShare is the share of a sentence's content words that its cited
	// texts (or the question) must hold.
	MinShare float64
}

// answerRules are the rules of model answers.
var answerRules = Rules{MinShare: minSupport}

// hitSources are the hits of an answer prompt, analysed by the index.
type hitSources struct {
	ix   *Index
	hits []Hit
}

func (h hitSources) count() int        { return len(h.hits) }
func (h hitSources) text(n int) string { return h.hits[n-1].Text }
func (h hitSources) rules() Rules      { return answerRules }
func (h hitSources) sentenceStems(n int) []map[string]bool {
	var sets []map[string]bool
	for _, sn := range h.ix.sentencesOf(h.hits[n-1].doc) {
		sets = append(sets, sn.set)
	}
	return sets
}

// textSources are texts outside the index, analysed as the index
// analyses its paragraphs' sentences, checked by rules r.
type textSources struct {
	texts []string
	stems [][]map[string]bool
	r     Rules
}

func newTextSources(texts []string, r Rules) textSources {
	src := textSources{texts: texts, stems: make([][]map[string]bool, len(texts)), r: r}
	for i, t := range texts {
		for _, s := range ingest.Sentences(t) {
			src.stems[i] = append(src.stems[i], stemSet(words.Terms(s)))
		}
	}
	return src
}

func (t textSources) count() int                            { return len(t.texts) }
func (t textSources) text(n int) string                     { return t.texts[n-1] }
func (t textSources) sentenceStems(n int) []map[string]bool { return t.stems[n-1] }
func (t textSources) rules() Rules                          { return t.r }

// supported reports whether sentence (markers removed) is supported by the
// sources numbered cited.
func supported(sentence, q string, cited []int, src citable) bool {
	var sets []map[string]bool // the stems of the cited sources' sentences
	for _, n := range cited {
		sets = append(sets, src.sentenceStems(n)...)
	}
	question := map[string]bool{}
	for _, t := range words.Tokens(q) {
		question[words.Stem(t)] = true
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
		specific := strings.IndexFunc(word, unicode.IsDigit) >= 0 || i > 0 && unicode.IsUpper([]rune(word)[0]) ||
			src.rules().FiguresInWords && numberWordRE.MatchString(word)
		for _, t := range words.Tokens(word) {
			if words.IsStopword(t) {
				continue
			}
			ok := known(words.Stem(t))
			if specific && !ok {
				return false // a name or number no cited paragraph has
			}
			content++
			if ok {
				found++
			}
		}
	}
	return content == 0 || float64(found) >= src.rules().MinShare*float64(content)
}
