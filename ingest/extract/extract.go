// Package extract turns uploaded statement files (PDF, HTML, plain text and
// Markdown) into plain text for the ingestion pipeline.
//
// PDFs are read with PDFium compiled to WebAssembly (go-pdfium on wazero), so
// no cgo and no shared library is needed: the PDFium module is embedded in the
// binary. Each PDF is bounded in pages, time, the memory of its PDFium
// worker and the text it may expand to (see Options), so that a small
// hostile file cannot hold gigabytes or minutes. HTML pages are reduced to
// their main article with go-readability.
// Text and Markdown files are passed through as they are.
//
// Problems the uploader can fix (an empty file, a scanned PDF, a password, an
// unsupported format) are reported as *InputError, whose message is one line
// meant to be shown to the user. Every other error is an internal failure.
package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/klippa-app/go-pdfium"

	"github.com/statementbot/statementbot"
)

// Formats reported in Document.Format.
const (
	FormatPDF  = "pdf"
	FormatHTML = "html"
	FormatText = "text"
)

// Defaults for the zero values of Options.
const (
	DefaultPDFTimeout     = time.Minute
	DefaultMaxPages       = 500
	DefaultWorkers        = 2
	DefaultMaxMemoryBytes = 128 << 20
	DefaultMaxTextBytes   = 8 << 20
)

// ErrClosed is returned when a PDF is extracted after Close.
var ErrClosed = errors.New("extract: extractor is closed")

// Document is extracted text plus whatever metadata the file carried.
type Document struct {
	// Text is the extracted text. For a PDF the pages are separated by a
	// form feed ("\f"), one per page boundary, and each page keeps the line
	// breaks PDFium reports, so the text still needs repairing. For HTML,
	// paragraphs, headings and list items are separated by blank lines,
	// headings marked "## " and list items "• " or "3. "; figure captions,
	// cookie and newsletter notices, share links and related-link asides
	// are dropped. Text
	// and Markdown files are returned unchanged (less a byte order mark).
	Text string
	// Title is the document title from the file's metadata, or "".
	Title string
	// Date is the publication (HTML) or creation (PDF) date as YYYY-MM-DD,
	// or "" if the file carries none that parses.
	Date string
	// Source is the canonical URL of an HTML page, or "".
	Source string
	// Format is FormatPDF, FormatHTML or FormatText.
	Format string
}

// InputError reports a problem with the uploaded file itself, one that its
// uploader can fix: Msg is a single line fit to show to the user, Err the
// cause for the log. It is the domain input error, so callers handle one type.
type InputError = statementbot.InputError

func inputErrorf(cause error, format string, args ...any) *InputError {
	return &InputError{Msg: fmt.Sprintf(format, args...), Err: cause}
}

// Options configures an Extractor. The zero value is usable.
type Options struct {
	// PDFTimeout bounds the time PDFium may spend on one PDF, from opening
	// it to reading its last page; a PDF that takes longer is abandoned and
	// reported as an InputError. Waiting for a free worker is bounded only
	// by the caller's context. Zero means DefaultPDFTimeout.
	PDFTimeout time.Duration
	// MaxPages is the largest number of pages a PDF may have; longer PDFs
	// are refused with an InputError. Zero means DefaultMaxPages.
	MaxPages int
	// Workers is the most PDFs read at the same time, each in its own
	// PDFium WebAssembly instance. Zero means DefaultWorkers.
	Workers int
	// MaxMemoryBytes bounds the memory of each PDFium worker (its
	// WebAssembly linear memory, in whole 64 KiB pages). A PDF that needs
	// more, such as a small file whose streams inflate to gigabytes, is
	// refused with an InputError and its worker discarded, so the memory
	// goes back. Zero means DefaultMaxMemoryBytes.
	MaxMemoryBytes int64
	// MaxTextBytes bounds the text one PDF may expand to; a PDF with more
	// is refused with an InputError. Zero means DefaultMaxTextBytes, the
	// default upload limit, so that no statement's text exceeds what could
	// be uploaded as a text file.
	MaxTextBytes int
	// CacheDir, if set, is a directory where wazero keeps the machine code
	// it compiles from the embedded PDFium module, so that a later process
	// starts its PDF pool in about 0.1 s instead of several seconds. The
	// directory is created if needed and must not be shared with untrusted
	// writers. Empty means compile in memory on every start; so does a
	// cache that cannot be created, read or written (a full disk), after a
	// warning in Log.
	CacheDir string
	// Log receives warnings (an unusable cache). Nil means none.
	Log *slog.Logger
}

// Extractor converts files to Documents. It is safe for concurrent use.
//
// PDF support starts a pool of PDFium WebAssembly workers lazily, on the
// first PDF, and reuses it for later PDFs; if starting fails, the next PDF
// tries again. Close releases the pool.
type Extractor struct {
	opts Options

	mu      sync.Mutex // guards closed, running and the active.Add that follows the check
	closed  bool
	running int            // PDF extractions in flight
	active  sync.WaitGroup // the same, to wait for
	mem     *wasmMemory    // the PDFium workers' memories

	// start is a one-slot semaphore held while the pool is started or
	// closed, so that waiting for it honours a context.
	start chan struct{}
	pool  pdfium.Pool // guarded by start
}

