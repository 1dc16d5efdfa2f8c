module github.com/statementbot/statementbot

go 1.26.0

require (
	github.com/google/renameio/v2 v2.0.2
	github.com/kljensen/snowball v0.10.0
	github.com/philippgille/chromem-go v0.7.0
	github.com/sashabaranov/go-openai v1.43.0
	golang.org/x/term v0.48.0
)

require golang.org/x/sys v0.50.0 // indirect
