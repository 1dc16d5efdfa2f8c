package discordtest

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway opcodes used by the fake.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opResume         = 6
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatACK   = 11
)

// writeTimeout ends a write to a client that stopped reading; generous,
// so that a client slowed by a loaded machine is not cut off.
const writeTimeout = 30 * time.Second

// Payload is a gateway payload a client sent to the fake.
type Payload struct {
	Op   int
	Data json.RawMessage
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// gwConn is one gateway websocket connection.
type gwConn struct {
	ws *websocket.Conn

	mu        sync.Mutex // serializes writes; guards the fields below
	seq       int64
	compress  bool
	sessionID string
	ready     bool   // identified or resumed; guarded by Server.mu, not mu
	shard     [2]int // [id, count] it identified with; guarded by Server.mu
}

// gwSession is what a resumed connection takes over from its session.
type gwSession struct {
	compress bool
	shard    [2]int
}

// ShardOf is the shard that receives a guild's events when the gateway
// runs count shards, as Discord routes them: (guild_id >> 22) % count.
// Events without a guild (DMs) go to shard 0.
func ShardOf(guildID string, count int) int {
	if guildID == "" || count <= 1 {
		return 0
	}
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// GuildOnShard is the n-th (from 0) of the guild ids whose events go to
// shard of count: ShardOf(GuildOnShard(shard, count, n), count) == shard.
func GuildOnShard(shard, count, n int) string {
	return strconv.FormatUint(uint64(5000*count+shard+n*count)<<22|3, 10)
}

// owns reports whether a connection identified as shard receives the
// events of guildID.
func owns(shard [2]int, guildID string) bool {
	return ShardOf(guildID, shard[1]) == shard[0]
}

type frame struct {
	Op   int     `json:"op"`
	Data any     `json:"d"`
	Seq  *int64  `json:"s"`
	Type *string `json:"t"`
}

// send writes one payload. Dispatches (op 0) get the next sequence number
// and are zlib-compressed binary frames when the client identified with
// compress=true, like Discord's payload compression; everything else is a
// text frame.
func (c *gwConn) send(op int, t string, d any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sendLocked(op, t, d)
}

// sendLocked is send with c.mu held.
func (c *gwConn) sendLocked(op int, t string, d any) error {
	f := frame{Op: op, Data: d}
	if op == opDispatch {
		c.seq++
		seq := c.seq
		f.Seq, f.Type = &seq, &t
	}
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("discordtest: marshal gateway payload op %d %s: %w", op, t, err)
	}
	msgType := websocket.TextMessage
	if op == opDispatch && c.compress {
		var buf bytes.Buffer
		zw := zlib.NewWriter(&buf)
		if _, err := zw.Write(b); err != nil {
			return fmt.Errorf("discordtest: compress gateway payload: %w", err)
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("discordtest: compress gateway payload: %w", err)
		}
		b, msgType = buf.Bytes(), websocket.BinaryMessage
	}
	if err := c.ws.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return fmt.Errorf("discordtest: gateway write: %w", err)
	}
	if err := c.ws.WriteMessage(msgType, b); err != nil {
		return fmt.Errorf("discordtest: gateway write op %d %s: %w", op, t, err)
	}
	return nil
}

// close sends a close frame with code and closes the connection. The
// handler goroutine then sees a read error and exits.
func (c *gwConn) close(code int, text string) {
	// WriteControl may be called concurrently with other writes.
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	_ = c.ws.Close()
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "server closed", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade already answered with an HTTP error.
	}
	c := &gwConn{ws: ws}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.gw[c] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.gw, c)
		s.notifyLocked()
		s.mu.Unlock()
		_ = ws.Close()
	}()

	hello := map[string]any{"heartbeat_interval": s.cfg.heartbeat.Milliseconds()}
	if err := c.send(opHello, "", hello); err != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var p struct {
			Op   int             `json:"op"`
			Data json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(data, &p); err != nil {
			c.close(4002, "Error while decoding payload.")
			return
		}
		s.mu.Lock()
		s.gwPayloads = append(s.gwPayloads, Payload{Op: p.Op, Data: p.Data})
		s.notifyLocked()
		s.mu.Unlock()

		switch p.Op {
		case opHeartbeat:
			err = c.send(opHeartbeatACK, "", nil)
		case opIdentify:
			err = s.identify(c, p.Data)
		case opResume:
			err = s.resume(c, p.Data)
		}
		if err != nil {
			return
		}
	}
}

