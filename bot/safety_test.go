package bot

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/rag/llm/llmtest"
)

// TestLongAnswerSplit: a model answer over 2000 characters arrives in
// several messages, each within the limit, with its sources at the end.
func TestLongAnswerSplit(t *testing.T) {
	srv := llmtest.New(t)
	var long strings.Builder
	// Numbered in words: the citation check drops a sentence with a
	// figure its paragraph lacks.
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&long, "The Ministers welcomed new members joining the Coalition, as the statement records in some detail, sentence %s [1]. ", roman(i))
	}
	srv.QueueChat(llmtest.Reply{Content: long.String()})
	h := start(t, withModel(srv))
	in := h.command("ask", opt("question", "Which countries joined the Coalition?"))
	first := h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "sentence i [1]") })
	if n := len([]rune(first.Content)); n > 2000 {
		t.Errorf("first message has %d characters", n)
	}
	last := h.waitCall(func(c discordtest.Call) bool {
		return c.Is("POST", "webhooks/*/"+in.Token) && strings.Contains(decode(t, c).Content, "**Sources**")
	})
	if b := decode(t, last); len([]rune(b.Content)) > 2000 || !strings.Contains(b.Content, "sentence xxx [1]") || len(b.Components) == 0 {
		t.Errorf("last follow-up: %d chars, components %d:\n%s", len([]rune(b.Content)), len(b.Components), b.Content)
	}
	h.checkNoPings()
}

// roman writes n (1..39) in lowercase Roman numerals.
func roman(n int) string {
	var b strings.Builder
	for ; n >= 10; n -= 10 {
		b.WriteString("x")
	}
	b.WriteString([]string{"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"}[n])
	return b.String()
}

// TestEveryonePingsNobody: a model answer containing @everyone and @here
// goes out with allowed_mentions that ping nobody. (Its sentence with a
// user mention is dropped by the citation check: the mention's number is
// in no paragraph.)
func TestEveryonePingsNobody(t *testing.T) {
	srv := llmtest.New(t)
	srv.QueueChat(llmtest.Reply{Content: "@everyone @here four countries joined: Mauritania and Yemen among them [1]. Yemen joined too, <@123456789012345678> [1]."})
	h := start(t, withModel(srv))
	in := h.command("ask", opt("question", "Which countries joined the Coalition?"))
	b := h.finalEdit(in, hasSources)
	if !strings.Contains(b.Content, "@everyone") {
		t.Fatalf("answer = %q", b.Content)
	}
	h.checkNoPings()
}

// TestModelFailureFallsBack: the model failing gives the extractive
// answer with its note, streamed edits or not.
func TestModelFailureFallsBack(t *testing.T) {
	srv := llmtest.New(t)
	srv.Default = func(llmtest.Request) llmtest.Reply { return llmtest.Reply{Status: 500} }
	h := start(t, withModel(srv))
	in := h.command("ask", opt("question", "What is the EU mission in Iraq called?"))
	b := h.finalEdit(in, hasSources)
	if !strings.Contains(b.Content, "EUAM") || !strings.Contains(b.Content, "-# The language model was unavailable") || strings.Contains(b.Content, "scripted failure") {
		t.Errorf("fallback answer:\n%s", b.Content)
	}
}

// TestStreamingEdits: a streamed answer shows its text as it is written,
// one edit per tick of the edit ticker when text has arrived since the
// last, rather than one per piece, before the final edit. The test holds
// every piece of the answer until it lets it through and ticks the ticker
// itself, so what each edit shows is exact.
func TestStreamingEdits(t *testing.T) {
	srv := llmtest.New(t)
	ticks := make(chan time.Time)
	pieces := &pacedAnswerer{grant: make(chan struct{}), added: make(chan string)}
	h := start(t, withModel(srv), withTicks(ticks), func(c *Config, _ *rag.Config) { c.Answerer = pieces })
	srv.QueueChat(llmtest.Reply{Content: strings.Repeat("word ", 40) + "and Yemen joined [1] [9]."})
	in := h.command("ask", opt("question", "Which countries joined the Coalition?"))
	edits := func() []string {
		var partial []string
		for _, c := range h.fake.Calls() {
			if c.Is("PATCH", "webhooks/*/"+in.Token+"/messages/@original") {
				if b := decode(t, c); !hasSources(b) {
					partial = append(partial, b.Content)
				}
			}
		}
		return partial
	}
	// let passes pieces through until the answer so far holds words
	// "word"s.
	var shown string
	ctx := h.ctx()
	let := func(words int) {
		t.Helper()
		for strings.Count(shown, "word") < words {
			select {
			case pieces.grant <- struct{}{}:
			case <-ctx.Done():
				t.Fatalf("no piece of the answer after %q\ncalls:\n%s", shown, h.callList())
			}
			shown += <-pieces.added
		}
	}
	// tick makes the streamer edit, and waits for the edit showing all
	// the pieces let through so far.
	tick := func() {
		t.Helper()
		want := strings.TrimSpace(shown) + " …"
		select {
		case ticks <- time.Now():
		case <-ctx.Done():
			t.Fatal("the streamer took no tick")
		}
		h.finalEdit(in, func(b msgBody) bool { return b.Content == want })
	}
	let(20)
	tick()
	let(30)
	tick()
	// The rest of the answer, without a tick: no more partial edits.
	go func() {
		for range pieces.added {
		}
	}()
	close(pieces.grant)
	h.finalEdit(in, hasSources)

	partial := edits()
	if len(partial) != 2 {
		t.Fatalf("%d streaming edits for 2 ticks: %q", len(partial), partial)
	}
	if n := strings.Count(partial[0], "word"); n != 20 {
		t.Errorf("first streaming edit shows %d words, want 20: %q", n, partial[0])
	}
	for _, p := range partial {
		if !strings.HasPrefix(p, "word word") || !strings.HasSuffix(p, " …") || strings.Contains(p, "[9]") {
			t.Errorf("streaming edit %q", p)
		}
	}
}

