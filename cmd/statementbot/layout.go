package main

import (
	"io"
	"os"
	"strings"

	"github.com/muesli/reflow/indent"
	"github.com/muesli/reflow/wordwrap"
	"golang.org/x/term"
)

// layout is how an answer is printed for people. On a terminal, text is
// wrapped to its width and source paragraphs are shortened (the cite
// command, or --full, prints them whole); to a pipe or file, nothing is
// changed, so scripts see the text as it is.
type layout struct {
	width int // wrap at this many columns; 0: do not wrap
	short bool
}

// sourceLines is how many lines of a source paragraph a terminal shows.
const sourceLines = 3

func layoutFor(w io.Writer, full bool) layout {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return layout{}
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width < 20 {
		width = 80
	}
	return layout{width: width, short: !full}
}

// text wraps s to the width, each line indented by pad spaces.
func (l layout) text(s string, pad int) string {
	if l.width == 0 {
		return strings.Repeat(" ", pad) + s
	}
	ww := wordwrap.NewWriter(max(l.width-pad, 20))
	ww.Breakpoints = nil // never inside "in-person" or a statement id
	_, _ = ww.Write([]byte(s))
	_ = ww.Close()
	return indent.String(ww.String(), uint(pad))
}

// source is a cited paragraph as shown: shortened to a few lines on a
// terminal, whole otherwise. cut reports whether it was shortened.
func (l layout) source(s string) (out string, cut bool) {
	if !l.short {
		return s, false
	}
	limit := sourceLines * (l.width - 4)
	r := []rune(s)
	if len(r) <= limit {
		return s, false
	}
	short := string(r[:limit])
	if i := strings.LastIndexByte(short, ' '); i > limit/2 {
		short = short[:i]
	}
	return short + " …", true
}
