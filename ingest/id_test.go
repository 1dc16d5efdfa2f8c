package ingest

import (
	"strings"
	"sync"
	"testing"
)

func TestStatementID(t *testing.T) {
	for in, want := range map[string]string{
		"2021-06-28-global-coalition-rome.txt": "2021-06-28-global-coalition-rome",
		"/tmp/My Statement (final).md":         "my-statement-final",
		`C:\docs\Press_Release.TXT`:            "press-release",
		"....txt":                              "",
		"no-extension":                         "no-extension",
		"Déclaration-café-2024.txt":            "declaration-cafe-2024",
		"Erklärung zur Straße.md":              "erklarung-zur-strasse",
		"Œuvre-Łódź-Ørsted.pdf":                "oeuvre-lodz-orsted",
		"ﬁnal ＳＴＡＴＥＭＥＮＴ.txt":                   "final-statement",
		"日本語の声明.txt":                           "",
		"2024-05-01-声明.pdf":                    "2024-05-01",
		"Заявление.txt":                        "",
		strings.Repeat("word-", 30) + ".txt":   strings.TrimSuffix(strings.Repeat("word-", 16), "-"),
	} {
		if got := StatementID(in); got != want {
			t.Errorf("StatementID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUploadID(t *testing.T) {
	const text = "The ministers met in Tokyo."
	const titled = "Tokyo Trade Statement\n\nMay 1, 2024 - Tokyo - Ministry of Trade\n\nThe ministers met in Tokyo."
	tests := []struct {
		name   string
		file   string
		text   string
		titles []string
		want   string
	}{
		{"Latin name wins over the title", "Déclaration-café-2024.txt", titled, []string{"Other Title"}, "declaration-cafe-2024"},
		{"no Latin name: the admin's title", "日本語の声明.txt", titled, []string{"Joint Statement on Trade", "File Title"}, "joint-statement-on-trade"},
		{"no Latin name nor admin title: the file's title", "日本語の声明.txt", titled, []string{"", "Tokyo Declaration"}, "tokyo-declaration"},
		{"a title with no Latin letter is skipped", "日本語の声明.txt", text, []string{"共同声明", "Tokyo Declaration"}, "tokyo-declaration"},
		{"no title given: the text's title line", "日本語の声明.txt", titled, []string{"", ""}, "tokyo-trade-statement"},
		{"no title given: the text's front matter", "声明.md", "---\ntitle: Communiqué de presse\n---\nLe conseil a voté le budget.", nil, "communique-de-presse"},
		{"a date in the name is kept in front", "2024-05-01-声明.pdf", text, []string{"Joint Statement"}, "2024-05-01-joint-statement"},
		{"nothing Latin: a hash of the text", "日本語の声明.txt", text, []string{"共同声明"}, "statement-" + "HASH"},
		{"nothing Latin, dated: date then hash", "2024-05-01-声明.txt", text, nil, "2024-05-01-statement-" + "HASH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := UploadID(tt.file, tt.text, tt.titles...)
			if prefix, ok := strings.CutSuffix(tt.want, "HASH"); ok {
				hash, found := strings.CutPrefix(got, prefix)
				if !found || len(hash) != 8 || strings.Trim(hash, "0123456789abcdef") != "" {
					t.Fatalf("UploadID(%q) = %q, want %q and 8 hex digits", tt.file, got, prefix)
				}
				return
			}
			if got != tt.want {
				t.Errorf("UploadID(%q, %q) = %q, want %q", tt.file, tt.titles, got, tt.want)
			}
		})
	}
}

func TestUploadIDHashFollowsText(t *testing.T) {
	a := UploadID("声明.txt", "first text")
	if again := UploadID("声明.txt", "first text"); again != a {
		t.Errorf("UploadID of the same text = %q then %q, want the same id", a, again)
	}
	if b := UploadID("声明.txt", "second text"); b == a {
		t.Errorf("UploadID of two different texts = %q for both, want different ids", a)
	}
}

// TestStatementIDConcurrent: ids are made concurrently (uploads in
// parallel); run with -race.
func TestStatementIDConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := StatementID("Déclaration-café-2024.txt"); got != "declaration-cafe-2024" {
					t.Errorf("StatementID = %q", got)
				}
			}
		})
	}
	wg.Wait()
}
