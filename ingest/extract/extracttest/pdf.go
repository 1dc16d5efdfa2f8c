// Package extracttest makes files for extraction tests: small, valid PDF 1.4
// documents written byte by byte (text pages, metadata, images, RC4
// encryption), so no test downloads or commits binary fixtures.
package extracttest

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// PDF describes a small PDF 1.4 file built by the tests: a Helvetica
// Type1 font (one of the standard 14, so nothing is embedded), an optional
// image, and one content stream per page.
type PDF struct {
	Pages []string          // content streams, one per page
	Info  map[string]string // document information entries, e.g. "Title"
	Image bool              // give every page a 2x2 gray image named /Im1

	// Expand, if above zero, appends that many blanks to the first page's
	// content stream and Flate-compresses every content stream: a file of
	// about Expand/800 bytes whose stream inflates to Expand bytes (a
	// decompression bomb). The blanks are compressed as they are written,
	// never held in memory.
	Expand int

	// With Encrypt set, the file is encrypted with the
	// standard security handler, revision 2 (RC4, 40-bit key). An empty
	// user password encrypts without preventing opening.
	Encrypt       bool
	UserPassword  string
	OwnerPassword string
}

// TextPage returns a content stream that shows lines of text in 12 pt
// Helvetica from the top of a letter page, one Tj per line with T* between.
func TextPage(lines ...string) string {
	var b strings.Builder
	b.WriteString("BT\n/F1 12 Tf\n14 TL\n72 720 Td\n")
	for i, l := range lines {
		if i > 0 {
			b.WriteString("T*\n")
		}
		fmt.Fprintf(&b, "%s Tj\n", pdfLiteral(l))
	}
	b.WriteString("ET\n")
	return b.String()
}

