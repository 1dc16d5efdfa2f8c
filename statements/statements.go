// Package statements bundles the statements statementbot ships with, raw as
// extracted (repair happens at ingest), so the binary answers from any
// directory with no data of its own.
package statements

import "embed"

// FS holds the bundled statement files.
//
//go:embed *.txt
var FS embed.FS
