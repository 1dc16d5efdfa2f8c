package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/statementbot/statementbot/ingest"
	"github.com/statementbot/statementbot/rag"
	"github.com/statementbot/statementbot/store"
)

// Library changes the corpus (rag.Library). Remove takes a statement key
// (rag.StatementKey).
type Library interface {
	Add(ctx context.Context, reqs []rag.AddRequest, progress rag.Progress) (rag.ChangeStats, []string, error)
	Remove(ctx context.Context, key string) (rag.ChangeStats, error)
	Reindex(ctx context.Context, progress rag.Progress) (rag.ChangeStats, error)
	ReindexLibrary(ctx context.Context, library string, progress rag.Progress) (rag.ChangeStats, error)
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
						{Type: discordgo.ApplicationCommandOptionBoolean, Name: "shared", Description: "Add to the library every server sees (the bot's operators only)"},
					},
				},
				{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Remove a statement",
					Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionString, Name: "id", Description: "Statement id", Required: true, Autocomplete: true, MaxLength: maxIDLength},
						{Type: discordgo.ApplicationCommandOptionBoolean, Name: "shared", Description: "Remove from the library every server sees (the bot's operators only)"},
					},
				},
			},
		},
		{Name: cmdReindex, Description: "Parse this server's statements again (admins; the operators': every statement)", DefaultMemberPermissions: &adminPermissions, DMPermission: &noDM},
	}
}

// audit records a change or a refusal, naming the server it came from.
// The log line at info names no statement of a server's own library (the
// store's audit log does, for the operator): only the shared library's
// statements are named in the log at info.
func (b *Bot) audit(ev *ievent, action string, target []string, summary string, err error) {
	rec := store.AuditRecord{Time: time.Now().UTC(), Actor: "discord:" + ev.user, Guild: ev.i.GuildID, Action: action, Target: target, Summary: summary, OK: err == nil}
	if err != nil {
		rec.Error = err.Error()
	}
	ev.log.Info("audit", "actor", rec.Actor, "guild", rec.Guild, "action", action, "targets", len(target), "ok", rec.OK)
	ev.log.Debug("audit detail", "target", target, "error", rec.Error)
	if b.cfg.Store == nil {
		return
	}
	if werr := b.cfg.Store.AppendAudit(b.ctx, rec); werr != nil && !errors.Is(werr, store.ErrReadOnly) {
		ev.log.Error("audit log write failed", "err", werr)
	}
}

// The refusals of changes, one line each, saying why.
var (
	errNotAdmin     = &rag.InputError{Msg: "Only this server's admins (Manage Server) can change its statements."}
	errNotOperator  = &rag.InputError{Msg: "Only the bot's operators can change the shared library; this server's admins change this server's own statements (leave out the shared option)."}
	errSharedTarget = &rag.InputError{Msg: "That statement is in the shared library, which only the bot's operators can change; this server's admins change this server's own statements only."}
	errNoServer     = &rag.InputError{Msg: "Statements are changed from a server, not a DM."}
)

// changeTarget is the library a /statement command changes and whether
// the member may: the shared library with the shared option (operators
// only), else this server's own (its admins). refusal is nil when allowed.
func (b *Bot) changeTarget(ev *ievent, shared bool) (library string, refusal error) {
	switch {
	case ev.i.GuildID == "":
		return "", errNoServer
	case shared && !b.isOperator(ev.i):
		return "", errNotOperator
	case shared:
		return "", nil
	case !b.isServerAdmin(ev.i):
		return "", errNotAdmin
	}
	return ev.i.GuildID, nil
}

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
	if len(data.Options) == 0 {
		return &rag.InputError{Msg: "Use /statement add or /statement remove."}
	}
	sub := data.Options[0].Name
	opts := options(data.Options)
	library, refusal := b.changeTarget(ev, optBool(opts, "shared"))
	if refusal != nil {
		b.audit(ev, "denied", []string{data.Name + " " + sub}, "", refusal)
		return refusal
	}
	switch sub {
	case "add":
		return b.adminAdd(ctx, ev, data, opts, library)
	case "remove":
		return b.adminRemove(ctx, ev, optString(opts, "id"), library)
	}
	return &rag.InputError{Msg: "Unknown subcommand " + sub}
}

