package bot

import (
	"context"
	"fmt"
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
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&long, "The Ministers welcomed new members joining the Coalition, as the statement records in some detail, sentence %d [1]. ", i)
	}
	srv.QueueChat(llmtest.Reply{Content: long.String()})
	h := start(t, withModel(srv))
	in := h.command("ask", opt("question", "Which countries joined the Coalition?"))
	first := h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "sentence 0 [1]") })
	if n := len([]rune(first.Content)); n > 2000 {
		t.Errorf("first message has %d characters", n)
	}
	last := h.waitCall(func(c discordtest.Call) bool {
		return c.Is("POST", "webhooks/*/"+in.Token) && strings.Contains(decode(t, c).Content, "**Sources**")
	})
	if b := decode(t, last); len([]rune(b.Content)) > 2000 || !strings.Contains(b.Content, "sentence 29 [1]") || len(b.Components) == 0 {
		t.Errorf("last follow-up: %d chars, components %d:\n%s", len([]rune(b.Content)), len(b.Components), b.Content)
	}
	h.checkNoPings()
}

// TestEveryonePingsNobody: a model answer containing @everyone, @here and
// a user mention goes out with allowed_mentions that ping nobody.
func TestEveryonePingsNobody(t *testing.T) {
	srv := llmtest.New(t)
	srv.QueueChat(llmtest.Reply{Content: "@everyone @here <@123456789012345678> four countries joined: Mauritania and Yemen among them [1]."})
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
// a few edits rather than one per piece, before the final edit.
func TestStreamingEdits(t *testing.T) {
	srv := llmtest.New(t)
	h := start(t, withModel(srv))
	srv.QueueChat(llmtest.Reply{Content: strings.Repeat("word ", 40) + "and Yemen joined [1] [9].", ChunkDelay: 5 * time.Millisecond})
	in := h.command("ask", opt("question", "Which countries joined the Coalition?"))
	h.finalEdit(in, hasSources)
	var partial []string
	for _, c := range h.fake.Calls() {
		if !c.Is("PATCH", "webhooks/*/"+in.Token+"/messages/@original") {
			continue
		}
		if b := decode(t, c); !hasSources(b) {
			partial = append(partial, b.Content)
		}
	}
	// ~200 ms of streaming, edits at most every 20 ms: some, not 42.
	if len(partial) == 0 || len(partial) > 15 {
		t.Fatalf("%d streaming edits, want a few", len(partial))
	}
	for _, p := range partial {
		if !strings.HasPrefix(p, "word word") || !strings.HasSuffix(p, " …") || strings.Contains(p, "[9]") {
			t.Errorf("streaming edit %q", p)
		}
	}
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
	release := make(chan struct{})
	var once sync.Once
	srv.Default = func(req llmtest.Request) llmtest.Reply {
		once.Do(func() { <-release })
		return llmtest.EchoFirstSentence(req)
	}
	h := start(t, withModel(srv), func(c *Config, _ *rag.Config) { c.MaxConcurrent = 1 })
	first := h.command("ask", opt("question", "What is the EU mission in Iraq called?"))
	for srv.ChatRequests() == 0 {
		time.Sleep(time.Millisecond)
	}
	second := h.command("ask", opt("question", "What is ISIS-K?"))
	h.finalEdit(second, func(b msgBody) bool { return strings.Contains(b.Content, "Queued (position 1)") })
	close(release)
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
	h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "I have no statement") })
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
