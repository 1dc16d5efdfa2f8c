package discordtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
)

const token = "Bot test-token"

// testContext bounds a test's waits by a minute, far more than a busy
// machine needs, and by the test binary's deadline (go test -timeout) less
// a margin to report the failure: a wait fails when what it waits for does
// not happen, not when the machine is slow.
func testContext(t *testing.T) context.Context {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	if end, ok := t.Deadline(); ok {
		end = end.Add(-min(10*time.Second, time.Until(end)/10))
		if end.Before(deadline) {
			deadline = end
		}
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	t.Cleanup(cancel)
	return ctx
}

// open returns an opened session connected to s.
func open(t *testing.T, s *discordtest.Server, setup func(*discordgo.Session)) *discordgo.Session {
	t.Helper()
	sess := s.Session(token)
	if setup != nil {
		setup(sess)
	}
	if err := sess.Open(); err != nil {
		t.Fatalf("Open() error: %v", err)
	}
	return sess
}

// receive waits for a value on ch.
func receive[T any](t *testing.T, ctx context.Context, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		var zero T
		t.Fatalf("waiting for %T: %v", zero, ctx.Err())
		return zero
	}
}

func waitCall(t *testing.T, ctx context.Context, s *discordtest.Server, method, pattern string) discordtest.Call {
	t.Helper()
	c, err := s.WaitFor(ctx, func(c discordtest.Call) bool { return c.Is(method, pattern) })
	if err != nil {
		t.Fatalf("WaitFor(%s %s) error: %v", method, pattern, err)
	}
	return c
}

func restCode(t *testing.T, err error) (status, code int) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("error = %v (%T), want *discordgo.RESTError", err, err)
	}
	if re.Message != nil {
		code = re.Message.Code
	}
	return re.Response.StatusCode, code
}

func TestOpenReceivesReadyAndGuild(t *testing.T) {
	ctx := testContext(t)
	s := discordtest.New(t)
	// discordgo's state keeps the *Guild pointers of READY and overwrites
	// them in place on GUILD_CREATE, so READY's guilds may only be read
	// synchronously, before the next event: copy what we check.
	type readyInfo struct {
		user, app, session string
		bot                bool
		guilds             []string // "id unavailable"
	}
	readyCh := make(chan readyInfo, 1)
	guildCh := make(chan []string, 1)
	open(t, s, func(sess *discordgo.Session) {
		sess.SyncEvents = true
		sess.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
			info := readyInfo{user: r.User.ID + " " + r.User.Username, bot: r.User.Bot, session: r.SessionID}
			if r.Application != nil {
				info.app = r.Application.ID
			}
			for _, g := range r.Guilds {
				info.guilds = append(info.guilds, fmt.Sprintf("%s %t", g.ID, g.Unavailable))
			}
			readyCh <- info
		})
		sess.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
			var chans []string
			for _, c := range g.Channels {
				chans = append(chans, g.ID+" "+c.ID+" "+c.Name)
			}
			guildCh <- chans
		})
	})

	r := receive(t, ctx, readyCh)
	if want := discordtest.BotUserID + " statementbot"; r.user != want || !r.bot {
		t.Errorf("READY user = %q (bot %t), want %q (bot)", r.user, r.bot, want)
	}
	if r.app != discordtest.AppID {
		t.Errorf("READY application = %q, want %q", r.app, discordtest.AppID)
	}
	if r.session == "" {
		t.Error("READY session_id is empty")
	}
	if want := []string{discordtest.GuildID + " true"}; !slices.Equal(r.guilds, want) {
		t.Errorf("READY guilds = %q, want %q", r.guilds, want)
	}
	general := discordtest.GuildID + " " + discordtest.ChannelID + " general"
	if chans := receive(t, ctx, guildCh); !slices.Contains(chans, general) {
		t.Errorf("GUILD_CREATE channels = %q, want %q", chans, general)
	}

	if err := s.WaitReady(ctx); err != nil {
		t.Fatalf("WaitReady() error: %v", err)
	}
	var identify struct {
		Token    string `json:"token"`
		Compress bool   `json:"compress"`
	}
	for _, p := range s.GatewayPayloads() {
		if p.Op == 2 {
			if err := json.Unmarshal(p.Data, &identify); err != nil {
				t.Fatalf("decode identify: %v", err)
			}
		}
	}
	if identify.Token != token || !identify.Compress {
		t.Errorf("identify = %+v, want token %q, compress true (discordgo's default)", identify, token)
	}
	c := waitCall(t, ctx, s, "GET", "gateway")
	if got := c.Header.Get("Authorization"); got != token {
		t.Errorf("GET /gateway Authorization = %q, want %q", got, token)
	}
}

