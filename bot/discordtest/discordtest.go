// Package discordtest is a fake Discord (REST API and websocket gateway)
// for tests. A real *discordgo.Session connects to it over loopback, so
// tests exercise discordgo's own request, rate-limit and gateway code.
//
// Typical use:
//
//	s := discordtest.New(t)
//	sess := s.Session("Bot test-token")
//	sess.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) { ... })
//	if err := sess.Open(); err != nil { ... }
//	in, err := s.DispatchInteraction(&discordgo.Interaction{
//		Type: discordgo.InteractionApplicationCommand,
//		Data: discordgo.ApplicationCommandInteractionData{Name: "ask"},
//	})
//	c, err := s.WaitFor(ctx, func(c discordtest.Call) bool {
//		return c.Is("PATCH", "webhooks/*/*/messages/@original")
//	})
//
// Every REST request is recorded as a [Call]. The fake implements the
// endpoints a bot normally uses (interaction callbacks and webhooks, channel
// messages and history, threads, typing, reactions, application commands,
// users, guild members and roles) with Discord's validation rules for the
// common mistakes (empty messages, content over 2000 characters, embed
// limits, double acknowledgement, responding after the 3-second interaction
// deadline, editing @original before responding). Unknown routes answer 404
// and are recorded too. Interaction callbacks for interactions the fake did
// not dispatch are accepted (as guild interactions in ChannelID), so
// REST-only tests can respond to a hand-made *discordgo.Interaction.
//
// Gateway: the fake sends Hello, answers Identify with READY (the bot user,
// session_id, application, GuildID as an unavailable guild) followed by
// GUILD_CREATE, acknowledges heartbeats, answers Resume with RESUMED (or
// Invalid Session for unknown sessions) and sends dispatches with
// per-connection increasing sequence numbers. discordgo identifies with
// compress=true by default; the fake then sends dispatches as
// zlib-compressed binary frames, which discordgo inflates per message
// (discordgo does not use zlib-stream transport compression).
//
// Sharding, as on Discord: GET /gateway/bot recommends a shard count
// ([WithRecommendedShards]) with the session start limit; IDENTIFY may
// carry shard [id, count] (an id not below the count is closed with 4010);
// a guild's events go only to the connections identified as its shard,
// (guild_id >> 22) % count ([ShardOf]), DMs to shard 0, and READY lists
// only the shard's guilds. Commands PUT in bulk come back from GET with
// the fields Discord fills in (ids, version, nsfw, default permission,
// integration types; no DM permission on a guild's commands).
//
// discordgo caveats worth knowing in tests: Session.Close always sleeps one
// second; a 429 is retried after retry_after with no retry limit; a 502 is
// retried up to MaxRestRetries times; other 5xx are returned as
// *discordgo.RESTError (see [Server.FailNext]); the *Guild values of a
// READY event are the ones discordgo's state later overwrites in place on
// GUILD_CREATE, so handlers must not read them after returning (or use
// Session.SyncEvents).
//
// Pointing discordgo at the fake: discordgo builds absolute URLs from the
// package variables discordgo.EndpointAPI and friends. Rather than mutating
// those globals, [Server.Client] returns an *http.Client whose transport
// rewrites the scheme and host of every request to the fake; the path
// (/api/v9/...) is kept. The gateway URL comes from GET /api/v9/gateway,
// which the fake answers with its own ws:// address, so Session.Open dials
// the fake directly. [Server.Session] wires this up.
package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Well-known IDs of the fixtures every Server starts with.
const (
	// AppID is the application ID. As for modern Discord bots it is also
	// the bot user's ID.
	AppID = "1200000000000000001"
	// BotUserID is the bot user's ID (equal to AppID).
	BotUserID = AppID
	// BotUsername is the bot user's name.
	BotUsername = "statementbot"
	// GuildID is the default guild. The bot is a member of it and READY
	// lists it.
	GuildID = "1200000000000000010"
	// ChannelID is the default text channel "general" in GuildID. Messages
	// and interactions dispatched without a channel use it.
	ChannelID = "1200000000000000020"
	// UserID is the default human user ("tester") who sends dispatched
	// messages and invokes dispatched interactions.
	UserID = "1200000000000000030"
	// Username is the default human user's name.
	Username = "tester"
)

