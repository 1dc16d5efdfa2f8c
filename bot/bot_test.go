package bot

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/rag/llm"
	"github.com/statementbot/statementbot/rag/llm/llmtest"
	"github.com/statementbot/statementbot/statements"
	"github.com/statementbot/statementbot/store/sqlite"
)

// harness is a bot connected to a fake Discord, answering from the bundled
// statements.
type harness struct {
	t        testing.TB
	fake     *discordtest.Server
	bot      *Bot
	engine   *rag.Engine
	library  *rag.Library
	store    *sqlite.Store
	storeDir string

	wait     context.Context    // bounds stop's wait; lives through the cleanups
	cancel   context.CancelFunc // ends Run's context
	done     chan error         // Run's result
	stopOnce sync.Once
	runErr   error
}

// stop ends Run's context and returns what Run returned (once; later
// calls return the same).
func (h *harness) stop() error {
	h.stopOnce.Do(func() {
		h.cancel()
		select {
		case h.runErr = <-h.done:
		case <-h.wait.Done():
			h.runErr = errors.New("Run did not return")
		}
	})
	return h.runErr
}

type option func(*Config, *rag.Config)

// withModel answers through the fake OpenAI-compatible server srv. The
// call timeout is generous: a model answer that a slow machine delays must
// not turn into the fallback answer.
func withModel(srv *llmtest.Server) option {
	return func(_ *Config, rc *rag.Config) {
		rc.Chat = llm.New(llm.Config{BaseURL: srv.URL(), Model: "m", Timeout: 5 * time.Minute, MaxRetries: 1, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})
	}
}

// start runs a bot against a new fake Discord and returns once the bot has
// registered its commands. The fake accepts deferrals however late: how
// fast the bot defers depends on the machine, and BenchmarkDeferLatency
// measures it against Discord's 3 s.
func start(t testing.TB, opts ...option) *harness {
	t.Helper()
	return startOn(t, t.TempDir(), opts...)
}

