package rag

import (
	"github.com/statementbot/statementbot/glove"
	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/thesaurus"
)

// warmAnswering loads the tables a first question reads, and each loads
// once on first use whoever asks (the thesaurus behind other words for a
// question's, the GloVe neighbours behind near-synonyms, the word
// frequencies behind its words' rarity), so that
// loading them beside a start (OpenLibrary) spares the first question
// their time without changing what it reads: a question that comes
// first waits for them as it would have.
func warmAnswering() {
	thesaurus.Lookup("statement")
	glove.Neighbours("statement")
	ingest.ZipfCost("statement")
}