// DefaultPermissions are the permissions of the default guild's @everyone
// role.
const DefaultPermissions int64 = discordgo.PermissionViewChannel |
	discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads |
	discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionReadMessageHistory |
	discordgo.PermissionEmbedLinks |
	discordgo.PermissionAttachFiles |
	discordgo.PermissionAddReactions |
	discordgo.PermissionUseApplicationCommands

// InteractionDeadline is how long Discord gives a bot to send the initial
// response to an interaction before the interaction becomes invalid
// ("Unknown interaction", code 10062).
const InteractionDeadline = 3 * time.Second

const (
	defaultHeartbeat = 45 * time.Second
	discordEpochMS   = 1420070400000
)

// Option configures a Server.
type Option func(*config)

type config struct {
	heartbeat time.Duration
	deadline  time.Duration
	echo      bool
	shards    int              // GET /gateway/bot's recommended shard count
	now       func() time.Time // the clock the interaction deadline is measured by
}

// WithRecommendedShards sets the shard count GET /gateway/bot recommends
// (default 1). The fake does not require it: like Discord for a bot in
// fewer than 2,500 guilds, it accepts any valid shard count.
func WithRecommendedShards(n int) Option {
	return func(c *config) { c.shards = n }
}

// WithHeartbeatInterval sets the heartbeat_interval sent in Hello (default
// 45s, as Discord). discordgo sends one heartbeat immediately after Open and
// then one per interval; the fake acknowledges each with op 11.
func WithHeartbeatInterval(d time.Duration) Option {
	return func(c *config) { c.heartbeat = d }
}

// WithInteractionDeadline changes the time a bot has to send the initial
// response to a dispatched interaction (default [InteractionDeadline]).
// A short deadline lets a test check that a slow command defers in time;
// zero or less turns the deadline off, for tests whose point is not timing
// (on a loaded machine a bot may defer late through no fault of its own).
func WithInteractionDeadline(d time.Duration) Option {
	return func(c *config) { c.deadline = d }
}

// WithClock sets the clock the interaction deadline is measured by
// (default time.Now): a test that checks the deadline advances its own
// clock past it rather than sleeping.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithMessageEcho makes the fake behave like Discord for the bot's own
// messages: every non-ephemeral message the bot creates, edits or deletes
// over REST is dispatched back as MESSAGE_CREATE, MESSAGE_UPDATE or
// MESSAGE_DELETE. Off by default so that event streams in tests contain only
// what the test dispatched.
func WithMessageEcho() Option {
	return func(c *config) { c.echo = true }
}

// Server is a fake Discord. Create one with [New]; all methods are safe for
// concurrent use.
type Server struct {
	tb     testing.TB
	cfg    config
	srv    *httptest.Server
	client *http.Client
	lastID atomic.Uint64
	wg     sync.WaitGroup // gateway connection handlers

	mu         sync.Mutex
	closed     bool
	changed    chan struct{} // closed and replaced on every recorded change
	calls      []Call
	faults     []*fault
	gw         map[*gwConn]struct{}
	gwPayloads []Payload
	sessions   map[string]gwSession // session_id -> what Resume restores

	channels     map[string]*discordgo.Channel
	members      map[string]map[string]*discordgo.Member // guild -> user -> member
	roles        map[string][]*discordgo.Role            // guild -> roles
	messages     map[string]*discordgo.Message
	history      map[string][]string // channel -> message IDs
	interactions map[string]*interactionState
	tokens       map[string]*interactionState
	commands     map[string][]*discordgo.ApplicationCommand // "" or guild ID
	files        map[string]file                            // URL path -> content
	dms          map[string]string                          // user ID -> DM channel ID
	threads      map[string]bool                            // message IDs that started a thread
}

type file struct {
	contentType string
	data        []byte
}

type interactionState struct {
	id, token  string
	typ        discordgo.InteractionType
	channelID  string
	guildID    string
	messageID  string // message a component interaction is attached to
	dispatched time.Time
	acked      bool
	originalID string
	followups  int
	// responded, for an interaction posted to an endpoint, is closed
	// once the endpoint's response has been applied.
	responded chan struct{}
}

