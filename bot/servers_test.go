package bot

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/rag"
)

// Two servers: A is the fake's default guild, B another; O is the
// operator's own server (OPERATOR_GUILD_IDS).
const (
	guildA   = discordtest.GuildID
	channelA = discordtest.ChannelID
	guildB   = "1300000000000000020"
	channelB = "1300000000000000021"
	guildO   = "1400000000000000030"
	channelO = "1400000000000000031"
	// operatorUser is in ADMIN_USER_IDS; it has no permission of its own
	// in server B.
	operatorUser = "9001"

	lighthouseText = "Lighthouse Notice\n\nMarch 3, 2026 - Port Town - Harbour Office\n\nThe keepers will repaint the lighthouse in vermilion and ochre.\n\nVisitors may climb the tower on Sundays."
	lighthouseQ    = "What colours will the keepers repaint the lighthouse in?"
)

var (
	adminB   = &discordgo.Member{User: &discordgo.User{ID: "8101", Username: "adminB"}, Permissions: discordgo.PermissionManageGuild}
	memberB  = &discordgo.Member{User: &discordgo.User{ID: "8102", Username: "memberB"}, Permissions: discordgo.PermissionSendMessages}
	adminA   = &discordgo.Member{User: &discordgo.User{ID: "8201", Username: "adminA"}, Permissions: discordgo.PermissionAdministrator}
	memberA  = &discordgo.Member{User: &discordgo.User{ID: "8202", Username: "memberA"}, Permissions: discordgo.PermissionSendMessages}
	adminO   = &discordgo.Member{User: &discordgo.User{ID: "8301", Username: "adminO"}, Permissions: discordgo.PermissionManageGuild}
	operator = &discordgo.Member{User: &discordgo.User{ID: operatorUser, Username: "operator"}, Permissions: discordgo.PermissionSendMessages}
)

func withServers(c *Config, _ *rag.Config) {
	c.AdminUserIDs = []string{operatorUser}
	c.OperatorGuildIDs = []string{guildO}
}

// logInfoTo makes the bot log at info and above, as text, to w.
func logInfoTo(w io.Writer) option {
	return func(c *Config, _ *rag.Config) {
		c.Log = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
}

func startServers(t *testing.T, opts ...option) *harness {
	h := start(t, append([]option{withServers}, opts...)...)
	h.fake.AddChannel(&discordgo.Channel{ID: channelB, GuildID: guildB, Name: "general-b", Type: discordgo.ChannelTypeGuildText})
	h.fake.AddChannel(&discordgo.Channel{ID: channelO, GuildID: guildO, Name: "general-o", Type: discordgo.ChannelTypeGuildText})
	return h
}

// in dispatches an interaction in guild's channel as member (guild ""
// is a DM from the default user).
func (h *harness) in(guild, channel string, member *discordgo.Member, i *discordgo.Interaction) *discordgo.Interaction {
	h.t.Helper()
	i.GuildID, i.ChannelID = guild, channel
	if guild != "" {
		i.Member = member
	}
	in, err := h.fake.DispatchInteraction(i)
	if err != nil {
		h.t.Fatal(err)
	}
	return in
}

func (h *harness) commandIn(guild, channel string, member *discordgo.Member, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return h.in(guild, channel, member, &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand,
		Data: discordgo.ApplicationCommandInteractionData{ID: "cmd-" + name, Name: name, Options: opts}})
}

func (h *harness) clickIn(guild, channel string, member *discordgo.Member, customID string) *discordgo.Interaction {
	return h.in(guild, channel, member, &discordgo.Interaction{Type: discordgo.InteractionMessageComponent,
		Data: discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}})
}

