package rag

import "fmt"

// Mode names of an Answer.
const (
	AnswerExtractive = "extractive"
	AnswerLLM        = "llm"
)

// An Answer is the bot's reply to one question. Every [n] marker in Text
// refers to Citations[n-1].
type Answer struct {
	Question string `json:"question"`
	Text     string `json:"answer"`
	// Grounded is true when the answer is supported by the cited
	// paragraphs; false when the statements do not cover the question (the
	// citations are then the closest paragraphs, offered for reading).
	Grounded  bool       `json:"grounded"`
	Mode      string     `json:"mode"`
	Citations []Citation `json:"citations"`
	// Note is a one-line remark for the reader, e.g. that the language
	// model was unavailable and the answer is extractive.
	Note string `json:"note,omitempty"`
	// Dropped counts the sentences of the model's answer that the
	// citation check removed (unsupported by the paragraphs they cite).
	Dropped int `json:"dropped,omitempty"`
}

// A Citation points to one paragraph, quoted verbatim.
type Citation struct {
	N         int    `json:"n"`
	Statement string `json:"statement"`
	Title     string `json:"title"`
	Date      string `json:"date"`
	Paragraph int    `json:"paragraph"`
	// Section is the heading the paragraph sits under, if any.
	Section string `json:"section,omitempty"`
	Text    string `json:"text"`
}

// Label is the short human form of a citation: "Title (date), ¶p", and
// the paragraph's section when it has one: "…, ¶p (Promoting Stability)".
func (c Citation) Label() string {
	l := fmt.Sprintf("%s, ¶%d", c.Title, c.Paragraph)
	if c.Date != "" {
		l = fmt.Sprintf("%s (%s), ¶%d", c.Title, c.Date, c.Paragraph)
	}
	if c.Section != "" {
		l += " (" + c.Section + ")"
	}
	return l
}

// citationFor makes the citation of paragraph p, numbered n.
func (ix *Index) citationFor(n int, p Paragraph) Citation {
	c := Citation{N: n, Statement: p.Statement, Paragraph: p.N, Section: p.Section, Text: p.Text}
	if st, ok := ix.Statement(p.Statement); ok {
		c.Title, c.Date = st.Title, st.Date
	}
	return c
}

// Cite returns paragraph n of statement id, verbatim, as citation 1.
func (ix *Index) Cite(id string, n int) (Citation, error) {
	st, ok := ix.Statement(id)
	if !ok {
		return Citation{}, UnknownStatement(id)
	}
	p, ok := st.Paragraph(n)
	if !ok {
		return Citation{}, &InputError{Msg: fmt.Sprintf("statement %s has paragraphs 1 to %d; there is no paragraph %d", Ref(id), len(st.Paragraphs), n)}
	}
	return ix.citationFor(1, p), nil
}
