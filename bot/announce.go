package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/compare"
	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/store"
)

// Announcements decides, for every process on one store, which
// statements are announced in the announcement channel and by whom
// (store.Store is one; see store/announce.go): announcements begin once,
// with the statements stored then counted as announced; each statement
// version stored after that — added from Discord, the CLI, another
// process, or while no bot ran — is posted by the one process whose claim
// wins, and not again after a restart.
type Announcements interface {
	StartAnnouncements(ctx context.Context, library string) (started bool, err error)
	Unannounced(ctx context.Context, library string) ([]store.StatementVersion, error)
	ClaimAnnouncement(ctx context.Context, v store.StatementVersion) (won bool, err error)
	ReleaseAnnouncement(ctx context.Context, v store.StatementVersion) error
}

var _ Announcements = store.Store(nil)

// announceLibrary is the library whose statements are announced: the
// shared one.
const announceLibrary = ""

// defaultAnnounceInterval is how often the bot looks for a new index.
const defaultAnnounceInterval = 2 * time.Second

// announceAttempts is how many rounds a failed announcement is tried
// (each with withRetry's own retries) before its claim is released.
const announceAttempts = 5

// announceSummarySentences bounds the summary of an announcement.
const announceSummarySentences = 5

// pendingAnnouncement is a claimed statement not yet posted.
type pendingAnnouncement struct {
	v     store.StatementVersion
	tries int
}

// startAnnouncements begins the announcements in the store (once for
// every process and restart; the statements stored before are not
// posted) and reports whether this bot may announce.
func (b *Bot) startAnnouncements(ctx context.Context) bool {
	started, err := b.cfg.Announcements.StartAnnouncements(ctx, announceLibrary)
	if err != nil && ctx.Err() != nil {
		return false // stopped while starting: Run returns cleanly
	}
	if err != nil {
		b.log.Error("could not start announcements; not announcing new statements", "err", err)
		return false
	}
	if started {
		b.log.Info("announcements begin: statements added from now on are announced", "channel", b.cfg.AnnounceChannelID)
	}
	return true
}

// watchAnnouncements posts, to the announcement channel, the statements
// the store holds unannounced, once this process's index has them: at
// start (those added while no bot ran) and whenever the index changes.
// It returns when ctx ends.
func (b *Bot) watchAnnouncements(ctx context.Context) {
	ticker := time.NewTicker(b.cfg.AnnounceInterval)
	defer ticker.Stop()
	var scanned *rag.Index // the index last checked against the store
	var pending []pendingAnnouncement
	for {
		ix := b.cfg.Answerer.Index()
		if ix != scanned {
			var err error
			if pending, err = b.claimNew(ctx, ix, pending); err != nil {
				b.log.Warn("could not read the statements to announce; trying again", "err", err)
			} else {
				scanned = ix
			}
		}
		pending = b.postPending(ctx, ix, pending)
		select {
		case <-ctx.Done():
			b.postPending(ctx, ix, pending) // gives them back
			return
		case <-ticker.C:
		}
	}
}

// claimNew claims the unannounced statements that ix holds (a statement
// this index does not hold yet is claimed once it does) and returns them
// after pending, oldest added first.
func (b *Bot) claimNew(ctx context.Context, ix *rag.Index, pending []pendingAnnouncement) ([]pendingAnnouncement, error) {
	vs, err := b.cfg.Announcements.Unannounced(ctx, announceLibrary)
	if err != nil {
		return pending, err
	}
	for _, v := range vs {
		if st, ok := ix.Statement(v.ID); !ok || st.Hash != v.Hash {
			continue
		}
		won, err := b.cfg.Announcements.ClaimAnnouncement(ctx, v)
		switch {
		case err != nil:
			return pending, err
		case won:
			pending = append(pending, pendingAnnouncement{v: v})
		}
	}
	return pending, nil
}