func (h *harness) addFileIn(guild, channel string, member *discordgo.Member, name, text string, extra ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	att := h.fake.AddAttachment(name, "text/plain", []byte(text))
	sub := &discordgo.ApplicationCommandInteractionDataOption{
		Name: "add", Type: discordgo.ApplicationCommandOptionSubCommand,
		Options: append([]*discordgo.ApplicationCommandInteractionDataOption{{Name: "file", Type: discordgo.ApplicationCommandOptionAttachment, Value: att.ID}}, extra...),
	}
	return h.in(guild, channel, member, &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, Data: discordgo.ApplicationCommandInteractionData{
		Name: cmdStatement, Options: []*discordgo.ApplicationCommandInteractionDataOption{sub},
		Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{att.ID: att}},
	}})
}

// addLighthouseToB has server B's admin add the lighthouse statement to
// B's own library.
func (h *harness) addLighthouseToB() {
	h.t.Helper()
	in := h.addFileIn(guildB, channelB, adminB, "lighthouse.txt", lighthouseText)
	h.finalEdit(in, contains("Added `lighthouse` to this server's library."))
}

func (h *harness) removeIn(guild, channel string, member *discordgo.Member, id string, extra ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return h.commandIn(guild, channel, member, cmdStatement, &discordgo.ApplicationCommandInteractionDataOption{
		Name: "remove", Type: discordgo.ApplicationCommandOptionSubCommand, Options: append([]*discordgo.ApplicationCommandInteractionDataOption{opt("id", id)}, extra...)})
}

// autocompleteIn is the choices offered for /cite's statement option.
func (h *harness) autocompleteIn(guild, channel string, typed string) []*discordgo.ApplicationCommandOptionChoice {
	h.t.Helper()
	in := h.in(guild, channel, memberA, &discordgo.Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete,
		Data: discordgo.ApplicationCommandInteractionData{Name: "cite", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "statement", Type: discordgo.ApplicationCommandOptionString, Value: typed, Focused: true}}}})
	c := h.waitCall(func(c discordtest.Call) bool { return c.Is("POST", "interactions/"+in.ID+"/*/callback") })
	return decode(h.t, c).Data.Choices
}

// buttonsOf are the custom ids of a reply's buttons.
func buttonsOf(b msgBody) []string {
	var ids []string
	for _, row := range b.Components {
		var r struct {
			Components []struct {
				CustomID string `json:"custom_id"`
			} `json:"components"`
		}
		_ = json.Unmarshal(row, &r)
		for _, c := range r.Components {
			ids = append(ids, c.CustomID)
		}
	}
	return ids
}

func anyEmbed(b msgBody, s string) bool {
	for _, e := range b.Embeds {
		if strings.Contains(e.Description, s) || strings.Contains(e.Title, s) || e.Footer != nil && strings.Contains(e.Footer.Text, s) {
			return true
		}
	}
	return false
}

func nonEmpty(b msgBody) bool { return b.Content != "" || len(b.Embeds) > 0 }

