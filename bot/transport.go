package bot

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultAPIURL is Discord's own API host.
const DefaultAPIURL = "https://discord.com"

// NewHTTPClient returns the HTTP client for discordgo. With apiURL other
// than Discord's (a rate-limiting REST proxy, or a fake in tests), every
// request's scheme and host (and a path prefix, if apiURL has one) are
// rewritten to it; the /api/v9/... path is kept. The gateway address comes
// from GET /api/v9/gateway through the same client.
func NewHTTPClient(apiURL string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// Enough idle connections that a burst of deferrals does not
	// reconnect for each (Discord itself multiplexes over HTTP/2).
	tr.MaxIdleConnsPerHost = 64
	client := &http.Client{Timeout: 20 * time.Second, Transport: tr}
	if apiURL == "" || strings.TrimRight(apiURL, "/") == DefaultAPIURL {
		return client, nil
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("DISCORD_API_URL=%q: give a base URL such as http://127.0.0.1:8080", apiURL)
	}
	client.Transport = rewrite{base: u, next: tr}
	return client, nil
}

type rewrite struct {
	base *url.URL
	next http.RoundTripper
}

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.URL.Scheme = r.base.Scheme
	out.URL.Host = r.base.Host
	out.Host = r.base.Host
	if p := strings.TrimRight(r.base.Path, "/"); p != "" {
		out.URL.Path = p + req.URL.Path
	}
	return r.next.RoundTrip(out)
}
