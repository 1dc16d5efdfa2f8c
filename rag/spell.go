package rag

import "sync"

// spellIndex is the index's vocabulary (paragraph words and metadata
// words apart) by first byte and length, the two things a word within one
// edit of another shares or nearly shares (respell): a misspelt word is
// compared with the few words of its letter and length, not the whole
// vocabulary. Filled on first use; one per index, shared by its views.
type spellIndex struct {
	once      sync.Once
	words     map[spellKey][]string // words of the keyword index
	metaWords map[spellKey][]string // words of the statements' metadata
}

type spellKey struct {
	first byte
	n     int
}

// spellCandidates calls try with every word of the index whose first byte is
// word's and whose length is within one of word's, paragraph words with
// fromText set.
func (ix *Index) spellCandidates(word string, try func(w string, fromText bool)) {
	s := ix.spell
	s.once.Do(func() {
		s.words = byLetterAndLength(func(yield func(string)) {
			for w := range ix.keywords.postings {
				yield(w)
			}
		})
		s.metaWords = byLetterAndLength(func(yield func(string)) {
			for w := range ix.meta.holders {
				yield(w)
			}
		})
	})
	for n := len(word) - 1; n <= len(word)+1; n++ {
		k := spellKey{word[0], n}
		for _, w := range s.words[k] {
			try(w, true)
		}
		for _, w := range s.metaWords[k] {
			try(w, false)
		}
	}
}

func byLetterAndLength(each func(yield func(string))) map[spellKey][]string {
	m := map[spellKey][]string{}
	each(func(w string) {
		if w != "" {
			k := spellKey{w[0], len(w)}
			m[k] = append(m[k], w)
		}
	})
	return m
}
