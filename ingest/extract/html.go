package extract

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// extractHTML reduces an HTML page to the text of its main article.
func extractHTML(data []byte) (Document, error) {
	// The charset comes from a byte order mark or <meta charset>; without
	// either, valid UTF-8 is taken as UTF-8 and anything else as
	// windows-1252, as browsers do.
	r, err := charset.NewReader(bytes.NewReader(data), "text/html")
	if err != nil {
		return Document{}, fmt.Errorf("extract: detecting HTML charset: %w", err)
	}
	root, err := html.Parse(r)
	if err != nil {
		return Document{}, htmlParseError(err)
	}

	// Read the metadata first: readability rewrites the tree.
	var meta pageMeta
	meta.scan(root, false, false)
	source := meta.source()
	var base *url.URL
	if source != "" {
		base, _ = url.Parse(source)
	}

	pruneChrome(root)
	parser := readability.NewParser()
	article, err := parser.ParseAndMutate(root, base)
	if err != nil {
		return Document{}, fmt.Errorf("extract: finding the HTML article: %w", err)
	}
	var text string
	if article.Node != nil {
		text = nodeText(article.Node)
	}
	if text == "" {
		return Document{}, inputErrorf(nil, "the HTML page has no readable text: save the page of the statement itself, or paste its text as .txt")
	}

	title := strings.Join(strings.Fields(article.Title()), " ")
	if title == "" {
		title = meta.title
	}
	return Document{
		Text:   text,
		Title:  title,
		Date:   meta.date(article),
		Source: source,
		Format: FormatHTML,
	}, nil
}

// pageMeta is what the page says about itself outside the article text.
type pageMeta struct {
	title     string // <title>, a fallback for readability's title
	canonical string // <link rel=canonical>
	ogURL     string // <meta property=og:url>

	// Candidate dates, each list in document order.
	published []string // <meta> and itemprop publication dates
	timed     []string // <time> inside <article> or <main>
	modified  []string // <meta> and itemprop modification dates
	otherTime []string // any other <time> outside nav, aside and footer
}

var (
	publishedNames = map[string]bool{
		"date": true, "dc.date": true, "dc.date.issued": true, "dc.date.created": true,
		"dcterms.date": true, "dcterms.issued": true, "dcterms.created": true,
		"citation_publication_date": true, "citation_date": true,
		"pubdate": true, "publishdate": true, "publish-date": true, "publish_date": true,
		"publication_date": true, "publication-date": true, "article:published_time": true,
		"article.published": true, "og:published_time": true, "sailthru.date": true,
		"parsely-pub-date": true, "datepublished": true, "datecreated": true,
	}
	modifiedNames = map[string]bool{
		"article:modified_time": true, "og:updated_time": true, "dcterms.modified": true,
		"dc.date.modified": true, "last-modified": true, "datemodified": true,
	}
)

// scan walks the original page, noting whether n is inside <article> or
// <main> (content) and inside nav, aside or footer (chrome).
func (m *pageMeta) scan(n *html.Node, content, chrome bool) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Title:
			if m.title == "" {
				m.title = strings.Join(strings.Fields(textOf(n)), " ")
			}
		case atom.Link:
			if hasToken(attr(n, "rel"), "canonical") && m.canonical == "" {
				m.canonical = strings.TrimSpace(attr(n, "href"))
			}
		case atom.Meta:
			key := strings.ToLower(strings.TrimSpace(attr(n, "name")))
			if key == "" {
				key = strings.ToLower(strings.TrimSpace(attr(n, "property")))
			}
			value := strings.TrimSpace(attr(n, "content"))
			switch {
			case key == "og:url" && m.ogURL == "":
				m.ogURL = value
			case publishedNames[key]:
				m.published = append(m.published, value)
			case modifiedNames[key]:
				m.modified = append(m.modified, value)
			}
		case atom.Article, atom.Main:
			content = true
		case atom.Nav, atom.Aside, atom.Footer:
			chrome = true
		}
		if prop := strings.ToLower(attr(n, "itemprop")); prop != "" && n.DataAtom != atom.Meta {
			switch {
			case publishedNames[prop]:
				m.published = append(m.published, elementValue(n))
			case modifiedNames[prop]:
				m.modified = append(m.modified, elementValue(n))
			}
		}
		if n.DataAtom == atom.Time && attr(n, "itemprop") == "" {
			v := elementValue(n)
			switch {
			case hasAttr(n, "pubdate"):
				m.published = append(m.published, v)
			case content:
				m.timed = append(m.timed, v)
			case !chrome:
				m.otherTime = append(m.otherTime, v)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		m.scan(c, content, chrome)
	}
}

