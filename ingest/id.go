package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// maxIDLen bounds an id, in bytes (it is ASCII).
const maxIDLen = 80

// StatementID derives a statement's id from its file name: the base name
// without extension, lowercased, letters reduced to Latin where they have a
// plain form ("Déclaration café" -> "declaration-cafe", "Straße" ->
// "strasse"), and runs of other characters made "-". It is "" when the name
// holds no Latin letter or digit ("日本語の声明.txt"); UploadID then falls
// back to the title or the content.
func StatementID(fileName string) string {
	base := path.Base(strings.ReplaceAll(fileName, `\`, "/"))
	if ext := path.Ext(base); ext != "" && len(ext) <= 6 {
		base = strings.TrimSuffix(base, ext)
	}
	return slug(base)
}

// UploadID is the id of an uploaded file whose extracted text is text:
// StatementID(fileName) when that names it with at least one letter, else
// the slug of the first title that has one (pass the admin's, then the
// file's metadata title), then of the title the text gives itself (front
// matter, or a title line above its dateline), else "statement-" and a
// short hash of text. A name's digits (a date) are kept in front of the
// fallback: "2024-05-01-声明.txt" titled "Joint Statement" gives
// "2024-05-01-joint-statement". The same file gives the same id.
func UploadID(fileName, text string, titles ...string) string {
	id := StatementID(fileName)
	if hasLetter(id) {
		return id
	}
	fallback := ""
	for _, t := range append(titles, textTitle(text)) {
		if s := slug(t); hasLetter(s) {
			fallback = s
			break
		}
	}
	if fallback == "" {
		sum := sha256.Sum256([]byte(text))
		fallback = "statement-" + hex.EncodeToString(sum[:4])
	}
	if id != "" {
		fallback = id + "-" + fallback
	}
	return trimID(fallback)
}

// textTitle is the title a text gives itself, read from its opening only:
// its front matter's, else the title line of its header.
func textTitle(text string) string {
	const opening = 16 << 10
	if len(text) > opening {
		text = text[:opening]
	}
	doc := readText(text)
	hd, _ := splitHeader(doc.body, doc.format, doc.front.Title)
	return firstNonEmpty(doc.front.Title, hd.meta.Title, doc.file.Title)
}

var idCleanRE = regexp.MustCompile(`[^a-z0-9]+`)

// slug lowercases s, reduces it to ASCII letters and digits and joins
// their runs with "-".
func slug(s string) string {
	s = strings.ToLower(latin(s))
	return trimID(strings.Trim(idCleanRE.ReplaceAllString(s, "-"), "-"))
}

// trimID cuts an id to maxIDLen bytes, at a "-" where there is one.
func trimID(id string) string {
	if len(id) <= maxIDLen {
		return id
	}
	cut := id[:maxIDLen]
	if i := strings.LastIndexByte(cut, '-'); i > maxIDLen/2 {
		cut = cut[:i]
	}
	return strings.Trim(cut, "-")
}

// dropMarks returns a transformer that decomposes text (compatibility
// forms too: "ﬁ" -> "fi", full width "Ａ" -> "A") and drops the combining
// marks, leaving base letters. A chain keeps state: one per call, as
// uploads are named concurrently.
func dropMarks() transform.Transformer {
	return transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

// latinLetters are Latin letters with no decomposition to a base letter.
var latinLetters = strings.NewReplacer(
	"ß", "ss", "ẞ", "SS", "æ", "ae", "Æ", "AE", "œ", "oe", "Œ", "OE",
	"ø", "o", "Ø", "O", "đ", "d", "Đ", "D", "ð", "d", "Ð", "D",
	"ł", "l", "Ł", "L", "þ", "th", "Þ", "TH", "ı", "i", "ħ", "h", "Ħ", "H",
)

// latin returns s with accented Latin letters as their base letters.
func latin(s string) string {
	out, _, err := transform.String(dropMarks(), s)
	if err != nil {
		out = s
	}
	return latinLetters.Replace(out)
}

func hasLetter(id string) bool {
	return strings.ContainsFunc(id, func(r rune) bool { return r >= 'a' && r <= 'z' })
}