// startOn is start on the store in storeDir (new or another harness's),
// as another process would be.
func startOn(t testing.TB, storeDir string, opts ...option) *harness {
	t.Helper()
	fake := discordtest.New(t, discordtest.WithInteractionDeadline(0))
	local := embeddings.NewLocal(0)
	st, err := sqlite.Open(context.Background(), storeDir, sqlite.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	lib, ix, _, err := rag.OpenLibrary(context.Background(), rag.LibraryConfig{Store: st, Bundled: statements.FS, Docs: local, Extract: testExtractor(t)})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Session: fake.Session("Bot test-token"), Library: lib, Store: st, GuildID: discordtest.GuildID,
		EditInterval: 20 * time.Millisecond, UserPerMinute: 600, UserBurst: 100, MaxConcurrent: 8,
	}
	rc := rag.Config{Queries: local}
	for _, o := range opts {
		o(&cfg, &rc)
	}
	engine := rag.NewEngine(ix, rc)
	lib.SetEngine(engine)
	if cfg.Answerer == nil {
		cfg.Answerer = engine
	} else if w, ok := cfg.Answerer.(interface{ wrap(Answerer) }); ok {
		w.wrap(engine)
	}
	b := New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	// As serve does: the library follows changes other processes make.
	followed := make(chan struct{})
	go func() { defer close(followed); lib.Follow(ctx) }()
	wait := waitContext(t) // made now: its cancel runs after the cleanup below
	h := &harness{t: t, fake: fake, bot: b, engine: engine, library: lib, store: st, storeDir: storeDir, wait: wait, cancel: cancel, done: done}
	t.Cleanup(func() {
		defer st.Close()
		defer func() { <-followed }()
		if err := h.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	h.waitCall(func(c discordtest.Call) bool { return c.Is("PUT", "applications/*/guilds/*/commands") })
	// The PUT is recorded before its response is written: wait for Run to
	// have it, so that the test starts with the bot online.
	select {
	case <-b.online:
	case err := <-done:
		done <- err // for the cleanup
		t.Fatalf("Run returned before the bot was online: %v", err)
	case <-h.ctx().Done():
		t.Fatal("the bot did not come online")
	}
	return h
}

// maxWait bounds one wait of a test: some hundred times what the slowest
// takes on a busy two-core machine under -race, so that a wait fails when
// what it waits for does not happen, not when the machine is slow, and a
// failing test still fails within minutes.
const maxWait = 2 * time.Minute

// waitContext bounds a wait by maxWait and by the test binary's own
// deadline (go test -timeout), less a margin to report what was seen. It
// is not cancelled before the test's cleanups run.
func waitContext(tb testing.TB) context.Context {
	deadline := time.Now().Add(maxWait)
	if t, ok := tb.(interface{ Deadline() (time.Time, bool) }); ok {
		if end, ok := t.Deadline(); ok {
			end = end.Add(-min(10*time.Second, time.Until(end)/10))
			if end.Before(deadline) {
				deadline = end
			}
		}
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	tb.Cleanup(cancel)
	return ctx
}

func (h *harness) ctx() context.Context { return waitContext(h.t) }

func (h *harness) waitCall(match func(discordtest.Call) bool) discordtest.Call {
	h.t.Helper()
	c, err := h.fake.WaitFor(h.ctx(), match)
	if err != nil {
		h.t.Fatalf("waiting for a call: %v\ncalls:\n%s", err, h.callList())
	}
	return c
}

func (h *harness) callList() string {
	var b strings.Builder
	for _, c := range h.fake.Calls() {
		b.WriteString(c.String() + "\n")
	}
	return b.String()
}

// body decodes a call's JSON body into a generic message.
type msgBody struct {
	Content         string                    `json:"content"`
	Flags           int                       `json:"flags"`
	Embeds          []*discordgo.MessageEmbed `json:"embeds"`
	Components      []json.RawMessage         `json:"components"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
	Type int `json:"type"`
	Data struct {
		Flags   int                                         `json:"flags"`
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	} `json:"data"`
}

func decode(t testing.TB, c discordtest.Call) msgBody {
	t.Helper()
	var b msgBody
	if err := c.Decode(&b); err != nil {
		t.Fatalf("decode %s: %v", c, err)
	}
	return b
}

// interaction dispatches a slash command with options.
func (h *harness) command(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	h.t.Helper()
	in, err := h.fake.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand,
		Data: discordgo.ApplicationCommandInteractionData{ID: "cmd-" + name, Name: name, Options: opts},
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return in
}

func opt(name string, v any) *discordgo.ApplicationCommandInteractionDataOption {
	typ := discordgo.ApplicationCommandOptionString
	switch v.(type) {
	case float64:
		typ = discordgo.ApplicationCommandOptionInteger
	case bool:
		typ = discordgo.ApplicationCommandOptionBoolean
	}
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: typ, Value: v}
}

// final waits for the edit of an interaction's reply whose content
// satisfies ok, and returns it.
func (h *harness) finalEdit(in *discordgo.Interaction, ok func(msgBody) bool) msgBody {
	h.t.Helper()
	var got msgBody
	h.waitCall(func(c discordtest.Call) bool {
		if !c.Is("PATCH", "webhooks/*/"+in.Token+"/messages/@original") || c.Status/100 != 2 {
			return false
		}
		var b msgBody
		if c.Decode(&b) != nil || !ok(b) {
			return false
		}
		got = b
		return true
	})
	return got
}

func hasSources(b msgBody) bool { return strings.Contains(b.Content, "**Sources**") }

// deferred asserts the interaction was acknowledged with a deferral.
func (h *harness) deferred(in *discordgo.Interaction, ephemeral bool) {
	h.t.Helper()
	c := h.waitCall(func(c discordtest.Call) bool { return c.Is("POST", "interactions/"+in.ID+"/*/callback") })
	b := decode(h.t, c)
	if b.Type != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		h.t.Errorf("callback type %d, want deferred (5)", b.Type)
	}
	if got := b.Data.Flags&int(discordgo.MessageFlagsEphemeral) != 0; got != ephemeral {
		h.t.Errorf("ephemeral = %v, want %v", got, ephemeral)
	}
}

// checkNoPings asserts every message-bearing call of the bot carried
// allowed_mentions with an empty parse list.
func (h *harness) checkNoPings() {
	h.t.Helper()
	for _, c := range h.fake.Calls() {
		isMsg := c.Is("POST", "channels/*/messages") || c.Is("PATCH", "channels/*/messages/*") ||
			c.Is("PATCH", "webhooks/*/*/messages/*") || c.Is("POST", "webhooks/*/*")
		if !isMsg {
			continue
		}
		b := decode(h.t, c)
		if b.AllowedMentions == nil || b.AllowedMentions.Parse == nil || len(b.AllowedMentions.Parse) != 0 {
			h.t.Errorf("%s without allowed_mentions {parse: []}", c)
		}
	}
}

func TestAskCommand(t *testing.T) {
	h := start(t)
	in := h.command("ask", opt("question", "Which countries joined the Coalition?"))
	h.deferred(in, false)
	b := h.finalEdit(in, hasSources)
	if !strings.Contains(b.Content, "Yemen. [1]") || !strings.Contains(b.Content, "[1] Statement: Global Coalition Rome (2021-06-28), ¶2") {
		t.Errorf("answer:\n%s", b.Content)
	}
	var buttons []string
	for _, row := range b.Components {
		var r struct {
			Components []struct {
				CustomID string `json:"custom_id"`
				Label    string `json:"label"`
			} `json:"components"`
		}
		_ = json.Unmarshal(row, &r)
		for _, c := range r.Components {
			buttons = append(buttons, c.CustomID)
		}
	}
	if len(buttons) < 3 || !strings.HasPrefix(buttons[0], "cite:2021-06-28-global-coalition-rome:2:") || !strings.HasPrefix(buttons[len(buttons)-2], "fb:up:") {
		t.Errorf("buttons = %v", buttons)
	}
	h.checkNoPings()

	// /sources shows those paragraphs verbatim, ephemerally.
	src := h.command("sources")
	h.deferred(src, true)
	sb := h.finalEdit(src, func(b msgBody) bool { return len(b.Embeds) > 0 })
	if !strings.Contains(sb.Embeds[0].Description, "Mauritania, and Yemen") || !strings.Contains(sb.Embeds[0].Title, "¶2") {
		t.Errorf("sources embed = %+v", sb.Embeds[0])
	}

	// The citation button shows the paragraph to the clicker.
	btn, err := h.fake.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionMessageComponent,
		Data: discordgo.MessageComponentInteractionData{CustomID: buttons[0], ComponentType: discordgo.ButtonComponent},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.deferred(btn, true)
	cb := h.finalEdit(btn, func(b msgBody) bool { return len(b.Embeds) > 0 })
	if !strings.Contains(cb.Embeds[0].Description, "Central African Republic") {
		t.Errorf("cite button embed = %+v", cb.Embeds[0])
	}

	// Feedback is recorded with a hashed user id.
	fb, _ := h.fake.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionMessageComponent,
		Data: discordgo.MessageComponentInteractionData{CustomID: buttons[len(buttons)-1], ComponentType: discordgo.ButtonComponent},
	})
	h.finalEdit(fb, func(b msgBody) bool { return strings.Contains(b.Content, "feedback was recorded") })
	recs, err := h.store.ReadFeedback(context.Background(), 10)
	if err != nil || len(recs) != 1 {
		t.Fatalf("feedback records: %+v, %v", recs, err)
	}
	rec := recs[0]
	if rec.Vote != "down" || rec.Question != "Which countries joined the Coalition?" || !strings.Contains(rec.Answer, "Yemen") ||
		len(rec.Citations) == 0 || rec.User == discordtest.UserID || rec.User == "" {
		t.Errorf("feedback record = %+v", rec)
	}
}

func TestCiteSearchStatementsHelp(t *testing.T) {
	h := start(t)
	in := h.command("cite", opt("paragraph", 10.0))
	h.deferred(in, false)
	b := h.finalEdit(in, func(b msgBody) bool { return len(b.Embeds) > 0 })
	if !strings.Contains(b.Embeds[0].Description, "Brussels in the fall of 2021") || !strings.Contains(b.Embeds[0].Title, "¶10 — Statement: Global Coalition Rome") {
		t.Errorf("/cite embed = %+v", b.Embeds[0])
	}
	in = h.command("cite", opt("paragraph", 99.0), opt("statement", "2021-06-28-global-coalition-rome"))
	h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "paragraphs 1 to 10") })
	in = h.command("cite", opt("paragraph", 1.0), opt("statement", "nope"))
	h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, `No statement "nope" is indexed`) })

	in = h.command("search", opt("query", "foreign terrorist fighters"))
	b = h.finalEdit(in, func(b msgBody) bool { return len(b.Embeds) > 0 })
	if !strings.Contains(b.Embeds[0].Description, "foreign terrorist fighters") {
		t.Errorf("/search first embed %+v", b.Embeds[0])
	}
	// Five paragraphs, in the reply and, past Discord's embed limits,
	// in follow-ups; every message within the limits.
	msgs := []msgBody{b}
	embeds := len(b.Embeds)
	for embeds < 5 {
		c := h.waitCall(func(c discordtest.Call) bool {
			return c.Is("POST", "webhooks/*/"+in.Token) && c.Status/100 == 2 && len(decode(t, c).Embeds) > 0 && !slices.ContainsFunc(msgs[1:], func(m msgBody) bool { return m.Embeds[0].Title == decode(t, c).Embeds[0].Title })
		})
		m := decode(t, c)
		msgs = append(msgs, m)
		embeds += len(m.Embeds)
	}
	if embeds != 5 {
		t.Errorf("/search gave %d paragraphs, want 5", embeds)
	}
	for _, m := range msgs {
		total := 0
		for _, e := range m.Embeds {
			total += len([]rune(e.Title)) + len([]rune(e.Description)) + len([]rune(e.Footer.Text))
		}
		if total > maxEmbedsTotal {
			t.Errorf("search message embeds total %d > %d", total, maxEmbedsTotal)
		}
	}

	in = h.command("statements")
	h.finalEdit(in, func(b msgBody) bool {
		return strings.Contains(b.Content, "`2021-06-28-global-coalition-rome`, 10 paragraphs")
	})
	in = h.command("help")
	h.deferred(in, true)
	h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "/ask question") })
	h.checkNoPings()
}

func TestAskMessageCommand(t *testing.T) {
	h := start(t)
	target := &discordgo.Message{ID: "555", ChannelID: discordtest.ChannelID, Content: "What is the EU mission in Iraq called?", Author: &discordgo.User{ID: "42", Username: "other"}}
	in, err := h.fake.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand,
		Data: discordgo.ApplicationCommandInteractionData{
			Name: cmdAskMessage, CommandType: discordgo.MessageApplicationCommand, TargetID: "555",
			Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Messages: map[string]*discordgo.Message{"555": target}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := h.finalEdit(in, hasSources)
	if !strings.Contains(b.Content, "EUAM") {
		t.Errorf("answer = %s", b.Content)
	}
}

func TestAutocomplete(t *testing.T) {
	h := start(t)
	for _, tc := range []struct {
		opts []*discordgo.ApplicationCommandInteractionDataOption
		want string
		n    int
	}{
		{[]*discordgo.ApplicationCommandInteractionDataOption{{Name: "paragraph", Type: discordgo.ApplicationCommandOptionInteger, Value: "", Focused: true}}, "¶1 June 28, 2021", 10},
		{[]*discordgo.ApplicationCommandInteractionDataOption{{Name: "paragraph", Type: discordgo.ApplicationCommandOptionInteger, Value: "Brussels", Focused: true}}, "¶10 The Ministers also reaffirmed", 1},
		{[]*discordgo.ApplicationCommandInteractionDataOption{{Name: "statement", Type: discordgo.ApplicationCommandOptionString, Value: "rome", Focused: true}}, "Statement: Global Coalition Rome (2021-06-28)", 1},
	} {
		in, err := h.fake.DispatchInteraction(&discordgo.Interaction{
			Type: discordgo.InteractionApplicationCommandAutocomplete,
			Data: discordgo.ApplicationCommandInteractionData{Name: "cite", Options: tc.opts},
		})
		if err != nil {
			t.Fatal(err)
		}
		c := h.waitCall(func(c discordtest.Call) bool { return c.Is("POST", "interactions/"+in.ID+"/*/callback") })
		b := decode(t, c)
		if b.Type != int(discordgo.InteractionApplicationCommandAutocompleteResult) || len(b.Data.Choices) != tc.n ||
			!strings.HasPrefix(b.Data.Choices[0].Name, tc.want) {
			t.Errorf("choices = %d %+v, want %d starting %q", len(b.Data.Choices), b.Data.Choices, tc.n, tc.want)
		}
		for _, ch := range b.Data.Choices {
			if len([]rune(ch.Name)) > maxChoiceName {
				t.Errorf("choice name over 100: %q", ch.Name)
			}
		}
	}
}

func TestMentionStartsThreadAndFollowUps(t *testing.T) {
	h := start(t)
	m, err := h.fake.DispatchMessage(&discordgo.Message{
		ChannelID: discordtest.ChannelID, GuildID: discordtest.GuildID,
		Content:  "<@" + discordtest.BotUserID + "> What did the ministers say about detainees?",
		Mentions: []*discordgo.User{{ID: discordtest.BotUserID}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.waitCall(func(c discordtest.Call) bool { return c.Is("POST", "channels/*/messages/"+m.ID+"/threads") })
	thread := m.ID // the fake gives a thread its starter message's id
	first := h.waitForMessage(thread, "northeast Syria", "")
	if strings.Contains(first.Content, "humanely") {
		t.Fatalf("first answer already says what the follow-up asks:\n%s", first.Content)
	}

	// A follow-up in the thread, without a mention, continues the
	// conversation: "they" is resolved through the history.
	if _, err := h.fake.DispatchMessage(&discordgo.Message{ChannelID: thread, GuildID: discordtest.GuildID, Content: "and how should they be treated?"}); err != nil {
		t.Fatal(err)
	}
	h.waitForMessage(thread, "humanely", first.ID)
	// The follow-up was answered with the thread's history read back.
	h.waitCall(func(c discordtest.Call) bool { return c.Is("GET", "channels/"+thread+"/messages") })
	h.checkNoPings()
}

// waitForMessage waits until channel holds a bot message, other than
// the one with id not, containing s with its Sources list.
func (h *harness) waitForMessage(channel, s, not string) *discordgo.Message {
	h.t.Helper()
	ctx := h.ctx()
	for ctx.Err() == nil {
		for _, m := range h.fake.Messages(channel) {
			if m.ID != not && m.Author != nil && m.Author.ID == discordtest.BotUserID && strings.Contains(m.Content, s) && strings.Contains(m.Content, "**Sources**") {
				return m
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	var got []string
	for _, m := range h.fake.Messages(channel) {
		got = append(got, m.Content)
	}
	h.t.Fatalf("no bot message with %q in %s; messages: %q\ncalls:\n%s", s, channel, got, h.callList())
	return nil
}

func TestDMAndReplyChain(t *testing.T) {
	h := start(t)
	dm := "9000"
	h.fake.AddChannel(&discordgo.Channel{ID: dm, Type: discordgo.ChannelTypeDM})
	if _, err := h.fake.DispatchMessage(&discordgo.Message{ChannelID: dm, Content: "What is ISIS-K?"}); err != nil {
		t.Fatal(err)
	}
	h.waitForMessage(dm, "Khurasan", "")
	// A reply to the bot's answer in a channel continues from it.
	h.fake.AddMessage(&discordgo.Message{ID: "700", ChannelID: discordtest.ChannelID, Content: "Which countries joined the Coalition?", Author: &discordgo.User{ID: discordtest.UserID}})
	botMsg := h.fake.AddMessage(&discordgo.Message{ID: "701", ChannelID: discordtest.ChannelID, Content: "Central African Republic ... Yemen [1]", Author: &discordgo.User{ID: discordtest.BotUserID, Bot: true},
		MessageReference: &discordgo.MessageReference{MessageID: "700", ChannelID: discordtest.ChannelID}})
	// Discord nests one referenced message, not the chain above it.
	botMsg.ReferencedMessage = nil
	if _, err := h.fake.DispatchMessage(&discordgo.Message{
		ChannelID: discordtest.ChannelID, GuildID: discordtest.GuildID, Content: "and which of them is in the Sahel?",
		MessageReference: &discordgo.MessageReference{MessageID: botMsg.ID, ChannelID: discordtest.ChannelID}, ReferencedMessage: botMsg,
	}); err != nil {
		t.Fatal(err)
	}
	h.waitForMessage(discordtest.ChannelID, "Sahel", "")
	// The reply chain was followed up to the question the bot answered.
	h.waitCall(func(c discordtest.Call) bool { return c.Is("GET", "channels/"+discordtest.ChannelID+"/messages/700") })
	h.checkNoPings()
}
