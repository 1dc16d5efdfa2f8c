package discordtest

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord's message limits (characters are counted as Unicode code points).
const (
	MaxContentLength    = 2000
	MaxEmbeds           = 10
	MaxEmbedTotal       = 6000
	MaxEmbedTitle       = 256
	MaxEmbedDescription = 4096
	MaxEmbedFields      = 25
	MaxEmbedFieldName   = 256
	MaxEmbedFieldValue  = 1024
	MaxEmbedFooter      = 2048
	MaxEmbedAuthorName  = 256
	MaxActionRows       = 5
)

func tooLong(field string, limit int) *response {
	r := formError(field, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", limit))
	return &r
}

// validateMessage applies Discord's rules for a message's final state.
// other reports stickers or a poll, which make a message non-empty.
func validateMessage(m *discordgo.Message, other bool) *response {
	if m.Content == "" && len(m.Embeds) == 0 && len(m.Components) == 0 && len(m.Attachments) == 0 && !other &&
		m.Flags&discordgo.MessageFlagsLoading == 0 {
		r := errResp(400, 50006, "Cannot send an empty message")
		return &r
	}
	if utf8.RuneCountInString(m.Content) > MaxContentLength {
		return tooLong("content", MaxContentLength)
	}
	if len(m.Embeds) > MaxEmbeds {
		r := formError("embeds", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length.", MaxEmbeds))
		return &r
	}
	if len(m.Components) > MaxActionRows {
		r := formError("components", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", MaxActionRows))
		return &r
	}
	total := 0
	count := func(s string) int {
		n := utf8.RuneCountInString(s)
		total += n
		return n
	}
	for i, e := range m.Embeds {
		if e == nil {
			continue
		}
		f := fmt.Sprintf("embeds.%d.", i)
		if count(e.Title) > MaxEmbedTitle {
			return tooLong(f+"title", MaxEmbedTitle)
		}
		if count(e.Description) > MaxEmbedDescription {
			return tooLong(f+"description", MaxEmbedDescription)
		}
		if e.Footer != nil && count(e.Footer.Text) > MaxEmbedFooter {
			return tooLong(f+"footer.text", MaxEmbedFooter)
		}
		if e.Author != nil && count(e.Author.Name) > MaxEmbedAuthorName {
			return tooLong(f+"author.name", MaxEmbedAuthorName)
		}
		if len(e.Fields) > MaxEmbedFields {
			r := formError(f+"fields", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", MaxEmbedFields))
			return &r
		}
		for j, fl := range e.Fields {
			if fl == nil {
				continue
			}
			ff := fmt.Sprintf("%sfields.%d.", f, j)
			if fl.Name == "" {
				r := formError(ff+"name", "BASE_TYPE_REQUIRED", "This field is required")
				return &r
			}
			if fl.Value == "" {
				r := formError(ff+"value", "BASE_TYPE_REQUIRED", "This field is required")
				return &r
			}
			if count(fl.Name) > MaxEmbedFieldName {
				return tooLong(ff+"name", MaxEmbedFieldName)
			}
			if count(fl.Value) > MaxEmbedFieldValue {
				return tooLong(ff+"value", MaxEmbedFieldValue)
			}
		}
	}
	if total > MaxEmbedTotal {
		r := formError("embeds", "MAX_EMBED_SIZE_EXCEEDED", fmt.Sprintf("Embed size exceeds maximum size of %d", MaxEmbedTotal))
		return &r
	}
	return nil
}

var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)

// validateCommands applies Discord's rules for application command
// definitions (names, descriptions, option counts and order).
func validateCommands(cmds []*discordgo.ApplicationCommand) *response {
	if len(cmds) > 100 {
		r := formError("_", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
		return &r
	}
	seen := map[string]bool{}
	for i, c := range cmds {
		if c == nil {
			r := formError(fmt.Sprint(i), "BASE_TYPE_REQUIRED", "This field is required")
			return &r
		}
		p := fmt.Sprintf("%d.", i)
		chat := c.Type == 0 || c.Type == discordgo.ChatApplicationCommand
		if chat {
			if r := validateName(p+"name", c.Name); r != nil {
				return r
			}
			if r := validateDescription(p+"description", c.Description); r != nil {
				return r
			}
		} else if n := utf8.RuneCountInString(c.Name); n < 1 || n > 32 {
			r := formError(p+"name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
			return &r
		}
		key := fmt.Sprintf("%d/%s", max(c.Type, 1), c.Name)
		if seen[key] {
			r := formError(p+"name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
			return &r
		}
		seen[key] = true
		if r := validateOptions(p+"options", c.Options); r != nil {
			return r
		}
	}
	return nil
}

func validateName(field, name string) *response {
	if !commandName.MatchString(name) {
		r := formError(field, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
		return &r
	}
	if strings.ToLower(name) != name {
		r := formError(field, "APPLICATION_COMMAND_INVALID_NAME", "Command name must be lowercase")
		return &r
	}
	return nil
}

func validateDescription(field, d string) *response {
	if n := utf8.RuneCountInString(d); n < 1 || n > 100 {
		r := formError(field, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		return &r
	}
	return nil
}

func validateOptions(field string, opts []*discordgo.ApplicationCommandOption) *response {
	if len(opts) > 25 {
		r := formError(field, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
		return &r
	}
	seen := map[string]bool{}
	optional := false
	for i, o := range opts {
		p := fmt.Sprintf("%s.%d.", field, i)
		if o == nil {
			r := formError(p[:len(p)-1], "BASE_TYPE_REQUIRED", "This field is required")
			return &r
		}
		if r := validateName(p+"name", o.Name); r != nil {
			return r
		}
		if r := validateDescription(p+"description", o.Description); r != nil {
			return r
		}
		if seen[o.Name] {
			r := formError(p+"name", "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME", "Command option names must be unique")
			return &r
		}
		seen[o.Name] = true
		if o.Required && optional {
			r := formError(p+"required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options")
			return &r
		}
		if !o.Required {
			optional = true
		}
		if len(o.Choices) > 25 {
			r := formError(p+"choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
			return &r
		}
		if o.Autocomplete && len(o.Choices) > 0 {
			r := formError(p+"autocomplete", "AUTOCOMPLETE_CHOICES_INVALID", "Autocomplete cannot be set with choices")
			return &r
		}
		if r := validateOptions(p+"options", o.Options); r != nil {
			return r
		}
	}
	return nil
}
