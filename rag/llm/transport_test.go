package llm

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		h    http.Header
		want time.Duration
		ok   bool
	}{
		{http.Header{"Retry-After": {"2"}}, 2 * time.Second, true},
		{http.Header{"Retry-After": {"0.25"}}, 250 * time.Millisecond, true},
		{http.Header{"Retry-After-Ms": {"40"}}, 40 * time.Millisecond, true},
		{http.Header{"Retry-After": {"1e30"}}, maxRetryAfter, true},
		{http.Header{"Retry-After": {"Inf"}}, maxRetryAfter, true},
		{http.Header{"Retry-After": {"NaN"}}, 0, false},
		{http.Header{"Retry-After": {"-3"}}, 0, false},
		{http.Header{"Retry-After": {"soon"}}, 0, false},
		{http.Header{}, 0, false},
	} {
		got, ok := retryAfter(tc.h)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%v) = %v, %v; want %v, %v", tc.h, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDoneChecker(t *testing.T) {
	for body, wantErr := range map[string]error{
		"data: {}\n\ndata: [DONE]\n\n":    nil,
		"data: {}\r\n\r\ndata:[DONE]\r\n": nil,
		"data: {}\n\ndata:[DONE]":         nil,
		"data: {}\n\ndata: [DONE]":        nil,
		"data: {}\n\n":                    ErrStreamCut,
		"data: {}\n\ndata: [DO":           ErrStreamCut,
		"":                                ErrStreamCut,
	} {
		d := &doneChecker{body: io.NopCloser(strings.NewReader(body))}
		d.r = bufio.NewReader(d.body)
		got, err := io.ReadAll(d)
		if !errors.Is(err, wantErr) && !(wantErr == nil && err == nil) {
			t.Errorf("%q: err = %v, want %v", body, err, wantErr)
		}
		if string(got) != body {
			t.Errorf("%q: passed through %q", body, got)
		}
	}
}
