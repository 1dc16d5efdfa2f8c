package bot

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/reqid"
)

// historyMessages is how far back a conversation is read.
const historyMessages = 20

// onMessage answers a DM, a mention, a reply to the bot, or a message in a
// thread the bot started. Mentions in a channel get their own thread.
func (b *Bot) onMessage(s *discordgo.Session, mc *discordgo.MessageCreate) {
	received := time.Now()
	m := mc.Message
	botID, _ := b.ids()
	if b.stopping.Load() {
		return
	}
	if m.Author == nil || m.Author.Bot || m.Author.ID == botID || m.WebhookID != "" || botID == "" {
		return
	}
	dm := m.GuildID == ""
	mentioned := false
	for _, u := range m.Mentions {
		if u.ID == botID {
			mentioned = true
		}
	}
	replyToBot := m.ReferencedMessage != nil && m.ReferencedMessage.Author != nil && m.ReferencedMessage.Author.ID == botID
	inOurThread := b.isOurThread(m.ChannelID)
	if !dm && !mentioned && !replyToBot && !inOurThread {
		return
	}
	q := questionFromMessage(m.Content)
	if q == "" {
		if mentioned || dm {
			// A bare mention, or content hidden without the intent.
			b.track(b.log, func() {
				to := &messageSink{s: s, ch: m.ChannelID, replyTo: m.Reference()}
				b.show(b.ctx, b.log, to, "Hi! Ask me something about the statements, e.g. “Which countries joined the Coalition?” — or use /help.")
			}, nil)
		}
		return
	}
	id := reqid.New() // one per question: in its logs and its error reference
	log := b.log.With(reqid.Key, id, "message", m.ID, "user", m.Author.ID, "channel", m.ChannelID)
	ctx, cancel := context.WithTimeout(reqid.With(b.ctx, id), interactionTTL)
	b.track(log, func() {
		defer cancel()
		_ = s.ChannelTyping(m.ChannelID, discordgo.WithContext(ctx))
		var history []rag.Turn
		to := &messageSink{s: s, ch: m.ChannelID, replyTo: m.Reference()}
		// Refuse before starting a thread: a flood of mentions must not
		// become a flood of threads.
		path := messagePath(dm, inOurThread, replyToBot)
		if refusal := b.admit(ctx, path, m.Author.ID, q, log); refusal != "" {
			b.show(ctx, log, to, refusal)
			return
		}
		switch {
		case inOurThread || dm:
			history = b.channelHistory(ctx, log, m)
		case replyToBot:
			history = b.replyChain(ctx, m)
		case mentioned:
			// A new conversation: in a thread of its own when possible.
			if th, err := s.MessageThreadStartComplex(m.ChannelID, m.ID, &discordgo.ThreadStart{
				Name: threadName(q), AutoArchiveDuration: 1440, Type: discordgo.ChannelTypeGuildPublicThread,
			}, discordgo.WithContext(ctx)); err == nil {
				b.mu.Lock()
				b.threads[th.ID] = true
				b.mu.Unlock()
				to = &messageSink{s: s, ch: th.ID}
			} else {
				log.Info("could not start a thread; answering in the channel", "err", err)
			}
		}
		b.askQuestion(ctx, log, to, question{path: path, user: m.Author.ID, guild: m.GuildID, text: q, history: history, admitted: true, received: received})
	}, nil)
}

// messagePath is the path a message's question came by, in the order
// onMessage tells them apart.
func messagePath(dm, inOurThread, replyToBot bool) string {
	switch {
	case dm:
		return PathDM
	case inOurThread:
		return PathThread
	case replyToBot:
		return PathReply
	}
	return PathMention
}

// isOurThread reports whether channel is a thread the bot started.
func (b *Bot) isOurThread(channel string) bool {
	b.mu.Lock()
	ours := b.threads[channel]
	b.mu.Unlock()
	if ours {
		return true
	}
	botID, _ := b.ids()
	if ch, err := b.stateChannel(channel); err == nil {
		return ch.IsThread() && ch.OwnerID == botID
	}
	return false
}

// channelHistory reads the conversation before m in its thread or DM:
// each question followed by the bot's answer.
func (b *Bot) channelHistory(ctx context.Context, log *slog.Logger, m *discordgo.Message) []rag.Turn {
	msgs, err := b.s.ChannelMessages(m.ChannelID, historyMessages, m.ID, "", "", discordgo.WithContext(ctx))
	if err != nil {
		log.Info("could not read the conversation; answering without it", "err", err)
		return nil
	}
	// Discord returns newest first.
	for l, r := 0, len(msgs)-1; l < r; l, r = l+1, r-1 {
		msgs[l], msgs[r] = msgs[r], msgs[l]
	}
	botID, _ := b.ids()
	var turns []rag.Turn
	// A thread started from a message: that message asked first.
	if ch, err := b.stateChannel(m.ChannelID); err == nil && ch.IsThread() && ch.ParentID != "" {
		if start, err := b.s.ChannelMessage(ch.ParentID, ch.ID, discordgo.WithContext(ctx)); err == nil && start.Author != nil && start.Author.ID != botID {
			turns = append(turns, rag.Turn{Question: questionFromMessage(start.Content)})
		}
	}
	for _, msg := range msgs {
		if msg.Author == nil {
			continue
		}
		if msg.Author.ID == botID {
			if len(turns) > 0 && turns[len(turns)-1].Answer == "" {
				turns[len(turns)-1].Answer = answerText(msg.Content)
			}
			continue
		}
		if q := questionFromMessage(msg.Content); q != "" {
			turns = append(turns, rag.Turn{Question: q})
		}
	}
	return turns
}

// replyChain follows the replies above m, up to rag.MaxHistory turns.
func (b *Bot) replyChain(ctx context.Context, m *discordgo.Message) []rag.Turn {
	botID, _ := b.ids()
	var rev []rag.Turn
	cur := m.ReferencedMessage
	for hops := 0; cur != nil && hops < 2*rag.MaxHistory; hops++ {
		if cur.Author != nil && cur.Author.ID == botID {
			rev = append(rev, rag.Turn{Answer: answerText(cur.Content)})
		} else if len(rev) > 0 && rev[len(rev)-1].Question == "" {
			rev[len(rev)-1].Question = questionFromMessage(cur.Content)
		} else {
			rev = append(rev, rag.Turn{Question: questionFromMessage(cur.Content)})
		}
		ref := cur.MessageReference
		if ref == nil || ref.MessageID == "" {
			break
		}
		next := cur.ReferencedMessage
		if next == nil {
			ch := ref.ChannelID
			if ch == "" {
				ch = m.ChannelID
			}
			fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			fetched, err := b.s.ChannelMessage(ch, ref.MessageID, discordgo.WithContext(fctx))
			cancel()
			if err != nil {
				break
			}
			next = fetched
		}
		cur = next
	}
	var turns []rag.Turn
	for i := len(rev) - 1; i >= 0; i-- {
		if rev[i].Question != "" || rev[i].Answer != "" {
			turns = append(turns, rev[i])
		}
	}
	return turns
}

// answerText is an answer message without its Sources list and notes.
func answerText(content string) string {
	for _, marker := range []string{"\n\n**Sources**", "\n\n**Closest paragraphs**", "\n-# "} {
		if i := strings.Index(content, marker); i >= 0 {
			content = content[:i]
		}
	}
	return strings.TrimSpace(content)
}