// withTicks makes the test tick the streaming edits.
func withTicks(ticks chan time.Time) option {
	return func(c *Config, _ *rag.Config) {
		c.ticker = func(time.Duration) (<-chan time.Time, func()) { return ticks, func() {} }
	}
}

// pacedAnswerer hands each piece of a streamed answer to the bot only when
// the test sends on grant (or closes it), and then reports it on added.
// start puts it around the engine.
type pacedAnswerer struct {
	Answerer
	grant chan struct{}
	added chan string
}

func (p *pacedAnswerer) wrap(engine Answerer) { p.Answerer = engine }

func (p *pacedAnswerer) Ask(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
	if onDelta := req.OnDelta; onDelta != nil {
		req.OnDelta = func(d string) {
			<-p.grant
			onDelta(d)
			p.added <- d
		}
	}
	a, err := p.Answerer.Ask(ctx, req)
	close(p.added)
	return a, err
}

// TestDiscordErrorsOnEdit: a 429 and a 500 on the answer's edit are
// retried and the answer delivered.
func TestDiscordErrorsOnEdit(t *testing.T) {
	h := start(t)
	h.fake.FailNext(discordtest.Match("PATCH", "webhooks/*/*/messages/@original"), 429, 50*time.Millisecond, 1)
	h.fake.FailNext(discordtest.Match("PATCH", "webhooks/*/*/messages/@original"), 500, 0, 1)
	in := h.command("ask", opt("question", "What is the EU mission in Iraq called?"))
	b := h.finalEdit(in, hasSources)
	if !strings.Contains(b.Content, "EUAM") {
		t.Errorf("answer = %s", b.Content)
	}
	var statuses []int
	for _, c := range h.fake.Calls() {
		if c.Is("PATCH", "webhooks/*/"+in.Token+"/messages/@original") {
			statuses = append(statuses, c.Status)
		}
	}
	if len(statuses) != 3 || statuses[0] != 429 || statuses[1] != 500 || statuses[2] != 200 {
		t.Errorf("edit statuses = %v, want [429 500 200]", statuses)
	}
}

func TestQuestionLimits(t *testing.T) {
	h := start(t, func(c *Config, _ *rag.Config) { c.UserBurst, c.UserPerMinute = 1, 1 })
	in := h.command("ask", opt("question", strings.Repeat("why ", 300)))
	h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "limit is 1000") })
	in = h.command("ask", opt("question", "What is ISIS-K?"))
	h.finalEdit(in, hasSources)
	in = h.command("ask", opt("question", "What is ISIS-K?"))
	h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "You're asking quickly") })
}

// TestQueuedPosition: with one answer in flight allowed, the next question
// shows its place in line, then gets its answer.
func TestQueuedPosition(t *testing.T) {
	srv := llmtest.New(t)
	entered, release := make(chan struct{}), make(chan struct{})
	var once, released sync.Once
	free := func() { released.Do(func() { close(release) }) }
	srv.Default = func(req llmtest.Request) llmtest.Reply {
		once.Do(func() { close(entered); <-release })
		return llmtest.EchoFirstSentence(req)
	}
	h := start(t, withModel(srv), func(c *Config, _ *rag.Config) { c.MaxConcurrent = 1 })
	t.Cleanup(free) // runs before the bot's and the model's: a failed test does not hang them
	first := h.command("ask", opt("question", "What is the EU mission in Iraq called?"))
	// The first question holds the only slot once it reaches the model.
	select {
	case <-entered:
	case <-h.ctx().Done():
		t.Fatalf("the first question never reached the model\ncalls:\n%s", h.callList())
	}
	second := h.command("ask", opt("question", "What is ISIS-K?"))
	h.finalEdit(second, func(b msgBody) bool { return strings.Contains(b.Content, "Queued (position 1)") })
	free()
	h.finalEdit(first, hasSources)
	h.finalEdit(second, hasSources)
}

