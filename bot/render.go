package bot

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/rag"
)

// Discord's limits.
const (
	maxContent       = 2000
	maxEmbedDesc     = 4096
	maxEmbedTitle    = 256
	maxEmbedsTotal   = 6000
	maxEmbedsPerMsg  = 10
	maxButtonsPerRow = 5
	maxCustomID      = 100
	maxChoices       = 25
	maxChoiceName    = 100
)

// out is one message to send or edit to.
type out struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Ephemeral  bool
}

// noMentions is set on every message the bot sends: an answer quoting
// "@everyone" or "<@id>" pings nobody.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// renderAnswer turns an answer into messages within Discord's limits: the
// text (split on paragraph or sentence boundaries), a note, the Sources
// list "[n] Title (date), ¶p", and under the last message buttons that
// open each cited paragraph and record feedback (key names the answer).
func renderAnswer(a *rag.Answer, key string) []out {
	var b strings.Builder
	b.WriteString(a.Text)
	if a.Note != "" {
		b.WriteString("\n-# " + a.Note)
	}
	var src strings.Builder
	if len(a.Citations) > 0 {
		if a.Grounded {
			src.WriteString("**Sources**")
		} else {
			src.WriteString("**Closest paragraphs**")
		}
		for _, c := range a.Citations {
			fmt.Fprintf(&src, "\n[%d] %s", c.N, c.Label())
		}
	}
	parts := splitText(b.String(), maxContent)
	last := parts[len(parts)-1]
	if src.Len() > 0 {
		if len(last)+2+src.Len() <= maxContent {
			parts[len(parts)-1] = last + "\n\n" + src.String()
		} else {
			parts = append(parts, splitText(src.String(), maxContent)...)
		}
	}
	msgs := make([]out, len(parts))
	for i, p := range parts {
		msgs[i] = out{Content: p}
	}
	msgs[len(msgs)-1].Components = answerButtons(a, key)
	return msgs
}

// answerButtons: a row of citation buttons "[1]".."[5]" and a row of
// feedback buttons.
func answerButtons(a *rag.Answer, key string) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	var cite []discordgo.MessageComponent
	for _, c := range a.Citations {
		if len(cite) == maxButtonsPerRow {
			break
		}
		if id, ok := citeID(rag.Ref(c.Statement), c.Paragraph, c.Text); ok {
			cite = append(cite, discordgo.Button{Label: fmt.Sprintf("[%d]", c.N), Style: discordgo.SecondaryButton, CustomID: id})
		}
	}
	if len(cite) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: cite})
	}
	if key != "" {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: "fb:up:" + key},
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: "fb:down:" + key},
		}})
	}
	return rows
}

// citeID encodes a paragraph in a button's custom_id: statement (a
// rag.Ref: the server is where the button is clicked), number and a hash
// of the text, so a button under an old answer notices when the statement
// has changed since.
func citeID(statement string, paragraph int, text string) (string, bool) {
	id := fmt.Sprintf("cite:%s:%d:%s", statement, paragraph, textHash(text))
	return id, len(id) <= maxCustomID
}

// textHash is a short fingerprint of a paragraph's text.
func textHash(text string) string { return shortHash(text, 4) }

// parseCiteID decodes citeID (hash may be empty).
func parseCiteID(id string) (statement string, paragraph int, hash string, ok bool) {
	rest, ok := strings.CutPrefix(id, "cite:")
	if !ok {
		return "", 0, "", false
	}
	parts := strings.Split(rest, ":")
	if len(parts) == 3 {
		hash = parts[2]
		parts = parts[:2]
	}
	if len(parts) != 2 || parts[0] == "" {
		return "", 0, "", false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return "", 0, "", false
	}
	return parts[0], n, hash, true
}

// paragraphEmbed shows one paragraph verbatim.
func paragraphEmbed(c rag.Citation, prefix string) *discordgo.MessageEmbed {
	title := fmt.Sprintf("%s¶%d — %s", prefix, c.Paragraph, c.Title)
	footer := statementName(c.Statement)
	if c.Date != "" {
		footer += " · " + c.Date
	}
	if c.Section != "" {
		footer += " · " + c.Section
	}
	return &discordgo.MessageEmbed{
		Title:       truncate(title, maxEmbedTitle),
		Description: truncate(c.Text, maxEmbedDesc),
		Footer:      &discordgo.MessageEmbedFooter{Text: footer},
	}
}

// embedMessages groups embeds into messages within the per-message count
// and total-size limits.
func embedMessages(content string, embeds []*discordgo.MessageEmbed, ephemeral bool) []out {
	var msgs []out
	cur := out{Content: content, Ephemeral: ephemeral}
	size := 0
	for _, e := range embeds {
		n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description) + utf8.RuneCountInString(e.Footer.Text)
		if len(cur.Embeds) == maxEmbedsPerMsg || len(cur.Embeds) > 0 && size+n > maxEmbedsTotal {
			msgs = append(msgs, cur)
			cur = out{Ephemeral: ephemeral}
			size = 0
		}
		cur.Embeds = append(cur.Embeds, e)
		size += n
	}
	return append(msgs, cur)
}

// splitText cuts s into pieces of at most n runes, preferring paragraph
// breaks, then line breaks, then sentence ends, then spaces.
func splitText(s string, n int) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return []string{"…"}
	}
	var parts []string
	for utf8.RuneCountInString(s) > n {
		cut := byteIndexOfRune(s, n)
		window := s[:cut]
		at := -1
		for _, sep := range []string{"\n\n", "\n", ". ", "? ", "! ", " "} {
			if i := strings.LastIndex(window, sep); i > cut/3 {
				at = i + len(sep)
				break
			}
		}
		if at <= 0 {
			at = cut
		}
		parts = append(parts, strings.TrimSpace(s[:at]))
		s = strings.TrimSpace(s[at:])
	}
	if s != "" {
		parts = append(parts, s)
	}
	return parts
}

// byteIndexOfRune is the byte offset of rune n of s.
func byteIndexOfRune(s string, n int) int {
	i := 0
	for j := range s {
		if i == n {
			return j
		}
		i++
	}
	return len(s)
}

// truncate cuts s to n runes, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// streamingContent is what a reply shows while the answer is written.
func streamingContent(partial string) string {
	return truncate(strings.TrimSpace(partial), maxContent-2) + " …"
}
