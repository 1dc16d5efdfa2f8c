package llm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxReason is the most of an upstream's error message that is kept.
const maxReason = 200

// credentialRE matches what looks like a credential in an upstream's text:
// a bearer token, an OpenAI-style key, a credential-named field's value,
// or any long unbroken run of key characters.
var credentialRE = regexp.MustCompile(`(?i)` +
	`(bearer|basic)\s+[A-Za-z0-9._~+/=-]+` +
	`|\bsk-[A-Za-z0-9._-]+` +
	`|((?:authorization|api[-_]?key|x-api-key|access[-_]?token|token|secret|password)["']?\s*[:=]\s*["']?)(?:(?:bearer|basic)\s+)?[^\s"',;}&]+` +
	`|[A-Za-z0-9_+/=-]{32,}`)

// redact replaces what looks like a credential in s with [redacted].
func redact(s string) string {
	return credentialRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := credentialRE.FindStringSubmatch(m)
		switch {
		case sub[1] != "":
			return sub[1] + " [redacted]"
		case sub[2] != "":
			return sub[2] + "[redacted]"
		}
		return "[redacted]"
	})
}

// shortReason is an upstream's text made safe to log and show to an
// operator: one line, credentials redacted, at most maxReason characters.
func shortReason(s string) string {
	s = redact(strings.Join(strings.Fields(s), " "))
	if utf8.RuneCountInString(s) > maxReason {
		s = string([]rune(s)[:maxReason]) + "…"
	}
	return s
}

// errorBody is the body of an upstream error as passed on to go-openai:
// the OpenAI error object with its message shortened and redacted, or for
// a body that is not one, the short reason alone. The upstream's own body
// goes nowhere else.
func errorBody(status int, body []byte) []byte {
	var e struct {
		Error *struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    any    `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != nil {
		e.Error.Message = shortReason(e.Error.Message)
		e.Error.Type = shortReason(e.Error.Type)
		if s, ok := e.Error.Code.(string); ok {
			e.Error.Code = shortReason(s)
		}
		if out, err := json.Marshal(e); err == nil {
			return out
		}
	}
	reason := shortReason(string(body))
	if reason == "" {
		reason = http.StatusText(status)
	}
	return []byte(fmt.Sprintf("upstream error: %s", reason))
}