// TestServerLibrariesAreIsolated: server B's admin adds a statement; B's
// members get answers, search results, autocomplete, citations and
// /sources from it; server A, DMs and a button replayed in A get nothing
// of it.
func TestServerLibrariesAreIsolated(t *testing.T) {
	var logs syncBuffer
	h := startServers(t, logInfoTo(&logs))
	h.addLighthouseToB()

	// B's members: the answer, its citation button and /sources.
	in := h.commandIn(guildB, channelB, memberB, "ask", opt("question", lighthouseQ))
	b := h.finalEdit(in, hasSources)
	if !strings.Contains(b.Content, "vermilion") {
		t.Fatalf("answer in B:\n%s", b.Content)
	}
	var cite, feedback string
	for _, id := range buttonsOf(b) {
		if strings.HasPrefix(id, "cite:~lighthouse:") && cite == "" {
			cite = id
		}
		if strings.HasPrefix(id, "fb:up:") {
			feedback = id
		}
		if len(id) > 100 {
			t.Errorf("custom_id over 100 characters: %q", id)
		}
	}
	if cite == "" || feedback == "" {
		t.Fatalf("buttons of B's answer: %v", buttonsOf(b))
	}
	in = h.clickIn(guildB, channelB, memberB, cite)
	if b := h.finalEdit(in, nonEmpty); !anyEmbed(b, "vermilion") {
		t.Errorf("B's citation button in B: %+v", b)
	}
	in = h.commandIn(guildB, channelB, memberB, "sources")
	if b := h.finalEdit(in, nonEmpty); !anyEmbed(b, "vermilion") {
		t.Errorf("/sources in B: %+v", b)
	}
	in = h.commandIn(guildB, channelB, memberB, "search", opt("query", "lighthouse keepers vermilion"))
	if b := h.finalEdit(in, nonEmpty); !anyEmbed(b, "vermilion") {
		t.Errorf("/search in B: %+v", b)
	}
	if got := h.autocompleteIn(guildB, channelB, "light"); len(got) != 1 || got[0].Value != "~lighthouse" || !strings.Contains(got[0].Name, ownMarker) {
		t.Errorf("autocomplete in B: %+v", got)
	}
	in = h.commandIn(guildB, channelB, memberB, "statements")
	if b := h.finalEdit(in, nonEmpty); !strings.Contains(b.Content, "`~lighthouse "+ownMarker+"`") || !strings.Contains(b.Content, "`2021-06-28-global-coalition-rome`") {
		t.Errorf("/statements in B:\n%s", b.Content)
	}

	// Server A and DMs.
	for _, where := range []struct{ guild, channel string }{{guildA, channelA}, {"", "1500000000000000040"}} {
		in = h.commandIn(where.guild, where.channel, memberA, "ask", opt("question", lighthouseQ))
		if b := h.finalEdit(in, nonEmpty); strings.Contains(b.Content, "vermilion") || strings.Contains(b.Content, "Lighthouse") {
			t.Errorf("answer in %q quotes B's statement:\n%s", where.guild, b.Content)
		}
		in = h.commandIn(where.guild, where.channel, memberA, "search", opt("query", "lighthouse keepers vermilion"))
		if b := h.finalEdit(in, nonEmpty); anyEmbed(b, "vermilion") || anyEmbed(b, "lighthouse") {
			t.Errorf("/search in %q shows B's statement: %+v", where.guild, b)
		}
		in = h.commandIn(where.guild, where.channel, memberA, "statements")
		if b := h.finalEdit(in, nonEmpty); strings.Contains(b.Content, "lighthouse") || strings.Contains(b.Content, ownMarker) {
			t.Errorf("/statements in %q:\n%s", where.guild, b.Content)
		}
		for _, ref := range []string{"~lighthouse", "lighthouse"} {
			in = h.commandIn(where.guild, where.channel, memberA, "cite", opt("statement", ref), opt("paragraph", 2.0))
			if b := h.finalEdit(in, nonEmpty); anyEmbed(b, "vermilion") || !strings.Contains(b.Content, "No statement") {
				t.Errorf("/cite %s in %q: %+v", ref, where.guild, b)
			}
		}
		// B's button replayed here shows nothing of B's paragraph.
		in = h.clickIn(where.guild, where.channel, memberA, cite)
		if b := h.finalEdit(in, nonEmpty); anyEmbed(b, "vermilion") || !strings.Contains(b.Content, "no longer indexed") {
			t.Errorf("B's button clicked in %q: %+v", where.guild, b)
		}
	}
	if got := h.autocompleteIn(guildA, channelA, "light"); len(got) != 0 {
		t.Errorf("autocomplete in A offers %+v", got)
	}
	// /sources of B's channel asked from A (a forged or replayed
	// interaction) finds no answer.
	in = h.commandIn(guildA, channelB, memberA, "sources")
	if b := h.finalEdit(in, nonEmpty); anyEmbed(b, "vermilion") || !strings.Contains(b.Content, "not answered anything here") {
		t.Errorf("/sources of B's channel from A: %+v", b)
	}
	// A vote replayed in A is recorded as A's, with nothing of B's answer.
	in = h.clickIn(guildA, channelA, memberA, feedback)
	h.finalEdit(in, contains("feedback was recorded"))
	in = h.clickIn(guildB, channelB, memberB, feedback)
	h.finalEdit(in, contains("feedback was recorded"))
	recs, err := h.store.ReadFeedback(context.Background(), 10)
	if err != nil || len(recs) != 2 {
		t.Fatalf("feedback: %+v, %v", recs, err)
	}
	if r := recs[0]; r.Guild != guildA || r.Question != "" || len(r.Citations) != 0 {
		t.Errorf("vote replayed in A: %+v", r)
	}
	if r := recs[1]; r.Guild != guildB || r.Question != lighthouseQ || len(r.Citations) == 0 || r.Citations[0].Library != guildB {
		t.Errorf("vote in B: %+v", r)
	}
	// The log at info names nothing of B's statement.
	for _, s := range []string{"lighthouse", "vermilion", "Lighthouse"} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the info log names B's statement (%q):\n%s", s, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "guild="+guildB) {
		t.Errorf("the info log has no audit line naming server B:\n%s", logs.String())
	}
}

