package discordtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// response is what a route handler answers.
type response struct {
	status   int
	body     any // JSON-encoded; nil means no body
	header   http.Header
	unrouted bool // no route matched
}

// apiError is Discord's JSON error body.
type apiError struct {
	Message string `json:"message"`
	Code    int    `json:"code"`
	Errors  any    `json:"errors,omitempty"`
}

func ok(body any) response { return response{status: http.StatusOK, body: body} }

func noContent() response { return response{status: http.StatusNoContent} }

func errResp(status, code int, msg string) response {
	return response{status: status, body: apiError{Message: msg, Code: code}}
}

func notFound() response {
	r := errResp(http.StatusNotFound, 0, "404: Not Found")
	r.unrouted = true
	return r
}

func unknownMessage() response { return errResp(http.StatusNotFound, 10008, "Unknown Message") }

func unknownWebhook() response { return errResp(http.StatusNotFound, 10015, "Unknown Webhook") }

// formError is a 400 Invalid Form Body (code 50035) for field, a dotted
// path such as "content" or "embeds.0.description".
func formError(field, code, msg string) response {
	var errs any = map[string]any{"_errors": []map[string]string{{"code": code, "message": msg}}}
	parts := strings.Split(field, ".")
	for i := len(parts) - 1; i >= 0; i-- {
		errs = map[string]any{parts[i]: errs}
	}
	return response{status: http.StatusBadRequest, body: apiError{Message: "Invalid Form Body", Code: 50035, Errors: errs}}
}

// event is a gateway dispatch caused by a REST call (message echo).
type event struct {
	t    string
	data any
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway" || strings.HasPrefix(r.URL.Path, "/gateway/") {
		s.serveGateway(w, r)
		return
	}
	data, err := io.ReadAll(r.Body)
	call := Call{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Time:   time.Now(),
	}
	var resp response
	var events []event
	if err != nil {
		resp = errResp(http.StatusBadRequest, 0, "400: Bad Request")
	} else if call.Body, call.Files, err = parseBody(r.Header.Get("Content-Type"), data); err != nil {
		resp = errResp(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
	} else {
		r.Body = io.NopCloser(bytes.NewReader(data))
		if f := s.takeFault(r); f != nil {
			resp = f.response()
		} else {
			resp, events = s.route(&call)
		}
	}
	call.Status = resp.status
	s.record(call)
	if resp.unrouted {
		s.tb.Logf("discordtest: no route for %s %s (answered 404)", r.Method, r.URL.Path)
	}
	for _, e := range events {
		_ = s.DispatchEvent(e.t, e.data) // no gateway client is fine
	}
	writeResponse(w, resp)
}

func writeResponse(w http.ResponseWriter, resp response) {
	h := w.Header()
	// Benign rate-limit headers so discordgo's buckets never wait.
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "4")
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(time.Second).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", "1.000")
	h.Set("X-RateLimit-Bucket", "discordtest")
	for k, v := range resp.header {
		h[k] = v
	}
	if f, ok := resp.body.(file); ok {
		h.Set("Content-Type", f.contentType)
		w.WriteHeader(resp.status)
		_, _ = w.Write(f.data)
		return
	}
	if resp.body == nil {
		w.WriteHeader(resp.status)
		return
	}
	b, err := json.Marshal(resp.body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(resp.status)
	_, _ = w.Write(b)
}

// parseBody returns the JSON body, taking it from payload_json for
// multipart requests, and any uploaded files.
func parseBody(contentType string, data []byte) (json.RawMessage, []File, error) {
	if len(data) == 0 {
		return nil, nil, nil
	}
	mt, params, _ := mime.ParseMediaType(contentType)
	if mt != "multipart/form-data" {
		if !json.Valid(data) {
			return nil, nil, errors.New("discordtest: body is not JSON")
		}
		return json.RawMessage(data), nil, nil
	}
	mr := multipart.NewReader(bytes.NewReader(data), params["boundary"])
	var body json.RawMessage
	var files []File
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("discordtest: read multipart body: %w", err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, fmt.Errorf("discordtest: read multipart part: %w", err)
		}
		if p.FormName() == "payload_json" {
			if !json.Valid(b) {
				return nil, nil, errors.New("discordtest: payload_json is not JSON")
			}
			body = b
			continue
		}
		files = append(files, File{
			Field: p.FormName(), Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: b,
		})
	}
	return body, files, nil
}

