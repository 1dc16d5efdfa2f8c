// Package prompts holds the language-model prompts as text/template files,
// embedded in the binary and overridable from a directory, so operators can
// change tone without rebuilding.
package prompts

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var embedded embed.FS

// Template names.
const (
	System  = "system.tmpl"
	Answer  = "answer.tmpl"
	Rewrite = "rewrite.tmpl"
	Compare = "compare.tmpl"
)

var names = []string{System, Answer, Rewrite, Compare}

// Set is a parsed set of prompt templates. It is safe for concurrent use.
type Set struct {
	t map[string]*template.Template
}

// funcs are available to every template. data neutralises the delimiters
// that mark data in the prompt, so text inside a paragraph or question
// cannot close its block and pose as instructions.
var funcs = template.FuncMap{
	"data": func(s string) string {
		return strings.NewReplacer("«", "\"", "»", "\"").Replace(s)
	},
}

// Load parses the embedded templates, replacing each with the file of the
// same name in dir when dir is not empty and holds one.
func Load(dir string) (*Set, error) {
	s := &Set{t: map[string]*template.Template{}}
	for _, name := range names {
		src, err := fs.ReadFile(embedded, "templates/"+name)
		if err != nil {
			return nil, err
		}
		origin := "embedded " + name
		if dir != "" {
			override, err := os.ReadFile(filepath.Join(dir, name))
			switch {
			case err == nil:
				src, origin = override, filepath.Join(dir, name)
			case !errors.Is(err, fs.ErrNotExist):
				return nil, fmt.Errorf("prompts: %w", err)
			}
		}
		t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("prompts: %s: %w", origin, err)
		}
		s.t[name] = t
	}
	return s, nil
}

// MustDefault returns the embedded templates; they are tested, so failure
// is a build defect.
func MustDefault() *Set {
	s, err := Load("")
	if err != nil {
		panic(err)
	}
	return s
}

// Render executes template name with data.
func (s *Set) Render(name string, data any) (string, error) {
	t, ok := s.t[name]
	if !ok {
		return "", fmt.Errorf("prompts: no template %q", name)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("prompts: %s: %w", name, err)
	}
	return strings.TrimSpace(b.String()) + "\n", nil
}

// SystemData fills system.tmpl.
type SystemData struct {
	Count        int // paragraphs in the prompt
	MaxSentences int
}

// Paragraph is one numbered paragraph in answer.tmpl.
type Paragraph struct {
	N         int // the number the model cites, 1..Count
	Statement string
	Title     string
	Date      string
	Paragraph int // ¶ in the statement
	Text      string
}

// AnswerData fills answer.tmpl.
type AnswerData struct {
	Question   string
	Paragraphs []Paragraph
}

// Turn is one earlier exchange of a conversation.
type Turn struct{ Question, Answer string }

// RewriteData fills rewrite.tmpl.
type RewriteData struct {
	History  []Turn
	Question string
}

// Change is one numbered change in compare.tmpl.
type Change struct {
	N     int    // the number the model cites, 1..len(Changes)
	Kind  string // "added", "removed", "changed"
	Where string // "¶3 → ¶4", "new ¶5"
	Text  string
}

// CompareData fills compare.tmpl: the two statements' labels and the
// changes to reword.
type CompareData struct {
	Old, New     string
	Changes      []Change
	MaxSentences int
}