// TestServerAuthorisation: a server's admins change its library only; the
// shared library is changed by the operator's servers' admins and
// ADMIN_USER_IDS; refusals say why in one line and are audited with the
// server.
func TestServerAuthorisation(t *testing.T) {
	h := startServers(t)
	rome := "2021-06-28-global-coalition-rome"
	in := h.addFileIn(guildA, channelA, adminA, "budget.txt", harbourText)
	h.finalEdit(in, contains("Added `budget` to this server's library."))

	refusals := []struct {
		in   *discordgo.Interaction
		want string
	}{
		{h.removeIn(guildB, channelB, adminB, rome), "shared library, which only the bot's operators can change"},
		{h.removeIn(guildB, channelB, adminB, rome, opt("shared", true)), "Only the bot's operators can change the shared library"},
		{h.addFileIn(guildB, channelB, adminB, "mine.txt", lighthouseText, opt("shared", true)), "Only the bot's operators can change the shared library"},
		{h.addFileIn(guildB, channelB, memberB, "mine.txt", lighthouseText), "Only this server's admins"},
		{h.commandIn(guildB, channelB, memberB, cmdReindex), "Only this server's admins"},
		// A's statement is not B's to name: it is unknown in B.
		{h.removeIn(guildB, channelB, adminB, "budget"), "No statement \"budget\""},
		{h.removeIn(guildB, channelB, adminB, "~budget"), "No statement \"budget\""},
	}
	for _, r := range refusals {
		b := h.finalEdit(r.in, func(b msgBody) bool { return b.Content != "" && !strings.HasPrefix(b.Content, "Removing") })
		if !strings.Contains(b.Content, r.want) || strings.Contains(b.Content, "\n") {
			t.Errorf("refusal %q: want one line with %q", b.Content, r.want)
		}
	}
	ix := h.engine.Index()
	if _, ok := ix.Statement(rome); !ok {
		t.Error("the shared statement was removed")
	}
	if _, ok := ix.In(rag.ServerScope(guildA)).Statement(rag.StatementKey(guildA, "budget")); !ok {
		t.Error("A's statement was removed from B")
	}

	// B's admin reindexes B's library only.
	in = h.commandIn(guildB, channelB, adminB, cmdReindex)
	h.finalEdit(in, contains("Reindexed."))

	// The operator's server's admin and an ADMIN_USER_IDS user change the
	// shared library, seen from every server and in DMs.
	in = h.addFileIn(guildO, channelO, adminO, "lighthouse.txt", lighthouseText, opt("shared", true))
	h.finalEdit(in, contains("Added `lighthouse` to the shared library."))
	for _, where := range []struct{ guild, channel string }{{guildA, channelA}, {guildB, channelB}, {"", "1500000000000000040"}} {
		in = h.commandIn(where.guild, where.channel, memberA, "ask", opt("question", lighthouseQ))
		if b := h.finalEdit(in, hasSources); !strings.Contains(b.Content, "vermilion") {
			t.Errorf("shared statement not answered in %q:\n%s", where.guild, b.Content)
		}
	}
	in = h.removeIn(guildB, channelB, operator, "lighthouse", opt("shared", true))
	h.finalEdit(in, contains("Removed `lighthouse`"))
	if _, ok := h.engine.Index().Statement("lighthouse"); ok {
		t.Error("the operator's remove left the shared statement")
	}

	// The audit log names the server of every change and refusal.
	recs, err := h.store.ReadAudit(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.Action+"@"+r.Guild)
	}
	want := []string{"add@" + guildA, "denied@" + guildB, "denied@" + guildB, "denied@" + guildB, "denied@" + guildB, "denied@" + guildB,
		"remove@" + guildB, "remove@" + guildB, "reindex@" + guildB, "add@" + guildO, "remove@" + guildB}
	// The refusals above ran side by side: compare as sets.
	slices.Sort(got)
	slices.Sort(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("audit:\n got %v\nwant %v", got, want)
	}
}

