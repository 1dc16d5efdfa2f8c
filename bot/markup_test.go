package bot

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
)

func TestStripMentions(t *testing.T) {
	for in, want := range map[string]string{
		"<@1200000000000000002> What is ISIS-K?":            "What is ISIS-K?",
		"<@!42> @everyone What did <@&777> say in <#9000>?": "What did say in ?",
		"@here  which   countries joined?":                  "which countries joined?",
		"Use </ask:1234> for <@42>'s question":              "Use for 's question",
		"What is the EU mission in Iraq called?":            "What is the EU mission in Iraq called?",
		"@everyone <@&1> <#2>":                              "",
		"mail me at a@b.org, not <@x> or <#general>":        "mail me at a@b.org, not <@x> or <#general>",
		"line one\n<@1> line two":                           "line one\n line two",
	} {
		if got := stripMentions(in); got != want {
			t.Errorf("stripMentions(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMentionMarkupNotRetrieved: mention markup in a slash question or a
// mention is not part of the question the bot answers and remembers.
func TestMentionMarkupNotRetrieved(t *testing.T) {
	h := start(t)
	in := h.command("ask", opt("question", "<@&777> @everyone What is ISIS-K? <#9000> <@123456789012345678>"))
	h.finalEdit(in, hasSources)
	src := h.command("sources")
	h.finalEdit(src, func(b msgBody) bool { return strings.Contains(b.Content, "to “What is ISIS-K?”:") })

	m, err := h.fake.DispatchMessage(&discordgo.Message{
		ChannelID: discordtest.ChannelID, GuildID: discordtest.GuildID,
		Content:  "<@" + discordtest.BotUserID + "> @here <@42> What is the EU mission in Iraq called?",
		Mentions: []*discordgo.User{{ID: discordtest.BotUserID}, {ID: "42"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := h.waitCall(func(c discordtest.Call) bool { return c.Is("POST", "channels/*/messages/"+m.ID+"/threads") })
	var th struct{ Name string }
	if err := c.Decode(&th); err != nil || th.Name != "What is the EU mission in Iraq called?" {
		t.Errorf("thread name %q (%v), want the question without mentions", th.Name, err)
	}
	h.waitForMessage(m.ID, "EUAM", "")
	h.checkNoPings()
}
