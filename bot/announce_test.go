package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/statementbot/statementbot/bot/discordtest"
	"github.com/statementbot/statementbot/embeddings"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/rag/llm/llmtest"
	"github.com/statementbot/statementbot/statements"
	"github.com/statementbot/statementbot/store"
	"github.com/statementbot/statementbot/store/sqlite"
)

// withAnnouncements announces in the test channel, with the claims in
// the harness's store.
func withAnnouncements() option {
	return func(c *Config, _ *rag.Config) {
		c.AnnounceChannelID, c.Announcements, c.AnnounceInterval = discordtest.ChannelID, c.Store.(Announcements), 5*time.Millisecond
	}
}

const (
	harbour2024   = "---\ntitle: Harbour Notice\ndate: 2024-03-03\nissuer: Harbour Office\n---\nThe delegates approved the harbour budget of four million euros.\n\nThe lighthouse will be repainted.\n\nThe ferry keeps its winter timetable for @everyone."
	harbourAutumn = "---\ntitle: Harbour Notice\ndate: 2024-09-09\nissuer: Harbour Office\n---\nThe autumn regatta is cancelled."
	harbour2025   = "---\ntitle: Harbour Notice\ndate: 2025-03-03\nissuer: Harbour Office\n---\nThe lighthouse will be repainted.\n\nThe delegates approved the harbour budget of six million euros.\n\nA new pier opens in May."
)

// addElsewhere adds a statement as another process would: its own
// library on the same store. h's library follows the change.
func addElsewhere(t *testing.T, h *harness, name, text string) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), h.storeDir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lib, _, _, err := rag.OpenLibrary(context.Background(), rag.LibraryConfig{Store: st, Bundled: statements.FS, Docs: embeddings.NewLocal(0), Extract: testExtractor(t), ChangesOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := lib.Add(context.Background(), []rag.AddRequest{{Name: name, Data: []byte(text)}}, nil); err != nil {
		t.Fatal(err)
	}
}

// announcements waits for a post to the channel holding want and returns
// every announcement posted so far.
func (h *harness) announcements(want string) []msgBody {
	h.t.Helper()
	var got []msgBody
	h.waitCall(func(discordtest.Call) bool {
		got = got[:0]
		found := false
		for _, c := range h.fake.Calls() {
			if c.Is("POST", "channels/"+discordtest.ChannelID+"/messages") && c.Status/100 == 2 {
				b := decode(h.t, c)
				if strings.HasPrefix(b.Content, "**New statement") {
					got = append(got, b)
					found = found || strings.Contains(b.Content, want)
				}
			}
		}
		return found
	})
	return got
}

func TestAnnounceNewStatements(t *testing.T) {
	h := start(t, withAnnouncements())
	// Discord fails twice: the post is retried.
	h.fake.FailNext(discordtest.Match("POST", "channels/*/messages"), 500, 0, 2)
	if _, _, err := h.library.Add(context.Background(), []rag.AddRequest{{Name: "2024-03-03-harbour.md", Data: []byte(harbour2024)}}, nil); err != nil {
		t.Fatal(err)
	}
	got := h.announcements("2024-03-03-harbour")
	want := "**New statement: Harbour Notice**\n2024-03-03 · Harbour Office · `2024-03-03-harbour`\n" +
		"\nThe delegates approved the harbour budget of four million euros. (¶2)\nThe lighthouse will be repainted. (¶3)\nThe ferry keeps its winter timetable for @everyone. (¶4)"
	if len(got) != 1 || got[0].Content != want {
		t.Fatalf("announcements %d, first:\n%s\nwant:\n%s", len(got), got[0].Content, want)
	}

	// Added by another process, compared with the one before it in its
	// series.
	addElsewhere(t, h, "2025-03-03-harbour.md", harbour2025)
	got = h.announcements("2025-03-03-harbour")
	if len(got) != 2 {
		t.Fatalf("%d announcements, want 2", len(got))
	}
	for _, w := range []string{
		"\nThe lighthouse will be repainted. (¶2)\nThe delegates approved the harbour budget of six million euros. (¶3)\nA new pier opens in May. (¶4)",
		"\n\nCompared with Harbour Notice (2024-03-03), Harbour Notice (2025-03-03) adds 1 paragraph, removes 1 paragraph and changes 1 paragraph; 1 paragraph is unchanged.",
		"\n• **¶2 → ¶3** “four million euros” → “six million euros”",
		"/compare old:2024-03-03-harbour new:2025-03-03-harbour",
	} {
		if !strings.Contains(got[1].Content, w) {
			t.Errorf("second announcement lacks %q:\n%s", w, got[1].Content)
		}
	}
	h.checkNoPings()
}

// TestAnnounceAfterRestart: a statement announced is not announced again
// by the next bot to start; statements added while no bot ran are, except
// one another process has claimed; the bundled statement, there when
// announcements began, never.
func TestAnnounceAfterRestart(t *testing.T) {
	first := start(t, withAnnouncements())
	addElsewhere(t, first, "2024-03-03-harbour.md", harbour2024)
	if got := first.announcements("2024-03-03-harbour"); len(got) != 1 {
		t.Fatalf("first bot: %d announcements, want 1", len(got))
	}
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	// While no bot runs: one statement is added and claimed by another
	// process, then another is added.
	addElsewhere(t, first, "2024-09-09-harbour.md", harbourAutumn)
	claimed, err := first.store.Statement(context.Background(), "", "2024-09-09-harbour")
	if err != nil {
		t.Fatal(err)
	}
	if won, err := first.store.ClaimAnnouncement(context.Background(), store.StatementVersion{ID: claimed.ID, Hash: claimed.Hash}); err != nil || !won {
		t.Fatalf("claiming as another process: won %v, err %v", won, err)
	}
	addElsewhere(t, first, "2025-03-03-harbour.md", harbour2025)

	second := startOn(t, first.storeDir, withAnnouncements())
	// Announcements are posted oldest added first: once the last is out,
	// any other would have been.
	got := second.announcements("2025-03-03-harbour")
	if len(got) != 1 {
		t.Errorf("second bot: %d announcements, want 1 (the bundled statement predates the announcements, the first was announced before the restart, the autumn one was another process's):\n%v", len(got), got)
	}
	if pending, err := second.store.Unannounced(context.Background(), ""); err != nil || len(pending) != 0 {
		t.Errorf("unannounced after the restart: %v, err %v", pending, err)
	}
	second.checkNoPings()
}

// TestAnnounceReworded: with a model, an announcement's comparison is its
// prose, checked against the changes.
func TestAnnounceReworded(t *testing.T) {
	srv := llmtest.New(t)
	h := start(t, withAnnouncements(), withReword(srv, harbourProse))
	addElsewhere(t, h, "2024-03-03-harbour.md", harbour2024)
	addElsewhere(t, h, "2025-03-03-harbour.md", harbour2025)
	got := h.announcements("2025-03-03-harbour")
	last := got[len(got)-1].Content
	want := "1 paragraph is unchanged. The harbour budget rises from four million euros to six million euros (¶2 → ¶3). A new pier opens in May (new ¶4).\n-# Every change: /compare old:2024-03-03-harbour new:2025-03-03-harbour"
	if !strings.Contains(last, want) || strings.Contains(last, "•") {
		t.Errorf("announcement lacks %q, or lists the changes:\n%s", want, last)
	}
	h.checkNoPings()
}
