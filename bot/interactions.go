package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/reqid"
)

// interactionTTL is how long an interaction token may be used (Discord
// gives 15 minutes).
const interactionTTL = 14 * time.Minute

// ievent is one interaction being handled.
type ievent struct {
	i        *discordgo.Interaction
	to       *interactionSink
	log      *slog.Logger
	user     string
	received time.Time
}

// handler handles a deferred interaction; a returned error is shown to the
// user (see visible).
type handler func(ctx context.Context, ev *ievent) error

func interactionUser(i *discordgo.Interaction) *discordgo.User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	if i.User != nil {
		return i.User
	}
	return &discordgo.User{}
}

// respondFunc sends an interaction's initial response: through the REST
// API for the gateway, in the HTTP response for the interactions endpoint.
type respondFunc func(*discordgo.InteractionResponse) error

// onInteraction handles an interaction that came through the gateway.
func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	b.handleInteraction(i, time.Now(), func(r *discordgo.InteractionResponse) error { return s.InteractionRespond(i, r) })
}

// handleInteraction is the defer-first middleware of both paths (gateway
// and HTTP endpoint): every command and button is acknowledged at once
// (Discord allows 3 s), then handled in the background with the token's
// lifetime as deadline; follow-ups go through the interaction's webhook.
// Autocomplete, which cannot be deferred, is answered directly. It reports
// whether respond will be called (not for interaction types it ignores).
func (b *Bot) handleInteraction(i *discordgo.Interaction, received time.Time, respond respondFunc) bool {
	if b.stopping.Load() {
		return b.refuseStopping(i, respond)
	}
	user := interactionUser(i)
	id := reqid.New() // one per interaction: in its logs and its error reference
	log := b.log.With(reqid.Key, id, "interaction", i.ID, "user", user.ID, "channel", i.ChannelID)
	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.track(log, func() { b.autocomplete(i, log, respond) }, nil)
		return true
	case discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent:
	default:
		return false
	}
	var name string
	var h handler
	ephemeral := true
	if i.Type == discordgo.InteractionApplicationCommand {
		name = i.ApplicationCommandData().Name
		h = b.commandHandler(name)
		ephemeral = ephemeralCommands[name]
		log = log.With("command", name)
	} else {
		name = i.MessageComponentData().CustomID
		h = b.componentHandler(name)
		// A button's custom id names a statement, maybe a server's own:
		// the log above debug has its kind only ("cite", "fb").
		kind, _, _ := strings.Cut(name, ":")
		log = log.With("command", kind)
		log.Debug("button", "custom_id", name)
	}
	err := respond(&discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: ephemeralFlag(ephemeral)},
	})
	if err != nil {
		log.Error("could not acknowledge the interaction", "err", err)
		return true
	}
	deferred := time.Since(received)
	if path, ok := questionCommands[name]; ok && i.Type == discordgo.InteractionApplicationCommand {
		b.metrics.Latency(path, StageDeferral, deferred)
	}
	log.Debug("deferred", "took", deferred)
	ev := &ievent{i: i, to: &interactionSink{s: b.s, i: i, ephemeral: ephemeral}, log: log, user: user.ID, received: received}
	ctx, cancel := context.WithTimeout(reqid.With(b.ctx, id), interactionTTL)
	b.track(log, func() {
		defer cancel()
		if h == nil {
			b.show(ctx, log, ev.to, "I don't know that command any more; it may have been removed. Try /help.")
			return
		}
		if err := h(ctx, ev); err != nil {
			b.show(ctx, log, ev.to, b.visible(ctx, err, log))
		}
	}, func() {
		// ctx is cancelled by now: tell the user on a context of its own.
		pctx, pcancel := context.WithTimeout(reqid.With(b.ctx, id), 10*time.Second)
		defer pcancel()
		b.show(pctx, log, ev.to, b.visible(pctx, fmt.Errorf("panic"), log))
	})
	return true
}

// questionCommands are the commands that ask a question, by the path
// Metrics counts them under.
var questionCommands = map[string]string{cmdAsk: PathSlash, cmdAskMessage: PathMessageCommand}

func (b *Bot) commandHandler(name string) handler {
	switch name {
	case cmdAsk:
		return b.handleAsk
	case cmdAskMessage:
		return b.handleAskMessage
	case cmdCite:
		return b.handleCite
	case cmdSearch:
		return b.handleSearch
	case cmdSources:
		return b.handleSources
	case cmdCompare:
		return b.handleCompare
	case cmdTimeline:
		return b.handleTimeline
	case cmdStatements:
		return b.handleStatements
	case cmdHelp:
		return func(ctx context.Context, ev *ievent) error { return ev.to.edit(ctx, out{Content: helpText}) }
	case cmdStatement:
		return b.handleStatementAdmin
	case cmdReindex:
		return b.handleReindex
	}
	return nil
}

func (b *Bot) componentHandler(id string) handler {
	switch {
	case strings.HasPrefix(id, "cite:"):
		return b.handleCiteButton
	case strings.HasPrefix(id, "fb:"):
		return b.handleFeedback
	}
	return nil
}

