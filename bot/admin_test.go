package bot

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
	"github.com/statementbot/statementbot/ingest/extract/extracttest"
	"github.com/statementbot/statementbot/rag"
)

var admin = &discordgo.Member{User: &discordgo.User{ID: "8001", Username: "admin"}, Permissions: discordgo.PermissionManageGuild}

// adminCommand dispatches /statement or /reindex as member.
func (h *harness) adminCommand(member *discordgo.Member, name string, resolved *discordgo.ApplicationCommandInteractionDataResolved, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	h.t.Helper()
	in, err := h.fake.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand, Member: member,
		Data: discordgo.ApplicationCommandInteractionData{Name: name, Options: opts, Resolved: resolved},
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return in
}

// addFile runs /statement add with an attachment.
func (h *harness) addFile(member *discordgo.Member, name, contentType string, data []byte, extra ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	att := h.fake.AddAttachment(name, contentType, data)
	sub := &discordgo.ApplicationCommandInteractionDataOption{
		Name: "add", Type: discordgo.ApplicationCommandOptionSubCommand,
		Options: append([]*discordgo.ApplicationCommandInteractionDataOption{{Name: "file", Type: discordgo.ApplicationCommandOptionAttachment, Value: att.ID}}, extra...),
	}
	return h.adminCommand(member, cmdStatement, &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{att.ID: att}}, sub)
}

func contains(s string) func(msgBody) bool {
	return func(b msgBody) bool { return strings.Contains(b.Content, s) }
}

const harbourText = "Harbour Notice\n\nMarch 3, 2024 - Port Town - Harbour Office\n\nThe delegates approved the harbour budget of four million euros.\n\nThe lighthouse will be repainted in May."

const harbourHTML = `<!doctype html><html><head><title>Bridge Repairs Announced | City Hall</title>
<meta property="article:published_time" content="2024-04-05T09:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Bridge Repairs Announced</h1>
<p>The city council approved repairs to the old stone bridge, costing two million euros and lasting nine months.</p>
<p>Traffic will be diverted over the northern ferry route while the works last, the council said on Friday.</p>
<p>Residents may send questions about the works to the council's infrastructure office until the end of the month.</p>
</article><footer>© City Hall</footer></body></html>`

