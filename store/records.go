package store

import (
	"fmt"
	"time"
)

// A StatementRecord is one statement of one library, keyed by (Library, ID).
type StatementRecord struct {
	// Library is "" for the shared library, else the id of the Discord
	// server (guild) whose own library the statement belongs to.
	Library string
	ID      string
	Title   string
	Date    string
	Issuer  string
	Place   string
	Source  string
	// Hash is the content hash of the statement as ingested.
	Hash string
	// Upload is the original upload, byte for byte, and FileName its name.
	// Snapshot leaves Upload and Text empty; Statement fills them.
	Upload   []byte
	FileName string
	// Text is the text extracted from Upload.
	Text       string
	Paragraphs []ParagraphRecord
	AddedAt    time.Time
}

// A ParagraphRecord is one parsed paragraph of a statement.
type ParagraphRecord struct {
	N       int
	Section string
	Text    string
	Header  bool
	// TextHash keys the paragraph's vectors.
	TextHash string
	// Terms is what the library's keyword index reads of the paragraph
	// (its terms, encoded by the library; opaque to the store), or ""
	// when not computed. Like the vectors it depends only on the text
	// TextHash sums, so Tx.PutTerms sets it by text hash.
	Terms string
}

// A Snapshot is every statement of every library with its paragraphs, as
// of one generation, ordered by library, then ID; paragraphs by N.
// Upload and Text are left empty (Statement has them).
type Snapshot struct {
	Generation int64
	Statements []StatementRecord
}

// A Catalog is every statement of every library without its paragraphs
// (and without Upload and Text), ordered as in a Snapshot, with how many
// paragraphs they have in all, as of one generation: what a change checks
// before it starts.
type Catalog struct {
	Generation int64
	Statements []StatementRecord
	Paragraphs int
	// LibraryParagraphs counts the paragraphs of each library.
	LibraryParagraphs map[string]int
}

// An AuditRecord says who changed the corpus, how, and with what outcome.
type AuditRecord struct {
	Time    time.Time
	Actor   string // "cli:<user>" or "discord:<user id>"
	Guild   string
	Action  string // add, remove, reindex, denied
	Target  []string
	OK      bool
	Error   string
	Summary string
}

// A FeedbackRecord is one vote on an answer.
type FeedbackRecord struct {
	Time time.Time
	// Guild is the server the vote was given in ("" for a DM).
	Guild     string
	Vote      string // "up" or "down"
	User      string // hashed user id
	AnswerID  string
	Question  string
	Answer    string
	Citations []CitationRecord
}

// AnswersKept is how many answers the store remembers: the latest, of
// every channel and process together (older ones drop out as new ones
// come; a button on an older answer falls back to what its message
// shows).
const AnswersKept = 20000

// GuildUnknown is the Guild of an answer remembered before answers named
// their server: it was given in some server or a DM, and cites shared
// statements only (there were no others then).
const GuildUnknown = "*"

// An AnswerRecord is what is remembered of an answer the bot gave, so that
// /sources and citation buttons work after a restart and on any process.
type AnswerRecord struct {
	ID      string
	Channel string
	// Guild is the server the answer was given in ("" for a DM or the
	// CLI): it is shown (by /sources, citation buttons) in that server
	// only. An answer remembered before answers named their server
	// (schema version 4) has GuildUnknown.
	Guild     string
	Question  string
	Answer    string
	Mode      string
	Grounded  bool
	Citations []CitationRecord
	Time      time.Time
}

// A CitationRecord points to the paragraph behind citation [N] of an
// answer; TextHash tells whether the paragraph changed since.
type CitationRecord struct {
	N         int    `json:"n"`
	Library   string `json:"library,omitempty"`
	Statement string `json:"statement"`
	Paragraph int    `json:"paragraph"`
	TextHash  string `json:"text_hash,omitempty"`
}

// Check refuses a statement that cannot be stored: no ID, a paragraph
// without a text hash, or two paragraphs with one number.
func (r StatementRecord) Check() error {
	if r.ID == "" {
		return fmt.Errorf("statement without an id")
	}
	seen := make(map[int]bool, len(r.Paragraphs))
	for _, p := range r.Paragraphs {
		if p.TextHash == "" {
			return fmt.Errorf("statement %s: paragraph %d has no text hash", r.ID, p.N)
		}
		if seen[p.N] {
			return fmt.Errorf("statement %s: paragraph %d twice", r.ID, p.N)
		}
		seen[p.N] = true
	}
	return nil
}