func (s *Server) identify(c *gwConn, raw json.RawMessage) error {
	var id struct {
		Token    string  `json:"token"`
		Compress bool    `json:"compress"`
		Shard    *[2]int `json:"shard"`
	}
	if err := json.Unmarshal(raw, &id); err != nil || id.Token == "" {
		c.close(4004, "Authentication failed.")
		return errors.New("discordtest: bad identify")
	}
	shard := [2]int{0, 1}
	if id.Shard != nil {
		shard = *id.Shard
	}
	if shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1] {
		// Like Discord: close code 4010, "Invalid shard".
		c.close(4010, "Invalid shard.")
		return fmt.Errorf("discordtest: identify with invalid shard %v", shard)
	}
	s.mu.Lock()
	already := c.ready
	sessionID := s.newID()
	s.sessions[sessionID] = gwSession{compress: id.Compress, shard: shard}
	var guilds []*discordgo.Guild
	if owns(shard, GuildID) {
		guilds = append(guilds, s.guildLocked(GuildID))
	}
	s.mu.Unlock()
	if already {
		c.close(4005, "Already authenticated.")
		return errors.New("discordtest: identified twice")
	}

	// Hold c.mu while sending READY so that dispatches from other
	// goroutines, which may pick c up as soon as it is marked ready, queue
	// behind READY and GUILD_CREATE. c is marked ready before READY is
	// written: once discordgo's Open has read READY, dispatches must reach it.
	c.mu.Lock()
	defer c.mu.Unlock()
	c.compress = id.Compress
	c.sessionID = sessionID
	c.seq = 0
	s.setReady(c, shard)

	unavailable := []map[string]any{}
	for _, g := range guilds {
		unavailable = append(unavailable, map[string]any{"id": g.ID, "unavailable": true})
	}
	ready := map[string]any{
		"v":                  9,
		"user":               botUser(),
		"session_id":         sessionID,
		"resume_gateway_url": s.GatewayURL(),
		"guilds":             unavailable,
		"private_channels":   []any{},
		"application":        map[string]any{"id": AppID, "flags": 0},
	}
	if id.Shard != nil {
		ready["shard"] = id.Shard
	}
	if err := c.sendLocked(opDispatch, "READY", ready); err != nil {
		return err
	}
	for _, g := range guilds {
		if err := c.sendLocked(opDispatch, "GUILD_CREATE", g); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) resume(c *gwConn, raw json.RawMessage) error {
	var r struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		c.close(4002, "Error while decoding payload.")
		return fmt.Errorf("discordtest: decode resume: %w", err)
	}
	s.mu.Lock()
	sess, ok := s.sessions[r.SessionID]
	s.mu.Unlock()
	if !ok || r.Token == "" {
		// Like Discord: the session cannot be resumed, identify again.
		return c.send(opInvalidSession, "", false)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.compress = sess.compress
	c.sessionID = r.SessionID
	c.seq = r.Seq
	s.setReady(c, sess.shard) // see identify for the ordering
	// The fake does not replay events missed while disconnected.
	return c.sendLocked(opDispatch, "RESUMED", map[string]any{})
}

func (s *Server) setReady(c *gwConn, shard [2]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.ready, c.shard = true, shard
	s.notifyLocked()
}

// guildLocked builds the GUILD_CREATE payload for a guild from the fixtures.
func (s *Server) guildLocked(guildID string) *discordgo.Guild {
	g := &discordgo.Guild{
		ID:          guildID,
		Name:        "statementbot test guild",
		OwnerID:     UserID,
		JoinedAt:    time.Now().UTC(),
		Roles:       clone(s.roles[guildID]),
		Channels:    []*discordgo.Channel{},
		Members:     []*discordgo.Member{},
		MemberCount: len(s.members[guildID]),
	}
	for _, ch := range s.channels {
		if ch.GuildID == guildID && !ch.IsThread() {
			g.Channels = append(g.Channels, clone(ch))
		}
	}
	if m, ok := s.members[guildID][BotUserID]; ok {
		g.Members = append(g.Members, clone(m))
	}
	return g
}

// WaitReady waits until at least one gateway client has identified (or
// resumed) and received READY (or RESUMED), i.e. until dispatches reach
// someone. discordgo's Session.Open returns only after READY, so this is
// needed only when Open runs in another goroutine.
func (s *Server) WaitReady(ctx context.Context) error {
	for {
		s.mu.Lock()
		n := len(s.readyConnsLocked())
		changed, closed := s.changed, s.closed
		s.mu.Unlock()
		if n > 0 {
			return nil
		}
		if closed {
			return errors.New("discordtest: waiting for gateway client: server closed")
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("discordtest: waiting for gateway client: %w", ctx.Err())
		}
	}
}

