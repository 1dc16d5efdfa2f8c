package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLayout(t *testing.T) {
	para := strings.Repeat("The Ministers welcomed new members joining the Coalition. ", 10)
	// A pipe: nothing changes.
	var pipe layout
	if got := pipe.text(para, 4); got != "    "+para {
		t.Errorf("pipe text changed: %q", got)
	}
	if got, cut := pipe.source(para); got != para || cut {
		t.Errorf("pipe source shortened")
	}
	// A terminal 40 columns wide: wrapped within the width, indented, and
	// sources cut to a few lines at a word.
	tty := layout{width: 40, short: true}
	for _, line := range strings.Split(tty.text(para, 4), "\n") {
		if utf8.RuneCountInString(line) > 40 || !strings.HasPrefix(line, "    ") {
			t.Errorf("line %q over 40 columns or not indented", line)
		}
	}
	if got := tty.text("joining in-person ok 2021-06-28-global-coalition-rome", 0); strings.Contains(got, "in-\n") || strings.Contains(got, "coalition-\n") {
		t.Errorf("wrapped inside a hyphenated word: %q", got)
	}
	got, cut := tty.source(para)
	if !cut || !strings.HasSuffix(got, " …") || utf8.RuneCountInString(got) > sourceLines*36+2 || !strings.HasPrefix(para, strings.TrimSuffix(got, " …")) {
		t.Errorf("source = %q (cut %v)", got, cut)
	}
	if got, cut := (layout{width: 40}).source(para); got != para || cut {
		t.Errorf("--full shortened the source")
	}
}
