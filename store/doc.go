// Package store is the one durable home of the corpus and of what the bot
// remembers: statements (the original upload, its extracted text and
// metadata), their parsed paragraphs (with the terms the keyword index
// reads, encoded by the library), paragraph vectors, the audit log,
// feedback, the answers behind /sources and citation buttons, and which
// statements have been announced (announce.go).
//
// Statements are kept per library: "" is the shared library, a Discord
// server's id that server's own (StatementRecord.Library); the answers
// and votes the bot keeps name the server they came from (answers
// remembered before they did: GuildUnknown).
//
// Data comes in from ingestion (cmd's add, the bot's /statement commands,
// reindex) through Change, and from the bot through AppendAudit,
// AppendFeedback and PutAnswer. It goes out to the library at start
// (Snapshot and Vectors, from which it builds the live index), to a
// change's early checks (Catalog) and a reindex (Texts), to running
// processes that follow changes made elsewhere (Watch), and to the bot
// (GetAnswer, LastAnswer, and for announcements StartAnnouncements,
// Unannounced, ClaimAnnouncement, ReleaseAnnouncement). A server's purge
// (Tx.ForgetServer, in the change that deletes its statements) deletes
// its answers and votes; the audit log is never deleted.
//
// Store is implemented by store/sqlite (a file in the data dir, the
// embedded default) and store/postgres (several processes on several
// machines sharing one corpus). Both pass the conformance suite in
// store/storetest.
//
// # How a change flows
//
//  1. The caller parses the upload and computes the vectors of every
//     paragraph text it does not have yet (Vectors tells which are stored),
//     before and outside any transaction or lock: embedding is slow and
//     must never hold the writer lock.
//  2. It calls Change with a function that reads what it must check
//     (Tx.Statement, Tx.Generation: does the id exist, is the hash the one
//     it read) and writes (PutStatement, DeleteStatement, PutVectors).
//  3. Change runs that function in one database transaction. Writers from
//     every process are serialised by the database (SQLite: BEGIN
//     IMMEDIATE; PostgreSQL: a row lock on the generation), so none is
//     lost. In the same transaction the generation is bumped and vectors
//     that no stored paragraph uses any more are dropped (vacuum).
//  4. On commit the caller swaps its live index for one built from what it
//     committed; every other process learns of the new generation from
//     Watch, reloads with Snapshot and Vectors (unchanged paragraphs keep
//     their stored vectors: nothing is re-parsed or re-embedded) and swaps
//     too. No process ever writes back a view it did not just read inside
//     its own Change.
package store
