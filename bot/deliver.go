package bot

import (
	"context"
	"errors"
	"fmt"
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
	s            *discordgo.Session
	i            *discordgo.Interaction
	ephemeral    bool
	edits, sends routeLimit
}

func (r *interactionSink) channel() string { return r.i.ChannelID }

func (r *interactionSink) edit(ctx context.Context, o out) error {
	content, embeds, comps := o.replacement()
	edit := &discordgo.WebhookEdit{Content: content, Embeds: embeds, Components: comps, AllowedMentions: noMentions()}
	// What InteractionResponseEdit sends, but in a rate-limit bucket of
	// this interaction's own, as Discord counts it: discordgo puts every
	// webhook message edit in one bucket, so one 429 would hold up every
	// other answer's edits for as long as it asks.
	uri := discordgo.EndpointWebhookMessage(r.i.AppID, r.i.Token, "@original")
	return r.edits.call(ctx, func() error {
		_, err := r.s.RequestWithBucketID(http.MethodPatch, uri, edit, uri, callOptions(ctx)...)
		return err
	})
}

func (r *interactionSink) send(ctx context.Context, o out) error {
	return r.sends.call(ctx, func() error {
		_, err := r.s.FollowupMessageCreate(r.i, true, &discordgo.WebhookParams{
			Content: o.Content, Embeds: o.Embeds, Components: o.Components,
			AllowedMentions: noMentions(), Flags: ephemeralFlag(r.ephemeral || o.Ephemeral),
		}, callOptions(ctx)...)
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

	edits, posts routeLimit
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
	return m.edits.call(ctx, func() error {
		_, err := m.s.ChannelMessageEditComplex(&discordgo.MessageEdit{
			ID: m.first.ID, Channel: m.ch, Content: content, Embeds: embeds, Components: comps,
			AllowedMentions: noMentions(),
		}, callOptions(ctx)...)
		return err
	})
}

func (m *messageSink) send(ctx context.Context, o out) error {
	_, err := m.post(ctx, o, nil)
	return err
}

func (m *messageSink) post(ctx context.Context, o out, ref *discordgo.MessageReference) (*discordgo.Message, error) {
	var msg *discordgo.Message
	err := m.posts.call(ctx, func() error {
		var err error
		msg, err = m.s.ChannelMessageSendComplex(m.ch, &discordgo.MessageSend{
			Content: o.Content, Embeds: o.Embeds, Components: o.Components,
			AllowedMentions: noMentions(), Reference: ref,
		}, callOptions(ctx)...)
		return err
	})
	return msg, err
}

// deliver shows msgs: the first replaces the reply, the others follow.
// When Discord will not let the reply be edited for a while, all of them
// follow it instead, the first saying why.
func deliver(ctx context.Context, to sink, msgs []out) error {
	for i, o := range msgs {
		var err error
		if i == 0 {
			err = to.edit(ctx, o)
			var rl *rateLimitedError
			if errors.As(err, &rl) {
				return sendAll(ctx, to, withLimitNote(msgs, rl.retryAfter))
			}
		} else {
			err = to.send(ctx, o)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func sendAll(ctx context.Context, to sink, msgs []out) error {
	for _, o := range msgs {
		if err := to.send(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

// withLimitNote puts a line before the first message saying that the
// reply above could not be updated, if it fits.
func withLimitNote(msgs []out, wait time.Duration) []out {
	note := fmt.Sprintf("-# Discord is limiting edits to my reply above for %s, so this comes as a new message.\n", waitText(wait))
	out := append([]out(nil), msgs...)
	if len(out) > 0 && len([]rune(note))+len([]rune(out[0].Content)) <= maxContent {
		out[0].Content = note + out[0].Content
	}
	return out
}

// waitText says a wait in words: "about 10 minutes", "40 seconds".
func waitText(d time.Duration) string {
	if d >= 90*time.Second {
		return fmt.Sprintf("about %d minutes", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("%d seconds", int(d.Round(time.Second)/time.Second))
}
