package bot

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/rag"
)

// Command names.
const (
	cmdAsk        = "ask"
	cmdCite       = "cite"
	cmdSearch     = "search"
	cmdSources    = "sources"
	cmdStatements = "statements"
	cmdHelp       = "help"
	cmdAskMessage = "Ask statementbot"
	cmdStatement  = "statement"
	cmdReindex    = "reindex"
	cmdCompare    = "compare"
	cmdTimeline   = "timeline"
)

// maxIDLength bounds statement references typed into options
// (rag.StatementID makes ids of at most 80 characters; a server's own
// statement is named "~" and its id: rag.Ref).
const maxIDLength = 81

// ephemeralCommands answer only the person who asked.
var ephemeralCommands = map[string]bool{cmdSources: true, cmdHelp: true, cmdStatement: true, cmdReindex: true}

// commandTable is every command the bot registers, in one place.
func commandTable(admin bool) []*discordgo.ApplicationCommand {
	one := 1.0
	minLen := 1
	cmds := []*discordgo.ApplicationCommand{
		{
			Name: cmdAsk, Description: "Ask a question; the answer cites the statement's paragraphs",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question", Required: true, MinLength: &minLen, MaxLength: rag.MaxQuestionChars},
				{Type: discordgo.ApplicationCommandOptionString, Name: "statement", Description: "Answer from this statement only", Autocomplete: true, MaxLength: maxIDLength},
			},
		},
		{
			Name: cmdCite, Description: "Show a paragraph of a statement verbatim",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionInteger, Name: "paragraph", Description: "Paragraph number", Required: true, Autocomplete: true, MinValue: &one},
				{Type: discordgo.ApplicationCommandOptionString, Name: "statement", Description: "Which statement (default: the one last cited here)", Autocomplete: true, MaxLength: maxIDLength},
			},
		},
		{
			Name: cmdSearch, Description: "Show the paragraphs that best match a query, verbatim",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "query", Description: "What to look for", Required: true, MinLength: &minLen, MaxLength: rag.MaxQuestionChars},
			},
		},
		{
			Name: cmdCompare, Description: "What changed from one statement to another, paragraph by paragraph",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "old", Description: "The earlier statement", Required: true, Autocomplete: true, MaxLength: maxIDLength},
				{Type: discordgo.ApplicationCommandOptionString, Name: "new", Description: "The later statement", Required: true, Autocomplete: true, MaxLength: maxIDLength},
			},
		},
		{
			Name: cmdTimeline, Description: "What each statement said about a topic, oldest first",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "topic", Description: "The topic, e.g. foreign terrorist fighters", Required: true, MinLength: &minLen, MaxLength: rag.MaxQuestionChars},
			},
		},
		{Name: cmdSources, Description: "The paragraphs behind my last answer here, verbatim (only you see them)"},
		{Name: cmdStatements, Description: "List the statements I can answer from"},
		{Name: cmdHelp, Description: "How to use statementbot"},
		{Name: cmdAskMessage, Type: discordgo.MessageApplicationCommand},
	}
	if admin {
		cmds = append(cmds, adminCommands()...)
	}
	return cmds
}

// options flattens a command's options (descending into a subcommand).
func options(opts []*discordgo.ApplicationCommandInteractionDataOption) map[string]*discordgo.ApplicationCommandInteractionDataOption {
	m := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range opts {
		if o.Type == discordgo.ApplicationCommandOptionSubCommand {
			for k, v := range options(o.Options) {
				m[k] = v
			}
			continue
		}
		m[o.Name] = o
	}
	return m
}

// optString reads an option as text, whatever its wire type.
func optString(m map[string]*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	o, ok := m[name]
	if !ok || o.Value == nil {
		return ""
	}
	switch v := o.Value.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(o.Value)
}

// optInt reads an integer option; ok is false when absent or not a whole
// number (autocomplete sends what the user typed).
func optInt(m map[string]*discordgo.ApplicationCommandInteractionDataOption, name string) (int, bool) {
	o, ok := m[name]
	if !ok || o.Value == nil {
		return 0, false
	}
	switch v := o.Value.(type) {
	case float64:
		if v == math.Trunc(v) && v >= math.MinInt32 && v <= math.MaxInt32 {
			return int(v), true
		}
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "¶")))
		return n, err == nil
	}
	return 0, false
}

func optBool(m map[string]*discordgo.ApplicationCommandInteractionDataOption, name string) bool {
	o, ok := m[name]
	if !ok {
		return false
	}
	v, _ := o.Value.(bool)
	return v
}

const helpText = `**statementbot** answers questions about official statements from their own paragraphs. Every sentence of an answer ends with a citation like [1]; the **Sources** list says which statement and paragraph (¶) it comes from, and the buttons under the answer show each paragraph verbatim.

**Commands**
/ask question — ask; add statement: to answer from one statement only
/cite paragraph — a paragraph verbatim (statement: which one)
/search query — the best-matching paragraphs, verbatim, no summary
/compare old new — what changed from one statement to the next, each change with its ¶ numbers
/timeline topic — what each statement said about a topic, oldest first
/sources — the paragraphs behind my last answer here (only you see them)
/statements — what I can answer from
Right-click a message → Apps → **Ask statementbot** — ask the message as a question

**Conversation**
Mention me in a channel and I answer in a thread; reply there (mention me or reply to my message) to follow up. DMs work too.

If the statements do not cover a question, I say so and show the closest paragraphs instead of guessing.`
