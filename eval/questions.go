// Package eval measures how well statementbot answers: it reads question
// files (JSON lines written by people, with the phrase of the paragraph
// that answers each question and the facts a good answer holds), asks
// them of an engine in each retrieval mode, and reports retrieval recall,
// key facts found, false refusals, answers led by the wrong statement and
// off-topic questions declined, overall and by question type.
//
// Data comes from evaluation files and a loaded engine (a data dir opened
// by cmd/statementbot); reports go to the `statementbot eval` command.
package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/statementbot/statementbot/rag"
)

// A Question is one line of an evaluation file.
type Question struct {
	ID   string `json:"id,omitempty"`
	Type string `json:"type,omitempty"` // factual, paraphrase, year-place, comparison, about
	Q    string `json:"q"`
	// Gold names the paragraphs that answer the question: a phrase of
	// each, and its statement when the file says which.
	Gold []Gold `json:"gold,omitempty"`
	// Keys are facts a good answer contains; any one counts.
	Keys     []string `json:"keys,omitempty"`
	Offtopic bool     `json:"offtopic,omitempty"`
}

// Gold is one answering paragraph: a phrase of it, in a statement ("" for
// any statement).
type Gold struct {
	Statement string `json:"statement,omitempty"`
	Phrase    string `json:"phrase"`
}

// UnmarshalJSON accepts a gold entry as {"statement","phrase"} or as a
// bare phrase (the single-statement format).
func (g *Gold) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		g.Statement = ""
		return json.Unmarshal(b, &g.Phrase)
	}
	type plain Gold
	return json.Unmarshal(b, (*plain)(g))
}

// Read reads a JSON-lines evaluation file. Errors name the line.
func Read(r io.Reader) ([]Question, error) {
	var out []Question
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" {
			continue
		}
		var q Question
		if err := json.Unmarshal([]byte(t), &q); err != nil {
			return nil, &rag.InputError{Msg: fmt.Sprintf("line %d is not a JSON object like {\"q\":\"...\",\"gold\":[{\"statement\":\"...\",\"phrase\":\"...\"}]}: %v", line, err)}
		}
		if strings.TrimSpace(q.Q) == "" {
			return nil, &rag.InputError{Msg: fmt.Sprintf("line %d has no question (\"q\")", line)}
		}
		out = append(out, q)
	}
	return out, sc.Err()
}
