package compare

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// words splits text into its normalised words: lowercase runs of letters
// and digits, so that punctuation, quote style, case and spacing do not
// count. A comma or period between digits joins them ("40,000" and
// "40000" are one word), so re-punctuating a figure is no change, while
// changing it is.
func words(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteString(string(unicode.ToLower(r)))
		case (r == ',' || r == '.') && b.Len() > 0 && endsInDigit(b.String()) && nextIsDigit(text[i+1:]):
			// "40,000": keep going.
		default:
			flush()
		}
	}
	flush()
	return out
}

func endsInDigit(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsDigit(r)
}

func nextIsDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsDigit(r)
}

// key is the normalised form of text: equal keys are the same wording.
func key(text string) string { return strings.Join(words(text), " ") }
