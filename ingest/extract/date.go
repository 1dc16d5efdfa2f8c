package extract

import "github.com/statementbot/statementbot/ingest"

// parseDate returns the calendar date in a file's metadata (a PDF date
// "D:20210628103000+02'00'", an ISO timestamp, "28 June 2021") as
// YYYY-MM-DD, or "". Dates are read by ingest.ParseDate, the one date
// reader of ingestion.
func parseDate(s string) string { return ingest.ParseDate(s) }
