// Package rag indexes statements and answers questions about them with
// numbered citations to their paragraphs.
//
// Where data comes from: parsed statements (package ingest turns uploads
// into statementbot.Statement values) and one vector per paragraph
// (package embeddings). Library keeps the corpus in a store (package
// store) and builds the Index from what it holds: paragraphs, their
// vectors, and their keyword terms (terms.go), stored when a statement is
// added so that a start reads them instead of tokenising every paragraph;
// Build makes an Index from statements in memory.
//
// Libraries (scope.go): the corpus is the shared library and each Discord
// server's own. One Index holds them all, every statement under its key
// (its id, or "<server>/<id>"); a question is asked in a Scope (the shared
// library and at most one server's) and every step below sees that scope's
// statements only: the keyword search reads the scope's document ranges,
// the vector search the scope's libraries' collections, statement
// selection by metadata the scope's statements (a metadata word weighs by
// its frequency among them), and the BM25 statistics (document
// frequencies, number and average length of paragraphs) are the scope's,
// so that one server's statements change no answer in another server or a
// DM. A server's change reuses only the vectors of paragraphs its scope
// holds, so that it learns nothing of other servers' texts. Index.In gives
// the index as a scope sees it; the zero Scope is the shared library.
//
// How a question becomes a cited answer (Engine.Ask):
//
//  1. followup.go: a follow-up ("and what about Syria?") is made
//     standalone, by the model or by carrying earlier key words.
//  2. gate.go, metonym.go: a word no statement uses but one spells almost
//     alike is read as that one ("Marrakech" -> "Marrakesh"), and a
//     capital no statement names as its country (package capitals:
//     "Tehran" -> "Iran"), for the search, the gate and the answer.
//  3. index.go: Index.Search retrieves paragraphs from the BM25 keyword
//     index (bm25.go) and the chromem-go vector collection
//     (vectorsearch.go), with other words for the question's missing ones
//     (expand.go), statements the question names by date, place, issuer
//     or title searched and ranked up (meta.go), and both scores fused
//     (fusion.go). Paragraphs of names and dates only (datelines,
//     signature blocks; bare.go) rank like the header paragraph. Ties go
//     to the earlier paragraph: the same question on the same index gives
//     the same hits.
//  4. gate.go: the relevance gate decides from coverage, words found,
//     unknown names, other words for missing ones and similarity whether
//     the paragraphs answer it (its evidence is logged at debug level).
//  5. extractive.go quotes the best sentences of one statement (or the
//     best of each, for a question across statements; intent.go), or
//     generate.go has the language model write the answer, and
//     citecheck.go and support.go check every sentence against the
//     paragraphs it cites, falling back to the quotation.
//  6. answer.go: the Answer, whose [n] markers refer to Citations, each a
//     paragraph quoted verbatim.
//
// Where answers go: the CLI (cmd/statementbot) and the Discord bot (bot).
package rag
