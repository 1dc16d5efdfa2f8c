package ingest

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// maxFrontMatter bounds the front matter read as YAML: real blocks hold a
// few fields; a long one costs the YAML parser much time.
const maxFrontMatter = 16 << 10

// splitFrontMatter reads a leading YAML front matter block ("---" lines
// around it) into a map of lowercased keys to single-line string values,
// and returns the text after it. Text without a block, or whose block is
// not YAML, is returned whole with a nil map.
func splitFrontMatter(text string) (map[string]string, string) {
	t := strings.TrimLeft(text, " \u00a0\n")
	if !strings.HasPrefix(t, "---\n") {
		return nil, text
	}
	var block, rest string
	if r, ok := strings.CutPrefix(t[4:], "---\n"); ok {
		rest = r // an empty block
	} else {
		end := strings.Index(t[3:], "\n---\n")
		if end < 0 {
			if !strings.HasSuffix(t, "\n---") {
				return nil, text
			}
			end = len(t) - 7
		}
		block = t[4 : 3+end+1]
		rest = t[min(len(t), 3+end+5):]
	}
	// A non-breaking space is a space to YAML's reader as to ours.
	block = strings.ReplaceAll(block, "\u00a0", " ")
	fm := map[string]string{}
	if strings.TrimSpace(block) == "" {
		return fm, rest
	}
	if len(block) > maxFrontMatter {
		return nil, text
	}
	var raw map[string]any
	if err := yaml.Unmarshal([]byte(block), &raw); err != nil {
		if raw = plainFields(block); raw == nil {
			return nil, text
		}
	}
	for k, v := range raw {
		s := yamlString(v)
		k = strings.ToLower(strings.TrimSpace(k))
		if k != "" && s != "" {
			fm[k] = s
		}
	}
	return fm, rest
}

// yamlString renders a scalar front matter value as one line of text:
// non-breaking spaces become spaces, runs of white space one space.
func yamlString(v any) string {
	var s string
	switch v := v.(type) {
	case nil, map[string]any, []any:
		return ""
	case string:
		s = v
	case time.Time:
		s = v.Format(time.DateOnly)
	default:
		s = fmt.Sprint(v)
	}
	// pandoc writes a non-breaking space as "\_"; files that kept it
	// unquoted show it literally.
	s = strings.NewReplacer("\u00a0", " ", `\_`, " ").Replace(s)
	// A line continuation ("\") that an unquoting reader left at the end.
	return strings.TrimRight(strings.Join(strings.Fields(s), " "), ` \`)
}

// plainFieldRE is a "key: value" line as statementbot wrote front matter
// before it wrote YAML: values unquoted, colons and all ("title: Fact
// Sheet: Sanctions"), which YAML refuses.
var plainFieldRE = regexp.MustCompile(`^([A-Za-z][\w-]*):\s+(.*)$`)

// plainFields reads a block of "key: value" lines, or returns nil if a
// line is not one.
func plainFields(block string) map[string]any {
	out := map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		m := plainFieldRE.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			return nil
		}
		out[m[1]] = m[2]
	}
	return out
}