// adminRemove removes the statement ref names from library: a server
// admin's id names the server's own statement first; one that names only
// a shared statement is refused, and one of another server's names
// nothing (its scope does not hold it).
func (b *Bot) adminRemove(ctx context.Context, ev *ievent, ref, library string) error {
	// A reference is an id, or "~" and an id; ids hold no "/". A
	// statement key ("<server>/<id>") names no statement here: made into
	// a key of library it would name another server's.
	if strings.Contains(ref, "/") {
		err := rag.UnknownStatement(ref)
		b.audit(ev, "remove", []string{ref}, "", err)
		return err
	}
	ix := b.indexIn(ev.i.GuildID)
	inLibrary := rag.StatementKey(library, strings.TrimPrefix(ref, rag.ServerPrefix))
	key, ok := ix.Resolve(ref, library == "")
	if library != "" {
		if _, mine := ix.Statement(inLibrary); mine {
			key, ok = inLibrary, true
		}
	}
	if lib, _ := rag.SplitKey(key); ok && lib != library {
		refusal := errSharedTarget
		if lib != "" {
			refusal = &rag.InputError{Msg: "That statement is this server's own; leave out the shared option to remove it."}
		}
		b.audit(ev, "denied", []string{ref}, "", refusal)
		return refusal
	}
	if !ok {
		key = inLibrary
	}
	_ = ev.to.edit(ctx, out{Content: "Removing `" + ref + "`…"})
	stats, err := b.cfg.Library.Remove(ctx, key)
	b.metrics.Change("remove", stats.Duration, err == nil)
	b.audit(ev, "remove", []string{ref}, stats.String(), err)
	if err != nil {
		return err
	}
	return ev.to.edit(ctx, out{Content: fmt.Sprintf("Removed `%s`.\n%s", ref, stats.String())})
}

func (b *Bot) adminAdd(ctx context.Context, ev *ievent, data discordgo.ApplicationCommandInteractionData, opts map[string]*discordgo.ApplicationCommandInteractionDataOption, library string) error {
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
		Library: library,
		Name:    path.Base(att.Filename), Data: body, Replace: optBool(opts, "replace"),
		Meta: rag.Metadata{Title: optString(opts, "title"), Date: optString(opts, "date"), Source: "discord attachment " + att.Filename},
	}
	stats, ids, err := b.cfg.Library.Add(ctx, []rag.AddRequest{req}, b.progressEditor(ctx, ev, "Adding "+att.Filename))
	b.metrics.Change("add", stats.Duration, err == nil)
	b.audit(ev, "add", []string{att.Filename}, stats.String(), err)
	if err != nil {
		return err
	}
	where := "this server's library"
	if library == "" {
		where = "the shared library"
	}
	return ev.to.edit(ctx, out{Content: fmt.Sprintf("Added `%s` to %s.\n%s", strings.Join(ids, "`, `"), where, stats.String())})
}

func (b *Bot) handleReindex(ctx context.Context, ev *ievent) error {
	var stats rag.ChangeStats
	var err error
	switch {
	case b.isOperator(ev.i):
		_ = ev.to.edit(ctx, out{Content: "Reindexing every library…"})
		stats, err = b.cfg.Library.Reindex(ctx, b.progressEditor(ctx, ev, "Reindexing"))
	case b.isServerAdmin(ev.i):
		_ = ev.to.edit(ctx, out{Content: "Reindexing this server's statements…"})
		stats, err = b.cfg.Library.ReindexLibrary(ctx, ev.i.GuildID, b.progressEditor(ctx, ev, "Reindexing"))
	default:
		b.audit(ev, "denied", []string{cmdReindex}, "", errNotAdmin)
		return errNotAdmin
	}
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
