package ingest

import "testing"

func TestCheckDate(t *testing.T) {
	for s, ok := range map[string]bool{"": true, "2024-05-01": true, "1 May 2024": true, "May 1, 2024": true, "2024-13-45": false, "last tuesday": false} {
		if err := CheckDate(s); (err == nil) != ok {
			t.Errorf("CheckDate(%q) = %v", s, err)
		}
	}
}