// New starts a fake Discord on a loopback httptest server and registers
// its shutdown with t.Cleanup. Shutdown closes every gateway connection
// (close code 1001) and waits for the server's goroutines.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		tb:           t,
		cfg:          config{heartbeat: defaultHeartbeat, deadline: InteractionDeadline, shards: 1, now: time.Now},
		changed:      make(chan struct{}),
		gw:           make(map[*gwConn]struct{}),
		sessions:     make(map[string]gwSession),
		channels:     make(map[string]*discordgo.Channel),
		members:      make(map[string]map[string]*discordgo.Member),
		roles:        make(map[string][]*discordgo.Role),
		messages:     make(map[string]*discordgo.Message),
		history:      make(map[string][]string),
		interactions: make(map[string]*interactionState),
		tokens:       make(map[string]*interactionState),
		commands:     make(map[string][]*discordgo.ApplicationCommand),
		files:        make(map[string]file),
		dms:          make(map[string]string),
		threads:      make(map[string]bool),
	}
	for _, o := range opts {
		o(&s.cfg)
	}
	s.channels[ChannelID] = &discordgo.Channel{
		ID: ChannelID, GuildID: GuildID, Name: "general", Type: discordgo.ChannelTypeGuildText,
	}
	s.roles[GuildID] = []*discordgo.Role{{ID: GuildID, Name: "@everyone", Permissions: DefaultPermissions}}
	s.members[GuildID] = map[string]*discordgo.Member{
		BotUserID: {GuildID: GuildID, User: botUser(), Roles: []string{}, JoinedAt: time.Now().UTC()},
		UserID:    {GuildID: GuildID, User: defaultUser(), Roles: []string{}, JoinedAt: time.Now().UTC()},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	u, err := url.Parse(s.srv.URL)
	if err != nil {
		s.srv.Close()
		t.Fatalf("discordtest: parse server URL: %v", err)
	}
	// Discord's API speaks HTTP/2, one connection for every request in
	// flight; over this HTTP/1.1 fake, keep enough idle connections that a
	// burst does not reconnect for each request.
	tr := s.srv.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	// The timeout only ends a request the fake never answers: generous, so
	// that a loaded machine does not turn slowness into failures.
	s.client = &http.Client{
		Transport: rewriteTransport{host: u.Host, next: tr},
		Timeout:   time.Minute,
	}
	t.Cleanup(s.Close)
	return s
}

// URL returns the fake's base URL, e.g. "http://127.0.0.1:PORT". The REST
// API lives under URL()+"/api/v9/" and the gateway at the ws:// address
// returned by GET /api/v9/gateway. Use it when the code under test takes a
// configurable API base (such as a DISCORD_API_URL setting).
func (s *Server) URL() string { return s.srv.URL }

// GatewayURL returns the websocket gateway address, as returned by
// GET /api/v9/gateway.
func (s *Server) GatewayURL() string {
	return "ws" + s.srv.URL[len("http"):] + "/gateway"
}

// Client returns an HTTP client that sends every request to the fake,
// whatever its scheme and host (https://discord.com/api/v9/users/@me
// becomes http://127.0.0.1:PORT/api/v9/users/@me). Assign it to
// discordgo.Session.Client.
func (s *Server) Client() *http.Client { return s.client }

// Session returns a discordgo session for token (pass it as a bot would,
// e.g. "Bot abc") that talks to the fake. It is not opened yet. Compared
// with discordgo.New it only changes Client (see [Server.Client]) and sets
// ShouldReconnectOnError to false so that the fake's shutdown does not leave
// discordgo retrying forever; set it back to true before Open to test
// reconnects, and then Close the session yourself before the test ends.
//
// The fake's cleanup disconnects open sessions; discordgo then closes the
// session in the background (its Close sleeps one second). Call
// sess.Close() in the test if it must shut down synchronously.
func (s *Server) Session(token string) *discordgo.Session {
	s.tb.Helper()
	sess, err := discordgo.New(token)
	if err != nil {
		s.tb.Fatalf("discordtest: new session: %v", err)
	}
	sess.Client = s.client
	sess.ShouldReconnectOnError = false
	sess.Dialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	return sess
}

// Close shuts the fake down: it closes all gateway connections, waits for
// their goroutines and stops the HTTP server. It is idempotent and is
// called automatically by t.Cleanup.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := make([]*gwConn, 0, len(s.gw))
	for c := range s.gw {
		conns = append(conns, c)
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.close(websocket.CloseGoingAway, "fake discord shutting down")
	}
	s.wg.Wait()
	s.srv.Close()
}

