package rag

import "context"

// modelVectors is a store that reads every stored vector of a model at
// once (sqlstore's ModelVectors), without the text hashes a snapshot
// gives.
type modelVectors interface {
	ModelVectors(ctx context.Context, embedder, model string) (map[string][]float32, error)
}

// earlyVectors are the stored vectors being read beside the snapshot at
// a library's first start, when no index holds any yet: the two reads
// take about as long, and each waits on the database more than on a
// processor. A nil *earlyVectors reads nothing.
type earlyVectors struct {
	done   chan struct{}
	vecs   map[string][]float32
	err    error
	cancel context.CancelFunc
}

// readVectorsEarly starts reading every stored vector of the library's
// embedder and model when the library holds no index yet and its store
// can; otherwise it returns nil.
func (l *Library) readVectorsEarly(ctx context.Context) *earlyVectors {
	st, ok := l.st.(modelVectors)
	l.mu.Lock()
	first := l.live == nil && len(l.vecs) == 0
	l.mu.Unlock()
	if !ok || !first {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	e := &earlyVectors{done: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(e.done)
		e.vecs, e.err = st.ModelVectors(ctx, l.docs.Name(), l.docs.Model())
	}()
	return e
}

// wait is the vectors read (nil, nil for a nil e).
func (e *earlyVectors) wait() (map[string][]float32, error) {
	if e == nil {
		return nil, nil
	}
	<-e.done
	return e.vecs, e.err
}

// stop ends the read (if it is still going) and waits for it: the store
// is not read after the start that began it returns.
func (e *earlyVectors) stop() {
	if e == nil {
		return
	}
	e.cancel()
	<-e.done
}