func TestInteractionDeferredThenEdit(t *testing.T) {
	ctx := testContext(t)
	s := discordtest.New(t)
	type result struct {
		question string
		msg      *discordgo.Message
		err      error
	}
	results := make(chan result, 1)
	sess := open(t, s, func(sess *discordgo.Session) {
		sess.AddHandler(func(sess *discordgo.Session, i *discordgo.InteractionCreate) {
			data := i.ApplicationCommandData()
			res := result{question: data.Options[0].StringValue()}
			res.err = sess.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			})
			if res.err == nil {
				content := "the answer"
				res.msg, res.err = sess.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: &content})
			}
			results <- res
		})
	})

	in, err := s.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand,
		Data: discordgo.ApplicationCommandInteractionData{
			Name: "ask",
			Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: "why?"},
			},
		},
	})
	if err != nil {
		t.Fatalf("DispatchInteraction() error: %v", err)
	}
	res := receive(t, ctx, results)
	if res.err != nil {
		t.Fatalf("handler error: %v", res.err)
	}
	if res.question != "why?" {
		t.Errorf("question option = %q, want %q", res.question, "why?")
	}

	cb := waitCall(t, ctx, s, "POST", "interactions/"+in.ID+"/"+in.Token+"/callback")
	var ack discordgo.InteractionResponse
	if err := cb.Decode(&ack); err != nil {
		t.Fatal(err)
	}
	if cb.Status != http.StatusNoContent || ack.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("callback = type %d status %d, want type 5 status 204", ack.Type, cb.Status)
	}
	edit := waitCall(t, ctx, s, "PATCH", "webhooks/"+discordtest.AppID+"/"+in.Token+"/messages/@original")
	var body struct{ Content string }
	if err := edit.Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.Content != "the answer" || edit.Status != http.StatusOK {
		t.Errorf("edit = %q status %d, want %q status 200", body.Content, edit.Status, "the answer")
	}
	if res.msg == nil || res.msg.ID == "" || res.msg.Content != "the answer" {
		t.Fatalf("edited message = %+v, want an ID and the new content", res.msg)
	}
	msgs := s.Messages(discordtest.ChannelID)
	if len(msgs) != 1 || msgs[0].ID != res.msg.ID || msgs[0].Flags&discordgo.MessageFlagsLoading != 0 {
		t.Errorf("channel messages = %+v, want only the answered original", msgs)
	}

	// A second initial response is rejected like on Discord.
	err = sess.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "again"}})
	if status, code := restCode(t, err); status != 400 || code != 40060 {
		t.Errorf("second respond = %d/%d, want 400/40060", status, code)
	}
}

