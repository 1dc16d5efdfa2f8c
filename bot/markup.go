package bot

import (
	"regexp"
	"strings"
)

// mentionRE is Discord's mention markup: users <@id> and <@!id>, roles
// <@&id>, channels <#id>, slash commands </name:id>, @everyone and @here.
var mentionRE = regexp.MustCompile(`<(?:@[!&]?|#)\d+>|</[^<>:]+:\d+>|@(?:everyone|here)\b`)

var blanksRE = regexp.MustCompile(`[ \t]{2,}`)

// stripMentions removes mention markup from a question before retrieval:
// it matches nothing in the statements (and pings nobody either way).
func stripMentions(q string) string {
	q = mentionRE.ReplaceAllString(q, " ")
	return strings.TrimSpace(blanksRE.ReplaceAllString(q, " "))
}
