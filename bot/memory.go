package bot

import (
	"container/list"
	"crypto/rand"
	"encoding/hex"
	"sync"

	"github.com/statementbot/statementbot/rag"
)

// answerRecord is what the bot remembers of an answer it gave.
type answerRecord struct {
	Question string
	Answer   *rag.Answer
}

// memory keeps the last answers, bounded: by channel (for /sources) and by
// key (for feedback buttons). Safe for concurrent use.
type memory struct {
	mu        sync.Mutex
	max       int
	byKey     map[string]*list.Element
	order     *list.List // of *memEntry, oldest first
	byChannel map[string]string
}

type memEntry struct {
	key, channel string
	rec          answerRecord
}

func newMemory(max int) *memory {
	return &memory{max: max, byKey: map[string]*list.Element{}, order: list.New(), byChannel: map[string]string{}}
}

func newKey() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// put remembers an answer given in channel under key.
func (m *memory) put(key, channel string, rec answerRecord) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byKey[key] = m.order.PushBack(&memEntry{key: key, channel: channel, rec: rec})
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
}

func (m *memory) get(key string) (answerRecord, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.byKey[key]
	if !ok {
		return answerRecord{}, false
	}
	return e.Value.(*memEntry).rec, true
}

// last is the latest answer in channel.
func (m *memory) last(channel string) (answerRecord, bool) {
	m.mu.Lock()
	key, ok := m.byChannel[channel]
	m.mu.Unlock()
	if !ok {
		return answerRecord{}, false
	}
	return m.get(key)
}
