package llm

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryTransport retries requests that failed for a passing reason —
// 429, 500, 502, 503, 504, or a connection error — with exponential
// backoff and full jitter, honouring Retry-After (which go-openai does not
// expose). It never waits past the request's deadline. Streaming responses
// are checked for their closing "data: [DONE]": a stream cut before it
// reads as io.ErrUnexpectedEOF, not as a clean end.
type retryTransport struct {
	next       http.RoundTripper
	maxRetries int
	baseDelay  time.Duration
	maxDelay   time.Duration
	log        *slog.Logger
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.Body != nil {
			if req.GetBody == nil {
				return nil, errors.New("llm: cannot retry a request whose body cannot be replayed")
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
		resp, err := t.next.RoundTrip(req)
		retryable, wait := t.classify(resp, err, attempt)
		if !retryable || attempt >= t.maxRetries {
			if err == nil && isEventStream(resp) {
				resp.Body = &doneChecker{body: resp.Body, r: bufio.NewReader(resp.Body)}
			}
			if err == nil && resp.StatusCode >= http.StatusBadRequest {
				sanitize(resp)
			}
			return resp, err
		}
		status := 0
		if resp != nil {
			status = resp.StatusCode
			// Drain a little so the connection can be reused; the body is
			// an upstream detail (it may echo the request's headers) and
			// only its short, redacted reason is logged, at debug level.
			snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			t.log.DebugContext(req.Context(), "llm: upstream error", "status", status, "reason", shortReason(string(snippet)))
		}
		t.log.WarnContext(req.Context(), "llm: request failed; retrying", "url", req.URL.Path, "status", status, "err", err, "attempt", attempt+1, "wait", wait)
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// maxErrorBody is the most of an error response that is read.
const maxErrorBody = 64 << 10

// sanitize replaces an error response's body, and its status line, with
// versions safe to log: whatever go-openai or a caller makes of them
// carries the status and a short, redacted reason, never the upstream's
// text as sent (an upstream may echo the Authorization header).
func sanitize(resp *http.Response) {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	clean := errorBody(resp.StatusCode, body)
	resp.Body = io.NopCloser(bytes.NewReader(clean))
	resp.ContentLength = int64(len(clean))
	resp.Header.Del("Content-Length")
	resp.Status = fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
}

// classify decides whether to retry and how long to wait first.
func (t *retryTransport) classify(resp *http.Response, err error, attempt int) (bool, time.Duration) {
	backoff := t.baseDelay << attempt
	if backoff > t.maxDelay || backoff <= 0 {
		backoff = t.maxDelay
	}
	jittered := time.Duration(rand.Int64N(int64(backoff) + 1))
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return false, 0
		}
		return true, jittered
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return false, 0
	}
	if ra, ok := retryAfter(resp.Header); ok {
		return true, min(ra, maxRetryAfter)
	}
	return true, jittered
}

// maxRetryAfter caps how long a Retry-After can make a call wait.
const maxRetryAfter = 60 * time.Second

// retryAfter reads Retry-After (seconds or an HTTP date) or the
// retry-after-ms header some servers send.
func retryAfter(h http.Header) (time.Duration, bool) {
	// Clamped before conversion: "1e30" must not overflow to a negative
	// wait.
	const most = float64(maxRetryAfter)
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && !math.IsNaN(ms) {
			return time.Duration(min(ms*float64(time.Millisecond), most)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && !math.IsNaN(s) {
		return time.Duration(min(s*float64(time.Second), most)), true
	}
	if when, err := http.ParseTime(v); err == nil {
		return max(time.Until(when), 0), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return context.DeadlineExceeded
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func isEventStream(resp *http.Response) bool {
	return resp.StatusCode == http.StatusOK && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream")
}

// ErrStreamCut is returned when an event stream ends without "[DONE]".
var ErrStreamCut = errors.New("llm: stream ended before [DONE]")

// doneChecker passes an event stream through and turns its end into
// ErrStreamCut unless a "data: [DONE]" line went by.
type doneChecker struct {
	body io.ReadCloser
	r    *bufio.Reader
	line []byte // current, not yet complete line
	done bool
	buf  []byte // bytes read but not yet returned
	err  error
}

func (d *doneChecker) Read(p []byte) (int, error) {
	for len(d.buf) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		chunk, err := d.r.ReadSlice('\n')
		d.buf = append(d.buf, chunk...)
		d.line = append(d.line, chunk...)
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
			d.done = d.done || isDone(d.line)
			d.line = d.line[:0]
		}
		switch {
		case err == nil, errors.Is(err, bufio.ErrBufferFull):
		case errors.Is(err, io.EOF) && !d.done:
			if isDone(d.line) { // the last line, without its newline
				d.done = true
				d.err = io.EOF
			} else {
				d.err = ErrStreamCut
			}
		default:
			d.err = err
		}
	}
	n := copy(p, d.buf)
	d.buf = d.buf[n:]
	return n, nil
}

func (d *doneChecker) Close() error { return d.body.Close() }

// isDone reports an event-stream line "data: [DONE]" (any spacing, CRLF).
func isDone(line []byte) bool {
	rest, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("data:"))
	return ok && bytes.Equal(bytes.TrimSpace(rest), []byte("[DONE]"))
}
