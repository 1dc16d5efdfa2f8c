package compare

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/statementbot/statementbot"
	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/words"
)

// Searcher is what Timeline reads: the statements and a search within one
// of them. *rag.Index is one.
type Searcher interface {
	Statements() []*statementbot.Statement
	Search(ctx context.Context, query string, vector []float32, opt rag.SearchOptions) ([]rag.Hit, error)
}

var _ Searcher = (*rag.Index)(nil)

// A TopicTimeline is what each statement said about a topic.
type TopicTimeline struct {
	Topic   string  `json:"topic"`
	Entries []Entry `json:"entries"`
}

// An Entry is one statement's excerpt on the topic: a sentence of the
// cited paragraph, verbatim.
type Entry struct {
	Statement string `json:"statement"`
	Title     string `json:"title"`
	Date      string `json:"date"`
	Paragraph int    `json:"paragraph"`
	Text      string `json:"text"`
}

// timelineDepth is how many paragraphs of each statement are searched
// for one that is not the header.
const timelineDepth = 3

// Timeline returns what each statement of src said about topic, oldest
// first (by date; undated statements last, then by id): for every
// statement with a body paragraph holding a word of the topic (keyword
// search, no other words for it), the best such paragraph's sentence with
// most of the topic's words (ties: the first). The error is an
// InputError for an empty or over-long topic.
func Timeline(ctx context.Context, src Searcher, topic string) (TopicTimeline, error) {
	topic = strings.TrimSpace(topic)
	if err := rag.CheckQuestion(topic); err != nil {
		return TopicTimeline{}, err
	}
	tl := TopicTimeline{Topic: topic, Entries: []Entry{}}
	terms := words.Terms(topic)
	for _, st := range src.Statements() {
		hits, err := src.Search(ctx, topic, nil, rag.SearchOptions{K: timelineDepth, Statement: st.ID, Retrieval: rag.Literal})
		if err != nil {
			return TopicTimeline{}, fmt.Errorf("timeline: %w", err)
		}
		for _, h := range hits {
			if h.Header || h.Keyword <= 0 {
				continue
			}
			tl.Entries = append(tl.Entries, Entry{
				Statement: st.ID, Title: st.Title, Date: st.Date, Paragraph: h.N, Text: bestSentence(h.Text, terms),
			})
			break
		}
	}
	slices.SortFunc(tl.Entries, func(a, b Entry) int {
		da, oka := isoDate(a.Date)
		db, okb := isoDate(b.Date)
		switch {
		case oka && okb:
			if c := da.Compare(db); c != 0 {
				return c
			}
		case oka:
			return -1
		case okb:
			return 1
		}
		return cmp.Compare(a.Statement, b.Statement)
	})
	return tl, nil
}

// bestSentence is the sentence of text holding most distinct terms (ties:
// the first); text itself when none holds any.
func bestSentence(text string, terms []string) string {
	want := map[string]bool{}
	for _, t := range terms {
		want[t] = true
	}
	best, bestN := text, 0
	for _, s := range ingest.Sentences(text) {
		seen := map[string]bool{}
		for _, t := range words.Terms(s) {
			if want[t] {
				seen[t] = true
			}
		}
		if len(seen) > bestN {
			best, bestN = s, len(seen)
		}
	}
	return best
}

// isoDate parses a statement's date when it is ISO 8601.
func isoDate(s string) (time.Time, bool) {
	d, err := time.Parse("2006-01-02", s)
	return d, err == nil
}
