package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot"
	"github.com/statementbot/statementbot/bot/discordtest"
	"github.com/statementbot/statementbot/compare"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/rag/llm"
	"github.com/statementbot/statementbot/rag/llm/llmtest"
)

// addHarbours adds two notices of one series to h's library.
func addHarbours(t *testing.T, h *harness, old, new string) {
	t.Helper()
	_, _, err := h.library.Add(context.Background(), []rag.AddRequest{
		{Name: "2024-03-03-harbour.md", Data: []byte("---\ntitle: Harbour Notice\ndate: 2024-03-03\n---\n" + old)},
		{Name: "2025-03-03-harbour.md", Data: []byte("---\ntitle: Harbour Notice\ndate: 2025-03-03\n---\n" + new)},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
}

// followUps waits for n follow-up messages of an interaction and returns
// them in order.
func (h *harness) followUps(in *discordgo.Interaction, n int) []msgBody {
	h.t.Helper()
	var got []msgBody
	h.waitCall(func(discordtest.Call) bool {
		got = got[:0]
		for _, c := range h.fake.Calls() {
			if c.Is("POST", "webhooks/*/"+in.Token) && c.Status/100 == 2 {
				got = append(got, decode(h.t, c))
			}
		}
		return len(got) >= n
	})
	return got
}

func TestCompareCommand(t *testing.T) {
	h := start(t)
	addHarbours(t, h,
		"The delegates approved the harbour budget of four million euros.\n\nThe lighthouse will be repainted.\n\nThe ferry keeps its winter timetable.",
		"The lighthouse will be repainted.\n\nThe delegates approved the harbour budget of six million euros.\n\nA new pier opens in May.")
	in := h.command("compare", opt("old", "2024-03-03-harbour"), opt("new", "2025-03-03-harbour"))
	h.deferred(in, false)
	b := h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "What changed") })
	for _, want := range []string{
		"from **Harbour Notice (2024-03-03)** to **Harbour Notice (2025-03-03)**",
		"1 paragraphs added · 1 removed · 1 changed · 1 unchanged",
		"• **¶2 → ¶3** “four million euros” → “six million euros”\n• **new ¶4** added: A new pier opens in May.\n• **old ¶4** removed: The ferry keeps its winter timetable.",
	} {
		if !strings.Contains(b.Content, want) {
			t.Errorf("summary lacks %q:\n%s", want, b.Content)
		}
	}
	f := h.followUps(in, 1)[0]
	var titles []string
	for _, e := range f.Embeds {
		titles = append(titles, e.Title)
	}
	if got := strings.Join(titles, " | "); got != "Removed: old ¶4 | Changed: ¶2 → ¶3 | Added: new ¶4" {
		t.Errorf("embeds: %s", got)
	}
	if d := f.Embeds[1].Description; d != "“four million euros” → “six million euros”\n\n− The delegates approved the harbour budget of four million euros.\n+ The delegates approved the harbour budget of six million euros." {
		t.Errorf("changed embed:\n%s", d)
	}

	in = h.command("compare", opt("old", "2024-03-03-harbour"), opt("new", "nope"))
	h.finalEdit(in, func(b msgBody) bool {
		return strings.Contains(b.Content, `No statement "nope" is indexed. Use /statements`)
	})
	h.checkNoPings()
}

// TestCompareCommandLimits: a comparison with many long changes comes in
// messages within Discord's limits (the fake refuses any other), the
// first 50 changes listed.
func TestCompareCommandLimits(t *testing.T) {
	h := start(t)
	var old, new []string
	for i := range 70 {
		s := fmt.Sprintf("Item %d of the agenda concerns the harbour of town number %d and its many boats. ", i, i)
		old = append(old, strings.Repeat(s, 12))
		new = append(new, strings.Repeat(strings.Replace(s, "many", "few", 1), 12))
	}
	addHarbours(t, h, strings.Join(old, "\n\n"), strings.Join(new, "\n\n"))
	in := h.command("compare", opt("old", "2024-03-03-harbour"), opt("new", "2025-03-03-harbour"))
	b := h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "What changed") })
	if !strings.Contains(b.Content, "0 paragraphs added · 0 removed · 70 changed · 0 unchanged") {
		t.Errorf("summary:\n%s", b.Content)
	}
	var fs []msgBody
	embeds := 0
	h.waitCall(func(discordtest.Call) bool {
		fs, embeds = nil, 0
		for _, c := range h.fake.Calls() {
			if c.Is("POST", "webhooks/*/"+in.Token) && c.Status/100 == 2 {
				fs = append(fs, decode(t, c))
				embeds += len(fs[len(fs)-1].Embeds)
			}
		}
		return embeds >= maxCompareEmbeds
	})
	if embeds != maxCompareEmbeds || !strings.Contains(fs[0].Content, "The first 50 of 70 changes") {
		t.Errorf("%d embeds in %d follow-ups; first: %q", embeds, len(fs), fs[0].Content)
	}
	for _, c := range h.fake.Calls() {
		if strings.Contains(c.Path, in.Token) && c.Status/100 != 2 {
			t.Errorf("refused: %s", c)
		}
	}
}