func (s *Server) readyConnsLocked() []*gwConn {
	var out []*gwConn
	for c := range s.gw {
		if c.ready {
			out = append(out, c)
		}
	}
	return out
}

// GatewayPayloads returns every payload gateway clients have sent
// (identify, heartbeats, resume, presence updates, ...) in arrival order.
func (s *Server) GatewayPayloads() []Payload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Payload(nil), s.gwPayloads...)
}

// WaitPayload returns the first gateway payload a client sent (including
// payloads sent before WaitPayload was called) for which match returns
// true, waiting for one until ctx is done.
func (s *Server) WaitPayload(ctx context.Context, match func(Payload) bool) (Payload, error) {
	next := 0
	for {
		s.mu.Lock()
		ps := s.gwPayloads[next:]
		changed, closed := s.changed, s.closed
		s.mu.Unlock()
		for _, p := range ps {
			if match(p) {
				return p, nil
			}
		}
		next += len(ps)
		if closed {
			return Payload{}, errors.New("discordtest: waiting for gateway payload: server closed")
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return Payload{}, fmt.Errorf("discordtest: waiting for gateway payload among %d: %w", next, ctx.Err())
		}
	}
}

// Disconnect closes every gateway connection with the close code (e.g.
// 4000 "unknown error", after which Discord clients resume). A discordgo
// session reconnects only if ShouldReconnectOnError is true, and only after
// its Close, which sleeps one second.
//
// Wait for the session's first heartbeat (op 1, see [Server.WaitPayload])
// before disconnecting it: discordgo v0.29's heartbeat goroutine writes its
// first heartbeat without checking whether the connection was closed in
// the meantime, and when that write fails it closes and reconnects the
// session a second time, dropping the freshly resumed connection.
func (s *Server) Disconnect(code int) {
	s.mu.Lock()
	conns := make([]*gwConn, 0, len(s.gw))
	for c := range s.gw {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close(code, "disconnected by test")
	}
}

// DisconnectShard closes, with the close code, the gateway connections
// identified as shard id (of any count), as [Server.Disconnect] does for
// all of them.
func (s *Server) DisconnectShard(id, code int) {
	s.mu.Lock()
	var conns []*gwConn
	for c := range s.gw {
		if c.ready && c.shard[0] == id {
			conns = append(conns, c)
		}
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close(code, "disconnected by test")
	}
}

// DispatchEvent sends a dispatch (op 0) with event type t and data (any
// JSON-marshalable value, or a json.RawMessage) to every gateway client
// that has received READY and owns the event's guild, each with its next
// sequence number. As on Discord, a client identified as shard [id,
// count] owns the guilds with (guild_id >> 22) % count == id (see
// [ShardOf]); events without a guild (DMs) go to shard 0; a client that
// sent no shard is shard [0, 1] and owns everything. It returns an error if
// no such client exists or a write fails.
//
// INTERACTION_CREATE and MESSAGE_CREATE dispatched this way are also
// registered with the fake (the interaction can be responded to, the
// message appears in channel history) just as with DispatchInteraction and
// DispatchMessage.
func (s *Server) DispatchEvent(t string, data any) error {
	raw, err := json.Marshal(toWire(data))
	if err != nil {
		return fmt.Errorf("discordtest: marshal %s: %w", t, err)
	}
	s.mu.Lock()
	if err := s.observeLocked(t, raw); err != nil {
		s.mu.Unlock()
		return err
	}
	guild := eventGuild(t, raw)
	var conns []*gwConn
	for _, c := range s.readyConnsLocked() {
		if owns(c.shard, guild) {
			conns = append(conns, c)
		}
	}
	s.mu.Unlock()
	if len(conns) == 0 {
		return fmt.Errorf("discordtest: dispatch %s: no gateway client that has received READY owns guild %q", t, guild)
	}
	var errs []error
	for _, c := range conns {
		errs = append(errs, c.send(opDispatch, t, json.RawMessage(raw)))
	}
	return errors.Join(errs...)
}

