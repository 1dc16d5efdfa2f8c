package bot

import "github.com/statementbot/statementbot/rag"

// testExtract converts uploads in the bot's tests; nil: text only.
var testExtract rag.ExtractFunc