// New returns an Extractor. It does no work until the first PDF arrives.
func New(opts Options) *Extractor {
	if opts.PDFTimeout <= 0 {
		opts.PDFTimeout = DefaultPDFTimeout
	}
	if opts.MaxPages <= 0 {
		opts.MaxPages = DefaultMaxPages
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.MaxMemoryBytes <= 0 {
		opts.MaxMemoryBytes = DefaultMaxMemoryBytes
	}
	if opts.MaxTextBytes <= 0 {
		opts.MaxTextBytes = DefaultMaxTextBytes
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Extractor{opts: opts, start: make(chan struct{}, 1), mem: &wasmMemory{}}
}

// Close waits for PDF extractions in flight, then releases the PDF worker
// pool. Extracting a PDF after Close fails with ErrClosed; HTML and text
// still work. Close is idempotent.
func (e *Extractor) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.mu.Unlock()

	e.active.Wait()
	e.start <- struct{}{}
	defer func() { <-e.start }()
	if e.pool == nil {
		return nil
	}
	err := e.pool.Close()
	e.pool = nil
	for _, r := range e.mem.takeRetired() {
		unmapRegion(r)
	}
	if err != nil {
		return fmt.Errorf("extract: closing PDF pool: %w", err)
	}
	return nil
}

// Extract converts one uploaded file to text. The name is used only for its
// extension. Data that starts with a PDF header is read as PDF whatever the
// name; a .pdf without one is refused. Otherwise .html, .htm and .xhtml are
// read as HTML, and .txt, .text, .md, .markdown or no extension as text,
// unless the data starts with a doctype or <html> tag, which makes it HTML.
// Any other extension is refused.
//
// Errors the uploader can fix are *InputError.
func (e *Extractor) Extract(ctx context.Context, name string, data []byte) (Document, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return Document{}, inputErrorf(nil, "the file is empty: upload a file that contains the statement")
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case isPDF(data):
		return e.extractPDF(ctx, data)
	case ext == ".pdf":
		return Document{}, inputErrorf(nil, "the file is named .pdf but is not a PDF (no %%PDF- header): re-download or re-export it")
	case htmlExts[ext], (textExts[ext] || ext == "") && looksHTML(data):
		return extractHTML(data)
	case textExts[ext] || ext == "":
		return extractText(data)
	}
	return Document{}, inputErrorf(nil, "unsupported file type %s: upload a PDF, an HTML page, or a .txt or .md file", describeType(ext, data))
}

var (
	htmlExts = map[string]bool{".html": true, ".htm": true, ".xhtml": true}
	textExts = map[string]bool{".txt": true, ".text": true, ".md": true, ".markdown": true}
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// isPDF reports whether data starts with a PDF header. Like PDF readers, it
// tolerates some junk before the header.
func isPDF(data []byte) bool {
	return bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-"))
}

// looksHTML reports whether data starts, after a byte order mark, white
// space and comments, with a doctype or an <html> tag.
func looksHTML(data []byte) bool {
	s := bytes.TrimPrefix(data[:min(len(data), 4096)], utf8BOM)
	for {
		s = bytes.TrimLeft(s, " \t\r\n\f")
		if !bytes.HasPrefix(s, []byte("<!--")) {
			break
		}
		end := bytes.Index(s, []byte("-->"))
		if end < 0 {
			return false
		}
		s = s[end+3:]
	}
	lower := bytes.ToLower(s[:min(len(s), 14)])
	return bytes.HasPrefix(lower, []byte("<!doctype html")) ||
		bytes.HasPrefix(lower, []byte("<html")) && (len(lower) == 5 || strings.ContainsRune(" \t\r\n>", rune(lower[5])))
}

// describeType names an unsupported file for an error message.
func describeType(ext string, data []byte) string {
	var kind string
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		kind = "a ZIP-based document such as Word or OpenDocument; save it as PDF"
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		kind = "an old Microsoft Office document; save it as PDF"
	case bytes.HasPrefix(data, []byte("{\\rtf")):
		kind = "RTF; save it as PDF"
	case bytes.HasPrefix(data, []byte("\x89PNG")), bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")),
		bytes.HasPrefix(data, []byte("GIF8")), bytes.HasPrefix(data, []byte("II*\x00")),
		bytes.HasPrefix(data, []byte("MM\x00*")), len(data) > 12 && string(data[8:12]) == "WEBP":
		kind = "an image; paste the text as .txt instead"
	}
	switch {
	case ext != "" && kind != "":
		return fmt.Sprintf("%s (%s)", ext, kind)
	case ext != "":
		return ext
	case kind != "":
		return "(" + kind + ")"
	}
	return "(unknown)"
}

// extractText validates a text or Markdown file and returns it unchanged,
// less a UTF-8 byte order mark. UTF-16 with a byte order mark is decoded.
func extractText(data []byte) (Document, error) {
	if text, ok := decodeUTF16(data); ok {
		data = []byte(text)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return Document{}, inputErrorf(nil, "the file is not UTF-8 text (it contains binary data or another encoding): save it as UTF-8 text, or upload the original PDF")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Document{}, inputErrorf(nil, "the file is empty: upload a file that contains the statement")
	}
	return Document{Text: string(data), Format: FormatText}, nil
}

// decodeUTF16 decodes data that starts with a UTF-16 byte order mark.
func decodeUTF16(data []byte) (string, bool) {
	if len(data) < 2 || len(data)%2 != 0 {
		return "", false
	}
	var order func(b []byte) uint16
	switch {
	case data[0] == 0xFF && data[1] == 0xFE:
		order = func(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
	case data[0] == 0xFE && data[1] == 0xFF:
		order = func(b []byte) uint16 { return uint16(b[1]) | uint16(b[0])<<8 }
	default:
		return "", false
	}
	units := make([]uint16, 0, len(data)/2-1)
	for i := 2; i < len(data); i += 2 {
		units = append(units, order(data[i:]))
	}
	return string(utf16.Decode(units)), true
}