// pdfLiteral writes s as a PDF literal string.
func pdfLiteral(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`, "\r", `\r`, "\n", `\n`)
	return "(" + r.Replace(s) + ")"
}

// passwordPad is the padding string of PDF 1.7, algorithm 3.2.
var passwordPad = []byte{
	0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
}

func padPassword(p string) []byte {
	b := append([]byte(p), passwordPad...)
	return b[:32]
}

func rc4Crypt(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// Build writes the PDF with a correct cross-reference table.
func (p PDF) Build() []byte {
	type object struct {
		dict   string
		stream []byte // nil for a plain object
	}
	objs := []object{
		{dict: "<< /Type /Catalog /Pages 2 0 R >>"},
		{}, // pages tree, filled in below
		{dict: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
		{dict: "<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8", stream: []byte{0x00, 0xFF, 0xFF, 0x00}},
	}
	resources := "<< /Font << /F1 3 0 R >> >>"
	if p.Image {
		resources = "<< /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >>"
	}
	var kids []string
	for _, content := range p.Pages {
		pageNum := len(objs) + 1
		kids = append(kids, fmt.Sprintf("%d 0 R", pageNum))
		stream := object{dict: "<<", stream: []byte(content)}
		if p.Expand > 0 {
			blanks := 0
			if len(kids) == 1 {
				blanks = p.Expand
			}
			stream = object{dict: "<< /Filter /FlateDecode", stream: deflate(content, blanks)}
		}
		objs = append(objs,
			object{dict: fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources %s /Contents %d 0 R >>", resources, pageNum+1)},
			stream,
		)
	}
	objs[1].dict = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))

	fileID := md5.Sum([]byte(fmt.Sprint(p.Pages, p.Info)))
	var fileKey, ownerEntry, userEntry []byte
	const permissions = int32(-4) // everything allowed
	if p.Encrypt {
		// Algorithm 3.3: the owner entry.
		ownerPwd := p.OwnerPassword
		if ownerPwd == "" {
			ownerPwd = p.UserPassword
		}
		ownerKey := md5.Sum(padPassword(ownerPwd))
		ownerEntry = rc4Crypt(ownerKey[:5], padPassword(p.UserPassword))
		// Algorithm 3.2: the file key.
		h := md5.New()
		h.Write(padPassword(p.UserPassword))
		h.Write(ownerEntry)
		_ = binary.Write(h, binary.LittleEndian, permissions)
		h.Write(fileID[:])
		fileKey = h.Sum(nil)[:5]
		// Algorithm 3.4: the user entry.
		userEntry = rc4Crypt(fileKey, passwordPad)
	}
	// objectKey is algorithm 3.1's key for object num, generation 0.
	objectKey := func(num int) []byte {
		k := append(bytes.Clone(fileKey), byte(num), byte(num>>8), byte(num>>16), 0, 0)
		sum := md5.Sum(k)
		return sum[:10]
	}

	var infoNum int
	if len(p.Info) > 0 {
		infoNum = len(objs) + 1
		keys := make([]string, 0, len(p.Info))
		for k := range p.Info {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("<<")
		for _, k := range keys {
			v := []byte(p.Info[k])
			if p.Encrypt {
				v = rc4Crypt(objectKey(infoNum), v)
			}
			fmt.Fprintf(&b, " /%s <%X>", k, v)
		}
		b.WriteString(" >>")
		objs = append(objs, object{dict: b.String()})
	}
	var encryptNum int
	if p.Encrypt {
		encryptNum = len(objs) + 1
		objs = append(objs, object{dict: fmt.Sprintf(
			"<< /Filter /Standard /V 1 /R 2 /Length 40 /O <%X> /U <%X> /P %d >>", ownerEntry, userEntry, permissions)})
	}

	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		num := i + 1
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n", num)
		if o.stream == nil {
			out.WriteString(o.dict + "\nendobj\n")
			continue
		}
		data := o.stream
		if p.Encrypt {
			data = rc4Crypt(objectKey(num), data)
		}
		fmt.Fprintf(&out, "%s /Length %d >>\nstream\n", o.dict, len(data))
		out.Write(data)
		out.WriteString("\nendstream\nendobj\n")
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R", len(objs)+1)
	if infoNum > 0 {
		fmt.Fprintf(&out, " /Info %d 0 R", infoNum)
	}
	if encryptNum > 0 {
		fmt.Fprintf(&out, " /Encrypt %d 0 R", encryptNum)
	}
	fmt.Fprintf(&out, " /ID [<%X> <%X>] >>\nstartxref\n%d\n%%%%EOF\n", fileID, fileID, xref)
	return out.Bytes()
}

// deflate returns content followed by n blanks, zlib-compressed.
func deflate(content string, n int) []byte {
	var out bytes.Buffer
	w, _ := zlib.NewWriterLevel(&out, zlib.BestSpeed)
	_, _ = io.WriteString(w, content)
	blanks := bytes.Repeat([]byte{' '}, 64<<10)
	for n > 0 {
		k := min(n, len(blanks))
		_, _ = w.Write(blanks[:k])
		n -= k
	}
	_ = w.Close()
	return out.Bytes()
}

// CacheDir is a wazero compilation cache shared by every test run on this
// machine (named after the wazero version in go.mod, which a test binary
// cannot tell), so only the first run pays for compiling PDFium.
// EXTRACT_TEST_NO_CACHE=1 turns it off.
func CacheDir(tb testing.TB) string {
	if os.Getenv("EXTRACT_TEST_NO_CACHE") != "" {
		return ""
	}
	dir, _ := os.Getwd()
	var mod []byte
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			mod = data
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Log("no compilation cache: go.mod not found")
			return ""
		}
		dir = parent
	}
	m := regexp.MustCompile(`github\.com/tetratelabs/wazero (v\S+)`).FindSubmatch(mod)
	if m == nil {
		tb.Log("no compilation cache: wazero not in go.mod")
		return ""
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "statementbot-test", "wazero-"+string(m[1]))
}
