// Package wordtable reads the word tables that packages thesaurus and
// glove embed: gzipped text, one entry per line, "headword rest…", lines
// sorted by headword, "#" lines for comments. A table is decompressed
// once, when first asked for, and searched in place by binary search.
package wordtable

import (
	"bytes"
	"compress/gzip"
	"io"
	"sort"
)

// A Table is a decompressed word table.
type Table struct {
	text  []byte
	lines []int // offsets of the sorted entry lines
}

// MustLoad decompresses an embedded table; it panics, naming the table,
// when the data is damaged (a build defect, not a run-time condition).
func MustLoad(name string, packed []byte) *Table {
	zr, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		panic(name + ": embedded table: " + err.Error())
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		panic(name + ": embedded table: " + err.Error())
	}
	t := &Table{text: text, lines: make([]int, 0, bytes.Count(text, []byte{'\n'})+1)}
	for off := 0; off < len(text); {
		end := bytes.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text) - off
		}
		if end > 0 && text[off] != '#' {
			t.lines = append(t.lines, off)
		}
		off += end + 1
	}
	return t
}

// Len is the number of entries.
func (t *Table) Len() int { return len(t.lines) }

// Lookup returns the rest of the entry of headword (after its space, no
// copy), and whether the table has one.
func (t *Table) Lookup(headword string) ([]byte, bool) {
	key := []byte(headword)
	i := sort.Search(len(t.lines), func(i int) bool { return bytes.Compare(t.head(i), key) >= 0 })
	if i == len(t.lines) || !bytes.Equal(t.head(i), key) {
		return nil, false
	}
	l := t.line(i)
	return l[min(len(key)+1, len(l)):], true
}

// line returns entry i, without its newline (no copy).
func (t *Table) line(i int) []byte {
	off := t.lines[i]
	end := bytes.IndexByte(t.text[off:], '\n')
	if end < 0 {
		return t.text[off:]
	}
	return t.text[off : off+end]
}

// head returns the headword of entry i (no copy).
func (t *Table) head(i int) []byte {
	l := t.line(i)
	if j := bytes.IndexByte(l, ' '); j >= 0 {
		return l[:j]
	}
	return l
}
