package ingest

import (
	"maps"
	"testing"
)

func TestSplitFrontMatter(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]string
		body     string
	}{
		{
			name: "escapes and continued double-quoted title",
			in:   "---\ndate: '2021-12-13'\ntitle: \"Statement by the Spokesperson on the Coordinator\\\n  \\ McGurk\\u2019s Travel to\\_Iraq\"\n---\n \nBody.\n",
			want: map[string]string{"date": "2021-12-13", "title": "Statement by the Spokesperson on the Coordinator McGurk’s Travel to Iraq"},
			body: " \nBody.\n",
		},
		{
			name: "folded title and unquoted date",
			in:   "---\ntitle: >\n  A long title\n  on two lines\ndate: 2024-03-01\nTags: [a, b]\n---\nText",
			want: map[string]string{"title": "A long title on two lines", "date": "2024-03-01"},
			body: "Text",
		},
		{
			name: "front matter stored before YAML: unquoted values with colons",
			in:   "---\ntitle: Fact Sheet: Sanctions Lifted on\\_Ruritania\\\ndate: June 30, 2025\nsource: https://example.org/a\n---\nText",
			want: map[string]string{"title": "Fact Sheet: Sanctions Lifted on Ruritania", "date": "June 30, 2025", "source": "https://example.org/a"},
			body: "Text",
		},
		{
			name: "empty block", in: "---\n---\nText", want: map[string]string{}, body: "Text",
		},
		{
			name: "no block", in: "Title\n---\nText", want: nil, body: "Title\n---\nText",
		},
		{
			name: "not yaml", in: "---\n: : [\n---\nText", want: nil, body: "---\n: : [\n---\nText",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, body := splitFrontMatter(tt.in)
			if !maps.Equal(got, tt.want) || (got == nil) != (tt.want == nil) || body != tt.body {
				t.Errorf("splitFrontMatter = %q, %q; want %q, %q", got, body, tt.want, tt.body)
			}
		})
	}
}