func TestAdminAddRemoveReindex(t *testing.T) {
	h := start(t)
	// Text.
	in := h.addFile(admin, "2024-03-03-harbour.txt", "text/plain", []byte(harbourText))
	h.deferred(in, true)
	b := h.finalEdit(in, contains("Added `2024-03-03-harbour`"))
	// The totals are this server's library's: the shared one is not told.
	if !strings.Contains(b.Content, "3 added") || !strings.Contains(b.Content, "3 computed, 0 reused") || !strings.Contains(b.Content, "(1 statements, 3 paragraphs in all)") {
		t.Errorf("add summary: %s", b.Content)
	}
	// PDF, two pages, with a title given in the command.
	pdf := extracttest.PDF{Pages: []string{
		extracttest.TextPage("Fisheries Statement", "", "January 9, 2024 - Halifax - Fisheries Office", "", "The cod quota for the coming season rises by ten", "percent, the ministers agreed."),
		extracttest.TextPage("Salmon rivers in the north stay closed until further notice."),
	}}.Build()
	in = h.addFile(admin, "2024-01-09-fisheries.pdf", "application/pdf", pdf, opt("title", "Fisheries quota statement"))
	h.finalEdit(in, contains("Added `2024-01-09-fisheries`"))
	// HTML.
	in = h.addFile(admin, "bridge.html", "text/html", []byte(harbourHTML))
	h.finalEdit(in, contains("Added `bridge`"))

	// A server admin's statements are the server's own.
	scope := rag.ServerScope(discordtest.GuildID)
	own := func(id string) string { return rag.StatementKey(discordtest.GuildID, id) }
	ix := h.engine.Index().In(scope)
	fish, ok := ix.Statement(own("2024-01-09-fisheries"))
	if !ok || fish.Title != "Fisheries quota statement" || fish.Date != "2024-01-09" || !strings.Contains(fish.Paragraphs[1].Text, "rises by ten percent, the ministers agreed.") {
		t.Errorf("PDF statement = %+v", fish)
	}
	bridge, ok := ix.Statement(own("bridge"))
	if !ok || !strings.HasPrefix(bridge.Title, "Bridge Repairs Announced") || bridge.Date != "2024-04-05" || strings.Contains(bridge.Paragraphs[len(bridge.Paragraphs)-1].Text, "© City Hall") {
		t.Errorf("HTML statement = %+v", bridge)
	}
	for q, want := range map[string]string{
		"What budget did the delegates approve for the harbour?": "four million euros",
		"How much does the cod quota rise?":                      "ten percent",
		"How long will the bridge repairs last?":                 "nine months",
	} {
		a, err := h.engine.Ask(context.Background(), rag.AskRequest{Question: q, Scope: scope})
		if err != nil || !a.Grounded || !strings.Contains(a.Text, want) {
			t.Errorf("Ask(%q) = %+v, %v", q, a, err)
		}
	}

	// Reindex: nothing to embed.
	in = h.adminCommand(admin, cmdReindex, nil)
	b = h.finalEdit(in, contains("Reindexed."))
	if !strings.Contains(b.Content, "0 computed") {
		t.Errorf("reindex summary: %s", b.Content)
	}
	// Remove.
	in = h.adminCommand(admin, cmdStatement, nil, &discordgo.ApplicationCommandInteractionDataOption{
		Name: "remove", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []*discordgo.ApplicationCommandInteractionDataOption{opt("id", "bridge")}})
	h.finalEdit(in, contains("Removed `bridge`"))
	if _, ok := h.engine.Index().In(scope).Statement(own("bridge")); ok {
		t.Error("bridge still indexed")
	}

	// The audit log has every action, by whom.
	recs, err := h.store.ReadAudit(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, rec := range recs {
		if rec.Actor != "discord:8001" || !rec.OK {
			t.Errorf("audit record %+v", rec)
		}
		actions = append(actions, rec.Action)
	}
	if strings.Join(actions, ",") != "add,add,add,reindex,remove" {
		t.Errorf("audited actions = %v", actions)
	}
	h.checkNoPings()
}

func TestAdminRefusals(t *testing.T) {
	h := start(t, func(c *Config, _ *rag.Config) { c.AdminRoleIDs = []string{"777"}; c.MaxUploadBytes = 4096 })
	member := &discordgo.Member{User: &discordgo.User{ID: "8002", Username: "member"}, Permissions: discordgo.PermissionSendMessages}
	in := h.addFile(member, "x.txt", "text/plain", []byte(harbourText))
	h.finalEdit(in, contains("Only this server's admins"))
	in = h.adminCommand(member, cmdReindex, nil)
	h.finalEdit(in, contains("Only this server's admins"))
	// A listed role makes an admin.
	roleAdmin := &discordgo.Member{User: &discordgo.User{ID: "8003"}, Roles: []string{"777"}, Permissions: discordgo.PermissionSendMessages}
	in = h.addFile(roleAdmin, "2024-03-03-harbour.txt", "text/plain", []byte(harbourText))
	h.finalEdit(in, contains("Added"))

	before := h.engine.Index()
	for _, tc := range []struct {
		name, ct string
		data     []byte
		want     string
	}{
		{"empty.txt", "text/plain", nil, "empty"},
		{"big.txt", "text/plain", bytes.Repeat([]byte("a"), 5000), "limit is 4096"},
		{"garbage.txt", "text/plain", []byte("\x00\x01\x02binary\xff"), "binary"},
		{"scan.pdf", "application/pdf", extracttest.PDF{Pages: []string{"q 10 0 0 10 0 0 cm /Im1 Do Q"}, Image: true}.Build(), "no text"},
		{"locked.pdf", "application/pdf", extracttest.PDF{Pages: []string{extracttest.TextPage("secret")}, Encrypt: true, UserPassword: "pw"}.Build(), "password"},
		{"empty.html", "text/html", []byte("<html><body><nav>Home</nav></body></html>"), "no readable"},
		{"2024-03-03-harbour.txt", "text/plain", []byte(harbourText + "\n\nA new line."), "already indexed"},
		{"photo.png", "image/png", []byte("\x89PNG\r\n\x1a\n...."), "image"},
	} {
		in := h.addFile(admin, tc.name, tc.ct, tc.data)
		b := h.finalEdit(in, func(b msgBody) bool { return !strings.HasPrefix(b.Content, "Downloading") && b.Content != "" })
		if !strings.Contains(strings.ToLower(b.Content), strings.ToLower(tc.want)) {
			t.Errorf("%s: reply %q, want it to mention %q", tc.name, b.Content, tc.want)
		}
		if strings.Contains(b.Content, "\n") {
			t.Errorf("%s: reason is not one line: %q", tc.name, b.Content)
		}
	}
	if h.engine.Index() != before {
		t.Error("a refused add changed the index")
	}
}

// TestQuestionsDuringReindex: while a reindex runs, questions are
// answered from the old index, and a second reindex is not refused.
func TestQuestionsDuringReindex(t *testing.T) {
	gate := make(chan struct{})
	entered := make(chan struct{}, 100)
	h := start(t, func(c *Config, _ *rag.Config) {
		c.Library = &gatedLibrary{gate: gate, entered: entered, next: c.Library.(*rag.Library)}
	})
	// On a failure before the gate opens, open it before the bot stops.
	var open sync.Once
	t.Cleanup(func() { open.Do(func() { close(gate) }) })
	in := h.adminCommand(admin, cmdReindex, nil)
	select {
	case <-entered:
	case <-h.ctx().Done():
		t.Fatalf("the reindex did not start embedding\ncalls:\n%s", h.callList())
	}
	q := h.command("ask", opt("question", "What is the EU mission in Iraq called?"))
	h.finalEdit(q, hasSources)
	second := h.adminCommand(admin, cmdReindex, nil)
	open.Do(func() { close(gate) })
	h.finalEdit(in, contains("Reindexed."))
	h.finalEdit(second, contains("Reindexed."))
}

// gatedLibrary is a Library whose Reindex waits on gate before it starts.
type gatedLibrary struct {
	gate    chan struct{}
	entered chan struct{}
	next    *rag.Library
}

func (g *gatedLibrary) Add(ctx context.Context, r []rag.AddRequest, p rag.Progress) (rag.ChangeStats, []string, error) {
	return g.next.Add(ctx, r, p)
}
func (g *gatedLibrary) Remove(ctx context.Context, id string) (rag.ChangeStats, error) {
	return g.next.Remove(ctx, id)
}
func (g *gatedLibrary) Reindex(ctx context.Context, p rag.Progress) (rag.ChangeStats, error) {
	g.wait(ctx)
	return g.next.Reindex(ctx, p)
}
func (g *gatedLibrary) ReindexLibrary(ctx context.Context, library string, p rag.Progress) (rag.ChangeStats, error) {
	g.wait(ctx)
	return g.next.ReindexLibrary(ctx, library, p)
}

func (g *gatedLibrary) wait(ctx context.Context) {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	select {
	case <-g.gate:
	case <-ctx.Done():
	}
}