// route handles one REST call. It returns the response and any gateway
// events the call causes.
func (s *Server) route(c *Call) (response, []event) {
	p := c.Path
	if strings.HasPrefix(p, "/attachments/") {
		if c.Method != http.MethodGet {
			return notFound(), nil
		}
		s.mu.Lock()
		f, found := s.files[p]
		s.mu.Unlock()
		if !found {
			return notFound(), nil
		}
		return response{status: http.StatusOK, body: f}, nil
	}
	rest, found := strings.CutPrefix(p, "/api/v9/")
	if !found {
		return notFound(), nil
	}
	segs := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	public := segs[0] == "webhooks" || segs[0] == "interactions" || rest == "gateway"
	if !public && c.Header.Get("Authorization") == "" {
		return errResp(http.StatusUnauthorized, 0, "401: Unauthorized"), nil
	}
	if segs[0] == "webhooks" && len(segs) >= 3 {
		s.awaitResponse(segs[2])
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	resp, events := s.routeLocked(c, segs)
	// Encode while holding the lock: bodies may point into the fake's state.
	if resp.body != nil {
		if _, isFile := resp.body.(file); !isFile {
			b, err := json.Marshal(toWire(resp.body))
			if err != nil {
				return errResp(http.StatusInternalServerError, 0, "discordtest: encode response: "+err.Error()), nil
			}
			resp.body = json.RawMessage(b)
		}
	}
	return resp, events
}

// routeLocked dispatches on method and path segments (after /api/v9/).
// s.mu is held.
func (s *Server) routeLocked(c *Call, segs []string) (response, []event) {
	var a []string
	is := func(method string, pattern ...string) bool {
		if c.Method != method || len(segs) != len(pattern) {
			return false
		}
		a = a[:0]
		for i, want := range pattern {
			switch {
			case want == "*":
				a = append(a, segs[i])
			case want != segs[i]:
				return false
			}
		}
		return true
	}
	const (
		get, post, put, patch, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	)
	switch {
	case is(get, "gateway"):
		return ok(map[string]any{"url": s.GatewayURL()}), nil
	case is(get, "gateway", "bot"):
		return ok(map[string]any{
			"url": s.GatewayURL(), "shards": s.cfg.shards,
			"session_start_limit": map[string]int{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
		}), nil

	case is(get, "users", "@me"):
		return ok(botUser()), nil
	case is(get, "users", "*"):
		return s.getUser(a[0]), nil
	case is(post, "users", "@me", "channels"):
		return s.createDM(c), nil
	case is(get, "applications", "@me"), is(get, "oauth2", "applications", "@me"):
		// The second is "Get Current Bot Application Information", which
		// discordgo's Session.Application("@me") calls.
		return ok(map[string]any{"id": AppID, "name": BotUsername, "bot": botUser(), "flags": 0}), nil

	case is(get, "applications", "*", "commands"):
		return s.getCommands(a[0], ""), nil
	case is(put, "applications", "*", "commands"):
		return s.putCommands(c, a[0], ""), nil
	case is(post, "applications", "*", "commands"):
		return s.postCommand(c, a[0], ""), nil
	case is(del, "applications", "*", "commands", "*"):
		return s.deleteCommand(a[0], "", a[1]), nil
	case is(get, "applications", "*", "guilds", "*", "commands"):
		return s.getCommands(a[0], a[1]), nil
	case is(put, "applications", "*", "guilds", "*", "commands"):
		return s.putCommands(c, a[0], a[1]), nil
	case is(post, "applications", "*", "guilds", "*", "commands"):
		return s.postCommand(c, a[0], a[1]), nil
	case is(del, "applications", "*", "guilds", "*", "commands", "*"):
		return s.deleteCommand(a[0], a[1], a[2]), nil

	case is(get, "guilds", "*"):
		return ok(s.guildLocked(a[0])), nil
	case is(get, "guilds", "*", "channels"):
		return ok(s.guildLocked(a[0]).Channels), nil
	case is(get, "guilds", "*", "roles"):
		return ok(append([]*discordgo.Role{}, s.roles[a[0]]...)), nil
	case is(get, "guilds", "*", "members", "*"):
		m, found := s.members[a[0]][a[1]]
		if !found {
			return errResp(http.StatusNotFound, 10007, "Unknown Member"), nil
		}
		return ok(m), nil

	case is(get, "channels", "*"):
		return ok(s.channelLocked(a[0])), nil
	case is(post, "channels", "*", "typing"):
		return noContent(), nil
	case is(get, "channels", "*", "messages"):
		return s.listMessages(c, a[0]), nil
	case is(post, "channels", "*", "messages"):
		return s.createChannelMessage(c, a[0])
	case is(get, "channels", "*", "messages", "*"):
		m, found := s.messages[a[1]]
		if !found || m.ChannelID != a[0] {
			return unknownMessage(), nil
		}
		return ok(m), nil
	case is(patch, "channels", "*", "messages", "*"):
		return s.editChannelMessage(c, a[0], a[1])
	case is(del, "channels", "*", "messages", "*"):
		m, found := s.messages[a[1]]
		if !found || m.ChannelID != a[0] {
			return unknownMessage(), nil
		}
		s.deleteMessageLocked(a[1])
		return noContent(), s.echo("MESSAGE_DELETE", m, map[string]string{"id": m.ID, "channel_id": m.ChannelID, "guild_id": m.GuildID})
	case is(post, "channels", "*", "messages", "*", "threads"):
		return s.startThread(c, a[0], a[1]), nil
	case is(post, "channels", "*", "threads"):
		return s.startThread(c, a[0], ""), nil
	case is(put, "channels", "*", "messages", "*", "reactions", "*", "@me"),
		is(del, "channels", "*", "messages", "*", "reactions", "*", "@me"):
		if m, found := s.messages[a[1]]; found && m.ChannelID != a[0] {
			return unknownMessage(), nil
		}
		return noContent(), nil

	case is(post, "interactions", "*", "*", "callback"):
		return s.interactionCallback(c, a[0], a[1])
	case is(post, "webhooks", "*", "*"):
		return s.followup(c, a[0], a[1])
	case is(get, "webhooks", "*", "*", "messages", "*"),
		is(patch, "webhooks", "*", "*", "messages", "*"),
		is(del, "webhooks", "*", "*", "messages", "*"):
		return s.webhookMessage(c, a[0], a[1], a[2])
	}
	return notFound(), nil
}

// echo returns a gateway event for a change to the bot's message m when
// message echo is on and m is not ephemeral.
func (s *Server) echo(t string, m *discordgo.Message, data any) []event {
	if !s.cfg.echo || m.Flags&discordgo.MessageFlagsEphemeral != 0 {
		return nil
	}
	return []event{{t: t, data: data}}
}

func (s *Server) getUser(id string) response {
	if id == BotUserID {
		return ok(botUser())
	}
	for _, ms := range s.members {
		if m, found := ms[id]; found {
			return ok(m.User)
		}
	}
	return errResp(http.StatusNotFound, 10013, "Unknown User")
}

func (s *Server) createDM(c *Call) response {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := json.Unmarshal(c.Body, &body); err != nil || body.RecipientID == "" {
		return formError("recipient_id", "BASE_TYPE_REQUIRED", "This field is required")
	}
	id, found := s.dms[body.RecipientID]
	if !found {
		id = s.newID()
		s.dms[body.RecipientID] = id
		u := &discordgo.User{ID: body.RecipientID}
		if r := s.getUser(body.RecipientID); r.status == http.StatusOK {
			u = r.body.(*discordgo.User)
		}
		s.channels[id] = &discordgo.Channel{ID: id, Type: discordgo.ChannelTypeDM, Recipients: []*discordgo.User{u}}
	}
	return ok(s.channels[id])
}

func (s *Server) listMessages(c *Call, channelID string) response {
	limit := 50
	if v := c.Query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return formError("limit", "NUMBER_TYPE_MAX", "int value should be between 1 and 100.")
		}
		limit = n
	}
	ms := s.channelMessagesLocked(channelID) // oldest first
	var sel []*discordgo.Message
	switch {
	case c.Query.Get("before") != "":
		for _, m := range ms {
			if snowflakeLess(m.ID, c.Query.Get("before")) {
				sel = append(sel, m)
			}
		}
		sel = sel[max(0, len(sel)-limit):]
	case c.Query.Get("after") != "":
		for _, m := range ms {
			if snowflakeLess(c.Query.Get("after"), m.ID) {
				sel = append(sel, m)
			}
		}
		sel = sel[:min(len(sel), limit)]
	case c.Query.Get("around") != "":
		at := len(ms)
		for i, m := range ms {
			if !snowflakeLess(m.ID, c.Query.Get("around")) {
				at = i
				break
			}
		}
		lo := max(0, at-limit/2)
		sel = ms[lo:min(len(ms), lo+limit)]
	default:
		sel = ms[max(0, len(ms)-limit):]
	}
	out := make([]*discordgo.Message, 0, len(sel))
	for i := len(sel) - 1; i >= 0; i-- { // newest first, like Discord
		out = append(out, sel[i])
	}
	return ok(out)
}

