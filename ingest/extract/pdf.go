package extract

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// errPDFTooSlow is the cause of the context that bounds one PDF.
var errPDFTooSlow = errors.New("PDF extraction timed out")

// extractPDF reads the text and metadata of a PDF.
func (e *Extractor) extractPDF(ctx context.Context, data []byte) (Document, error) {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return Document{}, ErrClosed
	}
	e.active.Add(1)
	e.running++
	e.mu.Unlock()
	defer e.endPDF()

	pool, err := e.startPool(ctx)
	if err != nil {
		return Document{}, err
	}
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return Document{}, fmt.Errorf("extract: waiting for a PDF worker: %w", context.Cause(ctx))
		}
		return Document{}, fmt.Errorf("extract: getting a PDF worker: %w", err)
	}

	// From here on PDFium works on the upload: bound it, and kill the
	// instance (interrupting the running call) when the bound is reached or
	// the caller gives up.
	workCtx, cancel := context.WithTimeoutCause(ctx, e.opts.PDFTimeout, errPDFTooSlow)
	defer cancel()
	killed := make(chan struct{})
	stop := context.AfterFunc(workCtx, func() {
		_ = inst.Kill()
		close(killed)
	})
	trapped := false
	defer func() {
		switch {
		case !stop(): // killed on time-out or cancel
			<-killed
		case trapped:
			// A trapped instance is dead: discard it without calling into
			// it again.
			_ = inst.Kill()
		default:
			_ = inst.Close() // also closes the document
			return
		}
		// A discarded worker's mapped memory is dropped as it is freed;
		// memory on the Go heap (where nothing can be mapped, and what
		// PDFium's results took) goes back to the system now rather than
		// when the runtime gets round to it.
		debug.FreeOSMemory()
	}()

	doc, err := readPDF(workCtx, inst, data, e.opts.MaxPages, e.opts.MaxTextBytes)
	if err == nil {
		return doc, nil
	}
	if workCtx.Err() != nil {
		if errors.Is(context.Cause(workCtx), errPDFTooSlow) {
			return Document{}, inputErrorf(errPDFTooSlow,
				"reading the PDF took longer than %v, so it was stopped: upload a smaller or simpler PDF, or paste the text as .txt", e.opts.PDFTimeout)
		}
		return Document{}, fmt.Errorf("extract: reading PDF: %w", context.Cause(workCtx))
	}
	if isTrap(err) {
		trapped = true
		return Document{}, inputErrorf(err,
			"the PDF expands to more than %s in memory when read (a compressed stream in it inflates too far, or it is damaged): upload a smaller or simpler PDF, or paste the text as .txt", formatBytes(e.opts.MaxMemoryBytes))
	}
	return Document{}, err
}

// endPDF ends an extraction. The last one out unmaps the memories of the
// workers freed so far: at that moment none of them can still be running.
func (e *Extractor) endPDF() {
	e.mu.Lock()
	e.running--
	var retired [][]byte
	if e.running == 0 {
		retired = e.mem.takeRetired()
	}
	e.mu.Unlock()
	for _, r := range retired {
		unmapRegion(r)
	}
	e.active.Done()
}

// readPDF extracts the pages and metadata of data with one PDFium instance,
// refusing more than maxPages pages or maxText bytes of text.
func readPDF(ctx context.Context, inst pdfium.Pdfium, data []byte, maxPages, maxText int) (Document, error) {
	opened, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword):
		return Document{}, inputErrorf(err, "the PDF is password-protected: remove the password (print or export it to a new PDF) and upload it again")
	case errors.Is(err, pdfiumerrors.ErrSecurity):
		return Document{}, inputErrorf(err, "the PDF uses an encryption this reader does not support: export it to an unencrypted PDF and upload it again")
	case errors.Is(err, pdfiumerrors.ErrFormat), errors.Is(err, pdfiumerrors.ErrFile),
		errors.Is(err, pdfiumerrors.ErrUnknown), errors.Is(err, pdfiumerrors.ErrPage):
		return Document{}, inputErrorf(err, "the PDF is damaged and cannot be read: re-download or re-export it")
	case err != nil:
		return Document{}, fmt.Errorf("extract: opening PDF: %w", err)
	}
	doc := opened.Document
	defer func() { _, _ = inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc}) }()

	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc})
	if err != nil {
		return Document{}, fmt.Errorf("extract: counting PDF pages: %w", err)
	}
	switch n := count.PageCount; {
	case n <= 0:
		return Document{}, inputErrorf(nil, "the PDF has no pages: re-download or re-export it")
	case n > maxPages:
		return Document{}, inputErrorf(nil, "the PDF has %d pages, more than the %d allowed: upload only the statement's pages", n, maxPages)
	}

	var (
		text    strings.Builder
		hasText bool
		damaged int
	)
	for i := range count.PageCount {
		if err := ctx.Err(); err != nil {
			return Document{}, err
		}
		if i > 0 {
			text.WriteByte('\f')
		}
		page, ok, err := pageText(inst, doc, i, maxText-text.Len())
		if errors.Is(err, errTooMuchText) {
			return Document{}, tooMuchText(maxText)
		}
		if err != nil {
			return Document{}, err
		}
		if !ok {
			damaged++
			continue
		}
		hasText = hasText || strings.TrimSpace(page) != ""
		text.WriteString(page)
		if text.Len() > maxText {
			return Document{}, tooMuchText(maxText)
		}
	}
	if !hasText {
		if damaged > 0 {
			return Document{}, inputErrorf(nil, "the PDF is damaged and cannot be read: re-download or re-export it")
		}
		return Document{}, inputErrorf(nil, "the PDF has no text layer (scanned image?): export it with text or paste the text as .txt")
	}

	meta := func(tag string) string {
		// A missing tag is reported as an error; either way there is no value.
		res, err := inst.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: doc, Tag: tag})
		if err != nil {
			return ""
		}
		return strings.Join(strings.Fields(strings.ReplaceAll(res.Value, "\x00", "")), " ")
	}
	date := parseDate(meta("CreationDate"))
	if date == "" {
		date = parseDate(meta("ModDate"))
	}
	return Document{
		Text:   text.String(),
		Title:  meta("Title"),
		Date:   date,
		Format: FormatPDF,
	}, nil
}

