package extract

import (
	"errors"
	"fmt"
	"strings"
)

// errTooMuchText is the cause of the error for a PDF whose text is over
// Options.MaxTextBytes.
var errTooMuchText = errors.New("PDF text over the limit")

// tooMuchText is the error for a PDF whose text is over limit bytes.
func tooMuchText(limit int) *InputError {
	return inputErrorf(errTooMuchText,
		"the PDF expands to more than %s of text: upload only the statement's pages, or paste its text as .txt", formatBytes(int64(limit)))
}

// isTrap reports whether err is a WebAssembly trap out of PDFium: the
// instance aborted (as PDFium does when its memory limit is reached) and
// is unusable. wazero reports traps only as text ("wasm error: ...").
func isTrap(err error) bool {
	return err != nil && strings.Contains(err.Error(), "wasm error:")
}

// formatBytes writes n for a message: "256 MB", "1.5 MB", "64 KB".
func formatBytes(n int64) string {
	const mb, kb = 1 << 20, 1 << 10
	switch {
	case n >= mb && n%mb == 0:
		return fmt.Sprintf("%d MB", n/mb)
	case n >= mb:
		return fmt.Sprintf("%.1f MB", float64(n)/mb)
	case n >= kb:
		return fmt.Sprintf("%d KB", n/kb)
	}
	return fmt.Sprintf("%d bytes", n)
}
