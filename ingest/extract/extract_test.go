package extract

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/statementbot/statementbot/ingest/extract/extracttest"
)

// Starting the PDF pool compiles the 5.8 MB PDFium module: about 6 s, and
// about 50 s under -race. The tests share one Extractor and keep wazero's
// compiled code in a cache directory outside the repository, so that only
// the first run on a machine pays for the compilation. Set
// EXTRACT_TEST_NO_CACHE=1 to measure a cold start.
var (
	sharedMu sync.Mutex
	shared   *Extractor
)

const testMaxPages = 5

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		if err := shared.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "closing shared extractor:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// pdfExtractor returns the shared Extractor with its PDF pool started.
func pdfExtractor(tb testing.TB) *Extractor {
	tb.Helper()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared == nil {
		e := New(Options{MaxPages: testMaxPages, CacheDir: extracttest.CacheDir(tb)})
		start := time.Now()
		if _, err := e.startPool(context.Background()); err != nil {
			tb.Fatalf("starting PDF pool: %v", err)
		}
		tb.Logf("PDF pool started in %v (cache dir %q)", time.Since(start).Round(time.Millisecond), e.opts.CacheDir)
		shared = e
	}
	return shared
}

func TestExtractPDF(t *testing.T) {
	e := pdfExtractor(t)
	tests := []struct {
		name string
		pdf  extracttest.PDF
		want Document
	}{
		{
			name: "two pages in order with a page break",
			pdf: extracttest.PDF{Pages: []string{
				extracttest.TextPage("Joint Statement of the Ministers", "The Coalition met in Rome."),
				extracttest.TextPage("Page two begins here.", "It ends the statement."),
			}},
			want: Document{
				Text:   "Joint Statement of the Ministers\nThe Coalition met in Rome.\fPage two begins here.\nIt ends the statement.",
				Format: FormatPDF,
			},
		},
		{
			name: "a paragraph gap wider than the line pitch becomes a blank line",
			pdf: extracttest.PDF{Pages: []string{
				extracttest.TextPage("The ministers met in Rome", "and agreed on a plan.", "", "They will meet again", "next year in Paris, and", "review the plan there."),
			}},
			want: Document{
				Text:   "The ministers met in Rome\nand agreed on a plan.\n\nThey will meet again\nnext year in Paris, and\nreview the plan there.",
				Format: FormatPDF,
			},
		},
		{
			name: "title and creation date",
			pdf: extracttest.PDF{
				Pages: []string{extracttest.TextPage("Body text.")},
				Info:  map[string]string{"Title": "Rome Ministerial Statement", "CreationDate": "D:20210628103000+02'00'", "ModDate": "D:20220101000000Z"},
			},
			want: Document{Text: "Body text.", Title: "Rome Ministerial Statement", Date: "2021-06-28", Format: FormatPDF},
		},
		{
			name: "modification date when no creation date",
			pdf: extracttest.PDF{
				Pages: []string{extracttest.TextPage("Body text.")},
				Info:  map[string]string{"ModDate": "D:20211231"},
			},
			want: Document{Text: "Body text.", Date: "2021-12-31", Format: FormatPDF},
		},
		{
			name: "unparseable date is left out",
			pdf: extracttest.PDF{
				Pages: []string{extracttest.TextPage("Body text.")},
				Info:  map[string]string{"Title": "  Spaced title  ", "CreationDate": "yesterday"},
			},
			want: Document{Text: "Body text.", Title: "Spaced title", Format: FormatPDF},
		},
		{
			name: "blank page keeps its page break",
			pdf: extracttest.PDF{Pages: []string{
				extracttest.TextPage("First page."),
				"",
				extracttest.TextPage("Third page."),
			}},
			want: Document{Text: "First page.\f\fThird page.", Format: FormatPDF},
		},
		{
			name: "TJ kerning and T* line breaks",
			pdf: extracttest.PDF{Pages: []string{
				"BT /F1 12 Tf 14 TL 72 720 Td [(Joint) -300 (Statement)] TJ T* [(on ) 20 (Iraq)] TJ ET",
			}},
			want: Document{Text: "Joint Statement\non Iraq", Format: FormatPDF},
		},
		{
			name: "text next to an image",
			pdf: extracttest.PDF{
				Pages: []string{"q 100 0 0 100 72 600 cm /Im1 Do Q\n" + extracttest.TextPage("Caption text.")},
				Image: true,
			},
			want: Document{Text: "Caption text.", Format: FormatPDF},
		},
		{
			name: "encrypted with an owner password only opens",
			pdf: extracttest.PDF{
				Pages:         []string{extracttest.TextPage("Protected but readable.")},
				Info:          map[string]string{"Title": "Encrypted title"},
				Encrypt:       true,
				OwnerPassword: "owner",
			},
			want: Document{Text: "Protected but readable.", Title: "Encrypted title", Format: FormatPDF},
		},
		{
			name: "PDF content wins over a .txt name",
			pdf:  extracttest.PDF{Pages: []string{extracttest.TextPage("Misnamed.")}},
			want: Document{Text: "Misnamed.", Format: FormatPDF},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "statement.pdf"
			if strings.Contains(tt.name, ".txt") {
				name = "statement.txt"
			}
			got, err := e.Extract(context.Background(), name, tt.pdf.Build())
			if err != nil {
				t.Fatalf("Extract() error = %v, want nil", err)
			}
			if got != tt.want {
				t.Errorf("Extract() =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestExtractPDFInputErrors(t *testing.T) {
	e := pdfExtractor(t)
	valid := extracttest.PDF{Pages: []string{extracttest.TextPage("Some text.")}}.Build()
	var tooMany []string
	for i := range testMaxPages + 1 {
		tooMany = append(tooMany, extracttest.TextPage(fmt.Sprintf("Page %d.", i+1)))
	}
	tests := []inputErrorCase{
		{
			name:    "image-only page",
			file:    "scan.pdf",
			data:    extracttest.PDF{Pages: []string{"q 400 0 0 600 100 100 cm /Im1 Do Q"}, Image: true}.Build(),
			wantMsg: "the PDF has no text layer (scanned image?): export it with text or paste the text as .txt",
		},
		{
			name:    "pages without any content",
			file:    "blank.pdf",
			data:    extracttest.PDF{Pages: []string{"", ""}}.Build(),
			wantMsg: "no text layer",
		},
		{
			name:    "user password",
			file:    "locked.pdf",
			data:    extracttest.PDF{Pages: []string{extracttest.TextPage("Secret.")}, Encrypt: true, UserPassword: "secret"}.Build(),
			wantMsg: "password-protected",
		},
		{
			name:    "garbage after the header",
			file:    "corrupt.pdf",
			data:    []byte("%PDF-1.4\n\x01\x02\x03 this is not a PDF body at all\n"),
			wantMsg: "damaged",
		},
		{
			name:    "truncated file",
			file:    "truncated.pdf",
			data:    valid[:40],
			wantMsg: "damaged",
		},
		{
			name:    "named .pdf without a PDF header",
			file:    "statement.pdf",
			data:    []byte("<html><body>Access denied</body></html>"),
			wantMsg: "not a PDF",
		},
		{
			name:    "too many pages",
			file:    "long.pdf",
			data:    extracttest.PDF{Pages: tooMany}.Build(),
			wantMsg: fmt.Sprintf("the PDF has %d pages, more than the %d allowed", testMaxPages+1, testMaxPages),
		},
	}
	checkInputErrors(t, e, tests)
}

func TestExtractPDFContextCanceled(t *testing.T) {
	e := pdfExtractor(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.Extract(ctx, "a.pdf", extracttest.PDF{Pages: []string{extracttest.TextPage("Text.")}}.Build())
	var ie *InputError
	if errors.As(err, &ie) || !errors.Is(err, context.Canceled) {
		t.Errorf("Extract(canceled ctx) error = %v, want a non-input error wrapping context.Canceled", err)
	}
}

// TestExtractPDFTimeout checks that a PDF running past PDFTimeout is
// interrupted inside PDFium and reported to the user, and that the killed
// worker is replaced.
func TestExtractPDFTimeout(t *testing.T) {
	pdfExtractor(t) // fills the compilation cache first
	// Far below the work the PDF makes (about 1.4 s, 3 s under -race),
	// so no machine finishes it in time.
	const timeout = time.Millisecond
	e := New(Options{PDFTimeout: timeout, Workers: 1, CacheDir: extracttest.CacheDir(t)})
	defer e.Close()
	if _, err := e.startPool(context.Background()); err != nil {
		t.Fatal(err)
	}
	// 200,000 text operators keep PDFium busy for about 1.4 s (3 s under
	// -race) in a single call.
	heavy := extracttest.PDF{Pages: []string{
		"BT /F1 1 Tf 72 720 Td " + strings.Repeat("(ab) Tj 0.001 0 Td ", 200_000) + "ET",
	}}.Build()

	start := time.Now()
	_, err := e.Extract(context.Background(), "heavy.pdf", heavy)
	elapsed := time.Since(start)
	t.Logf("a %d-byte PDF was stopped after %v", len(heavy), elapsed.Round(time.Millisecond))
	var ie *InputError
	if !errors.As(err, &ie) || !errors.Is(err, errPDFTooSlow) {
		t.Fatalf("Extract() error = %v, want *InputError wrapping errPDFTooSlow", err)
	}
	if want := "took longer than 1ms"; !strings.Contains(ie.Msg, want) {
		t.Errorf("Extract() message = %q, want it to contain %q", ie.Msg, want)
	}
	// That the call was interrupted is what errPDFTooSlow says; how soon is
	// the machine's business (a figure, not an assertion).

	e.opts.PDFTimeout = time.Minute // no extraction is running
	data := extracttest.PDF{Pages: []string{extracttest.TextPage("Fast text.")}}.Build()
	got, err := e.Extract(context.Background(), "fast.pdf", data)
	if err != nil || got.Text != "Fast text." {
		t.Errorf("Extract() after a timeout = %q, %v; want %q, nil", got.Text, err, "Fast text.")
	}
}

// TestExtractPDFConcurrent runs more extractions than workers at once on
// the shared pool; run it with -race.
func TestExtractPDFConcurrent(t *testing.T) {
	e := pdfExtractor(t)
	const goroutines, perGoroutine = 6, 3
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*perGoroutine)
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				want := fmt.Sprintf("Document %d-%d page one.\fDocument %d-%d page two.", g, i, g, i)
				pages := strings.Split(want, "\f")
				data := extracttest.PDF{Pages: []string{extracttest.TextPage(pages[0]), extracttest.TextPage(pages[1])}}.Build()
				got, err := e.Extract(context.Background(), "c.pdf", data)
				switch {
				case err != nil:
					errs <- fmt.Errorf("goroutine %d, document %d: %w", g, i, err)
				case got.Text != want:
					errs <- fmt.Errorf("goroutine %d, document %d: got %q, want %q", g, i, got.Text, want)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestClose(t *testing.T) {
	e := New(Options{})
	if err := e.Close(); err != nil {
		t.Fatalf("Close() = %v, want nil", err)
	}
	if err := e.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
	_, err := e.Extract(context.Background(), "a.pdf", extracttest.PDF{Pages: []string{extracttest.TextPage("x")}}.Build())
	if !errors.Is(err, ErrClosed) {
		t.Errorf("Extract(PDF) after Close error = %v, want ErrClosed", err)
	}
	got, err := e.Extract(context.Background(), "a.txt", []byte("still works"))
	if err != nil || got.Text != "still works" {
		t.Errorf("Extract(text) after Close = %q, %v; want %q, nil", got.Text, err, "still works")
	}
}

func TestNewDefaults(t *testing.T) {
	e := New(Options{})
	want := Options{PDFTimeout: DefaultPDFTimeout, MaxPages: DefaultMaxPages, Workers: DefaultWorkers,
		MaxMemoryBytes: DefaultMaxMemoryBytes, MaxTextBytes: DefaultMaxTextBytes, Log: e.opts.Log}
	if e.opts.Log == nil {
		t.Error("New(Options{}).opts.Log = nil, want a logger that discards")
	}
	if e.opts != want {
		t.Errorf("New(Options{}).opts = %+v, want %+v", e.opts, want)
	}
}

func TestExtractHTML(t *testing.T) {
	article, err := os.ReadFile(filepath.Join("testdata", "article.html"))
	if err != nil {
		t.Fatal(err)
	}
	const body = `<p>The Ministers of the Global Coalition met in Rome to reaffirm their shared
determination to continue the fight against Daesh in Iraq and Syria.</p>
<p>Ministers welcomed the progress made in stabilizing liberated areas.</p>`
	const bodyText = "The Ministers of the Global Coalition met in Rome to reaffirm their shared determination to continue the fight against Daesh in Iraq and Syria.\n\n" +
		"Ministers welcomed the progress made in stabilizing liberated areas."
	tests := []struct {
		name string
		file string
		data []byte
		want Document
	}{
		{
			name: "article with nav, script, aside and footer",
			file: "article.html",
			data: article,
			want: Document{
				Text: "The Ministers of the Global Coalition met in Rome on 28 June 2021 to reaffirm their shared determination to continue the fight against Daesh in Iraq and Syria, and to address the threats it poses elsewhere in the world.\n\n" +
					"## Stabilization\n\n" +
					"Ministers welcomed the progress made in stabilizing liberated areas and stressed the importance of sustained funding for demining, the restoration of essential services, and the return of displaced people to their homes.\n\n" +
					"They agreed that the Coalition will continue to support local partners:\n\n" +
					"• training and equipping security forces;\n\n" +
					"• countering the financing of terrorism;\n\n" +
					"• countering terrorist propaganda online.\n\n" +
					"Ministers thanked Italy for hosting the meeting and looked forward\nto meeting again next year.",
				Title:  "Joint Communiqué of the Ministerial Meeting in Rome",
				Date:   "2021-06-28",
				Source: "https://example.org/news/rome-statement",
				Format: FormatHTML,
			},
		},
		{
			name: "title from <title>, date from meta name=date, og:url as source",
			file: "page.htm",
			data: []byte(`<html><head><title>Communiqué</title><meta name="date" content="28 June 2021">
<meta property="og:url" content="https://example.org/c"></head><body>` + body + `</body></html>`),
			want: Document{Text: bodyText, Title: "Communiqué", Date: "2021-06-28", Source: "https://example.org/c", Format: FormatHTML},
		},
		{
			name: "date from <time> in the article, relative canonical ignored",
			file: "page.html",
			data: []byte(`<html><head><title>T</title><link rel="canonical" href="/c"></head><body>
<nav><time datetime="2020-01-01">old</time></nav><article><time datetime="2021-06-28T09:00:00Z">28 June</time>` + body + `</article></body></html>`),
			want: Document{Text: "28 June\n\n" + bodyText, Title: "T", Date: "2021-06-28", Format: FormatHTML},
		},
		{
			name: "date from JSON-LD",
			file: "page.html",
			data: []byte(`<html><head><title>T</title><script type="application/ld+json">
{"@context":"https://schema.org","@type":"NewsArticle","headline":"LD title","datePublished":"2021-06-28T10:00:00+02:00"}
</script></head><body>` + body + `</body></html>`),
			want: Document{Text: bodyText, Title: "LD title", Date: "2021-06-28", Format: FormatHTML},
		},
		{
			name: "figure caption, credit, cookie notice, share links and related aside dropped; h2 and list marked",
			file: "page.html",
			data: []byte(`<html><head><title>T</title></head><body><main><article>
<figure><img src="a.jpg" alt="x"><figcaption>The minister speaks. (Official Photo by A. Person)</figcaption></figure>
<ul class="share-links"><li><a href="#">Share on Facebook</a></li></ul>` + body + `<h2>Next steps</h2><ol start="3"><li>First thing.</li><li>Second thing.</li></ol>
</article><aside class="related"><h2>Related</h2><ul><li><a href="/x">Other story</a></li></ul></aside></main>
<div class="cookie-consent"><p>We use cookies to improve your experience.</p></div></body></html>`),
			want: Document{Text: bodyText + "\n\n## Next steps\n\n3. First thing.\n\n4. Second thing.", Title: "T", Format: FormatHTML},
		},
		{
			name: "sniffed HTML without extension, windows-1252 charset",
			file: "download",
			data: []byte("<!DOCTYPE html>\n<html><head><meta charset=\"windows-1252\"><title>Caf\xe9</title></head><body><p>\x93Quoted\x94 na\xefve text in a paragraph.</p></body></html>"),
			want: Document{Text: "“Quoted” naïve text in a paragraph.", Title: "Café", Format: FormatHTML},
		},
		{
			name: "sniffed HTML named .txt, table rows and <pre>",
			file: "saved.txt",
			data: []byte("<!-- saved --><html><body><article><p>Members:</p><table><tr><th>Country</th><th>Since</th></tr><tr><td>Italy</td><td>2014</td></tr></table><pre>  keep\n    this</pre></article></body></html>"),
			want: Document{Text: "Members:\n\nCountry\tSince\nItaly\t2014\n\n  keep\n    this", Format: FormatHTML},
		},
	}
	e := New(Options{})
	defer e.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.Extract(context.Background(), tt.file, tt.data)
			if err != nil {
				t.Fatalf("Extract() error = %v, want nil", err)
			}
			if got != tt.want {
				t.Errorf("Extract() =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestExtractText(t *testing.T) {
	tests := []struct {
		name string
		file string
		data []byte
		want string
	}{
		{"txt passes through untouched", "s.txt", []byte("Line one  \r\nLine two\n\n\fNext page \t\n"), "Line one  \r\nLine two\n\n\fNext page \t\n"},
		{"markdown passes through untouched", "s.md", []byte("# Title\n\n* item <b>bold</b>\n"), "# Title\n\n* item <b>bold</b>\n"},
		{"no extension is text", "README", []byte("plain text"), "plain text"},
		{"UTF-8 byte order mark is dropped", "s.txt", []byte("\xEF\xBB\xBFcafé"), "café"},
		{"UTF-16LE with byte order mark is decoded", "s.txt", []byte("\xFF\xFEc\x00a\x00f\x00\xE9\x00"), "café"},
		{"UTF-16BE with byte order mark is decoded", "s.txt", []byte("\xFE\xFF\x00c\x00a\x00f\x00\xE9"), "café"},
	}
	e := New(Options{})
	defer e.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.Extract(context.Background(), tt.file, tt.data)
			if err != nil {
				t.Fatalf("Extract() error = %v, want nil", err)
			}
			want := Document{Text: tt.want, Format: FormatText}
			if got != want {
				t.Errorf("Extract() = %#v, want %#v", got, want)
			}
		})
	}
}

func TestExtractInputErrors(t *testing.T) {
	tests := []inputErrorCase{
		{"empty file", "s.txt", nil, "the file is empty"},
		{"only white space", "s.pdf", []byte(" \n\t "), "the file is empty"},
		{"NUL bytes named .txt", "s.txt", []byte("text\x00\x01\x02binary"), "not UTF-8 text"},
		{"invalid UTF-8 named .txt", "s.txt", []byte("caf\xe9 latin-1"), "not UTF-8 text"},
		{"binary without extension", "blob", []byte{0x7f, 'E', 'L', 'F', 0, 0, 1}, "not UTF-8 text"},
		{"Word document", "s.docx", []byte("PK\x03\x04\x14\x00\x06\x00word/document.xml"), "unsupported file type .docx (a ZIP-based document such as Word or OpenDocument; save it as PDF)"},
		{"PNG image", "scan.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "unsupported file type .png (an image; paste the text as .txt instead)"},
		{"unknown extension", "data.csv", []byte("a,b\n1,2\n"), "unsupported file type .csv: upload a PDF, an HTML page, or a .txt or .md file"},
		{"HTML without content", "x.html", []byte(`<html><head><title>Home</title></head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><script>var s = "script text";</script></body></html>`), "the HTML page has no readable text"},
		{"HTML nested too deeply", "x.html", []byte("<!doctype html><html><body>" + strings.Repeat("<div>", 600) + "text" + strings.Repeat("</div>", 600) + "</body></html>"), "the HTML page nests its elements more than 512 levels deep"},
		{"HTML nested too deeply, named .txt", "x.txt", []byte("<html><body>" + strings.Repeat("<span>", 2000) + "text</body></html>"), "more than 512 levels deep"},
		{"HTML app shell", "x.html", []byte(`<!doctype html><html><body><div id="app"></div><script src="app.js"></script></body></html>`), "no readable text"},
	}
	e := New(Options{})
	defer e.Close()
	checkInputErrors(t, e, tests)
}

// An inputErrorCase is a file Extract must refuse with an *InputError.
type inputErrorCase struct {
	name    string
	file    string
	data    []byte
	wantMsg string // a part of the InputError's message
}

// checkInputErrors extracts each case's file with e and wants an
// *InputError whose message is one line containing wantMsg.
func checkInputErrors(t *testing.T, e *Extractor, tests []inputErrorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Extract(context.Background(), tt.file, tt.data)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Extract() error = %v (%T), want *InputError", err, err)
			}
			if !strings.Contains(ie.Msg, tt.wantMsg) {
				t.Errorf("Extract() message = %q, want it to contain %q", ie.Msg, tt.wantMsg)
			}
			if strings.Contains(ie.Msg, "\n") {
				t.Errorf("Extract() message = %q, want one line", ie.Msg)
			}
		})
	}
}

func BenchmarkExtractPDF(b *testing.B) {
	e := pdfExtractor(b)
	data := extracttest.PDF{
		Pages: []string{
			extracttest.TextPage("Joint Statement of the Ministers", "The Coalition met in Rome on 28 June 2021.", "Ministers reaffirmed their determination."),
			extracttest.TextPage("They agreed to meet again next year.", "Issued in Rome."),
		},
		Info: map[string]string{"Title": "Rome Statement", "CreationDate": "D:20210628"},
	}.Build()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Extract(ctx, "s.pdf", data); err != nil {
			b.Fatal(err)
		}
	}
}
