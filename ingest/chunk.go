package ingest

import (
	"strings"
	"unicode/utf8"
)

// MaxParagraphChars is the longest paragraph Chunk keeps whole: a cited
// paragraph must fit in one Discord embed (4096) with room for its header.
const MaxParagraphChars = 3000

// Chunk returns repaired paragraphs ready to number: paragraphs longer than
// MaxParagraphChars are cut at sentence ends (or, for one enormous sentence,
// at spaces) into parts of at most that size. Text is never dropped or
// reordered.
func Chunk(paras []string) []string {
	out := make([]string, 0, len(paras))
	for _, p := range paras {
		if len(p) <= MaxParagraphChars {
			out = append(out, p)
			continue
		}
		var cur strings.Builder
		flush := func() {
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		}
		for _, s := range Sentences(p) {
			for _, piece := range cutLong(s, MaxParagraphChars) {
				if cur.Len() > 0 && cur.Len()+1+len(piece) > MaxParagraphChars {
					flush()
				}
				if cur.Len() > 0 {
					cur.WriteByte(' ')
				}
				cur.WriteString(piece)
			}
		}
		flush()
	}
	return out
}

// cutLong cuts s at spaces (or, lacking any, at a rune boundary) into
// pieces of at most n bytes.
func cutLong(s string, n int) []string {
	var out []string
	for len(s) > n {
		cut := strings.LastIndexByte(s[:n+1], ' ')
		if cut <= 0 {
			cut = n
			for cut > n-utf8.UTFMax && s[cut]&0xC0 == 0x80 { // inside a UTF-8 sequence
				cut--
			}
			out = append(out, s[:cut])
			s = s[cut:]
			continue
		}
		out = append(out, s[:cut])
		s = s[cut+1:]
	}
	return append(out, s)
}