// newBotMessage builds a message the bot sends from a create payload.
func (s *Server) newBotMessage(c *Call, channelID string) (*discordgo.Message, *response) {
	m := &discordgo.Message{}
	if len(c.Body) > 0 {
		if err := json.Unmarshal(c.Body, m); err != nil {
			r := errResp(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
			return nil, &r
		}
	}
	var extra struct {
		StickerIDs []string        `json:"sticker_ids"`
		Poll       json.RawMessage `json:"poll"`
	}
	_ = json.Unmarshal(c.Body, &extra)
	ch := s.channelLocked(channelID)
	m.ID = s.newID()
	m.ChannelID = channelID
	m.GuildID = ch.GuildID
	m.Author = botUser()
	m.Timestamp = time.Now().UTC()
	m.EditedTimestamp = nil
	m.Type = discordgo.MessageTypeDefault
	m.Flags &= discordgo.MessageFlagsSuppressEmbeds | discordgo.MessageFlagsEphemeral | discordgo.MessageFlagsSuppressNotifications
	m.Attachments = nil
	for _, f := range c.Files {
		m.Attachments = append(m.Attachments, s.addFileLocked(channelID, f.Name, f.ContentType, f.Data))
	}
	hasPoll := len(extra.Poll) > 0 && string(extra.Poll) != "null"
	if r := validateMessage(m, len(extra.StickerIDs) > 0 || hasPoll); r != nil {
		return nil, r
	}
	if ref := m.MessageReference; ref != nil && ref.MessageID != "" {
		target, found := s.messages[ref.MessageID]
		failIfMissing := ref.FailIfNotExists == nil || *ref.FailIfNotExists
		switch {
		case found:
			m.Type = discordgo.MessageTypeReply
			m.ReferencedMessage = clone(target)
			ref.ChannelID = target.ChannelID
			ref.GuildID = target.GuildID
		case failIfMissing:
			r := formError("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
			return nil, &r
		default:
			m.MessageReference = nil
		}
	}
	return m, nil
}

func (s *Server) createChannelMessage(c *Call, channelID string) (response, []event) {
	if ch, found := s.channels[channelID]; found && !isTextChannel(ch) {
		return errResp(http.StatusBadRequest, 50008, "Cannot send messages in a non-text channel"), nil
	}
	m, errR := s.newBotMessage(c, channelID)
	if errR != nil {
		return *errR, nil
	}
	m.Flags &^= discordgo.MessageFlagsEphemeral // only interaction responses can be ephemeral
	s.storeMessageLocked(m)
	return ok(m), s.echo("MESSAGE_CREATE", m, clone(m))
}

func isTextChannel(ch *discordgo.Channel) bool {
	switch ch.Type {
	case discordgo.ChannelTypeGuildCategory, discordgo.ChannelTypeGuildForum, discordgo.ChannelTypeGuildMedia:
		return false
	}
	return true
}

// applyEdit applies an edit payload (content, embeds, components,
// attachments, new files) to a copy of m.
func (s *Server) applyEdit(c *Call, m *discordgo.Message) (*discordgo.Message, *response) {
	m = clone(m)
	var fields map[string]json.RawMessage
	if len(c.Body) > 0 {
		if err := json.Unmarshal(c.Body, &fields); err != nil {
			r := errResp(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
			return nil, &r
		}
	}
	// discordgo's InteractionResponseData always sends "components": null
	// and "embeds": null; the fake treats null like an absent field (keep
	// the current value) rather than guessing that Discord clears it.
	for k, v := range fields {
		if string(v) == "null" {
			delete(fields, k)
		}
	}
	var tmp discordgo.Message
	if v, found := fields["content"]; found {
		m.Content = ""
		_ = json.Unmarshal(v, &m.Content)
	}
	if v, found := fields["embeds"]; found {
		m.Embeds = nil
		_ = json.Unmarshal(v, &m.Embeds)
	}
	if v, found := fields["components"]; found {
		raw, _ := json.Marshal(map[string]json.RawMessage{"components": v})
		if err := json.Unmarshal(raw, &tmp); err != nil {
			r := formError("components", "COMPONENT_INVALID", err.Error())
			return nil, &r
		}
		m.Components = tmp.Components
	}
	if v, found := fields["attachments"]; found {
		var keep []struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(v, &keep)
		var atts []*discordgo.MessageAttachment
		for _, old := range m.Attachments {
			for _, k := range keep {
				if k.ID == old.ID {
					atts = append(atts, old)
				}
			}
		}
		m.Attachments = atts
	}
	for _, f := range c.Files {
		m.Attachments = append(m.Attachments, s.addFileLocked(m.ChannelID, f.Name, f.ContentType, f.Data))
	}
	if m.Flags&discordgo.MessageFlagsLoading != 0 {
		m.Flags &^= discordgo.MessageFlagsLoading // the deferred "thinking..." message gets its content
	} else {
		now := time.Now().UTC()
		m.EditedTimestamp = &now
	}
	if r := validateMessage(m, false); r != nil {
		return nil, r
	}
	return m, nil
}

func (s *Server) editChannelMessage(c *Call, channelID, messageID string) (response, []event) {
	old, found := s.messages[messageID]
	if !found || old.ChannelID != channelID {
		return unknownMessage(), nil
	}
	if old.Author == nil || old.Author.ID != BotUserID {
		return errResp(http.StatusForbidden, 50005, "Cannot edit a message authored by another user"), nil
	}
	m, errR := s.applyEdit(c, old)
	if errR != nil {
		return *errR, nil
	}
	s.storeMessageLocked(m)
	return ok(m), s.echo("MESSAGE_UPDATE", m, clone(m))
}

func (s *Server) startThread(c *Call, channelID, messageID string) response {
	var body struct {
		Name                string                `json:"name"`
		AutoArchiveDuration int                   `json:"auto_archive_duration"`
		RateLimitPerUser    int                   `json:"rate_limit_per_user"`
		Type                discordgo.ChannelType `json:"type"`
		Invitable           bool                  `json:"invitable"`
	}
	if err := json.Unmarshal(c.Body, &body); err != nil {
		return errResp(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
	}
	if n := len([]rune(body.Name)); n < 1 || n > 100 {
		return formError("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
	}
	parent := s.channelLocked(channelID)
	if parent.Type != discordgo.ChannelTypeGuildText && parent.Type != discordgo.ChannelTypeGuildNews {
		return errResp(http.StatusBadRequest, 50024, "Cannot execute action on this channel type")
	}
	if body.AutoArchiveDuration == 0 {
		body.AutoArchiveDuration = 1440
	}
	th := &discordgo.Channel{
		GuildID:          parent.GuildID,
		ParentID:         channelID,
		Name:             body.Name,
		OwnerID:          BotUserID,
		MemberCount:      1,
		RateLimitPerUser: body.RateLimitPerUser,
		ThreadMetadata: &discordgo.ThreadMetadata{
			AutoArchiveDuration: body.AutoArchiveDuration,
			ArchiveTimestamp:    time.Now().UTC(),
			Invitable:           body.Invitable,
		},
	}
	if messageID != "" {
		m, found := s.messages[messageID]
		if !found || m.ChannelID != channelID {
			return unknownMessage()
		}
		if s.threads[messageID] {
			return errResp(http.StatusBadRequest, 160004, "A thread has already been created for this message")
		}
		s.threads[messageID] = true
		th.ID = messageID // Discord: a thread started from a message has the message's ID
		th.Type = discordgo.ChannelTypeGuildPublicThread
		if parent.Type == discordgo.ChannelTypeGuildNews {
			th.Type = discordgo.ChannelTypeGuildNewsThread
		}
		m.Flags |= discordgo.MessageFlagsHasThread
		m.Thread = clone(th)
	} else {
		th.ID = s.newID()
		th.Type = body.Type
		if th.Type == 0 {
			th.Type = discordgo.ChannelTypeGuildPrivateThread
		}
	}
	s.channels[th.ID] = th
	return response{status: http.StatusCreated, body: th}
}

func (s *Server) interactionCallback(c *Call, id, token string) (response, []event) {
	st, found := s.interactions[id]
	switch {
	case !found:
		// Not dispatched through the fake: accept it as a guild interaction
		// in the default channel.
		st = &interactionState{id: id, token: token, channelID: ChannelID, guildID: GuildID}
		s.interactions[id] = st
		s.tokens[token] = st
	case st.token != token:
		return errResp(http.StatusUnauthorized, 50027, "Invalid Webhook Token"), nil
	case s.cfg.deadline > 0 && !st.dispatched.IsZero() && s.cfg.now().Sub(st.dispatched) > s.cfg.deadline:
		return errResp(http.StatusNotFound, 10062, "Unknown interaction"), nil
	case st.acked:
		return errResp(http.StatusBadRequest, 40060, "Interaction has already been acknowledged."), nil
	}
	var body struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	if err := json.Unmarshal(c.Body, &body); err != nil {
		return errResp(http.StatusBadRequest, 50109, "The request body contains invalid JSON."), nil
	}
	isComponent := st.typ == discordgo.InteractionMessageComponent || st.typ == discordgo.InteractionModalSubmit
	badType := formError("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type")
	if st.typ == discordgo.InteractionApplicationCommandAutocomplete && body.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
		return badType, nil
	}
	var events []event
	switch body.Type {
	case discordgo.InteractionResponsePong:
		if st.typ != 0 && st.typ != discordgo.InteractionPing {
			return badType, nil
		}
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		sub := *c
		sub.Body = body.Data
		var m *discordgo.Message
		if body.Type == discordgo.InteractionResponseChannelMessageWithSource {
			var errR *response
			m, errR = s.newBotMessage(&sub, st.channelID)
			if errR != nil {
				return *errR, nil
			}
		} else {
			var d struct {
				Flags discordgo.MessageFlags `json:"flags"`
			}
			if len(body.Data) > 0 {
				_ = json.Unmarshal(body.Data, &d)
			}
			ch := s.channelLocked(st.channelID)
			m = &discordgo.Message{
				ID: s.newID(), ChannelID: st.channelID, GuildID: ch.GuildID, Author: botUser(),
				Timestamp: time.Now().UTC(), Flags: d.Flags&discordgo.MessageFlagsEphemeral | discordgo.MessageFlagsLoading,
			}
		}
		m.Type = discordgo.MessageTypeChatInputCommand
		if isComponent {
			m.Type = discordgo.MessageTypeReply
		}
		m.WebhookID = AppID
		s.storeMessageLocked(m)
		st.originalID = m.ID
		events = s.echo("MESSAGE_CREATE", m, clone(m))
	case discordgo.InteractionResponseDeferredMessageUpdate, discordgo.InteractionResponseUpdateMessage:
		if st.typ != 0 && !isComponent {
			return badType, nil
		}
		st.originalID = st.messageID
		if body.Type == discordgo.InteractionResponseUpdateMessage {
			if old, found := s.messages[st.messageID]; found {
				sub := *c
				sub.Body = body.Data
				m, errR := s.applyEdit(&sub, old)
				if errR != nil {
					return *errR, nil
				}
				s.storeMessageLocked(m)
				events = s.echo("MESSAGE_UPDATE", m, clone(m))
			}
		}
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if st.typ != 0 && st.typ != discordgo.InteractionApplicationCommandAutocomplete {
			return badType, nil
		}
		var d struct {
			Choices []json.RawMessage `json:"choices"`
		}
		_ = json.Unmarshal(body.Data, &d)
		if len(d.Choices) > 25 {
			return formError("data.choices", "BASE_TYPE_BAD_LENGTH", "Must be between 0 and 25 in length."), nil
		}
	case discordgo.InteractionResponseModal:
		if st.typ == discordgo.InteractionModalSubmit || st.typ == discordgo.InteractionPing {
			return badType, nil
		}
		var d struct {
			CustomID   string            `json:"custom_id"`
			Title      string            `json:"title"`
			Components []json.RawMessage `json:"components"`
		}
		_ = json.Unmarshal(body.Data, &d)
		switch {
		case d.CustomID == "":
			return formError("data.custom_id", "BASE_TYPE_REQUIRED", "This field is required"), nil
		case d.Title == "" || len([]rune(d.Title)) > 45:
			return formError("data.title", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length."), nil
		case len(d.Components) < 1 || len(d.Components) > 5:
			return formError("data.components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."), nil
		}
	default:
		return badType, nil
	}
	st.acked = true
	return noContent(), events
}

// interactionForWebhook finds the acknowledged interaction owning a webhook
// token; interaction webhooks only work after the initial response.
func (s *Server) interactionForWebhook(appID, token string) (*interactionState, *response) {
	st, found := s.tokens[token]
	if appID != AppID || !found || !st.acked {
		r := unknownWebhook()
		return nil, &r
	}
	return st, nil
}

func (s *Server) followup(c *Call, appID, token string) (response, []event) {
	st, errR := s.interactionForWebhook(appID, token)
	if errR != nil {
		return *errR, nil
	}
	// The first followup after a deferred response replaces the deferred
	// "thinking..." message, as on Discord.
	if orig, found := s.messages[st.originalID]; found && st.followups == 0 && orig.Flags&discordgo.MessageFlagsLoading != 0 {
		st.followups++
		m, errR := s.applyEdit(c, orig)
		if errR != nil {
			return *errR, nil
		}
		s.storeMessageLocked(m)
		return ok(m), s.echo("MESSAGE_UPDATE", m, clone(m))
	}
	m, errR := s.newBotMessage(c, st.channelID)
	if errR != nil {
		return *errR, nil
	}
	st.followups++
	m.WebhookID = AppID
	m.Type = discordgo.MessageTypeReply
	s.storeMessageLocked(m)
	// Interaction followups always wait for the message, so Discord
	// returns it whatever the wait parameter says.
	return ok(m), s.echo("MESSAGE_CREATE", m, clone(m))
}

func (s *Server) webhookMessage(c *Call, appID, token, messageID string) (response, []event) {
	st, errR := s.interactionForWebhook(appID, token)
	if errR != nil {
		return *errR, nil
	}
	if messageID == "@original" {
		messageID = st.originalID
	}
	m, found := s.messages[messageID]
	if messageID == "" || !found {
		return unknownMessage(), nil
	}
	switch c.Method {
	case http.MethodGet:
		return ok(m), nil
	case http.MethodDelete:
		s.deleteMessageLocked(m.ID)
		return noContent(), s.echo("MESSAGE_DELETE", m, map[string]string{"id": m.ID, "channel_id": m.ChannelID, "guild_id": m.GuildID})
	}
	edited, errR := s.applyEdit(c, m)
	if errR != nil {
		return *errR, nil
	}
	s.storeMessageLocked(edited)
	return ok(edited), s.echo("MESSAGE_UPDATE", edited, clone(edited))
}

func (s *Server) getCommands(appID, guildID string) response {
	if appID != AppID {
		return errResp(http.StatusForbidden, 50001, "Missing Access")
	}
	return ok(append([]*discordgo.ApplicationCommand{}, s.commands[guildID]...))
}

// storeCommand fills a command's server-side fields and defaults,
// keeping the ID of an existing command with the same name and type, as
// Discord does.
func (s *Server) storeCommand(cmd *discordgo.ApplicationCommand, guildID string, existing []*discordgo.ApplicationCommand) {
	if cmd.Type == 0 {
		cmd.Type = discordgo.ChatApplicationCommand
	}
	cmd.ID = ""
	for _, old := range existing {
		if old.Name == cmd.Name && old.Type == cmd.Type {
			cmd.ID = old.ID
		}
	}
	if cmd.ID == "" {
		cmd.ID = s.newID()
	}
	cmd.ApplicationID = AppID
	cmd.GuildID = guildID
	cmd.Version = s.newID()
	// The fields Discord fills in when a command leaves them out. The DM
	// permission applies to global commands only; a guild's is dropped.
	yes, no := true, false
	if cmd.DefaultPermission == nil {
		cmd.DefaultPermission = &yes
	}
	if cmd.NSFW == nil {
		cmd.NSFW = &no
	}
	if guildID != "" {
		cmd.DMPermission = nil
	} else if cmd.DMPermission == nil {
		cmd.DMPermission = &yes
	}
	if cmd.IntegrationTypes == nil {
		guildInstall := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
		cmd.IntegrationTypes = &guildInstall
	}
	for _, o := range cmd.Options {
		fillOption(o)
	}
}

// fillOption drops what Discord does not keep of an option: empty lists
// come back absent.
func fillOption(o *discordgo.ApplicationCommandOption) {
	if len(o.ChannelTypes) == 0 {
		o.ChannelTypes = nil
	}
	if len(o.Choices) == 0 {
		o.Choices = nil
	}
	for _, sub := range o.Options {
		fillOption(sub)
	}
}

func (s *Server) putCommands(c *Call, appID, guildID string) response {
	if appID != AppID {
		return errResp(http.StatusForbidden, 50001, "Missing Access")
	}
	var cmds []*discordgo.ApplicationCommand
	if err := json.Unmarshal(c.Body, &cmds); err != nil {
		return errResp(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
	}
	if r := validateCommands(cmds); r != nil {
		return *r
	}
	for _, cmd := range cmds {
		s.storeCommand(cmd, guildID, s.commands[guildID])
	}
	if cmds == nil {
		cmds = []*discordgo.ApplicationCommand{}
	}
	s.commands[guildID] = cmds
	return ok(cmds)
}

func (s *Server) postCommand(c *Call, appID, guildID string) response {
	if appID != AppID {
		return errResp(http.StatusForbidden, 50001, "Missing Access")
	}
	var cmd *discordgo.ApplicationCommand
	if err := json.Unmarshal(c.Body, &cmd); err != nil || cmd == nil {
		return errResp(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
	}
	if r := validateCommands([]*discordgo.ApplicationCommand{cmd}); r != nil {
		return *r
	}
	existing := s.commands[guildID]
	s.storeCommand(cmd, guildID, existing)
	for i, old := range existing {
		if old.ID == cmd.ID {
			existing[i] = cmd
			return ok(cmd)
		}
	}
	s.commands[guildID] = append(existing, cmd)
	return response{status: http.StatusCreated, body: cmd}
}

func (s *Server) deleteCommand(appID, guildID, id string) response {
	if appID != AppID {
		return errResp(http.StatusForbidden, 50001, "Missing Access")
	}
	cmds := s.commands[guildID]
	for i, cmd := range cmds {
		if cmd.ID == id {
			s.commands[guildID] = append(cmds[:i:i], cmds[i+1:]...)
			return noContent()
		}
	}
	return errResp(http.StatusNotFound, 10063, "Unknown application command")
}