func TestFollowupAfterDeferReplacesThinkingMessage(t *testing.T) {
	s := discordtest.New(t)
	sess := s.Session(token) // REST only: the fake accepts interactions it did not dispatch
	in := &discordgo.Interaction{ID: "42", AppID: discordtest.AppID, Token: "tok", Type: discordgo.InteractionApplicationCommand}

	if _, err := sess.FollowupMessageCreate(in, true, &discordgo.WebhookParams{Content: "early"}); err == nil {
		t.Error("followup before the initial response succeeded, want Unknown Webhook")
	}
	if err := sess.InteractionRespond(in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
	}); err != nil {
		t.Fatalf("InteractionRespond() error: %v", err)
	}
	orig, err := sess.InteractionResponse(in)
	if err != nil {
		t.Fatalf("InteractionResponse() error: %v", err)
	}
	first, err := sess.FollowupMessageCreate(in, true, &discordgo.WebhookParams{Content: "part 1"})
	if err != nil {
		t.Fatalf("FollowupMessageCreate() error: %v", err)
	}
	second, err := sess.FollowupMessageCreate(in, true, &discordgo.WebhookParams{Content: "part 2"})
	if err != nil {
		t.Fatalf("FollowupMessageCreate() error: %v", err)
	}
	if first.ID != orig.ID || second.ID == orig.ID {
		t.Errorf("followup IDs = %s, %s; want the first to replace the deferred original %s", first.ID, second.ID, orig.ID)
	}
	var got []string
	for _, m := range s.Messages(discordtest.ChannelID) {
		got = append(got, m.Content)
	}
	if want := []string{"part 1", "part 2"}; !slices.Equal(got, want) {
		t.Errorf("channel contents = %q, want %q", got, want)
	}
}

func TestChannelMessageSendComplex(t *testing.T) {
	ctx := testContext(t)
	s := discordtest.New(t)
	sess := s.Session(token)
	question := s.AddMessage(&discordgo.Message{Content: "what did they say?"})

	msg, err := sess.ChannelMessageSendComplex(discordtest.ChannelID, &discordgo.MessageSend{
		Content:   "they said this",
		Reference: question.Reference(),
		Embeds:    []*discordgo.MessageEmbed{{Title: "Source", Description: "statement 1"}},
		Files:     []*discordgo.File{{Name: "quote.txt", ContentType: "text/plain", Reader: strings.NewReader("full quote")}},
	}, discordgo.WithAuditLogReason("testing"))
	if err != nil {
		t.Fatalf("ChannelMessageSendComplex() error: %v", err)
	}
	if msg.ID == "" || msg.Type != discordgo.MessageTypeReply || msg.ReferencedMessage == nil ||
		msg.ReferencedMessage.Content != "what did they say?" || msg.Author.ID != discordtest.BotUserID {
		t.Errorf("sent message = %+v, want a reply by the bot to %q", msg, question.Content)
	}

	c := waitCall(t, ctx, s, "POST", "channels/"+discordtest.ChannelID+"/messages")
	var body discordgo.MessageSend
	if err := c.Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.Content != "they said this" || body.Reference == nil || body.Reference.MessageID != question.ID {
		t.Errorf("body = %q reference %+v, want content and reference to %s", body.Content, body.Reference, question.ID)
	}
	if len(body.Embeds) != 1 || body.Embeds[0].Title != "Source" {
		t.Errorf("body embeds = %+v, want one titled Source", body.Embeds)
	}
	if got := c.Header.Get("Authorization"); got != token {
		t.Errorf("Authorization = %q, want %q", got, token)
	}
	if got := c.Header.Get("X-Audit-Log-Reason"); got != "testing" {
		t.Errorf("X-Audit-Log-Reason = %q, want %q", got, "testing")
	}
	if len(c.Files) != 1 || c.Files[0].Name != "quote.txt" || string(c.Files[0].Data) != "full quote" {
		t.Errorf("files = %+v, want quote.txt", c.Files)
	}

	// The uploaded file is served at the attachment URL.
	if len(msg.Attachments) != 1 {
		t.Fatalf("attachments = %+v, want 1", msg.Attachments)
	}
	resp, err := http.Get(msg.Attachments[0].URL)
	if err != nil {
		t.Fatalf("download attachment: %v", err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(data) != "full quote" {
		t.Errorf("attachment = %q, %v; want %q", data, err, "full quote")
	}

	// Discord's limits are enforced.
	_, err = sess.ChannelMessageSend(discordtest.ChannelID, strings.Repeat("x", 2001))
	if status, code := restCode(t, err); status != 400 || code != 50035 {
		t.Errorf("2001-char message = %d/%d, want 400/50035", status, code)
	}
	_, err = sess.ChannelMessageSend(discordtest.ChannelID, "")
	if status, code := restCode(t, err); status != 400 || code != 50006 {
		t.Errorf("empty message = %d/%d, want 400/50006", status, code)
	}
}

func TestRateLimitedEditIsRetried(t *testing.T) {
	ctx := testContext(t)
	s := discordtest.New(t)
	sess := s.Session(token)
	limited := make(chan *discordgo.RateLimit, 1)
	sess.AddHandler(func(_ *discordgo.Session, rl *discordgo.RateLimit) { limited <- rl })
	in := &discordgo.Interaction{ID: "7", AppID: discordtest.AppID, Token: "tok7", Type: discordgo.InteractionApplicationCommand}
	if err := sess.InteractionRespond(in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "working..."},
	}); err != nil {
		t.Fatalf("InteractionRespond() error: %v", err)
	}

	const retryAfter = 100 * time.Millisecond
	s.FailNext(discordtest.Match("PATCH", "webhooks/*/*/messages/@original"), http.StatusTooManyRequests, retryAfter, 1)
	start := time.Now()
	content := "done"
	msg, err := sess.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &content})
	if err != nil {
		t.Fatalf("InteractionResponseEdit() error: %v", err)
	}
	if elapsed := time.Since(start); elapsed < retryAfter {
		t.Errorf("edit took %v, want >= retry_after %v", elapsed, retryAfter)
	}
	if msg.Content != "done" {
		t.Errorf("edited content = %q, want %q", msg.Content, "done")
	}
	var statuses []int
	for _, c := range s.Calls() {
		if c.Is("PATCH", "webhooks/*/*/messages/@original") {
			statuses = append(statuses, c.Status)
		}
	}
	if want := []int{429, 200}; !slices.Equal(statuses, want) {
		t.Errorf("edit statuses = %v, want %v", statuses, want)
	}
	if rl := receive(t, ctx, limited); rl.RetryAfter != retryAfter {
		t.Errorf("RateLimit event retry after = %v, want %v", rl.RetryAfter, retryAfter)
	}
}

