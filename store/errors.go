package store

import (
	"errors"
	"fmt"
)

// ErrNotFound is wrapped by errors for a statement or answer not stored.
var ErrNotFound = errors.New("not found")

// ErrReadOnly is wrapped by errors for writes to a store opened read-only.
var ErrReadOnly = errors.New("the store is read-only")

// A SchemaTooNewError refuses a store whose schema was written by a newer
// statementbot than this one.
type SchemaTooNewError struct {
	Have, Know int
}

func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("the store's schema is version %d, newer than this statementbot knows (%d): upgrade statementbot", e.Have, e.Know)
}
