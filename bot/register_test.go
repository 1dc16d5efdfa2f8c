package bot

import (
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/bot/discordtest"
)

// TestRegisterOnlyWhenChanged: a process that finds another set of
// commands registered writes its own, once; a second process (or a
// restart) finding its set as Discord returns it (ids, versions and
// defaults filled in) writes nothing. In a guild and globally.
func TestRegisterOnlyWhenChanged(t *testing.T) {
	for _, scope := range []string{discordtest.GuildID, ""} {
		name := "global"
		if scope != "" {
			name = "guild"
		}
		t.Run(name, func(t *testing.T) {
			fake := discordtest.New(t, discordtest.WithInteractionDeadline(0))
			path := "applications/*/commands"
			if scope != "" {
				path = "applications/*/guilds/" + scope + "/commands"
			}
			count := func(method string) int {
				n := 0
				for _, c := range fake.Calls() {
					if c.Is(method, path) {
						n++
					}
				}
				return n
			}
			// An earlier deploy's set: one description differs.
			old := commandTable(false)
			old[0].Description = "An older description"
			if _, err := fake.Session("Bot test-token").ApplicationCommandBulkOverwrite(discordtest.AppID, scope, old); err != nil {
				t.Fatal(err)
			}
			inScope := func(c *Config) { c.GuildID = scope }
			startShards(t, fake, 1, []int{0}, inScope)
			if got := count("PUT"); got != 2 {
				t.Fatalf("after the first process: %d PUTs, want 2 (the old set's and the new)", got)
			}
			registered, err := fake.Session("Bot test-token").ApplicationCommands(discordtest.AppID, scope)
			if err != nil {
				t.Fatal(err)
			}
			if !sameCommands(commandTable(false), registered, scope != "") {
				t.Fatalf("registered set differs from the table: %+v", registered)
			}
			startShards(t, fake, 1, []int{0}, inScope)
			if got := count("PUT"); got != 2 {
				t.Errorf("a second process found the same set and wrote it again (%d PUTs)", got)
			}
			if got := count("GET"); got != 3 {
				t.Errorf("%d reads of the registered set, want one per process and the test's", got)
			}
		})
	}
}

// TestSameCommands: every field a command shows users counts as a
// change; the order of commands and a choice's number spelling do not.
func TestSameCommands(t *testing.T) {
	withChoices := func() []*discordgo.ApplicationCommand {
		cmds := commandTable(true)
		cmds = append(cmds, &discordgo.ApplicationCommand{Name: "pick", Description: "Pick one", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionInteger, Name: "n", Description: "A number", Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "one", Value: 1}, {Name: "two", Value: 2}}},
		}})
		return cmds
	}
	base := withChoices()
	last := len(base) - 1
	if !sameCommands(base, withChoices(), true) {
		t.Fatal("a table differs from itself")
	}
	reversed := withChoices()
	slices.Reverse(reversed)
	if !sameCommands(base, reversed, false) {
		t.Error("the order of commands counted as a change")
	}
	floats := withChoices()
	floats[last].Options[0].Choices[0].Value = 1.0
	if !sameCommands(base, floats, false) {
		t.Error("choice value 1.0 (as JSON decodes it) counted as a change from 1")
	}
	empty := withChoices() // as Discord may send a command without translations
	none := map[discordgo.Locale]string{}
	empty[last].NameLocalizations, empty[last].DescriptionLocalizations = &none, &none
	empty[last].Options[0].NameLocalizations, empty[last].Options[0].DescriptionLocalizations = none, none
	empty[last].Options[0].ChannelTypes = []discordgo.ChannelType{}
	empty[last].Options[0].Choices[0].NameLocalizations = none
	if !sameCommands(base, empty, false) {
		t.Error("empty translations or channel types counted as a change from none")
	}
	perm := int64(discordgo.PermissionAdministrator)
	for what, change := range map[string]func([]*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand{
		"a command's description": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			c[0].Description += "!"
			return c
		},
		"an option's description": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			c[0].Options[0].Description = "Other"
			return c
		},
		"an option made optional": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			c[0].Options[0].Required = false
			return c
		},
		"an option's type": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			c[0].Options[0].Type = discordgo.ApplicationCommandOptionInteger
			return c
		},
		"a length limit": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			c[0].Options[0].MaxLength++
			return c
		},
		"the options' order": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			slices.Reverse(c[0].Options)
			return c
		},
		"a choice's value": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			c[last].Options[0].Choices[1].Value = "2"
			return c
		},
		"a choice's name": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			c[last].Options[0].Choices[1].Name = "deux"
			return c
		},
		"a subcommand's option": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			for _, cmd := range c {
				if cmd.Name == cmdStatement {
					cmd.Options[0].Options[0].Required = false
				}
			}
			return c
		},
		"the member permissions": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			c[0].DefaultMemberPermissions = &perm
			return c
		},
		"a command gone": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			return c[1:]
		},
		"a command more": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			return append(c, &discordgo.ApplicationCommand{Name: "extra", Description: "More"})
		},
		"a command renamed": func(c []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
			c[0].Name = "question"
			return c
		},
	} {
		if sameCommands(base, change(withChoices()), false) {
			t.Errorf("%s changed, but the sets compare the same", what)
		}
	}
}
