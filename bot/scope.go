package bot

import (
	"slices"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/rag"
)

// Servers and their libraries. A question asked in a server (or one of
// its threads) is answered from the shared library and that server's own
// (rag.Scope); one asked in a DM from the shared library only. Everything
// the bot remembers of an answer (/sources, citation buttons, feedback)
// names the server it was given in and is shown there only.
//
// People and buttons name statements by rag.Ref: a shared statement by
// its id, the server's own by "~" and its id (a plain id typed into an
// option finds the server's own when the shared library has no statement
// of that id). A citation button carries the
// Ref, not the server: clicked in another server it resolves in that
// server's scope, where the statement is not, and shows nothing.

// indexIn is the live index as seen from guild ("": a DM).
func (b *Bot) indexIn(guild string) *rag.Index {
	return b.cfg.Answerer.Index().In(rag.ServerScope(guild))
}

// resolve is the key of the statement a person named ref in ix's scope,
// or the InputError of an unknown statement.
func resolve(ix *rag.Index, ref string) (string, error) {
	key, ok := ix.Resolve(ref, false)
	if !ok {
		return "", rag.UnknownStatement(ref)
	}
	return key, nil
}

// ownMarker marks a server's own statement where statements are listed.
const ownMarker = "🏠"

// statementName is how a statement is shown: its Ref, marked when it is
// the server's own.
func statementName(key string) string {
	if lib, _ := rag.SplitKey(key); lib != "" {
		return rag.Ref(key) + " " + ownMarker
	}
	return rag.Ref(key)
}

// isServerAdmin: Manage Server or Administrator in this guild, or a role
// of ADMIN_ROLE_IDS, or a user of ADMIN_USER_IDS. Such a member changes
// this server's own library.
func (b *Bot) isServerAdmin(i *discordgo.Interaction) bool {
	if i.GuildID == "" {
		return false
	}
	if slices.Contains(b.cfg.AdminUserIDs, interactionUser(i).ID) {
		return true
	}
	if i.Member == nil {
		return false
	}
	if i.Member.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0 {
		return true
	}
	for _, r := range i.Member.Roles {
		if slices.Contains(b.cfg.AdminRoleIDs, r) {
			return true
		}
	}
	return false
}

// isOperator may change the shared library: a user of ADMIN_USER_IDS, or
// an admin of a server of OPERATOR_GUILD_IDS (the operator's own).
func (b *Bot) isOperator(i *discordgo.Interaction) bool {
	if slices.Contains(b.cfg.AdminUserIDs, interactionUser(i).ID) {
		return true
	}
	return i.GuildID != "" && slices.Contains(b.cfg.OperatorGuildIDs, i.GuildID) && b.isServerAdmin(i)
}
