package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/store"
)

// Library changes the corpus (rag.Library).
type Library interface {
	Add(ctx context.Context, reqs []rag.AddRequest, progress rag.Progress) (rag.ChangeStats, []string, error)
	Remove(ctx context.Context, id string) (rag.ChangeStats, error)
	Reindex(ctx context.Context, progress rag.Progress) (rag.ChangeStats, error)
}

// adminPermissions may run the admin commands (the default Discord shows
// them to; the bot checks again on every call).
var adminPermissions int64 = discordgo.PermissionManageGuild

func adminCommands() []*discordgo.ApplicationCommand {
	noDM := false
	return []*discordgo.ApplicationCommand{
		{
			Name: cmdStatement, Description: "Add or remove statements (admins)",
			DefaultMemberPermissions: &adminPermissions, DMPermission: &noDM,
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Add a statement from a .txt, .md, .pdf or .html file",
					Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "The statement file", Required: true},
						{Type: discordgo.ApplicationCommandOptionString, Name: "title", Description: "Title (default: from the file)", MaxLength: 200},
						{Type: discordgo.ApplicationCommandOptionString, Name: "date", Description: "Date, e.g. 2024-05-01 (default: from the file)", MaxLength: 40},
						{Type: discordgo.ApplicationCommandOptionBoolean, Name: "replace", Description: "Replace a statement with the same id"},
					},
				},
				{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Remove a statement",
					Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionString, Name: "id", Description: "Statement id", Required: true, Autocomplete: true, MaxLength: maxIDLength},
					},
				},
			},
		},
		{Name: cmdReindex, Description: "Rebuild the index (admins)", DefaultMemberPermissions: &adminPermissions, DMPermission: &noDM},
	}
}