func TestServerErrors(t *testing.T) {
	post := discordtest.Match("POST", "channels/*/messages")
	count := func(s *discordtest.Server) int {
		n := 0
		for _, c := range s.Calls() {
			if c.Is("POST", "channels/*/messages") {
				n++
			}
		}
		return n
	}
	t.Run("500 is not retried", func(t *testing.T) {
		s := discordtest.New(t)
		s.FailNext(post, http.StatusInternalServerError, 0, 1)
		_, err := s.Session(token).ChannelMessageSend(discordtest.ChannelID, "hi")
		if status, _ := restCode(t, err); status != 500 {
			t.Errorf("status = %d, want 500", status)
		}
		if n := count(s); n != 1 {
			t.Errorf("requests = %d, want 1", n)
		}
	})
	t.Run("502 is retried", func(t *testing.T) {
		s := discordtest.New(t)
		s.FailNext(post, http.StatusBadGateway, 0, 2)
		if _, err := s.Session(token).ChannelMessageSend(discordtest.ChannelID, "hi"); err != nil {
			t.Fatalf("ChannelMessageSend() error: %v", err)
		}
		if n := count(s); n != 3 {
			t.Errorf("requests = %d, want 3", n)
		}
	})
	t.Run("502 gives up after MaxRestRetries", func(t *testing.T) {
		s := discordtest.New(t)
		s.FailNext(post, http.StatusBadGateway, 0, 10)
		sess := s.Session(token)
		if _, err := sess.ChannelMessageSend(discordtest.ChannelID, "hi"); err == nil {
			t.Fatal("ChannelMessageSend() succeeded, want error")
		}
		if n, want := count(s), sess.MaxRestRetries+1; n != want {
			t.Errorf("requests = %d, want %d", n, want)
		}
	})
}