// eventGuild is the guild a dispatch belongs to: its guild_id, or for the
// GUILD_* events the guild's own id; "" for DMs and other events.
func eventGuild(t string, raw json.RawMessage) string {
	var e struct {
		ID      string `json:"id"`
		GuildID string `json:"guild_id"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return ""
	}
	switch t {
	case "GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE":
		return e.ID
	}
	return e.GuildID
}

// observeLocked registers dispatched interactions and messages.
func (s *Server) observeLocked(t string, raw json.RawMessage) error {
	switch t {
	case "INTERACTION_CREATE":
		var in struct {
			ID        string                    `json:"id"`
			Token     string                    `json:"token"`
			Type      discordgo.InteractionType `json:"type"`
			ChannelID string                    `json:"channel_id"`
			GuildID   string                    `json:"guild_id"`
			Message   *discordgo.Message        `json:"message"`
		}
		if err := json.Unmarshal(raw, &in); err != nil {
			return fmt.Errorf("discordtest: decode INTERACTION_CREATE: %w", err)
		}
		st := &interactionState{
			id: in.ID, token: in.Token, typ: in.Type, channelID: in.ChannelID, guildID: in.GuildID,
			dispatched: s.cfg.now(),
		}
		if m := in.Message; m != nil && m.ID != "" {
			// The message a component is attached to exists in its channel.
			st.messageID = m.ID
			if _, ok := s.messages[m.ID]; !ok {
				if m.ChannelID == "" {
					m.ChannelID = in.ChannelID
				}
				s.storeMessageLocked(m)
			}
		}
		s.interactions[in.ID] = st
		s.tokens[in.Token] = st
	case "MESSAGE_CREATE":
		var m discordgo.Message
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("discordtest: decode MESSAGE_CREATE: %w", err)
		}
		if _, ok := s.messages[m.ID]; !ok && m.ID != "" {
			s.storeMessageLocked(&m)
		}
	}
	return nil
}

// DispatchMessage dispatches MESSAGE_CREATE for m and stores it in its
// channel's history. Missing fields are filled in: ID, Timestamp, Author
// (the default user), ChannelID (ChannelID, and then GuildID GuildID), the
// author's partial Member from fixtures, and for replies (MessageReference
// set) Type reply and ReferencedMessage. An unknown ChannelID is registered
// as a text channel of m.GuildID, or as a DM channel if m.GuildID is empty.
// It returns the message as dispatched.
func (s *Server) DispatchMessage(m *discordgo.Message) (*discordgo.Message, error) {
	s.mu.Lock()
	m = s.fillMessageLocked(m)
	s.mu.Unlock()
	if err := s.DispatchEvent("MESSAGE_CREATE", m); err != nil {
		return nil, err
	}
	return m, nil
}

// DispatchInteraction dispatches INTERACTION_CREATE for a copy of i with
// missing fields filled in: ID, Token (random), AppID (AppID), Version 1,
// Type (application command), Locale, ChannelID (ChannelID, and then
// GuildID GuildID), and the invoker: in a guild a Member for the default
// user (or the member fixture of Member.User), with Permissions computed
// from roles when zero; in a DM the default User. It returns the
// interaction as dispatched; pass it to InteractionRespond in REST-only
// tests.
func (s *Server) DispatchInteraction(i *discordgo.Interaction) (*discordgo.Interaction, error) {
	s.mu.Lock()
	in := s.fillInteractionLocked(i)
	s.mu.Unlock()
	if err := s.DispatchEvent("INTERACTION_CREATE", &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// fillInteractionLocked is i with DispatchInteraction's defaults, its
// invoker's channel known to the fake. s.mu is held.
func (s *Server) fillInteractionLocked(i *discordgo.Interaction) discordgo.Interaction {
	in := *i
	if in.ID == "" {
		in.ID = s.newID()
	}
	if in.Token == "" {
		in.Token = "itok-" + s.newID()
	}
	if in.AppID == "" {
		in.AppID = AppID
	}
	if in.Version == 0 {
		in.Version = 1
	}
	if in.Type == 0 {
		in.Type = discordgo.InteractionApplicationCommand
	}
	if in.Locale == "" {
		in.Locale = discordgo.EnglishUS
	}
	if in.ChannelID == "" {
		in.ChannelID = ChannelID
		if in.GuildID == "" {
			in.GuildID = GuildID
		}
	}
	if in.GuildID != "" {
		var mem *discordgo.Member
		if in.Member != nil {
			mem = clone(in.Member)
		} else {
			mem = &discordgo.Member{}
		}
		if mem.User == nil {
			mem.User = defaultUser()
			if in.User != nil {
				mem.User = clone(in.User)
			}
		}
		if fix, ok := s.members[in.GuildID][mem.User.ID]; ok && in.Member == nil {
			mem = clone(fix)
		}
		if mem.Roles == nil {
			mem.Roles = []string{}
		}
		if mem.Permissions == 0 {
			mem.Permissions = s.permissionsLocked(in.GuildID, mem.Roles)
		}
		mem.GuildID = ""
		in.Member, in.User = mem, nil
	} else if in.User == nil {
		in.User = defaultUser()
	}
	var invoker *discordgo.User
	if in.Member != nil {
		invoker = in.Member.User
	} else {
		invoker = in.User
	}
	s.ensureChannelLocked(in.ChannelID, in.GuildID, invoker)
	return in
}