// source returns the page's canonical URL, if it gives an absolute one.
func (m *pageMeta) source() string {
	for _, s := range []string{m.canonical, m.ogURL} {
		u, err := url.Parse(s)
		if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return u.String()
		}
	}
	return ""
}

// date returns the page's publication date as YYYY-MM-DD, or "".
func (m *pageMeta) date(article readability.Article) string {
	if t, err := article.PublishedTime(); err == nil && t.Year() >= 1000 {
		return t.Format("2006-01-02")
	}
	for _, list := range [][]string{m.published, m.timed} {
		for _, s := range list {
			if d := parseDate(s); d != "" {
				return d
			}
		}
	}
	if t, err := article.ModifiedTime(); err == nil && t.Year() >= 1000 {
		return t.Format("2006-01-02")
	}
	for _, list := range [][]string{m.modified, m.otherTime} {
		for _, s := range list {
			if d := parseDate(s); d != "" {
				return d
			}
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return true
		}
	}
	return false
}

func hasToken(list, token string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, token) {
			return true
		}
	}
	return false
}

// elementValue is the machine-readable value of an element carrying a date:
// its content or datetime attribute, else its text.
func elementValue(n *html.Node) string {
	for _, key := range []string{"content", "datetime"} {
		if v := strings.TrimSpace(attr(n, key)); v != "" {
			return v
		}
	}
	return strings.Join(strings.Fields(textOf(n)), " ")
}

// textOf concatenates the text nodes under n.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// Elements whose content is never text of the article.
var skipElements = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true,
	atom.Template: true, atom.Nav: true, atom.Form: true, atom.Button: true,
	atom.Select: true, atom.Textarea: true, atom.Input: true, atom.Iframe: true,
	atom.Svg: true, atom.Math: true, atom.Canvas: true, atom.Object: true,
	atom.Embed: true, atom.Audio: true, atom.Video: true, atom.Picture: true,
	atom.Figcaption: true, atom.Aside: true, atom.Footer: true, atom.Dialog: true,
}

// chromeWords in an element's class, id or label mark page chrome the
// article text never holds: photo captions and credits, cookie and
// newsletter notices, share buttons, related links.
var chromeWords = []string{
	"caption", "credit", "cookie", "consent", "newsletter", "subscribe", "signup", "sign-up",
	"share", "social", "related", "breadcrumb", "breadcrumbs", "promo", "advert", "sidebar",
}

// isChrome reports an element whose class, id or label names page chrome
// by one of its words ("share-links", "cookie-consent"; not "shared").
func isChrome(n *html.Node) bool {
	if n.Type != html.ElementNode || n.DataAtom == atom.Body || n.DataAtom == atom.Html {
		return false
	}
	names := strings.ToLower(attr(n, "class") + " " + attr(n, "id") + " " + attr(n, "aria-label"))
	words := strings.FieldsFunc(names, func(r rune) bool { return r < 'a' || r > 'z' })
	for _, w := range words {
		if slices.Contains(chromeWords, w) {
			return true
		}
	}
	return false
}

// pruneChrome removes page chrome from the page before readability, which
// drops the class names that tell it: captions, asides, footers, dialogs
// and elements named as chrome.
func pruneChrome(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && (isChrome(c) || c.DataAtom == atom.Figcaption || c.DataAtom == atom.Aside ||
			c.DataAtom == atom.Footer || c.DataAtom == atom.Dialog) {
			n.RemoveChild(c)
		} else {
			pruneChrome(c)
		}
		c = next
	}
}

var headingElements = map[atom.Atom]bool{
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
}

// Elements that make a paragraph of their own: a blank line before and
// after. Table rows and description terms end a line only.
var (
	paragraphElements = map[atom.Atom]bool{
		atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true,
		atom.Main: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
		atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
		atom.H6: true, atom.Hgroup: true, atom.Ul: true, atom.Ol: true, atom.Li: true,
		atom.Dl: true, atom.Dd: true, atom.Blockquote: true, atom.Pre: true,
		atom.Table: true, atom.Caption: true, atom.Figure: true, atom.Figcaption: true,
		atom.Address: true, atom.Details: true, atom.Summary: true, atom.Fieldset: true,
		atom.Center: true,
	}
	lineElements = map[atom.Atom]bool{atom.Tr: true, atom.Dt: true}
)