func TestMessageCreateDispatch(t *testing.T) {
	ctx := testContext(t)
	s := discordtest.New(t)
	got := make(chan *discordgo.MessageCreate, 1)
	events := make(chan string, 10) // "TYPE SEQ" of every dispatch
	sess := open(t, s, func(sess *discordgo.Session) {
		sess.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })
		sess.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
			events <- fmt.Sprintf("%s %d", e.Type, e.Sequence)
		})
	})

	sent, err := s.DispatchMessage(&discordgo.Message{Content: "hello bot"})
	if err != nil {
		t.Fatalf("DispatchMessage() error: %v", err)
	}
	m := receive(t, ctx, got)
	if m.ID != sent.ID || m.Content != "hello bot" || m.ChannelID != discordtest.ChannelID ||
		m.GuildID != discordtest.GuildID || m.Author == nil || m.Author.ID != discordtest.UserID {
		t.Errorf("MESSAGE_CREATE = %+v, want %q from %s in #general", m.Message, "hello bot", discordtest.UserID)
	}
	// Raw events are handled concurrently, so sort them by sequence.
	var seqs []string
	for range 3 {
		seqs = append(seqs, receive(t, ctx, events))
	}
	slices.Sort(seqs)
	if want := []string{"GUILD_CREATE 2", "MESSAGE_CREATE 3", "READY 1"}; !slices.Equal(seqs, want) {
		t.Errorf("dispatches = %q, want %q", seqs, want)
	}

	history, err := sess.ChannelMessages(discordtest.ChannelID, 10, "", "", "")
	if err != nil {
		t.Fatalf("ChannelMessages() error: %v", err)
	}
	if len(history) != 1 || history[0].ID != sent.ID {
		t.Errorf("history = %+v, want the dispatched message", history)
	}
	fetched, err := sess.ChannelMessage(discordtest.ChannelID, sent.ID)
	if err != nil || fetched.Content != "hello bot" {
		t.Errorf("ChannelMessage() = %+v, %v; want the dispatched message", fetched, err)
	}
}

func TestUncompressedGateway(t *testing.T) {
	ctx := testContext(t)
	s := discordtest.New(t)
	got := make(chan *discordgo.MessageCreate, 1)
	open(t, s, func(sess *discordgo.Session) {
		sess.Compress = false
		sess.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })
	})
	if _, err := s.DispatchMessage(&discordgo.Message{Content: "plain"}); err != nil {
		t.Fatalf("DispatchMessage() error: %v", err)
	}
	if m := receive(t, ctx, got); m.Content != "plain" {
		t.Errorf("content = %q, want %q", m.Content, "plain")
	}
	for _, p := range s.GatewayPayloads() {
		if p.Op == 2 && !bytes.Contains(p.Data, []byte(`"compress":false`)) {
			t.Errorf("identify = %s, want compress false", p.Data)
		}
	}
}

