package bot

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// A sink is where an answer goes: the reply it edits, and further messages
// after it.
type sink interface {
	// edit replaces the visible reply.
	edit(ctx context.Context, o out) error
	// send posts another message after it.
	send(ctx context.Context, o out) error
	// channel is where the conversation happens.
	channel() string
}

// withRetry runs call, retrying Discord 5xx errors with backoff (discordgo
// itself retries 429, and 502 a few times, but not 500/503/504).
func withRetry(ctx context.Context, call func() error) error {
	delay := 200 * time.Millisecond
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		if err = call(); err == nil || !transient(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		delay *= 2
	}
	return err
}

func transient(err error) bool {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode >= http.StatusInternalServerError
	}
	return errors.Is(err, discordgo.ErrJSONUnmarshal)
}

func ephemeralFlag(e bool) discordgo.MessageFlags {
	if e {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// replacement is o as the fields of an edit that replaces a whole
// message: empty lists clear the embeds and buttons the message had.
func (o out) replacement() (*string, *[]*discordgo.MessageEmbed, *[]discordgo.MessageComponent) {
	content, embeds, comps := o.Content, o.Embeds, o.Components
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	return &content, &embeds, &comps
}

// interactionSink answers an interaction that was deferred.
type interactionSink struct {
	s         *discordgo.Session
	i         *discordgo.Interaction
	ephemeral bool
}

func (r *interactionSink) channel() string { return r.i.ChannelID }

func (r *interactionSink) edit(ctx context.Context, o out) error {
	content, embeds, comps := o.replacement()
	return withRetry(ctx, func() error {
		_, err := r.s.InteractionResponseEdit(r.i, &discordgo.WebhookEdit{
			Content: content, Embeds: embeds, Components: comps, AllowedMentions: noMentions(),
		}, discordgo.WithContext(ctx))
		return err
	})
}

func (r *interactionSink) send(ctx context.Context, o out) error {
	return withRetry(ctx, func() error {
		_, err := r.s.FollowupMessageCreate(r.i, true, &discordgo.WebhookParams{
			Content: o.Content, Embeds: o.Embeds, Components: o.Components,
			AllowedMentions: noMentions(), Flags: ephemeralFlag(r.ephemeral || o.Ephemeral),
		}, discordgo.WithContext(ctx))
		return err
	})
}

// messageSink answers a message: a reply it posts first (a placeholder)
// and edits, then further messages in the same channel.
type messageSink struct {
	s       *discordgo.Session
	ch      string
	replyTo *discordgo.MessageReference // the user's message, when answering in its channel
	mu      sync.Mutex
	first   *discordgo.Message
}

func (m *messageSink) channel() string { return m.ch }

func (m *messageSink) edit(ctx context.Context, o out) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.first == nil {
		msg, err := m.post(ctx, o, m.replyTo)
		m.first = msg
		return err
	}
	content, embeds, comps := o.replacement()
	return withRetry(ctx, func() error {
		_, err := m.s.ChannelMessageEditComplex(&discordgo.MessageEdit{
			ID: m.first.ID, Channel: m.ch, Content: content, Embeds: embeds, Components: comps,
			AllowedMentions: noMentions(),
		}, discordgo.WithContext(ctx))
		return err
	})
}

func (m *messageSink) send(ctx context.Context, o out) error {
	_, err := m.post(ctx, o, nil)
	return err
}

func (m *messageSink) post(ctx context.Context, o out, ref *discordgo.MessageReference) (*discordgo.Message, error) {
	var msg *discordgo.Message
	err := withRetry(ctx, func() error {
		var err error
		msg, err = m.s.ChannelMessageSendComplex(m.ch, &discordgo.MessageSend{
			Content: o.Content, Embeds: o.Embeds, Components: o.Components,
			AllowedMentions: noMentions(), Reference: ref,
		}, discordgo.WithContext(ctx))
		return err
	})
	return msg, err
}

// deliver shows msgs: the first replaces the reply, the others follow.
func deliver(ctx context.Context, to sink, msgs []out) error {
	for i, o := range msgs {
		var err error
		if i == 0 {
			err = to.edit(ctx, o)
		} else {
			err = to.send(ctx, o)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// streamer edits a reply with the text written so far, at most once per
// tick, until stopped.
type streamer struct {
	mu      sync.Mutex
	text    string
	dirty   bool
	stop    chan struct{}
	stopped chan struct{}
}

// tickerFunc starts a ticker: a channel that ticks every d, and a func
// that stops it.
type tickerFunc func(d time.Duration) (ticks <-chan time.Time, stop func())

func timeTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// startStreamer edits to with the text added so far on each tick of
// ticks when new text has arrived since the last edit.
func startStreamer(ctx context.Context, to sink, ticks <-chan time.Time) *streamer {
	st := &streamer{stop: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(st.stopped)
		for {
			select {
			case <-st.stop:
				return
			case <-ctx.Done():
				return
			case <-ticks:
			}
			st.mu.Lock()
			text, dirty := st.text, st.dirty
			st.dirty = false
			st.mu.Unlock()
			if dirty && text != "" {
				// A failed progress edit is not worth retrying: the next
				// one, or the final answer, replaces it.
				_ = to.edit(ctx, out{Content: streamingContent(text)})
			}
		}
	}()
	return st
}

// add appends a delta.
func (st *streamer) add(delta string) {
	st.mu.Lock()
	st.text += delta
	st.dirty = true
	st.mu.Unlock()
}

// close stops the streamer and waits for an edit in progress.
func (st *streamer) close() {
	close(st.stop)
	<-st.stopped
}