// pageText returns the plain text of page i with the line breaks PDFium
// reports. ok is false if the page could not be loaded (a damaged page).
// A page of more than budget characters is refused before its text is
// copied out (a character is at least a byte).
func pageText(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i, budget int) (text string, ok bool, err error) {
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if errors.Is(err, pdfiumerrors.ErrPage) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("extract: loading PDF page %d: %w", i+1, err)
	}
	defer func() { _, _ = inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page}) }()

	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page.Page}})
	if err != nil {
		return "", false, fmt.Errorf("extract: loading text of PDF page %d: %w", i+1, err)
	}
	defer func() { _, _ = inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage}) }()

	n, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return "", false, fmt.Errorf("extract: counting characters of PDF page %d: %w", i+1, err)
	}
	if n.Count <= 0 {
		return "", true, nil
	}
	if n.Count > budget {
		return "", false, errTooMuchText
	}
	res, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, Count: n.Count})
	if err != nil {
		return "", false, fmt.Errorf("extract: reading text of PDF page %d: %w", i+1, err)
	}
	text = res.Text
	if gaps := paragraphGaps(inst, tp.TextPage, text); len(gaps) > 0 {
		text = markGaps(text, gaps)
	}
	return cleanPageText(text), true, nil
}

// paragraphGaps returns the indexes (in lines of text, PDFium's page text)
// of the lines that follow a paragraph gap: a step down the page clearly
// wider than the page's usual line pitch. PDFium's text marks paragraphs
// by no blank line; the space a layout puts between paragraphs does.
func paragraphGaps(inst pdfium.Pdfium, tp references.FPDF_TEXTPAGE, text string) map[int]bool {
	type line struct {
		n      int     // index among the lines of text
		bottom float64 // of its first visible character, in points up the page
		height float64
	}
	var lines []line
	idx := 0 // PDFium character index: one per rune of its text
	for n, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		start := idx
		idx += utf8.RuneCountInString(l) + 1
		if strings.Contains(text, "\r\n") {
			idx++ // "\r\n" is two characters
		}
		i := start
		for _, r := range l {
			if !unicode.IsSpace(r) {
				break
			}
			i++
		}
		if i >= start+utf8.RuneCountInString(l) {
			continue
		}
		box, err := inst.FPDFText_GetCharBox(&requests.FPDFText_GetCharBox{TextPage: tp, Index: i})
		if err != nil || box.Top <= box.Bottom {
			continue
		}
		lines = append(lines, line{n: n, bottom: box.Bottom, height: box.Top - box.Bottom})
	}
	var steps []float64
	for i := 1; i < len(lines); i++ {
		if d := lines[i-1].bottom - lines[i].bottom; d > 0 && d < 4*lines[i].height+1 {
			steps = append(steps, d)
		}
	}
	if len(steps) < 3 {
		return nil
	}
	slices.Sort(steps)
	pitch := steps[len(steps)/2]
	gaps := map[int]bool{}
	for i := 1; i < len(lines); i++ {
		if d := lines[i-1].bottom - lines[i].bottom; d > pitch*1.35 && d < pitch*4 {
			gaps[lines[i].n] = true
		}
	}
	return gaps
}

// markGaps puts a blank line before each line of text gaps names.
func markGaps(text string, gaps map[int]bool) string {
	sep := "\n"
	if strings.Contains(text, "\r\n") {
		sep = "\r\n"
	}
	lines := strings.Split(text, sep)
	var b strings.Builder
	for n, l := range lines {
		if n > 0 {
			b.WriteString(sep)
			if gaps[n] {
				b.WriteString(sep)
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// pageTextCleaner turns PDFium's text into plain text with "\n" line
// breaks. A form feed inside a page becomes a line break, so that "\f"
// marks page boundaries only. PDFium marks a hyphen it found at the end of
// a line with U+FFFE (or U+0002 in older builds); it is put back as "-" for
// the repair step to judge. NULs are dropped.
var pageTextCleaner = strings.NewReplacer(
	"\r\n", "\n",
	"\r", "\n",
	"\f", "\n",
	"\x00", "",
	"\x02", "-",
	"\uFFFE", "-",
)

func cleanPageText(s string) string { return pageTextCleaner.Replace(s) }
