// Package compare says what changed between two statements and what each
// statement said about a topic, extractively: no language model, the same
// input always gives the same output. Prose, where a language model is
// configured, rewords the most telling changes of a Result; its sentences
// are checked against the changes they cite (rag.CheckSources) and on any
// doubt the extractive text stands.
//
// Compare takes two parsed statements (package ingest, usually from the
// rag.Index) and returns a Result: their paragraphs aligned by the
// sentences they share (a paragraph may move, merge or split), then the
// paragraphs added and removed and, for the changed ones, the sentences
// added and removed. Timeline searches each statement of an index for a
// topic and returns one cited excerpt per statement, oldest first. Route
// reads a question ("what's new in the latest statement?") as a request
// to compare two indexed statements, and Answer renders a Result as a
// cited rag.Answer (Prose.Answer: the same, reworded). The CLI
// (cmd/statementbot) and the Discord bot (bot) show the results.
package compare
