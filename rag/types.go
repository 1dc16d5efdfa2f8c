package rag

import "github.com/statementbot/statementbot"

// The domain types live in the root package, shared with ingestion; these
// aliases keep rag's own names.
type (
	Statement  = statementbot.Statement
	Paragraph  = statementbot.Paragraph
	Metadata   = statementbot.Metadata
	InputError = statementbot.InputError
)
