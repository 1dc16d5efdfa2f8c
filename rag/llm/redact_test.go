package llm_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/statementbot/statementbot/rag/llm"
)

const secretKey = "sk-SECRET1234567890abcdef"

// echoServer fails every request with status, its body (JSON or plain, as
// asked) echoing the request's headers, as some proxies do.
func echoServer(t *testing.T, status int, asJSON bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var headers strings.Builder
		for k, v := range r.Header {
			fmt.Fprintf(&headers, "%s: %s; ", k, strings.Join(v, ","))
		}
		if asJSON {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":{"message":"bad upstream, request was %s","type":"api_key=%s","code":"x"}}`, headers.String(), secretKey)
			return
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html>gateway error; you sent %s</html>", headers.String())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestUpstreamBodiesNeverLogged: an upstream that echoes the
// Authorization header in its error bodies gets the key neither into the
// error nor into any log line, at any level, streaming or not; the error
// still says the status.
func TestUpstreamBodiesNeverLogged(t *testing.T) {
	for _, tc := range []struct {
		status int
		json   bool
	}{{500, true}, {500, false}, {401, true}, {400, false}} {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d json=%v stream=%v", tc.status, tc.json, stream), func(t *testing.T) {
				srv := echoServer(t, tc.status, tc.json)
				var logs bytes.Buffer
				c := llm.New(llm.Config{
					BaseURL: srv.URL + "/v1", APIKey: secretKey, Model: "m", Timeout: time.Minute, MaxRetries: 2,
					BaseDelay: time.Millisecond, MaxDelay: time.Millisecond,
					Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
				})
				var onDelta func(string)
				if stream {
					onDelta = func(string) {}
				}
				_, err := c.Chat(context.Background(), msgs, onDelta)
				var le *llm.Error
				if !errors.As(err, &le) {
					t.Fatalf("err = %v, want *llm.Error", err)
				}
				for what, text := range map[string]string{"error": err.Error(), "logs": logs.String()} {
					for _, secret := range []string{"SECRET1234567890", "Bearer sk-"} {
						if strings.Contains(text, secret) {
							t.Errorf("%s holds %q:\n%s", what, secret, text)
						}
					}
				}
				if !strings.Contains(err.Error(), fmt.Sprint(tc.status)) {
					t.Errorf("error does not say the status %d: %v", tc.status, err)
				}
				if n := len(err.Error()); n > 600 {
					t.Errorf("error is %d bytes long: %v", n, err)
				}
			})
		}
	}
}