// TestServerLimits: a server's library is held to its limits, with a
// refusal that names the limit; another server and the shared library
// are not.
func TestServerLimits(t *testing.T) {
	h := startServers(t, func(c *Config, _ *rag.Config) {
		// The limits apply to the library that makes the change: one
		// opened over the bot's store, as the CLI would.
		lib, _, _, err := rag.OpenLibrary(context.Background(), rag.LibraryConfig{
			Store: c.Store.(rag.Store), Docs: embeddings.NewLocal(0), Extract: testExtractor(t), ChangesOnly: true,
			Limits: rag.ServerLimits{Statements: 2, Bytes: 2000},
		})
		if err != nil {
			t.Fatal(err)
		}
		c.Library = lib
	})
	in := h.addFileIn(guildB, channelB, adminB, "one.txt", lighthouseText)
	h.finalEdit(in, contains("Added `one`"))
	in = h.addFileIn(guildB, channelB, adminB, "two.txt", harbourText)
	h.finalEdit(in, contains("Added `two`"))
	in = h.addFileIn(guildB, channelB, adminB, "three.txt", strings.Replace(harbourText, "Harbour", "Ferry", -1))
	if b := h.finalEdit(in, contains("full")); !strings.Contains(b.Content, "2 statements (SERVER_MAX_STATEMENTS)") {
		t.Errorf("over the statement limit: %q", b.Content)
	}
	in = h.addFileIn(guildA, channelA, adminA, "long.txt", "Long Notice\n\n"+strings.Repeat("The delegates met again today. ", 80))
	if b := h.finalEdit(in, contains("full")); !strings.Contains(b.Content, "SERVER_MAX_BYTES") || !strings.Contains(b.Content, "2000 bytes") {
		t.Errorf("over the byte limit: %q", b.Content)
	}
	in = h.addFileIn(guildO, channelO, adminO, "three.txt", strings.Replace(harbourText, "Harbour", "Ferry", -1), opt("shared", true))
	h.finalEdit(in, contains("Added `three` to the shared library."))
}