// TestUnknownComponentIsVisible: a stale button or an unknown command
// still gets a visible reply.
func TestUnknownComponentIsVisible(t *testing.T) {
	h := start(t)
	in, _ := h.fake.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionMessageComponent,
		Data: discordgo.MessageComponentInteractionData{CustomID: "cite:gone-statement:3", ComponentType: discordgo.ButtonComponent},
	})
	h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "no longer indexed") })
	in = h.command("frobnicate")
	h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "/help") })
}

// panicky panics when asked.
type panicky struct{ Answerer }

func (panicky) Ask(context.Context, rag.AskRequest) (*rag.Answer, error) { panic("boom") }

func TestPanicIsVisible(t *testing.T) {
	h := start(t, func(c *Config, _ *rag.Config) { c.Answerer = panicky{} })
	in := h.command("ask", opt("question", "What is ISIS-K?"))
	h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "something went wrong on my side (ref") })
}

// TestStaleCitationButton: after the statement changes, a button under an
// old answer says so instead of showing another paragraph.
func TestStaleCitationButton(t *testing.T) {
	h := start(t)
	const harbour2 = "Harbour Notice\n\nMarch 3, 2024 - Port Town - Harbour Office\n\nThe delegates approved the harbour budget of four million euros.\n\nThe lighthouse will be repainted in May."
	if _, _, err := h.library.Add(context.Background(), []rag.AddRequest{{Name: "harbour.txt", Data: []byte(harbour2)}}, nil); err != nil {
		t.Fatal(err)
	}
	in := h.command("ask", opt("question", "What budget did the delegates approve for the harbour?"))
	b := h.finalEdit(in, hasSources)
	id := ""
	for _, row := range b.Components {
		if i := strings.Index(string(row), `"custom_id":"cite:harbour:`); i >= 0 {
			id = strings.SplitN(string(row)[i+len(`"custom_id":"`):], `"`, 2)[0]
		}
	}
	if id == "" {
		t.Fatalf("no citation button in %s", b.Components)
	}
	changed := strings.Replace(harbour2, "four million", "five million", 1)
	if _, _, err := h.library.Add(context.Background(), []rag.AddRequest{{Name: "harbour.txt", Data: []byte(changed), Replace: true}}, nil); err != nil {
		t.Fatal(err)
	}
	btn, _ := h.fake.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionMessageComponent,
		Data: discordgo.MessageComponentInteractionData{CustomID: id, ComponentType: discordgo.ButtonComponent},
	})
	h.finalEdit(btn, func(b msgBody) bool { return strings.Contains(b.Content, "has changed since this answer") })
}

// TestLongOptionValue: a 2,000-character statement id still gets a
// visible refusal within Discord's limit.
func TestLongOptionValue(t *testing.T) {
	h := start(t)
	in := h.command("ask", opt("question", "What is ISIS-K?"), opt("statement", strings.Repeat("x", 2000)))
	h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "No statement \"xxxx") })
}

// TestRefusedMentionStartsNoThread: an over-long question by mention is
// refused in the channel, without a thread.
func TestRefusedMentionStartsNoThread(t *testing.T) {
	h := start(t)
	m, err := h.fake.DispatchMessage(&discordgo.Message{
		ChannelID: discordtest.ChannelID, GuildID: discordtest.GuildID,
		Content:  "<@" + discordtest.BotUserID + "> " + strings.Repeat("why ", 300),
		Mentions: []*discordgo.User{{ID: discordtest.BotUserID}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.waitCall(func(c discordtest.Call) bool {
		return c.Is("POST", "channels/"+discordtest.ChannelID+"/messages") && strings.Contains(string(c.Body), "limit is 1000")
	})
	for _, c := range h.fake.Calls() {
		if c.Is("POST", "channels/*/messages/"+m.ID+"/threads") {
			t.Error("a refused question started a thread")
		}
	}
}

// TestStopWhileRegistering: ctx ending while the commands are being
// registered is a clean stop, as it is everywhere else in Run.
func TestStopWhileRegistering(t *testing.T) {
	fake := discordtest.New(t)
	s := fake.Session("Bot test-token")
	entered := make(chan struct{})
	s.Client = &http.Client{Transport: &holdCommands{next: s.Client.Transport, entered: entered}}
	b := New(Config{Session: s, GuildID: discordtest.GuildID})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	wait := waitContext(t)
	select {
	case <-entered:
	case <-wait.Done():
		t.Fatal("the bot never registered its commands")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil (a clean stop)", err)
		}
	case <-wait.Done():
		t.Fatal("Run did not return")
	}
}

// holdCommands holds the request that registers the commands until the
// request is given up.
type holdCommands struct {
	next    http.RoundTripper
	entered chan struct{}
	once    sync.Once
}

func (h *holdCommands) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPut || !strings.HasSuffix(req.URL.Path, "/commands") {
		return h.next.RoundTrip(req)
	}
	h.once.Do(func() { close(h.entered) })
	<-req.Context().Done()
	return nil, req.Context().Err()
}
