package compare

import (
	"strings"
	"unicode"

	"github.com/pmezard/go-difflib/difflib"
)

// minEditRatio is the share of words two versions of a sentence must
// keep, in order, for their differences to be shown as edits.
const minEditRatio = 0.6

// maxEditWords bounds each side of an Edit; a longer rewording shows as
// its removed and added sentences only.
const maxEditWords = 12

// wordEdits lists the phrases that differ between two versions of a
// sentence, compared word by word (words as normalised by words, shown as
// written). A replaced phrase is shown with the words that follow it up
// to the next function word, so "40" -> "55" reads "40 million euros" ->
// "55 million euros"; a phrase only added or dropped is shown with the
// word before it, as is a lone word replaced ("June 2022" -> "June
// 2023").
func wordEdits(oldText, newText string) []Edit {
	ow, nw := strings.Fields(oldText), strings.Fields(newText)
	m := difflib.NewMatcher(normAll(ow), normAll(nw))
	if m.Ratio() < minEditRatio {
		return nil // rewritten: the sentences say it better
	}
	var out []Edit
	for _, op := range m.GetOpCodes() {
		if op.Tag == 'e' {
			continue
		}
		i1, i2, j1, j2 := op.I1, op.I2, op.J1, op.J2
		if i1 == i2 || j1 == j2 {
			// Only added or only dropped: anchor on the word before.
			if i1 > 0 && j1 > 0 {
				i1, j1 = i1-1, j1-1
			}
		} else {
			// Carry the phrase on to the end of its noun group.
			for i2 < len(ow) && j2 < len(nw) && norm(ow[i2]) == norm(nw[j2]) && isContent(ow[i2]) && i2-op.I2 < 2 {
				i2, j2 = i2+1, j2+1
			}
			// A lone word reads better with the one before it: "2022"
			// -> "2023" as "June 2022" -> "June 2023".
			if i2-i1 == 1 && j2-j1 == 1 && i1 > 0 && j1 > 0 && norm(ow[i1-1]) == norm(nw[j1-1]) && isContent(ow[i1-1]) {
				i1, j1 = i1-1, j1-1
			}
		}
		if i2-i1 > maxEditWords || j2-j1 > maxEditWords {
			continue
		}
		out = append(out, Edit{Old: phrase(ow[i1:i2]), New: phrase(nw[j1:j2])})
	}
	return out
}

func normAll(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = norm(w)
	}
	return out
}

// norm is a word as compared: lowercase letters and digits, or the word
// itself when it has none ("–").
func norm(w string) string {
	if k := key(w); k != "" {
		return k
	}
	return w
}

func isContent(w string) bool {
	k := key(w)
	return k != "" && !functionWords[k]
}

var functionWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a an the and or but of to in on at by for from with as is are was were be been that this these those which who its their our it will would shall should may can") {
		functionWords[w] = true
	}
}

// phrase joins words as written, without the punctuation that ends a
// clause or sentence.
func phrase(ws []string) string {
	return strings.TrimRightFunc(strings.Join(ws, " "), func(r rune) bool {
		return unicode.IsPunct(r) && r != ')' && r != '"' && r != '”' && r != '’' && r != '%'
	})
}