// notifyLocked wakes up waiters (WaitFor, WaitReady). s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// newID returns a fresh snowflake: its timestamp is now and IDs strictly
// increase, so discordgo.SnowflakeTimestamp and ordering work.
func (s *Server) newID() string {
	for {
		last := s.lastID.Load()
		id := uint64(time.Now().UnixMilli()-discordEpochMS) << 22
		if id <= last {
			id = last + 1
		}
		if s.lastID.CompareAndSwap(last, id) {
			return strconv.FormatUint(id, 10)
		}
	}
}

func botUser() *discordgo.User {
	return &discordgo.User{ID: BotUserID, Username: BotUsername, Discriminator: "0", Bot: true, Verified: true}
}

func defaultUser() *discordgo.User {
	return &discordgo.User{ID: UserID, Username: Username, GlobalName: "Tester", Discriminator: "0"}
}

// clone deep-copies v through JSON so callers never share memory with the
// fake's state.
func clone[T any](v T) T {
	var out T
	b, err := json.Marshal(toWire(v))
	if err != nil {
		panic(fmt.Sprintf("discordtest: clone %T: %v", v, err))
	}
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("discordtest: clone %T: %v", v, err))
	}
	return out
}

// rewriteTransport sends every request to host over plain HTTP.
type rewriteTransport struct {
	host string
	next http.RoundTripper
}

func (t rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.URL.Scheme = "http"
	r.URL.Host = t.host
	r.Host = t.host
	return t.next.RoundTrip(r)
}

// AddChannel registers (or replaces) a channel: GET /channels/{id} returns
// it, its guild's channel list and GUILD_CREATE include it. Register DM
// channels (type 1) and threads this way; unknown channel IDs are treated as
// text channels of GuildID.
func (s *Server) AddChannel(ch *discordgo.Channel) {
	c := clone(ch)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[c.ID] = c
}

// AddRole registers (or replaces, by ID) a role of guildID. Role
// permissions feed the permissions of dispatched interactions' members.
func (s *Server) AddRole(guildID string, r *discordgo.Role) {
	r = clone(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	roles := s.roles[guildID]
	for i, old := range roles {
		if old.ID == r.ID {
			roles[i] = r
			return
		}
	}
	s.roles[guildID] = append(roles, r)
}

// AddMember registers (or replaces) a member of guildID; m.User must be
// set. GET /guilds/{guildID}/members/{m.User.ID} returns it, and dispatched
// interactions and messages from that user carry its roles.
func (s *Server) AddMember(guildID string, m *discordgo.Member) {
	if m.User == nil {
		panic("discordtest: AddMember: member without User")
	}
	m = clone(m)
	m.GuildID = guildID
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.members[guildID] == nil {
		s.members[guildID] = make(map[string]*discordgo.Member)
	}
	s.members[guildID][m.User.ID] = m
}

// AddMessage stores m in its channel's history without dispatching it, as
// if it had been sent before the bot connected. Missing fields are filled
// as for [Server.DispatchMessage]; the stored message is returned.
func (s *Server) AddMessage(m *discordgo.Message) *discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	m = s.fillMessageLocked(m)
	s.storeMessageLocked(m)
	return clone(m)
}

// AddAttachment serves data at a new URL on the fake and returns an
// attachment describing it, ready to put in a dispatched message's
// Attachments. Any HTTP client can download att.URL.
func (s *Server) AddAttachment(name, contentType string, data []byte) *discordgo.MessageAttachment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addFileLocked("0", name, contentType, data)
}

func (s *Server) addFileLocked(channelID, name, contentType string, data []byte) *discordgo.MessageAttachment {
	id := s.newID()
	p := "/attachments/" + channelID + "/" + id + "/" + url.PathEscape(name)
	s.files[p] = file{contentType: contentType, data: append([]byte(nil), data...)}
	u := s.srv.URL + p
	return &discordgo.MessageAttachment{
		ID: id, URL: u, ProxyURL: u, Filename: name, ContentType: contentType, Size: len(data),
	}
}

// Messages returns the current messages of a channel, oldest first, as
// the fake sees them after all creates, edits and deletes (including
// interaction responses and followups, which live in the interaction's
// channel). The results are copies.
func (s *Server) Messages(channelID string) []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := s.channelMessagesLocked(channelID)
	out := make([]*discordgo.Message, len(ms))
	for i, m := range ms {
		out[i] = clone(m)
	}
	return out
}

