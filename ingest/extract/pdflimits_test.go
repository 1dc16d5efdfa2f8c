package extract

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/statementbot/statementbot/ingest/extract/extracttest"
)

// TestExtractPDFBounds checks that PDFs that expand too far (a compressed
// stream that inflates past the worker's memory, text past the text limit)
// are refused with a one-line InputError, and that the worker they broke is
// replaced: a normal PDF extracts afterwards. The limits are lowered so the
// test stays small: the bomb is some 80 KB inflating to 64 MiB.
func TestExtractPDFBounds(t *testing.T) {
	pdfExtractor(t) // fills the compilation cache first
	e := New(Options{Workers: 1, MaxMemoryBytes: 32 << 20, MaxTextBytes: 64 << 10, CacheDir: extracttest.CacheDir(t)})
	defer e.Close()

	line := strings.Repeat("The ministers agreed on the plan. ", 2) // 68 bytes
	lines := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%d %s", i, line)
		}
		return out
	}
	tests := []struct {
		name    string
		pdf     extracttest.PDF
		wantMsg string
	}{
		{
			name:    "a stream inflating past the memory limit",
			pdf:     extracttest.PDF{Pages: []string{extracttest.TextPage("Bomb.")}, Expand: 64 << 20},
			wantMsg: "the PDF expands to more than 32 MB in memory when read",
		},
		{
			name:    "pages adding up to more text than the limit",
			pdf:     extracttest.PDF{Pages: []string{extracttest.TextPage(lines(400)...), extracttest.TextPage(lines(400)...), extracttest.TextPage(lines(400)...)}},
			wantMsg: "the PDF expands to more than 64 KB of text",
		},
		{
			name:    "one page with more text than the limit",
			pdf:     extracttest.PDF{Pages: []string{extracttest.TextPage(lines(1200)...)}},
			wantMsg: "the PDF expands to more than 64 KB of text",
		},
	}
	normal := extracttest.PDF{Pages: []string{extracttest.TextPage("Normal text.")}}.Build()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.pdf.Build()
			_, err := e.Extract(context.Background(), "hostile.pdf", data)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Extract(%d-byte PDF) error = %v (%T), want *InputError", len(data), err, err)
			}
			if !strings.HasPrefix(ie.Msg, tt.wantMsg) || strings.ContainsAny(ie.Msg, "\r\n") {
				t.Errorf("Extract() message = %q, want one line starting %q", ie.Msg, tt.wantMsg)
			}
			got, err := e.Extract(context.Background(), "normal.pdf", normal)
			if err != nil || got.Text != "Normal text." {
				t.Errorf("Extract(normal PDF) afterwards = %q, %v; want %q, nil", got.Text, err, "Normal text.")
			}
		})
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{
		128 << 20:           "128 MB",
		3<<20 + 512<<10:     "3.5 MB",
		64 << 10:            "64 KB",
		500:                 "500 bytes",
		DefaultMaxTextBytes: "8 MB",
	} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
