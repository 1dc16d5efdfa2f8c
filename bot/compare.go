package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/compare"
	"github.com/statementbot/statementbot/rag"
)

// compareHighlights is how many changes the /compare summary names.
const compareHighlights = 5

// maxCompareEmbeds bounds the changes listed after the summary (about
// five follow-up messages).
const maxCompareEmbeds = 50

// maxTimelineEntries bounds the statements a /timeline lists.
const maxTimelineEntries = 40

func (b *Bot) handleCompare(ctx context.Context, ev *ievent) error {
	opts := options(ev.i.ApplicationCommandData().Options)
	ix := b.indexIn(ev.i.GuildID)
	var sts [2]*rag.Statement
	for i, name := range []string{"old", "new"} {
		key, err := resolve(ix, optString(opts, name))
		if err != nil {
			return err
		}
		sts[i], _ = ix.Statement(key)
	}
	res := compare.Compare(sts[0], sts[1])
	return deliver(ctx, ev.to, renderComparison(res, b.reword(ctx, res)))
}

// Rewording words a comparison's most telling changes as prose, each
// sentence with the changes it is about (compare.Prose is one); ok is
// false when it cannot.
type Rewording interface {
	Reword(ctx context.Context, res compare.Result) (sentences []compare.Sentence, ok bool)
}

var _ Rewording = (*compare.Prose)(nil)

// reword is res's most telling changes as prose, each sentence ending
// with the ¶ numbers it is about ("… (¶2 → ¶3)."), or "" to list them.
func (b *Bot) reword(ctx context.Context, res compare.Result) string {
	if b.cfg.Reword == nil {
		return ""
	}
	sentences, ok := b.cfg.Reword.Reword(ctx, res)
	if !ok {
		return ""
	}
	var parts []string
	for _, s := range sentences {
		var where []string
		for _, c := range s.Changes {
			where = append(where, c.Where())
		}
		parts = append(parts, fmt.Sprintf("%s (%s)%s", s.Text, strings.Join(where, "; "), s.Punct))
	}
	return strings.Join(parts, " ")
}

// renderComparison is a short summary (the counts and the most telling
// changes, each with the paragraph numbers of both statements: prose when
// given, else listed), then every change, one embed each, in follow-up
// messages.
func renderComparison(res compare.Result, prose string) []out {
	added, removed, changed := res.Counts()
	var b strings.Builder
	fmt.Fprintf(&b, "**What changed** from **%s** to **%s**\n", truncate(refLabel(res.Old), 300), truncate(refLabel(res.New), 300))
	fmt.Fprintf(&b, "%d paragraphs added · %d removed · %d changed · %d unchanged", added, removed, changed, res.Unchanged)
	if len(res.Changes) == 0 {
		b.WriteString("\nThe two statements say the same, in the same words (moved or re-punctuated wording aside).")
	}
	if prose != "" {
		b.WriteString("\n" + truncate(prose, maxContent-len([]rune(b.String()))-80))
	} else {
		for _, c := range res.Important(compareHighlights) {
			line := "\n• " + changeLine(c)
			if len([]rune(b.String()))+len([]rune(line)) > maxContent-80 {
				break
			}
			b.WriteString(line)
		}
	}
	if len(res.Changes) > 0 {
		b.WriteString("\n-# Every change follows; ¶ numbers are the old statement's → the new one's.")
	}
	msgs := []out{{Content: b.String()}}
	var embeds []*discordgo.MessageEmbed
	for i, c := range res.Changes {
		if i == maxCompareEmbeds {
			break
		}
		embeds = append(embeds, changeEmbed(res, c))
	}
	if len(embeds) > 0 {
		more := ""
		if n := len(res.Changes) - maxCompareEmbeds; n > 0 {
			more = fmt.Sprintf("The first %d of %d changes", maxCompareEmbeds, len(res.Changes))
			// The CLI's compare reads the shared library only: a
			// server's statement is not offered to it by its key.
			ol, _ := rag.SplitKey(res.Old.ID)
			nl, _ := rag.SplitKey(res.New.ID)
			if ol == "" && nl == "" {
				more += fmt.Sprintf(" (the rest: `statementbot compare %s %s`)", res.Old.ID, res.New.ID)
			}
			more += ":"
		}
		msgs = append(msgs, embedMessages(truncate(more, maxContent), embeds, false)...)
	}
	return msgs
}

func refLabel(r compare.Ref) string {
	if r.Date == "" {
		return r.Title
	}
	return r.Title + " (" + r.Date + ")"
}

// changeLine is a change in one line of the summary.
func changeLine(c compare.Change) string {
	return fmt.Sprintf("**%s** %s", c.Where(), c.Gist(250))
}

// changeEmbed shows one change: what the old statement said ("−") and
// what the new one says ("+").
func changeEmbed(res compare.Result, c compare.Change) *discordgo.MessageEmbed {
	var title string
	var lines []string
	switch c.Kind {
	case compare.Added:
		title = "Added: " + c.Where()
		lines = []string{"+ " + c.New.Text}
	case compare.Removed:
		title = "Removed: " + c.Where()
		lines = []string{"− " + c.Old.Text}
	default:
		title = "Changed: " + c.Where()
		if len(c.Edits) > 0 {
			lines = append(lines, c.Gist(1000), "")
		}
		for _, s := range c.Removed {
			lines = append(lines, "− "+s)
		}
		for _, s := range c.Added {
			lines = append(lines, "+ "+s)
		}
	}
	return &discordgo.MessageEmbed{
		Title:       truncate(title, maxEmbedTitle),
		Description: truncate(strings.Join(lines, "\n"), maxEmbedDesc),
		Footer:      &discordgo.MessageEmbedFooter{Text: truncate(statementName(res.Old.ID)+" → "+statementName(res.New.ID), 200)},
	}
}

func (b *Bot) handleTimeline(ctx context.Context, ev *ievent) error {
	opts := options(ev.i.ApplicationCommandData().Options)
	tl, err := compare.Timeline(ctx, b.indexIn(ev.i.GuildID), optString(opts, "topic"))
	if err != nil {
		return err
	}
	if len(tl.Entries) == 0 {
		return ev.to.edit(ctx, out{Content: fmt.Sprintf("No statement mentions “%s”.", truncate(tl.Topic, 200))})
	}
	lines := []string{fmt.Sprintf("What the statements said about “%s”, oldest first:", truncate(tl.Topic, 200))}
	for i, e := range tl.Entries {
		if i == maxTimelineEntries {
			lines = append(lines, fmt.Sprintf("-# and %d more statements: `statementbot timeline` lists them all.", len(tl.Entries)-i))
			break
		}
		date := e.Date
		if date == "" {
			date = "undated"
		}
		lines = append(lines, fmt.Sprintf("\n**%s** · %s, ¶%d\n> %s", date, truncate(e.Title, 200), e.Paragraph, truncate(e.Text, 600)))
	}
	var msgs []out
	for _, p := range splitText(strings.Join(lines, "\n"), maxContent) {
		msgs = append(msgs, out{Content: p})
	}
	return deliver(ctx, ev.to, msgs)
}