func TestTimelineCommand(t *testing.T) {
	h := start(t)
	addHarbours(t, h, "The delegates approved the harbour budget of four million euros.", "The lighthouse will be repainted.\n\nThe delegates approved the harbour budget of six million euros.")
	in := h.command("timeline", opt("topic", "harbour budget"))
	h.deferred(in, false)
	b := h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "oldest first") })
	want := "What the statements said about “harbour budget”, oldest first:\n\n" +
		"**2024-03-03** · Harbour Notice, ¶2\n> The delegates approved the harbour budget of four million euros.\n\n" +
		"**2025-03-03** · Harbour Notice, ¶3\n> The delegates approved the harbour budget of six million euros."
	if b.Content != want {
		t.Errorf("timeline:\n%s\nwant:\n%s", b.Content, want)
	}
	in = h.command("timeline", opt("topic", "volcanoes"))
	h.finalEdit(in, func(b msgBody) bool { return b.Content == "No statement mentions “volcanoes”." })
	h.checkNoPings()
}

func TestCompareAutocomplete(t *testing.T) {
	h := start(t)
	addHarbours(t, h, "The lighthouse will be repainted.", "The lighthouse was repainted.")
	for _, name := range []string{"old", "new"} {
		in, err := h.fake.DispatchInteraction(&discordgo.Interaction{
			Type: discordgo.InteractionApplicationCommandAutocomplete,
			Data: discordgo.ApplicationCommandInteractionData{Name: "compare", Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: "harbour", Focused: true},
			}},
		})
		if err != nil {
			t.Fatal(err)
		}
		c := h.waitCall(func(c discordtest.Call) bool { return c.Is("POST", "interactions/"+in.ID+"/*/callback") })
		b := decode(t, c)
		if len(b.Data.Choices) != 2 || b.Data.Choices[0].Value != "2024-03-03-harbour" || b.Data.Choices[1].Value != "2025-03-03-harbour" {
			t.Errorf("%s choices = %+v", name, b.Data.Choices)
		}
	}
}

// withReword words comparisons with the fake model srv, which answers
// each comparison prompt with reply.
func withReword(srv *llmtest.Server, reply string) option {
	srv.Default = func(req llmtest.Request) llmtest.Reply {
		if strings.Contains(req.Messages[0].Content, "«change 1»") {
			return llmtest.Reply{Content: reply}
		}
		return llmtest.EchoFirstSentence(req)
	}
	return func(c *Config, _ *rag.Config) {
		c.Reword = &compare.Prose{Chat: llm.New(llm.Config{BaseURL: srv.URL(), Model: "m", Timeout: 5 * time.Minute, MaxRetries: 1, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})}
	}
}

// harbourProse is what a model that behaves says of the harbour notices.
const harbourProse = "The harbour budget rises from four million euros to six million euros [1]. A new pier opens in May [2]."

// TestCompareCommandReworded: with a model, the summary's changes are its
// prose when the changes support every sentence, and listed as computed
// when one sentence invents a change.
func TestCompareCommandReworded(t *testing.T) {
	for _, tc := range []struct {
		name, reply, want string
	}{
		{"supported", harbourProse, "1 unchanged\nThe harbour budget rises from four million euros to six million euros (¶2 → ¶3). A new pier opens in May (new ¶4).\n-# Every change follows"},
		{"invented", harbourProse + " A casino opens on the pier [2].", "1 unchanged\n• **¶2 → ¶3** “four million euros” → “six million euros”\n• **new ¶4** added"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.New(t)
			h := start(t, withReword(srv, tc.reply))
			addHarbours(t, h,
				"The delegates approved the harbour budget of four million euros.\n\nThe lighthouse will be repainted.\n\nThe ferry keeps its winter timetable.",
				"The lighthouse will be repainted.\n\nThe delegates approved the harbour budget of six million euros.\n\nA new pier opens in May.")
			in := h.command("compare", opt("old", "2024-03-03-harbour"), opt("new", "2025-03-03-harbour"))
			b := h.finalEdit(in, func(b msgBody) bool { return strings.Contains(b.Content, "What changed") })
			if !strings.Contains(b.Content, tc.want) {
				t.Errorf("summary lacks %q:\n%s", tc.want, b.Content)
			}
			if strings.Contains(b.Content, "casino") {
				t.Errorf("an invented change reached the summary:\n%s", b.Content)
			}
			if n := srv.ChatRequests(); n != 1 {
				t.Errorf("%d model requests, want 1", n)
			}
		})
	}
}

// TestCompareRestNamesServerStatements: past the changes listed, the
// pointer to the rest names no index key ("<server>/<id>"): the CLI's
// compare reads the shared library only, and a server's statements are
// named by their references there.
func TestCompareRestNamesServerStatements(t *testing.T) {
	mk := func(key, date, word string) *statementbot.Statement {
		st := &statementbot.Statement{ID: key, Title: "Harbour " + date, Date: date}
		for i := range maxCompareEmbeds + 5 {
			st.Paragraphs = append(st.Paragraphs, statementbot.Paragraph{Statement: key, N: i + 1,
				Text: fmt.Sprintf("Item %d concerns the harbour of town number %d and its %s boats.", i, i, word)})
		}
		return st
	}
	for _, tc := range []struct{ old, new, want string }{
		{"2024-harbour", "2025-harbour", "`statementbot compare 2024-harbour 2025-harbour`"},
		{"111/2024-harbour", "111/2025-harbour", "The first 50 of 55 changes:"},
	} {
		res := compare.Compare(mk(tc.old, "2024-03-03", "many"), mk(tc.new, "2025-03-03", "few"))
		var all []string
		for _, o := range renderComparison(res, "") {
			all = append(all, o.Content)
		}
		text := strings.Join(all, "\n")
		if !strings.Contains(text, tc.want) {
			t.Errorf("%s -> %s: no %q in\n%s", tc.old, tc.new, tc.want, text)
		}
		if strings.Contains(text, "111/") {
			t.Errorf("%s -> %s: an index key shown:\n%s", tc.old, tc.new, text)
		}
	}
}