// channelMessagesLocked returns the channel's messages sorted oldest first.
func (s *Server) channelMessagesLocked(channelID string) []*discordgo.Message {
	var ms []*discordgo.Message
	for _, id := range s.history[channelID] {
		if m, ok := s.messages[id]; ok {
			ms = append(ms, m)
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return snowflakeLess(ms[i].ID, ms[j].ID) })
	return ms
}

func snowflakeLess(a, b string) bool {
	x, errA := strconv.ParseUint(a, 10, 64)
	y, errB := strconv.ParseUint(b, 10, 64)
	if errA != nil || errB != nil {
		return a < b
	}
	return x < y
}

// channelLocked returns the channel fixture for id, or a text channel of
// GuildID for unknown IDs.
func (s *Server) channelLocked(id string) *discordgo.Channel {
	if ch, ok := s.channels[id]; ok {
		return ch
	}
	return &discordgo.Channel{ID: id, GuildID: GuildID, Name: "channel-" + id, Type: discordgo.ChannelTypeGuildText}
}

// ensureChannelLocked registers an unknown channel seen in dispatched data:
// a DM if it has no guild, a text channel otherwise.
func (s *Server) ensureChannelLocked(channelID, guildID string, user *discordgo.User) {
	if channelID == "" {
		return
	}
	if _, ok := s.channels[channelID]; ok {
		return
	}
	ch := &discordgo.Channel{ID: channelID, GuildID: guildID, Name: "channel-" + channelID, Type: discordgo.ChannelTypeGuildText}
	if guildID == "" {
		ch.Name = ""
		ch.Type = discordgo.ChannelTypeDM
		if user != nil {
			ch.Recipients = []*discordgo.User{clone(user)}
		}
	}
	s.channels[channelID] = ch
}

// permissionsLocked computes a member's guild-wide permissions from the
// @everyone role and the member's roles.
func (s *Server) permissionsLocked(guildID string, roleIDs []string) int64 {
	var perms int64
	for _, r := range s.roles[guildID] {
		if r.ID == guildID {
			perms |= r.Permissions
		}
		for _, id := range roleIDs {
			if r.ID == id {
				perms |= r.Permissions
			}
		}
	}
	if perms&discordgo.PermissionAdministrator != 0 {
		return discordgo.PermissionAll
	}
	return perms
}

// fillMessageLocked returns a copy of m with ID, timestamp, author, channel
// and guild filled in.
func (s *Server) fillMessageLocked(in *discordgo.Message) *discordgo.Message {
	m := clone(in)
	if m.ID == "" {
		m.ID = s.newID()
	}
	if m.Timestamp.IsZero() {
		m.Timestamp = time.Now().UTC()
	}
	if m.Author == nil {
		m.Author = defaultUser()
	}
	if m.ChannelID == "" {
		m.ChannelID = ChannelID
		if m.GuildID == "" {
			m.GuildID = GuildID
		}
	}
	s.ensureChannelLocked(m.ChannelID, m.GuildID, m.Author)
	if m.GuildID != "" && m.Member == nil {
		if mem, ok := s.members[m.GuildID][m.Author.ID]; ok {
			m.Member = &discordgo.Member{Roles: append([]string{}, mem.Roles...), JoinedAt: mem.JoinedAt, Nick: mem.Nick}
		}
	}
	if m.MessageReference != nil && m.MessageReference.MessageID != "" {
		if m.Type == discordgo.MessageTypeDefault {
			m.Type = discordgo.MessageTypeReply
		}
		if m.ReferencedMessage == nil {
			if ref, ok := s.messages[m.MessageReference.MessageID]; ok {
				m.ReferencedMessage = clone(ref)
			}
		}
	}
	return m
}

func (s *Server) storeMessageLocked(m *discordgo.Message) {
	if _, ok := s.messages[m.ID]; !ok {
		s.history[m.ChannelID] = append(s.history[m.ChannelID], m.ID)
	}
	s.messages[m.ID] = m
}

func (s *Server) deleteMessageLocked(id string) {
	m, ok := s.messages[id]
	if !ok {
		return
	}
	delete(s.messages, id)
	ids := s.history[m.ChannelID]
	for i, x := range ids {
		if x == id {
			s.history[m.ChannelID] = append(ids[:i:i], ids[i+1:]...)
			break
		}
	}
}