// TestServerMentionsAndDMs: questions by mention (answered in a thread
// of their own) and by DM are scoped like slash commands.
func TestServerMentionsAndDMs(t *testing.T) {
	h := startServers(t)
	h.addLighthouseToB()
	ask := func(guild, channel string) *discordgo.Message {
		m, err := h.fake.DispatchMessage(&discordgo.Message{
			ChannelID: channel, GuildID: guild, Author: &discordgo.User{ID: memberA.User.ID},
			Content:  "<@" + discordtest.BotUserID + "> " + lighthouseQ,
			Mentions: []*discordgo.User{{ID: discordtest.BotUserID}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := ask(guildB, channelB)
	h.waitForMessage(m.ID, "vermilion", "") // the thread has its starter's id
	m = ask(guildA, channelA)
	if got := h.botReply(m.ID); strings.Contains(got, "vermilion") {
		t.Errorf("a mention in A is answered from B's statement:\n%s", got)
	}
	dm := "9000"
	h.fake.AddChannel(&discordgo.Channel{ID: dm, Type: discordgo.ChannelTypeDM})
	if _, err := h.fake.DispatchMessage(&discordgo.Message{ChannelID: dm, Content: lighthouseQ}); err != nil {
		t.Fatal(err)
	}
	if got := h.botReply(dm); strings.Contains(got, "vermilion") {
		t.Errorf("a DM is answered from B's statement:\n%s", got)
	}
}

// botReply waits for the bot's final message in channel (one that is not
// a progress or queue notice) and returns its text.
func (h *harness) botReply(channel string) string {
	h.t.Helper()
	ctx := h.ctx()
	for ctx.Err() == nil {
		for _, m := range h.fake.Messages(channel) {
			if m.Author != nil && m.Author.ID == discordtest.BotUserID && (strings.Contains(m.Content, "**Sources**") || strings.Contains(m.Content, "can't answer") || strings.Contains(m.Content, "cover")) {
				return m.Content
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.t.Fatalf("no bot reply in %s\ncalls:\n%s", channel, h.callList())
	return ""
}

// TestSharedRemoveCannotNameServerStatement: the shared option changes
// the shared library only; a statement key ("<server>/<id>") given to it
// names no statement, so an operator's server's admin cannot remove (or
// learn of) another server's statement through it.
func TestSharedRemoveCannotNameServerStatement(t *testing.T) {
	h := startServers(t)
	h.addLighthouseToB()
	for _, ref := range []string{guildB + "/lighthouse", "~" + guildB + "/lighthouse"} {
		in := h.removeIn(guildO, channelO, adminO, ref, opt("shared", true))
		b := h.finalEdit(in, func(b msgBody) bool { return b.Content != "" && !strings.HasPrefix(b.Content, "Removing") })
		if !strings.Contains(b.Content, "No statement") {
			t.Errorf("remove %q from the operator's server: %q", ref, b.Content)
		}
	}
	if _, ok := h.engine.Index().In(rag.ServerScope(guildB)).Statement(rag.StatementKey(guildB, "lighthouse")); !ok {
		t.Error("B's statement was removed through the shared option of the operator's server")
	}
}

// TestButtonLogNamesNoServerStatement: a citation button of a server's
// own statement that cannot be answered is logged above debug without
// its custom id, which names the statement.
func TestButtonLogNamesNoServerStatement(t *testing.T) {
	var logs syncBuffer
	h := startServers(t, logInfoTo(&logs))
	h.addLighthouseToB()
	in := h.commandIn(guildB, channelB, memberB, "ask", opt("question", lighthouseQ))
	var cite string
	for _, id := range buttonsOf(h.finalEdit(in, hasSources)) {
		if strings.HasPrefix(id, "cite:~lighthouse:") {
			cite = id
		}
	}
	if cite == "" {
		t.Fatal("no citation button of B's statement")
	}
	// Discord refuses the reply: the bot can only log it.
	webhooks := func(r *http.Request) bool { return strings.Contains(r.URL.Path, "/webhooks/") }
	h.fake.FailNext(webhooks, http.StatusForbidden, 0, 100)
	h.clickIn(guildB, channelB, memberB, cite)
	ctx := h.ctx()
	for !strings.Contains(logs.String(), "could not show a reply") {
		if ctx.Err() != nil {
			t.Fatalf("no warning that the reply could not be shown:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if strings.Contains(logs.String(), "lighthouse") {
		t.Errorf("the log above debug names B's statement:\n%s", logs.String())
	}
}