// postPending posts the pending announcements and returns those to try
// again on the next round. Once ctx ends none is started (each is given
// back for the next bot to post), but one being posted is finished within
// the shutdown grace (b.ctx): given back unposted, a post that did reach
// Discord would be posted again.
func (b *Bot) postPending(ctx context.Context, ix *rag.Index, pending []pendingAnnouncement) []pendingAnnouncement {
	var again []pendingAnnouncement
	for _, p := range pending {
		st, ok := ix.Statement(p.v.ID)
		if !ok || st.Hash != p.v.Hash || ctx.Err() != nil {
			// Removed or replaced before it could be announced, or
			// stopping.
			b.release(ctx, p)
			continue
		}
		msg := b.announcement(b.ctx, ix, st)
		post := b.ctx
		err := withRetry(post, func() error {
			_, err := b.s.ChannelMessageSendComplex(b.cfg.AnnounceChannelID, &discordgo.MessageSend{
				Content: msg, AllowedMentions: noMentions(),
			}, callOptions(post)...)
			return err
		})
		if err == nil {
			b.log.Info("announced a new statement", "statement", st.ID, "channel", b.cfg.AnnounceChannelID)
			continue
		}
		if post.Err() != nil {
			// Cut by the end of the shutdown grace: the next bot posts it.
			b.release(ctx, p)
			continue
		}
		p.tries++
		if p.tries >= announceAttempts {
			b.log.Error("could not announce a new statement; giving up", "statement", st.ID, "err", err)
			b.release(ctx, p)
			continue
		}
		b.log.Warn("could not announce a new statement; trying again", "statement", st.ID, "err", err)
		again = append(again, p)
	}
	return again
}

// release gives a claim back, so that a process starting later (or this
// one, at its next index change) posts it.
func (b *Bot) release(ctx context.Context, p pendingAnnouncement) {
	if err := b.cfg.Announcements.ReleaseAnnouncement(context.WithoutCancel(ctx), p.v); err != nil {
		b.log.Warn("could not release an announcement claim", "statement", p.v.ID, "err", err)
	}
}

// summaryLines are the sentences an announcement quotes, in order, each
// with its paragraph: the first of each body paragraph, up to five, and
// at least three when the statement has them.
func summaryLines(st *rag.Statement) []string {
	type sent struct {
		n    int
		text string
	}
	var all, firsts, rest []sent // all in the statement's order
	for _, p := range st.Paragraphs {
		if p.Header {
			continue
		}
		for i, s := range ingest.Sentences(p.Text) {
			all = append(all, sent{p.N, s})
			if i == 0 {
				firsts = append(firsts, sent{p.N, s})
			} else {
				rest = append(rest, sent{p.N, s})
			}
		}
	}
	firsts = firsts[:min(len(firsts), announceSummarySentences)]
	picked := map[sent]bool{}
	for _, s := range firsts {
		picked[s] = true
	}
	for _, s := range rest[:min(len(rest), max(0, 3-len(firsts)))] {
		picked[s] = true
	}
	var lines []string
	for _, s := range all {
		if picked[s] {
			lines = append(lines, fmt.Sprintf("%s (¶%d)", truncate(s.text, 300), s.n))
		}
	}
	return lines
}

// announcement is the message announcing st: its title, date and
// issuer, a summary of up to five sentences (the first of each body
// paragraph) citing their paragraphs, and what changed since the previous
// statement of its series, when there is one (reworded when it can be);
// within Discord's limit.
func (b *Bot) announcement(ctx context.Context, ix *rag.Index, st *rag.Statement) string {
	var msg strings.Builder
	fmt.Fprintf(&msg, "**New statement: %s**\n", truncate(st.Title, 300))
	var meta []string
	for _, s := range []string{st.Date, st.Issuer, st.Place} {
		if s != "" {
			meta = append(meta, truncate(s, 150))
		}
	}
	meta = append(meta, "`"+st.ID+"`")
	msg.WriteString(strings.Join(meta, " · ") + "\n")
	for _, l := range summaryLines(st) {
		msg.WriteString("\n" + l)
	}
	if prev := compare.Previous(ix.Statements(), st); prev != nil {
		res := compare.Compare(prev, st)
		fmt.Fprintf(&msg, "\n\n%s", truncate(res.Headline(), 600))
		if prose := b.reword(ctx, res); prose != "" {
			fmt.Fprintf(&msg, " %s", truncate(prose, 1000))
		} else {
			for _, c := range res.Important(3) {
				fmt.Fprintf(&msg, "\n• **%s** %s", c.Where(), c.Gist(200))
			}
		}
		fmt.Fprintf(&msg, "\n-# Every change: /compare old:%s new:%s", prev.ID, st.ID)
	}
	return truncate(msg.String(), maxContent)
}