// nodeText renders n as plain text: blank lines between paragraphs,
// headings (marked "## ") and list items (marked "• " or "3. "), a line per table row with cells separated by
// tabs, <br> as a line break, white space collapsed outside <pre>.
func nodeText(n *html.Node) string {
	var tw textWriter
	tw.node(n, false)
	lines := strings.Split(tw.b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// textWriter accumulates text, holding back separators until the next word
// so that runs of block boundaries collapse to one.
type textWriter struct {
	b       strings.Builder
	breaks  int    // line breaks owed before the next text: 0, 1 or 2
	sep     string // separator owed when no break is: "", " " or "\t"
	heading bool   // the next text opens a heading: mark it "## "
	marker  string // the next text opens a list item: "• " or "3. "
}

func (w *textWriter) lineBreak(n int) { w.breaks = max(w.breaks, n) }

func (w *textWriter) separate(s string) {
	if w.sep != "\t" {
		w.sep = s
	}
}

// flush writes the owed separator; nothing is owed at the very start.
func (w *textWriter) flush() {
	if w.b.Len() > 0 {
		if w.breaks > 0 {
			w.b.WriteString("\n\n"[:w.breaks])
		} else {
			w.b.WriteString(w.sep)
		}
	}
	w.breaks, w.sep = 0, ""
	if w.heading {
		w.b.WriteString("## ")
		w.heading = false
	}
	w.b.WriteString(w.marker)
	w.marker = ""
}

func (w *textWriter) node(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		if pre {
			w.flush()
			w.b.WriteString(n.Data)
			return
		}
		words := strings.Fields(n.Data)
		if len(words) == 0 {
			if n.Data != "" {
				w.separate(" ")
			}
			return
		}
		if first, _ := utf8.DecodeRuneInString(n.Data); unicode.IsSpace(first) {
			w.separate(" ")
		}
		for i, word := range words {
			if i > 0 {
				w.separate(" ")
			}
			w.flush()
			w.b.WriteString(word)
		}
		if last, _ := utf8.DecodeLastRuneInString(n.Data); unicode.IsSpace(last) {
			w.separate(" ")
		}
		return
	case html.ElementNode:
		if skipElements[n.DataAtom] || hasAttr(n, "hidden") || strings.EqualFold(attr(n, "aria-hidden"), "true") || isChrome(n) {
			return
		}
	case html.DocumentNode:
	default:
		return
	}

	a := n.DataAtom
	switch {
	case a == atom.Hr:
		w.lineBreak(2)
		return
	case a == atom.Br:
		w.lineBreak(1)
		return
	case headingElements[a]:
		w.lineBreak(2)
		w.heading = true
	case a == atom.Li:
		w.lineBreak(2)
		w.marker = itemMarker(n)
	case paragraphElements[a]:
		w.lineBreak(2)
	case lineElements[a]:
		w.lineBreak(1)
	case (a == atom.Td || a == atom.Th) && previousCell(n):
		w.separate("\t")
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c, pre || a == atom.Pre)
	}
	switch {
	case paragraphElements[a]:
		w.lineBreak(2)
	case lineElements[a]:
		w.lineBreak(1)
	}
}

// itemMarker is the marker of list item n: "3. " in an ordered list, "• "
// otherwise.
func itemMarker(n *html.Node) string {
	p := n.Parent
	if p == nil || p.DataAtom != atom.Ol {
		return "• "
	}
	i := 1
	if v, err := strconv.Atoi(attr(p, "start")); err == nil {
		i = v
	}
	for s := n.PrevSibling; s != nil; s = s.PrevSibling {
		if s.Type == html.ElementNode && s.DataAtom == atom.Li {
			i++
		}
	}
	return strconv.Itoa(i) + ". "
}

// previousCell reports whether a table cell has a cell before it in its row.
func previousCell(n *html.Node) bool {
	for s := n.PrevSibling; s != nil; s = s.PrevSibling {
		if s.Type == html.ElementNode && (s.DataAtom == atom.Td || s.DataAtom == atom.Th) {
			return true
		}
	}
	return false
}