func (b *Bot) handleAsk(ctx context.Context, ev *ievent) error {
	opts := options(ev.i.ApplicationCommandData().Options)
	b.askQuestion(ctx, ev.log, ev.to, question{path: PathSlash, user: ev.user, guild: ev.i.GuildID, text: optString(opts, "question"), statement: optString(opts, "statement"), received: ev.received})
	return nil
}

// handleAskMessage asks the target message of the context-menu command.
func (b *Bot) handleAskMessage(ctx context.Context, ev *ievent) error {
	data := ev.i.ApplicationCommandData()
	var q string
	if data.Resolved != nil {
		if m, ok := data.Resolved.Messages[data.TargetID]; ok && m != nil {
			q = m.Content
		}
	}
	if strings.TrimSpace(q) == "" {
		return &rag.InputError{Msg: "That message has no text I can read as a question (it may hold only images or embeds)."}
	}
	b.askQuestion(ctx, ev.log, ev.to, question{path: PathMessageCommand, user: ev.user, guild: ev.i.GuildID, text: questionFromMessage(q), received: ev.received})
	return nil
}

// resolveStatement picks the statement a /cite means, in ix's scope (that
// of guild): the option, else the only statement, else the one last cited
// in this channel.
func (b *Bot) resolveStatement(ix *rag.Index, given, channel, guild string) (*rag.Statement, error) {
	if given != "" {
		key, err := resolve(ix, given)
		if err != nil {
			return nil, err
		}
		st, _ := ix.Statement(key)
		return st, nil
	}
	all := ix.Statements()
	if len(all) == 1 {
		return all[0], nil
	}
	if rec, ok := b.memory.last(b.ctx, channel, guild, ix); ok && len(rec.Answer.Citations) > 0 {
		if st, ok := ix.Statement(rec.Answer.Citations[0].Statement); ok {
			return st, nil
		}
	}
	return nil, &rag.InputError{Msg: "Which statement? Add the statement option (it autocompletes), or see /statements."}
}

func (b *Bot) handleCite(ctx context.Context, ev *ievent) error {
	opts := options(ev.i.ApplicationCommandData().Options)
	ix := b.indexIn(ev.i.GuildID)
	st, err := b.resolveStatement(ix, optString(opts, "statement"), ev.i.ChannelID, ev.i.GuildID)
	if err != nil {
		return err
	}
	n, ok := optInt(opts, "paragraph")
	if !ok {
		return &rag.InputError{Msg: "Give the paragraph as a number, e.g. 3."}
	}
	c, err := ix.Cite(st.ID, n)
	if err != nil {
		return err
	}
	return deliver(ctx, ev.to, embedMessages("", []*discordgo.MessageEmbed{paragraphEmbed(c, "")}, false))
}

func (b *Bot) handleSearch(ctx context.Context, ev *ievent) error {
	opts := options(ev.i.ApplicationCommandData().Options)
	q := optString(opts, "query")
	ix := b.indexIn(ev.i.GuildID)
	hits, err := b.cfg.Answerer.Search(ctx, q, rag.SearchOptions{K: 5, Scope: ix.Scope()})
	if err != nil {
		return err
	}
	if len(hits) == 0 {
		return ev.to.edit(ctx, out{Content: "No paragraphs match that."})
	}
	var embeds []*discordgo.MessageEmbed
	for _, h := range hits {
		// The hit carries its own text: an index swapped meanwhile cannot
		// put another paragraph under its number.
		c := rag.Citation{Statement: h.Statement, Paragraph: h.N, Section: h.Section, Text: h.Text, Title: h.Statement}
		if st, ok := ix.Statement(h.Statement); ok {
			c.Title, c.Date = st.Title, st.Date
		}
		embeds = append(embeds, paragraphEmbed(c, fmt.Sprintf("%d. ", h.Rank)))
	}
	return deliver(ctx, ev.to, embedMessages(fmt.Sprintf("Top %d paragraphs for “%s”:", len(embeds), truncate(q, 200)), embeds, false))
}

func (b *Bot) handleSources(ctx context.Context, ev *ievent) error {
	rec, ok := b.memory.last(ctx, ev.i.ChannelID, ev.i.GuildID, b.indexIn(ev.i.GuildID))
	if !ok || len(rec.Answer.Citations) == 0 {
		return ev.to.edit(ctx, out{Content: "I have not answered anything here yet (or I restarted since). Ask with /ask first."})
	}
	var embeds []*discordgo.MessageEmbed
	for _, c := range rec.Answer.Citations {
		embeds = append(embeds, paragraphEmbed(c, fmt.Sprintf("[%d] ", c.N)))
	}
	return deliver(ctx, ev.to, embedMessages("Sources of my last answer here, to “"+truncate(rec.Question, 200)+"”:", embeds, true))
}

