package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// Call is one REST request the fake received, with the status it answered.
type Call struct {
	Method string
	// Path is the request path, e.g. "/api/v9/channels/123/messages".
	Path   string
	Query  url.Values
	Header http.Header
	// Body is the JSON body. For multipart requests (messages with files)
	// it is the payload_json part and the files are in Files. Nil when the
	// request had no body.
	Body   json.RawMessage
	Files  []File
	Status int
	Time   time.Time
}

// File is a file uploaded in a multipart request.
type File struct {
	Field       string // form field, e.g. "files[0]"
	Name        string
	ContentType string
	Data        []byte
}

// Is reports whether the call has the method ("" matches any) and its path
// matches pattern, a path.Match pattern in which "*" matches one path
// segment. A pattern not starting with "/" is relative to "/api/v9/", so
// "channels/*/messages" matches "/api/v9/channels/123/messages".
func (c Call) Is(method, pattern string) bool {
	return matchRoute(method, pattern, c.Method, c.Path)
}

// Decode unmarshals the call's JSON body into v.
func (c Call) Decode(v any) error {
	if len(c.Body) == 0 {
		return fmt.Errorf("discordtest: %s %s has no body", c.Method, c.Path)
	}
	if err := json.Unmarshal(c.Body, v); err != nil {
		return fmt.Errorf("discordtest: decode body of %s %s: %w", c.Method, c.Path, err)
	}
	return nil
}

// String returns e.g. "PATCH /api/v9/webhooks/1/tok/messages/@original -> 200".
func (c Call) String() string {
	p := c.Path
	if len(c.Query) > 0 {
		p += "?" + c.Query.Encode()
	}
	return fmt.Sprintf("%s %s -> %d", c.Method, p, c.Status)
}

// Match returns a request matcher for [Server.FailNext] with the same rules
// as [Call.Is].
func Match(method, pattern string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return matchRoute(method, pattern, r.Method, r.URL.Path)
	}
}

func matchRoute(wantMethod, pattern, method, p string) bool {
	if wantMethod != "" && !strings.EqualFold(wantMethod, method) {
		return false
	}
	if !strings.HasPrefix(pattern, "/") {
		pattern = "/api/v9/" + pattern
	}
	ok, err := path.Match(pattern, p)
	return err == nil && ok
}

// Calls returns a copy of every REST call recorded so far, in arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// WaitFor returns the first recorded call (including calls recorded before
// WaitFor was called) for which match returns true, waiting for one to
// arrive until ctx is done. The call is recorded before the fake writes its
// response.
func (s *Server) WaitFor(ctx context.Context, match func(Call) bool) (Call, error) {
	next := 0
	for {
		s.mu.Lock()
		calls := s.calls[next:]
		changed := s.changed
		closed := s.closed
		s.mu.Unlock()
		for _, c := range calls {
			if match(c) {
				return c, nil
			}
		}
		next += len(calls)
		if closed {
			return Call{}, fmt.Errorf("discordtest: waiting for call: server closed")
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return Call{}, fmt.Errorf("discordtest: no matching call among %d recorded [%s]: %w",
				next, s.callSummary(), ctx.Err())
		}
	}
}

func (s *Server) callSummary() string {
	calls := s.Calls()
	parts := make([]string, len(calls))
	for i, c := range calls {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	s.notifyLocked()
}

type fault struct {
	match      func(*http.Request) bool
	status     int
	retryAfter time.Duration
	left       int
}

// FailNext makes the next n REST requests for which match returns true
// (nil matches every request) fail with status instead of being handled.
// The failed requests are recorded with that status.
//
//   - 429 answers like Discord's per-route rate limit: body
//     {"message":"You are being rate limited.","retry_after":S,"global":false}
//     with S = retryAfter in seconds, and headers X-RateLimit-Remaining: 0,
//     X-RateLimit-Reset-After: S, Retry-After. discordgo (with the default
//     ShouldRetryOnRateLimit) sleeps retry_after and retries on its own,
//     with no retry limit, so the caller only sees the eventual result.
//   - 502 is retried by discordgo up to Session.MaxRestRetries (default 3)
//     times, immediately; after that the call fails.
//   - Any other status (e.g. 500, 503) is not retried: the call returns a
//     *discordgo.RESTError whose Response.StatusCode is status.
//
// match sees the request with its body still readable.
func (s *Server) FailNext(match func(*http.Request) bool, status int, retryAfter time.Duration, n int) {
	if n <= 0 {
		return
	}
	if match == nil {
		match = func(*http.Request) bool { return true }
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{match: match, status: status, retryAfter: retryAfter, left: n})
}

// takeFault returns the first pending fault matching r and uses it up.
func (s *Server) takeFault(r *http.Request) *fault {
	s.mu.Lock()
	pending := append([]*fault(nil), s.faults...)
	s.mu.Unlock()
	for _, f := range pending {
		if !f.match(r) {
			continue
		}
		s.mu.Lock()
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				for i, g := range s.faults {
					if g == f {
						s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
						break
					}
				}
			}
			s.mu.Unlock()
			return f
		}
		s.mu.Unlock()
	}
	return nil
}

func (f *fault) response() response {
	secs := f.retryAfter.Seconds()
	h := http.Header{}
	if f.retryAfter > 0 || f.status == http.StatusTooManyRequests {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	}
	if f.status != http.StatusTooManyRequests {
		return response{status: f.status, header: h, body: apiError{
			Message: fmt.Sprintf("%d: %s", f.status, http.StatusText(f.status)),
		}}
	}
	s := strconv.FormatFloat(secs, 'f', 3, 64)
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(f.retryAfter).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", s)
	h.Set("X-RateLimit-Bucket", "discordtest")
	h.Set("X-RateLimit-Scope", "user")
	return response{status: http.StatusTooManyRequests, header: h, body: map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": json.Number(s),
		"global":      false,
	}}
}
