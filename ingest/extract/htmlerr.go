package extract

import "strings"

// maxHTMLDepth is how deeply x/net/html lets elements nest before it
// refuses a page.
const maxHTMLDepth = 512

// htmlParseError reports a page x/net/html refused. The data is in memory,
// so nothing but the page itself can make parsing fail: it is an input
// error. Elements nested too deeply (a page built to exhaust parsers, or a
// broken generator) are named, since that is the one refusal the parser
// makes on purpose; it reports it only as text.
func htmlParseError(err error) *InputError {
	if strings.Contains(err.Error(), "open stack of elements exceeds") {
		return inputErrorf(err, "the HTML page nests its elements more than %d levels deep and cannot be read: save the page as PDF, or paste its text as .txt", maxHTMLDepth)
	}
	return inputErrorf(err, "the HTML page cannot be read: save the page as PDF, or paste its text as .txt")
}