func (b *Bot) handleStatements(ctx context.Context, ev *ievent) error {
	var lines []string
	own := 0
	for _, st := range b.indexIn(ev.i.GuildID).Statements() {
		date := st.Date
		if date == "" {
			date = "undated"
		}
		if lib, _ := rag.SplitKey(st.ID); lib != "" {
			own++
		}
		lines = append(lines, fmt.Sprintf("• **%s** (%s) — `%s`, %d paragraphs", st.Title, date, statementName(st.ID), len(st.Paragraphs)))
	}
	if len(lines) == 0 {
		return ev.to.edit(ctx, out{Content: "No statements are indexed yet."})
	}
	head := "I can answer from these statements:"
	if own > 0 {
		head += "\n-# " + ownMarker + " marks this server's own statements (seen only here); the others are shared by every server."
	}
	var msgs []out
	for _, p := range splitText(head+"\n"+strings.Join(lines, "\n"), maxContent) {
		msgs = append(msgs, out{Content: p})
	}
	return deliver(ctx, ev.to, msgs)
}

// handleCiteButton shows the paragraph a citation button names, to the
// person who clicked.
func (b *Bot) handleCiteButton(ctx context.Context, ev *ievent) error {
	ref, n, hash, ok := parseCiteID(ev.i.MessageComponentData().CustomID)
	if !ok {
		return &rag.InputError{Msg: "That button is broken; use /cite instead."}
	}
	// The button's Ref is resolved where it was clicked: copied into
	// another server it names that server's statement, or none.
	ix := b.indexIn(ev.i.GuildID)
	key, ok := ix.Resolve(ref, true)
	if !ok {
		return &rag.InputError{Msg: "That paragraph is no longer indexed (the statement may have been changed or removed)."}
	}
	c, err := ix.Cite(key, n)
	if err != nil {
		return &rag.InputError{Msg: "That paragraph is no longer indexed (the statement may have been changed or removed)."}
	}
	if hash != "" && hash != textHash(c.Text) {
		return &rag.InputError{Msg: fmt.Sprintf("That statement has changed since this answer, so ¶%d is no longer the paragraph it cited. Use /cite to read the current text.", n)}
	}
	return deliver(ctx, ev.to, embedMessages("", []*discordgo.MessageEmbed{paragraphEmbed(c, "")}, true))
}

func (b *Bot) handleFeedback(ctx context.Context, ev *ievent) error {
	parts := strings.SplitN(ev.i.MessageComponentData().CustomID, ":", 3)
	if len(parts) != 3 || parts[1] != "up" && parts[1] != "down" {
		return &rag.InputError{Msg: "That button is broken."}
	}
	if err := b.recordFeedback(ctx, parts[1], parts[2], ev.user, ev.i.GuildID, ev.i.Message); err != nil {
		return err
	}
	return ev.to.edit(ctx, out{Content: "Thanks — your feedback was recorded."})
}

// autocomplete suggests statements (id and title) or paragraphs (number
// and first words), at most 25, filtered by what was typed.
func (b *Bot) autocomplete(i *discordgo.Interaction, log *slog.Logger, respond respondFunc) {
	data := i.ApplicationCommandData()
	opts := options(data.Options)
	var focused *discordgo.ApplicationCommandInteractionDataOption
	for _, o := range opts {
		if o.Focused {
			focused = o
		}
	}
	var choices []*discordgo.ApplicationCommandOptionChoice
	ix := b.indexIn(i.GuildID)
	if focused != nil {
		typed := strings.ToLower(optString(opts, focused.Name))
		switch focused.Name {
		case "statement", "id", "old", "new":
			for _, st := range ix.Statements() {
				label := truncate(st.Title+" ("+st.Date+") — "+statementName(st.ID), maxChoiceName)
				if typed == "" || strings.Contains(strings.ToLower(label), typed) {
					choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: label, Value: rag.Ref(st.ID)})
				}
			}
		case "paragraph":
			if st, err := b.resolveStatement(ix, optString(opts, "statement"), i.ChannelID, i.GuildID); err == nil {
				for _, p := range st.Paragraphs {
					label := truncate(fmt.Sprintf("¶%d %s", p.N, p.Text), maxChoiceName)
					if typed == "" || strings.HasPrefix(fmt.Sprint(p.N), typed) || strings.Contains(strings.ToLower(p.Text), typed) {
						choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: label, Value: p.N})
					}
				}
			}
		}
	}
	if len(choices) > maxChoices {
		choices = choices[:maxChoices]
	}
	err := respond(&discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	})
	if err != nil {
		log.Warn("autocomplete failed", "err", err)
	}
}

// refuseStopping answers an interaction that arrives while the bot shuts
// down: it takes no new questions, the user asks again (another replica,
// or this one restarted, answers).
func (b *Bot) refuseStopping(i *discordgo.Interaction, respond respondFunc) bool {
	if i.Type != discordgo.InteractionApplicationCommand && i.Type != discordgo.InteractionMessageComponent {
		return false
	}
	_ = respond(&discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "I'm restarting — please ask again in a moment.", Flags: discordgo.MessageFlagsEphemeral},
	})
	return true
}