func TestBulkOverwriteCommands(t *testing.T) {
	ctx := testContext(t)
	s := discordtest.New(t)
	sess := s.Session(token)
	cmds := []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask about statements", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question", Required: true},
		}},
		{Name: "Cite", Type: discordgo.MessageApplicationCommand},
	}
	created, err := sess.ApplicationCommandBulkOverwrite(discordtest.AppID, "", cmds)
	if err != nil {
		t.Fatalf("ApplicationCommandBulkOverwrite() error: %v", err)
	}
	if len(created) != 2 || created[0].ID == "" || created[0].ApplicationID != discordtest.AppID {
		t.Fatalf("created = %+v, want 2 commands with IDs", created)
	}
	c := waitCall(t, ctx, s, "PUT", "applications/"+discordtest.AppID+"/commands")
	var body []discordgo.ApplicationCommand
	if err := c.Decode(&body); err != nil {
		t.Fatal(err)
	}
	if len(body) != 2 || body[0].Name != "ask" || body[0].Options[0].Name != "question" {
		t.Errorf("body = %+v, want ask and Cite", body)
	}

	// Overwriting again keeps the IDs of commands with the same name.
	again, err := sess.ApplicationCommandBulkOverwrite(discordtest.AppID, "", cmds[:1])
	if err != nil {
		t.Fatalf("second overwrite error: %v", err)
	}
	if len(again) != 1 || again[0].ID != created[0].ID {
		t.Errorf("second overwrite = %+v, want ask with ID %s", again, created[0].ID)
	}
	guild, err := sess.ApplicationCommandBulkOverwrite(discordtest.AppID, discordtest.GuildID, cmds[:1])
	if err != nil || len(guild) != 1 || guild[0].GuildID != discordtest.GuildID {
		t.Errorf("guild overwrite = %+v, %v; want one command in %s", guild, err, discordtest.GuildID)
	}

	_, err = sess.ApplicationCommandBulkOverwrite(discordtest.AppID, "", []*discordgo.ApplicationCommand{
		{Name: "Ask", Description: "uppercase is invalid for slash commands"},
	})
	if status, code := restCode(t, err); status != 400 || code != 50035 {
		t.Errorf("invalid command = %d/%d, want 400/50035", status, code)
	}
}

func TestThreadStart(t *testing.T) {
	s := discordtest.New(t)
	sess := s.Session(token)
	root := s.AddMessage(&discordgo.Message{Content: "long discussion"})

	th, err := sess.MessageThreadStart(discordtest.ChannelID, root.ID, "Discussion", 60)
	if err != nil {
		t.Fatalf("MessageThreadStart() error: %v", err)
	}
	if th.ID != root.ID || th.Type != discordgo.ChannelTypeGuildPublicThread || th.ParentID != discordtest.ChannelID {
		t.Errorf("thread = %+v, want public thread %s in %s", th, root.ID, discordtest.ChannelID)
	}
	ch, err := sess.Channel(th.ID)
	if err != nil || !ch.IsThread() || ch.Name != "Discussion" {
		t.Errorf("Channel(thread) = %+v, %v; want the thread", ch, err)
	}
	if _, err := sess.ChannelMessageSend(th.ID, "in thread"); err != nil {
		t.Errorf("send in thread: %v", err)
	}
	_, err = sess.MessageThreadStart(discordtest.ChannelID, root.ID, "Again", 60)
	if status, code := restCode(t, err); status != 400 || code != 160004 {
		t.Errorf("second thread = %d/%d, want 400/160004", status, code)
	}
	if err := sess.ChannelTyping(th.ID); err != nil {
		t.Errorf("ChannelTyping() error: %v", err)
	}
}

// testClock is a clock that moves only when the test advances it.
type testClock struct {
	start   time.Time
	elapsed atomic.Int64
}

func newTestClock() *testClock { return &testClock{start: time.Now()} }

func (c *testClock) now() time.Time { return c.start.Add(time.Duration(c.elapsed.Load())) }

func (c *testClock) advance(d time.Duration) { c.elapsed.Add(int64(d)) }

