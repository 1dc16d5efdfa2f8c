package compare

// Kinds of Change.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// A Result is what changed from one statement to another.
type Result struct {
	Old     Ref      `json:"old"`
	New     Ref      `json:"new"`
	Changes []Change `json:"changes"`
	// Unchanged counts the paragraphs of the new statement that no change
	// touches (their wording may have moved or been re-punctuated).
	Unchanged int `json:"unchanged"`
}

// Ref names a statement.
type Ref struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Date  string `json:"date"`
}

// Para is one paragraph of a statement, verbatim.
type Para struct {
	Paragraph int    `json:"paragraph"`
	Text      string `json:"text"`
}

// A Change is a paragraph added or removed, or a pair of aligned
// paragraphs whose sentences differ. Added and Removed hold the sentences
// of a changed paragraph pair, verbatim, in order; they are empty for a
// whole paragraph added or removed (its text is in New or Old).
type Change struct {
	Kind    string   `json:"kind"`
	Old     *Para    `json:"old"`
	New     *Para    `json:"new"`
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
	// Edits are the words that differ between a removed sentence and the
	// added sentence that replaced it ("40 million euros" -> "55 million
	// euros"), for display.
	Edits []Edit `json:"-"`
}

// An Edit is a phrase of the old statement replaced by one of the new.
// Either side may be empty (words only added or only dropped).
type Edit struct {
	Old, New string
}

// Counts returns how many changes there are of each kind.
func (r Result) Counts() (added, removed, changed int) {
	for _, c := range r.Changes {
		switch c.Kind {
		case Added:
			added++
		case Removed:
			removed++
		case Changed:
			changed++
		}
	}
	return added, removed, changed
}
