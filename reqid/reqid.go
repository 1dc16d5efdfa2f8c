// Package reqid gives each question one request id. The bot makes the id
// where a question arrives (a Discord interaction or message), puts it in
// the question's context, and shows it to the user as the reference of an
// error; the context carries it through retrieval and the model calls; a
// logger whose handler is wrapped by [Handler] writes it as the "request"
// attribute on every line logged with that context. So the lines of one
// question, and the reference a user reports, share one id.
package reqid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
)

// Key is the log attribute that holds the id.
const Key = "request"

type ctxKey struct{}

// New returns a fresh id: 12 hex digits (48 random bits; a collision is
// unlikely among the questions of years).
func New() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
	return hex.EncodeToString(b[:])
}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// From is the id ctx carries, or "".
func From(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// Handler adds the id of a record's context to the record, unless the
// logger already carries the attribute (added with Logger.With).
type Handler struct {
	next slog.Handler
	has  bool // a Key attribute was added with WithAttrs
}

var _ slog.Handler = (*Handler)(nil)

// NewHandler wraps next.
func NewHandler(next slog.Handler) *Handler { return &Handler{next: next} }

// Enabled reports whether next handles the level.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Handle adds the context's id, if any, and passes the record on.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if !h.has {
		if id := From(ctx); id != "" {
			r = r.Clone()
			r.AddAttrs(slog.String(Key, id))
		}
	}
	return h.next.Handle(ctx, r)
}

// WithAttrs notes whether the id is among attrs.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	has := h.has
	for _, a := range attrs {
		has = has || a.Key == Key
	}
	return &Handler{next: h.next.WithAttrs(attrs), has: has}
}

// WithGroup opens a group on next.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), has: h.has}
}