// TestInteractionDeadline: an initial response after the deadline, on the
// fake's clock, is refused as Discord refuses it; one just before it is
// accepted.
func TestInteractionDeadline(t *testing.T) {
	clock := newTestClock()
	s := discordtest.New(t, discordtest.WithInteractionDeadline(20*time.Millisecond), discordtest.WithClock(clock.now))
	sess := open(t, s, nil)
	in, err := s.DispatchInteraction(&discordgo.Interaction{
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask"},
	})
	if err != nil {
		t.Fatalf("DispatchInteraction() error: %v", err)
	}
	onTime, err := s.DispatchInteraction(&discordgo.Interaction{
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask"},
	})
	if err != nil {
		t.Fatalf("DispatchInteraction() error: %v", err)
	}
	clock.advance(20 * time.Millisecond)
	if err := sess.InteractionRespond(onTime, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
	}); err != nil {
		t.Errorf("respond at the deadline: %v", err)
	}
	clock.advance(20 * time.Millisecond)
	err = sess.InteractionRespond(in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
	})
	if status, code := restCode(t, err); status != 404 || code != 10062 {
		t.Errorf("late respond = %d/%d, want 404/10062", status, code)
	}
}

// TestNoInteractionDeadline: with the deadline turned off, a late initial
// response is still accepted.
func TestNoInteractionDeadline(t *testing.T) {
	clock := newTestClock()
	s := discordtest.New(t, discordtest.WithInteractionDeadline(0), discordtest.WithClock(clock.now))
	sess := open(t, s, nil)
	in, err := s.DispatchInteraction(&discordgo.Interaction{
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask"},
	})
	if err != nil {
		t.Fatalf("DispatchInteraction() error: %v", err)
	}
	clock.advance(time.Hour)
	if err := sess.InteractionRespond(in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
	}); err != nil {
		t.Errorf("late respond without a deadline: %v", err)
	}
}

func TestFixturesAndAttachments(t *testing.T) {
	ctx := testContext(t)
	s := discordtest.New(t)
	s.AddRole(discordtest.GuildID, &discordgo.Role{ID: "900", Name: "mod", Permissions: discordgo.PermissionManageMessages})
	s.AddMember(discordtest.GuildID, &discordgo.Member{
		User: &discordgo.User{ID: "800", Username: "moderator"}, Roles: []string{"900"},
	})
	got := make(chan *discordgo.InteractionCreate, 1)
	sess := open(t, s, func(sess *discordgo.Session) {
		sess.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { got <- i })
	})

	m, err := sess.GuildMember(discordtest.GuildID, "800")
	if err != nil || !slices.Equal(m.Roles, []string{"900"}) {
		t.Errorf("GuildMember() = %+v, %v; want roles [900]", m, err)
	}
	if _, err := sess.GuildMember(discordtest.GuildID, "801"); err == nil {
		t.Error("GuildMember(unknown) succeeded, want 404")
	}
	if _, err := s.DispatchInteraction(&discordgo.Interaction{
		Member: &discordgo.Member{User: &discordgo.User{ID: "800"}, Roles: []string{"900"}},
		Data:   discordgo.ApplicationCommandInteractionData{Name: "purge"},
	}); err != nil {
		t.Fatalf("DispatchInteraction() error: %v", err)
	}
	i := receive(t, ctx, got)
	if p := i.Member.Permissions; p&discordgo.PermissionManageMessages == 0 || p&discordgo.PermissionSendMessages == 0 {
		t.Errorf("member permissions = %b, want @everyone + mod", p)
	}

	att := s.AddAttachment("statement.pdf", "application/pdf", []byte("%PDF-1.7"))
	resp, err := s.Client().Get(att.URL)
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(data) != "%PDF-1.7" || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("download = %q (%s), %v; want the PDF", data, resp.Header.Get("Content-Type"), err)
	}
}

