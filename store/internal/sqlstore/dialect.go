package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// A Dialect is what differs between the SQL databases a store runs on.
type Dialect struct {
	// Dollar numbers placeholders $1, $2, ... instead of ?.
	Dollar bool
	// ReadTx opens the read transactions of Snapshot: one consistent view.
	ReadTx sql.TxOptions
	// LockChange reads the generation at the start of a change and holds
	// every other change off until this one ends.
	LockChange string
	// LockMigrate, if set, is run first in the migration transaction to
	// hold other processes' migrations off.
	LockMigrate string
	// TableExists counts the tables named by its one parameter.
	TableExists string
	// AfterChange, if set, runs in a change's transaction just before it
	// commits, with the new generation.
	AfterChange func(ctx context.Context, tx *sql.Tx, generation int64) error
	// AllVectors names the vectors table for reading every vector of a
	// model ("vectors" unless the dialect has a faster way to scan it).
	AllVectors string
	// TimeArg is how a time is passed to the database.
	TimeArg func(time.Time) any
}

// q rewrites the ? placeholders of query for the dialect.
func (d *Dialect) q(query string) string {
	if !d.Dollar {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// placeholders is n comma-separated ?s.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// TimeText is how SQLite keeps a time: UTC, fixed width, to the
// microsecond, so that text order is time order.
const TimeText = "2006-01-02T15:04:05.000000Z"

// timeCol scans a time kept as a time or as TimeText.
type timeCol struct{ t time.Time }

func (c *timeCol) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	case nil:
		c.t = time.Time{}
	}
	return nil
}

func (c *timeCol) parse(s string) error {
	t, err := time.Parse(TimeText, s)
	if err != nil {
		return err
	}
	c.t = t
	return nil
}
