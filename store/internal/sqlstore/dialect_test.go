package sqlstore

import "testing"

func TestPlaceholders(t *testing.T) {
	q := "SELECT a FROM t WHERE b = ? AND c IN (" + placeholders(3) + ")"
	if got := (&Dialect{}).q(q); got != "SELECT a FROM t WHERE b = ? AND c IN (?,?,?)" {
		t.Errorf("unchanged: %s", got)
	}
	if got := (&Dialect{Dollar: true}).q(q); got != "SELECT a FROM t WHERE b = $1 AND c IN ($2,$3,$4)" {
		t.Errorf("dollar: %s", got)
	}
}