func TestMessageEchoAndUnknownRoute(t *testing.T) {
	ctx := testContext(t)
	s := discordtest.New(t, discordtest.WithMessageEcho())
	got := make(chan *discordgo.MessageCreate, 1)
	sess := open(t, s, func(sess *discordgo.Session) {
		sess.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })
	})
	if _, err := sess.ChannelMessageSend(discordtest.ChannelID, "echo me"); err != nil {
		t.Fatalf("ChannelMessageSend() error: %v", err)
	}
	if m := receive(t, ctx, got); m.Content != "echo me" || m.Author.ID != discordtest.BotUserID {
		t.Errorf("echo = %+v, want the bot's own message", m.Message)
	}

	_, err := sess.Request("GET", discordgo.EndpointAPI+"no/such/route", nil)
	if status, _ := restCode(t, err); status != 404 {
		t.Errorf("unknown route status = %d, want 404", status)
	}
	waitCall(t, ctx, s, "GET", "no/such/route")

	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := s.WaitFor(short, func(c discordtest.Call) bool { return c.Is("DELETE", "*") }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitFor(no match) error = %v, want context.DeadlineExceeded", err)
	}
}

func TestResume(t *testing.T) {
	t.Parallel() // discordgo sleeps 1s in Close before reconnecting
	ctx := testContext(t)
	s := discordtest.New(t)
	resumed := make(chan *discordgo.Resumed, 1)
	got := make(chan *discordgo.MessageCreate, 1)
	sess := open(t, s, func(sess *discordgo.Session) {
		sess.ShouldReconnectOnError = true
		sess.AddHandler(func(_ *discordgo.Session, r *discordgo.Resumed) { resumed <- r })
		sess.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })
	})
	t.Cleanup(func() { sess.Close() }) // runs before the server's cleanup

	// See Disconnect: let discordgo's heartbeat goroutine send its first
	// heartbeat before dropping the connection.
	if _, err := s.WaitPayload(ctx, func(p discordtest.Payload) bool { return p.Op == 1 }); err != nil {
		t.Fatalf("waiting for first heartbeat: %v", err)
	}
	s.Disconnect(4000)
	receive(t, ctx, resumed)
	if _, err := s.DispatchMessage(&discordgo.Message{Content: "after resume"}); err != nil {
		t.Fatalf("DispatchMessage() error: %v", err)
	}
	if m := receive(t, ctx, got); m.Content != "after resume" {
		t.Errorf("content = %q, want %q", m.Content, "after resume")
	}
	var ops []int
	for _, p := range s.GatewayPayloads() {
		if p.Op != 1 {
			ops = append(ops, p.Op)
		}
	}
	if want := []int{2, 6}; !slices.Equal(ops, want) {
		t.Errorf("gateway ops (without heartbeats) = %v, want %v", ops, want)
	}
}

func TestComponentUpdateMessage(t *testing.T) {
	s := discordtest.New(t)
	sess := open(t, s, nil)
	sent, err := sess.ChannelMessageSendComplex(discordtest.ChannelID, &discordgo.MessageSend{
		Content: "page 1",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "More", CustomID: "more", Style: discordgo.PrimaryButton},
		}}},
	})
	if err != nil {
		t.Fatalf("ChannelMessageSendComplex() error: %v", err)
	}
	if len(sent.Components) != 1 {
		t.Errorf("sent components = %d, want 1 action row", len(sent.Components))
	}
	in, err := s.DispatchInteraction(&discordgo.Interaction{
		Type:    discordgo.InteractionMessageComponent,
		Message: sent,
		Data:    discordgo.MessageComponentInteractionData{CustomID: "more", ComponentType: discordgo.ButtonComponent},
	})
	if err != nil {
		t.Fatalf("DispatchInteraction() error: %v", err)
	}
	err = sess.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult})
	if status, code := restCode(t, err); status != 400 || code != 50035 {
		t.Errorf("autocomplete result for a button = %d/%d, want 400/50035", status, code)
	}
	if err := sess.InteractionRespond(in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: "page 2"},
	}); err != nil {
		t.Fatalf("InteractionRespond(update) error: %v", err)
	}
	orig, err := sess.InteractionResponse(in)
	if err != nil || orig.ID != sent.ID || orig.Content != "page 2" || len(orig.Components) != 1 {
		t.Errorf("@original = %+v, %v; want message %s updated to page 2 with its button", orig, err, sent.ID)
	}
}
