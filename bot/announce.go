package bot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/compare"
	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/rag"
)

// Announcements records the statements announced in the announcement
// channel, shared by every process serving one library: a statement is
// posted once, by the process whose Claim succeeds, and not again after a
// restart.
type Announcements interface {
	// Claim records statement id (its text identified by hash) as
	// announced and reports whether this call recorded it: false when it
	// was claimed before, by this process or another.
	Claim(ctx context.Context, id, hash string) (bool, error)
	// Release forgets a claim whose post failed for good.
	Release(ctx context.Context, id, hash string) error
}

// defaultAnnounceInterval is how often the bot looks for a new index.
const defaultAnnounceInterval = 2 * time.Second

// announceAttempts is how many rounds a failed announcement is tried
// (each with withRetry's own retries) before its claim is released.
const announceAttempts = 5

// announceSummarySentences bounds the summary of an announcement.
const announceSummarySentences = 5

// pendingAnnouncement is a claimed statement not yet posted.
type pendingAnnouncement struct {
	id, hash string
	tries    int
}

// watchAnnouncements posts, to the announcement channel, each statement
// that appears in the index after known (the index when the bot
// started): added from Discord, the CLI or another process, once its
// index reaches this one. It returns when ctx ends.
func (b *Bot) watchAnnouncements(ctx context.Context, known *rag.Index) {
	ticker := time.NewTicker(b.cfg.AnnounceInterval)
	defer ticker.Stop()
	ids := statementIDs(known)
	var pending []pendingAnnouncement
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		ix := b.cfg.Answerer.Index()
		if ix != known {
			for _, st := range ix.Statements() {
				if ids[st.ID] {
					continue
				}
				ok, err := b.cfg.Announcements.Claim(ctx, st.ID, st.Hash)
				switch {
				case err != nil:
					b.log.Warn("could not claim an announcement; not posting it", "statement", st.ID, "err", err)
				case ok:
					pending = append(pending, pendingAnnouncement{id: st.ID, hash: st.Hash})
				}
			}
			known, ids = ix, statementIDs(ix)
		}
		pending = b.postPending(ctx, ix, pending)
	}
}

// postPending posts the pending announcements and returns those to try
// again on the next round.
func (b *Bot) postPending(ctx context.Context, ix *rag.Index, pending []pendingAnnouncement) []pendingAnnouncement {
	var again []pendingAnnouncement
	for _, p := range pending {
		st, ok := ix.Statement(p.id)
		if !ok || st.Hash != p.hash {
			// Removed or replaced before it could be announced.
			b.release(ctx, p)
			continue
		}
		msg := announcement(ix, st)
		err := withRetry(ctx, func() error {
			_, err := b.s.ChannelMessageSendComplex(b.cfg.AnnounceChannelID, &discordgo.MessageSend{
				Content: msg, AllowedMentions: noMentions(),
			}, callOptions(ctx)...)
			return err
		})
		if err == nil {
			b.log.Info("announced a new statement", "statement", st.ID, "channel", b.cfg.AnnounceChannelID)
			continue
		}
		if ctx.Err() != nil {
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

func (b *Bot) release(ctx context.Context, p pendingAnnouncement) {
	if err := b.cfg.Announcements.Release(context.WithoutCancel(ctx), p.id, p.hash); err != nil {
		b.log.Warn("could not release an announcement claim", "statement", p.id, "err", err)
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

func statementIDs(ix *rag.Index) map[string]bool {
	ids := map[string]bool{}
	for _, st := range ix.Statements() {
		ids[st.ID] = true
	}
	return ids
}

// announcement is the message announcing st: its title, date and
// issuer, a summary of up to five sentences (the first of each body
// paragraph) citing their paragraphs, and what changed since the previous
// statement of its series, when there is one; within Discord's limit.
func announcement(ix *rag.Index, st *rag.Statement) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**New statement: %s**\n", truncate(st.Title, 300))
	var meta []string
	for _, s := range []string{st.Date, st.Issuer, st.Place} {
		if s != "" {
			meta = append(meta, truncate(s, 150))
		}
	}
	meta = append(meta, "`"+st.ID+"`")
	b.WriteString(strings.Join(meta, " · ") + "\n")
	for _, l := range summaryLines(st) {
		b.WriteString("\n" + l)
	}
	if prev := compare.Previous(ix.Statements(), st); prev != nil {
		res := compare.Compare(prev, st)
		fmt.Fprintf(&b, "\n\n%s", truncate(res.Headline(), 600))
		for _, c := range res.Important(3) {
			fmt.Fprintf(&b, "\n• **%s** %s", c.Where(), c.Gist(200))
		}
		fmt.Fprintf(&b, "\n-# Every change: /compare old:%s new:%s", prev.ID, st.ID)
	}
	return truncate(b.String(), maxContent)
}

// FileAnnouncements keeps the claims as files in dir, one per statement
// version, created exclusively: processes sharing the directory (one
// host, one data directory) announce each statement once.
type FileAnnouncements struct{ Dir string }

var _ Announcements = FileAnnouncements{}

func (f FileAnnouncements) path(id, hash string) string {
	return filepath.Join(f.Dir, shortHash(id+"\x00"+hash, 16))
}

// Claim implements Announcements.
func (f FileAnnouncements) Claim(_ context.Context, id, hash string) (bool, error) {
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return false, fmt.Errorf("announcements: %w", err)
	}
	file, err := os.OpenFile(f.path(id, hash), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("announcements: %w", err)
	}
	// The file's existence is the claim; its text is for people.
	_, _ = fmt.Fprintf(file, "%s\n%s\n", id, time.Now().UTC().Format(time.RFC3339))
	_ = file.Close()
	return true, nil
}

// Release implements Announcements.
func (f FileAnnouncements) Release(_ context.Context, id, hash string) error {
	if err := os.Remove(f.path(id, hash)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("announcements: %w", err)
	}
	return nil
}
