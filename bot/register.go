package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// registerOnce registers the commands unless Process.NoRegister leaves
// them to another process.
func (b *Bot) registerOnce(ctx context.Context) error {
	if b.cfg.Process.NoRegister {
		b.log.Info("commands left to the process that registers them")
		return nil
	}
	return b.register(ctx)
}

// register makes the application's commands (in the configured guild, or
// global) the command table, idempotently: it reads the registered set
// and overwrites it, in one bulk call, only when it differs from the
// table. Processes of one deploy, or a restart, that find the same set do
// not write it again (a write would count against Discord's daily command
// creations and, for global commands, make clients refetch them).
func (b *Bot) register(ctx context.Context) error {
	_, appID := b.ids()
	cmds := commandTable(b.cfg.Library != nil)
	var current []*discordgo.ApplicationCommand
	err := withRetry(ctx, func() error {
		var err error
		current, err = b.s.ApplicationCommands(appID, b.cfg.GuildID, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		return fmt.Errorf("reading the registered commands: %w", err)
	}
	if sameCommands(cmds, current, b.cfg.GuildID != "") {
		b.log.Info("commands already registered as they are", "commands", len(cmds), "guild", b.cfg.GuildID)
		return nil
	}
	err = withRetry(ctx, func() error {
		_, err := b.s.ApplicationCommandBulkOverwrite(appID, b.cfg.GuildID, cmds, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		return fmt.Errorf("registering commands: %w", err)
	}
	b.log.Info("commands registered", "commands", len(cmds), "was", len(current), "guild", b.cfg.GuildID)
	return nil
}

// sameCommands reports whether the registered set has exactly the
// commands of want (in any order) with the same shape: type, names,
// descriptions and their translations, permissions, contexts, and
// options with their types, flags, limits and choices in order. Fields
// Discord fills in (ids, versions, defaults) are compared as Discord's
// defaults where want leaves them unset. In a guild (guild true) the DM
// permission does not apply and is not compared.
func sameCommands(want, got []*discordgo.ApplicationCommand, guild bool) bool {
	if len(want) != len(got) {
		return false
	}
	byKey := map[string]*discordgo.ApplicationCommand{}
	for _, c := range got {
		byKey[commandKey(c)] = c
	}
	if len(byKey) != len(got) {
		return false // the same command twice: not a set we wrote
	}
	for _, w := range want {
		g, ok := byKey[commandKey(w)]
		if !ok || !bytes.Equal(commandShape(w, w, guild), commandShape(g, w, guild)) {
			return false
		}
	}
	return true
}

// commandKey names a command within its application: type and name.
func commandKey(c *discordgo.ApplicationCommand) string {
	t := c.Type
	if t == 0 {
		t = discordgo.ChatApplicationCommand
	}
	return strconv.Itoa(int(t)) + "/" + c.Name
}

// cmdShape is what sameCommands compares of a command. An empty map or
// list is omitted, as an absent one is: Discord may send either.
type cmdShape struct {
	Type             discordgo.ApplicationCommandType
	Name             string
	NameLoc          map[discordgo.Locale]string `json:",omitempty"`
	Description      string
	DescriptionLoc   map[discordgo.Locale]string `json:",omitempty"`
	MemberPerms      *int64
	DMPermission     bool
	NSFW             bool
	Contexts         *[]discordgo.InteractionContextType
	IntegrationTypes *[]discordgo.ApplicationIntegrationType
	Options          []optShape
}

type optShape struct {
	Type           discordgo.ApplicationCommandOptionType
	Name           string
	NameLoc        map[discordgo.Locale]string `json:",omitempty"`
	Description    string
	DescriptionLoc map[discordgo.Locale]string `json:",omitempty"`
	ChannelTypes   []discordgo.ChannelType     `json:",omitempty"`
	Required       bool
	Autocomplete   bool
	Choices        []choiceShape
	MinValue       *float64
	MaxValue       float64
	MinLength      int
	MaxLength      int
	Options        []optShape
}

type choiceShape struct {
	Name    string
	NameLoc map[discordgo.Locale]string `json:",omitempty"`
	Value   string                      // the value's JSON: 1 and 1.0 alike, "1" apart
}

// commandShape is c's comparable form as JSON. like is the command as this
// bot defines it: contexts and integration types it leaves unset are
// Discord's to choose and not compared; nor is the DM permission of a
// guild's command (guild true).
func commandShape(c, like *discordgo.ApplicationCommand, guild bool) []byte {
	s := cmdShape{
		Type: c.Type, Name: c.Name, NameLoc: locs(c.NameLocalizations),
		Description: c.Description, DescriptionLoc: locs(c.DescriptionLocalizations),
		MemberPerms: c.DefaultMemberPermissions, DMPermission: c.DMPermission == nil || *c.DMPermission,
		NSFW: c.NSFW != nil && *c.NSFW, Options: optShapes(c.Options),
	}
	if s.Type == 0 {
		s.Type = discordgo.ChatApplicationCommand
	}
	if guild {
		s.DMPermission = true
	}
	if like.Contexts != nil {
		s.Contexts = c.Contexts
	}
	if like.IntegrationTypes != nil {
		s.IntegrationTypes = c.IntegrationTypes
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("bot: command shape: %v", err)) // plain data always marshals
	}
	return b
}

func optShapes(opts []*discordgo.ApplicationCommandOption) []optShape {
	var out []optShape
	for _, o := range opts {
		s := optShape{
			Type: o.Type, Name: o.Name, NameLoc: o.NameLocalizations,
			Description: o.Description, DescriptionLoc: o.DescriptionLocalizations,
			ChannelTypes: o.ChannelTypes, Required: o.Required, Autocomplete: o.Autocomplete,
			MinValue: o.MinValue, MaxValue: o.MaxValue, MaxLength: o.MaxLength,
			Options: optShapes(o.Options),
		}
		if o.MinLength != nil {
			s.MinLength = *o.MinLength
		}
		for _, c := range o.Choices {
			v, _ := json.Marshal(c.Value)
			var n float64
			if json.Unmarshal(v, &n) == nil {
				v = []byte(strconv.FormatFloat(n, 'g', -1, 64))
			}
			s.Choices = append(s.Choices, choiceShape{Name: c.Name, NameLoc: c.NameLocalizations, Value: string(v)})
		}
		out = append(out, s)
	}
	return out
}

func locs(m *map[discordgo.Locale]string) map[discordgo.Locale]string {
	if m == nil {
		return nil
	}
	return *m
}
