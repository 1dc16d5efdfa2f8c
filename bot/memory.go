package bot

import (
	"container/list"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/store"
)

// Store is where the bot keeps what must outlive a restart and be seen by
// every process serving the same corpus: the audit log, feedback, and the
// answers behind /sources and citation buttons (store.Store is one).
type Store interface {
	AppendAudit(ctx context.Context, rec store.AuditRecord) error
	AppendFeedback(ctx context.Context, rec store.FeedbackRecord) error
	PutAnswer(ctx context.Context, rec store.AnswerRecord) error
	GetAnswer(ctx context.Context, id string) (store.AnswerRecord, error)
	LastAnswer(ctx context.Context, channel string) (store.AnswerRecord, error)
}

var _ Store = store.Store(nil)

// answerRecord is what the bot remembers of an answer it gave.
type answerRecord struct {
	Question string
	Answer   *rag.Answer
}

// memory remembers the answers given: in the store (so that /sources and
// buttons work after a restart and on any process) and, whole, the last
// ones given by this process, bounded (by channel for /sources, by key
// for buttons). Without a store, or when it cannot be written (read-only),
// only this process's memory serves. Safe for concurrent use.
type memory struct {
	st  Store // nil: this process's memory only
	log *slog.Logger

	mu        sync.Mutex
	max       int
	byKey     map[string]*list.Element
	order     *list.List // of *memEntry, oldest first
	byChannel map[string]string
}

type memEntry struct {
	key, channel, guild string
	rec                 answerRecord
}

func newMemory(max int, st Store, log *slog.Logger) *memory {
	return &memory{st: st, log: log, max: max, byKey: map[string]*list.Element{}, order: list.New(), byChannel: map[string]string{}}
}

func newKey() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// put remembers an answer given in channel of guild under key.
func (m *memory) put(ctx context.Context, key, channel, guild string, rec answerRecord) {
	m.mu.Lock()
	m.byKey[key] = m.order.PushBack(&memEntry{key: key, channel: channel, guild: guild, rec: rec})
	m.byChannel[channel] = key
	for m.order.Len() > m.max {
		e := m.order.Front()
		old := e.Value.(*memEntry)
		m.order.Remove(e)
		delete(m.byKey, old.key)
		if m.byChannel[old.channel] == old.key {
			delete(m.byChannel, old.channel)
		}
	}
	m.mu.Unlock()
	if m.st == nil {
		return
	}
	a := rec.Answer
	stored := store.AnswerRecord{ID: key, Channel: channel, Guild: guild, Question: rec.Question, Answer: a.Text, Mode: a.Mode, Grounded: a.Grounded, Time: time.Now().UTC(),
		Citations: citationRecords(a)}
	if err := m.st.PutAnswer(ctx, stored); err != nil && !errors.Is(err, store.ErrReadOnly) {
		m.log.Warn("the answer is remembered by this process only", "err", err)
	}
}

// get is the answer remembered under key if it was given in guild (an
// answer of another server is not found); ix, the index as guild sees
// it, resolves the citations of one this process does not hold.
func (m *memory) get(ctx context.Context, key, guild string, ix *rag.Index) (answerRecord, bool) {
	m.mu.Lock()
	e, ok := m.byKey[key]
	m.mu.Unlock()
	if ok {
		if me := e.Value.(*memEntry); me.guild == guild {
			return me.rec, true
		}
		return answerRecord{}, false
	}
	if m.st == nil {
		return answerRecord{}, false
	}
	r, err := m.st.GetAnswer(ctx, key)
	if err != nil {
		m.notFound(err)
		return answerRecord{}, false
	}
	if !shownIn(r.Guild, guild) {
		return answerRecord{}, false
	}
	return fromStored(r, ix), true
}

// last is the latest answer in channel of guild, by any process.
func (m *memory) last(ctx context.Context, channel, guild string, ix *rag.Index) (answerRecord, bool) {
	if m.st != nil {
		r, err := m.st.LastAnswer(ctx, channel)
		if err == nil {
			if !shownIn(r.Guild, guild) {
				return answerRecord{}, false
			}
			if m.holds(r.ID) {
				if mine, ok := m.get(ctx, r.ID, guild, ix); ok {
					return mine, true
				}
			}
			return fromStored(r, ix), true
		}
		m.notFound(err)
	}
	m.mu.Lock()
	key, ok := m.byChannel[channel]
	m.mu.Unlock()
	if !ok {
		return answerRecord{}, false
	}
	return m.get(ctx, key, guild, ix)
}

// shownIn reports whether an answer remembered as given in server
// given (store.AnswerRecord.Guild) is shown in server asked: in its own
// server only, but one from before answers named their server
// (store.GuildUnknown), which cites shared statements only, wherever it
// was shown then.
func shownIn(given, asked string) bool {
	return given == asked || given == store.GuildUnknown
}

// holds reports whether this process holds the answer under key whole.
func (m *memory) holds(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.byKey[key]
	return ok
}

func (m *memory) notFound(err error) {
	if !errors.Is(err, store.ErrNotFound) {
		m.log.Warn("reading remembered answers failed", "err", err)
	}
}

// citationRecords are what is stored of an answer's citations: each
// statement by library and id.
func citationRecords(a *rag.Answer) []store.CitationRecord {
	var out []store.CitationRecord
	for _, c := range a.Citations {
		lib, id := rag.SplitKey(c.Statement)
		out = append(out, store.CitationRecord{N: c.N, Library: lib, Statement: id, Paragraph: c.Paragraph, TextHash: rag.TextHash(c.Text)})
	}
	return out
}

// fromStored rebuilds a remembered answer, quoting its cited paragraphs
// from the index as they are now (ix: as the answer's server sees it); a
// paragraph changed or gone since says so.
func fromStored(r store.AnswerRecord, ix *rag.Index) answerRecord {
	a := &rag.Answer{Question: r.Question, Text: r.Answer, Mode: r.Mode, Grounded: r.Grounded}
	for _, c := range r.Citations {
		key := rag.StatementKey(c.Library, c.Statement)
		cite := rag.Citation{N: c.N, Statement: key, Paragraph: c.Paragraph, Title: c.Statement, Text: "(This paragraph is no longer indexed.)"}
		if ix != nil {
			if st, ok := ix.Statement(key); ok {
				cite.Title, cite.Date = st.Title, st.Date
				if p, ok := st.Paragraph(c.Paragraph); ok {
					cite.Text = p.Text
					if c.TextHash != "" && rag.TextHash(p.Text) != c.TextHash {
						cite.Text = "(Changed since the answer.) " + p.Text
					}
				}
			}
		}
		a.Citations = append(a.Citations, cite)
	}
	return answerRecord{Question: r.Question, Answer: a}
}