// isAdmin checks on the server side: Manage Server or Administrator in this
// guild, or listed in ADMIN_USER_IDS / ADMIN_ROLE_IDS.
func (b *Bot) isAdmin(i *discordgo.Interaction) bool {
	user := interactionUser(i)
	if slices.Contains(b.cfg.AdminUserIDs, user.ID) {
		return true
	}
	if i.Member == nil || i.GuildID == "" {
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

func (b *Bot) audit(ev *ievent, action string, target []string, summary string, err error) {
	rec := store.AuditRecord{Time: time.Now().UTC(), Actor: "discord:" + ev.user, Guild: ev.i.GuildID, Action: action, Target: target, Summary: summary, OK: err == nil}
	if err != nil {
		rec.Error = err.Error()
	}
	ev.log.Info("audit", "actor", rec.Actor, "action", action, "target", target, "ok", rec.OK, "error", rec.Error)
	if b.cfg.Store == nil {
		return
	}
	if werr := b.cfg.Store.AppendAudit(b.ctx, rec); werr != nil && !errors.Is(werr, store.ErrReadOnly) {
		ev.log.Error("audit log write failed", "err", werr)
	}
}

var errNotAdmin = &rag.InputError{Msg: "Only server admins (Manage Server) can change the statements."}

// progressEditor edits the reply with embedding progress, at most once per
// edit interval.
func (b *Bot) progressEditor(ctx context.Context, ev *ievent, verb string) rag.Progress {
	var mu sync.Mutex
	var last time.Time
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if done < total && time.Since(last) < b.cfg.EditInterval {
			return
		}
		last = time.Now()
		_ = ev.to.edit(ctx, out{Content: fmt.Sprintf("%s: embedding %d/%d paragraphs…", verb, done, total)})
	}
}

func (b *Bot) handleStatementAdmin(ctx context.Context, ev *ievent) error {
	data := ev.i.ApplicationCommandData()
	if !b.isAdmin(ev.i) {
		b.audit(ev, "denied", []string{data.Name}, "", errNotAdmin)
		return errNotAdmin
	}
	if len(data.Options) == 0 {
		return &rag.InputError{Msg: "Use /statement add or /statement remove."}
	}
	sub := data.Options[0].Name
	opts := options(data.Options)
	switch sub {
	case "add":
		return b.adminAdd(ctx, ev, data, opts)
	case "remove":
		id := optString(opts, "id")
		_ = ev.to.edit(ctx, out{Content: "Removing `" + id + "`…"})
		stats, err := b.cfg.Library.Remove(ctx, id)
		b.metrics.Change("remove", stats.Duration, err == nil)
		b.audit(ev, "remove", []string{id}, stats.String(), err)
		if err != nil {
			return err
		}
		return ev.to.edit(ctx, out{Content: fmt.Sprintf("Removed `%s`.\n%s", id, stats.String())})
	}
	return &rag.InputError{Msg: "Unknown subcommand " + sub}
}

func (b *Bot) adminAdd(ctx context.Context, ev *ievent, data discordgo.ApplicationCommandInteractionData, opts map[string]*discordgo.ApplicationCommandInteractionDataOption) error {
	attID := optString(opts, "file")
	var att *discordgo.MessageAttachment
	if data.Resolved != nil {
		att = data.Resolved.Attachments[attID]
	}
	if att == nil {
		return &rag.InputError{Msg: "Attach the statement file (.txt, .md, .pdf or .html)."}
	}
	if int64(att.Size) > b.cfg.MaxUploadBytes {
		err := &rag.InputError{Msg: fmt.Sprintf("%s is %d bytes; the limit is %d. Split it or trim it.", att.Filename, att.Size, b.cfg.MaxUploadBytes)}
		b.audit(ev, "add", []string{att.Filename}, "", err)
		return err
	}
	if err := ingest.CheckDate(optString(opts, "date")); err != nil {
		b.audit(ev, "add", []string{att.Filename}, "", err)
		return err
	}
	_ = ev.to.edit(ctx, out{Content: "Downloading " + att.Filename + "…"})
	dctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	body, err := b.cfg.Download(dctx, att.URL, b.cfg.MaxUploadBytes)
	cancel()
	if err != nil {
		b.audit(ev, "add", []string{att.Filename}, "", err)
		return err
	}
	req := rag.AddRequest{
		Name: path.Base(att.Filename), Data: body, Replace: optBool(opts, "replace"),
		Meta: rag.Metadata{Title: optString(opts, "title"), Date: optString(opts, "date"), Source: "discord attachment " + att.Filename},
	}
	stats, ids, err := b.cfg.Library.Add(ctx, []rag.AddRequest{req}, b.progressEditor(ctx, ev, "Adding "+att.Filename))
	b.metrics.Change("add", stats.Duration, err == nil)
	b.audit(ev, "add", []string{att.Filename}, stats.String(), err)
	if err != nil {
		return err
	}
	return ev.to.edit(ctx, out{Content: fmt.Sprintf("Added `%s`.\n%s", strings.Join(ids, "`, `"), stats.String())})
}

func (b *Bot) handleReindex(ctx context.Context, ev *ievent) error {
	if !b.isAdmin(ev.i) {
		b.audit(ev, "denied", []string{cmdReindex}, "", errNotAdmin)
		return errNotAdmin
	}
	_ = ev.to.edit(ctx, out{Content: "Reindexing…"})
	stats, err := b.cfg.Library.Reindex(ctx, b.progressEditor(ctx, ev, "Reindexing"))
	b.metrics.Change("reindex", stats.Duration, err == nil)
	b.audit(ev, "reindex", nil, stats.String(), err)
	if err != nil {
		return err
	}
	return ev.to.edit(ctx, out{Content: "Reindexed.\n" + stats.String()})
}

// httpDownload fetches attachments with the session's HTTP client (so a
// proxy or test transport applies), refusing more than limit bytes.
func httpDownload(s *discordgo.Session) func(ctx context.Context, url string, limit int64) ([]byte, error) {
	return func(ctx context.Context, url string, limit int64) ([]byte, error) {
		client := http.DefaultClient
		if s != nil && s.Client != nil {
			client = s.Client
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return nil, &rag.InputError{Msg: "Downloading the attachment timed out; try again."}
			}
			return nil, fmt.Errorf("downloading attachment: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("downloading attachment: HTTP %d", resp.StatusCode)
		}
		if resp.ContentLength > limit {
			return nil, &rag.InputError{Msg: fmt.Sprintf("The attachment is %d bytes; the limit is %d.", resp.ContentLength, limit)}
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
		if err != nil {
			return nil, fmt.Errorf("downloading attachment: %w", err)
		}
		if int64(len(data)) > limit {
			return nil, &rag.InputError{Msg: fmt.Sprintf("The attachment is over the %d-byte limit.", limit)}
		}
		return data, nil
	}
}
