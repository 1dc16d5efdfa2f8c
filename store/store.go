package store

import (
	"context"
)

// Store is the corpus and the bot's memory, behind one transaction per
// change. Implementations are safe for concurrent use by many goroutines
// and many processes. Times are kept to the microsecond.
type Store interface {
	// Snapshot is every statement and paragraph, as of one generation.
	Snapshot(ctx context.Context) (Snapshot, error)
	// Statement is one statement, whole (with Upload and Text), or an
	// error wrapping ErrNotFound.
	Statement(ctx context.Context, library, id string) (StatementRecord, error)
	// Catalog is every statement without its paragraphs, and their
	// number, as of one generation.
	Catalog(ctx context.Context) (Catalog, error)
	// Texts calls fn with every statement, ordered by library then ID,
	// with its Text but without its Upload or Paragraphs, all read in one
	// query (a reindex parses every text again). It stops at the first
	// error fn returns, and returns it.
	Texts(ctx context.Context, fn func(StatementRecord) error) error
	// Generation is the number of the last committed change.
	Generation(ctx context.Context) (int64, error)
	// Vectors are the stored vectors of embedder and model for those of
	// hashes that have one; a missing hash is absent from the map.
	Vectors(ctx context.Context, embedder, model string, hashes []string) (map[string][]float32, error)
	// Change runs fn in one transaction, bumps the generation, drops the
	// vectors no paragraph uses any more, and commits, returning the new
	// generation. If fn fails nothing is written and its error is
	// returned. Changes from every process are serialised by the database.
	// fn must be quick (compute embeddings before) and must not call
	// Change itself.
	Change(ctx context.Context, fn func(ctx context.Context, tx Tx) error) (generation int64, err error)
	// Watch sends the generation each time it changes, by whichever
	// process, until ctx ends; then the channel is closed. A slow reader
	// gets the latest generation, not every one.
	Watch(ctx context.Context) <-chan int64
	AppendAudit(ctx context.Context, rec AuditRecord) error
	// ReadAudit is the latest limit audit records, oldest first.
	ReadAudit(ctx context.Context, limit int) ([]AuditRecord, error)
	AppendFeedback(ctx context.Context, rec FeedbackRecord) error
	// ReadFeedback is the latest limit feedback records, oldest first.
	ReadFeedback(ctx context.Context, limit int) ([]FeedbackRecord, error)
	// PutAnswer remembers an answer under rec.ID (replacing one there).
	PutAnswer(ctx context.Context, rec AnswerRecord) error
	// GetAnswer is the answer remembered under id, or ErrNotFound.
	GetAnswer(ctx context.Context, id string) (AnswerRecord, error)
	// LastAnswer is the latest answer remembered in channel, or ErrNotFound.
	LastAnswer(ctx context.Context, channel string) (AnswerRecord, error)

	// StartAnnouncements begins the announcements of library, once: the
	// first call marks every statement stored then as announced (none is
	// posted) and reports true; later calls, by any process, change
	// nothing and report false.
	StartAnnouncements(ctx context.Context, library string) (started bool, err error)
	// Unannounced are the statement versions of library stored and not
	// claimed, oldest added first; none before StartAnnouncements.
	Unannounced(ctx context.Context, library string) ([]StatementVersion, error)
	// ClaimAnnouncement records v as announced and reports whether this
	// call recorded it: of all callers, in every process, exactly one
	// wins each version.
	ClaimAnnouncement(ctx context.Context, v StatementVersion) (won bool, err error)
	// ReleaseAnnouncement forgets the claim on v (its post failed for
	// good), so that v is Unannounced again. A version marked when the
	// announcements began stays marked.
	ReleaseAnnouncement(ctx context.Context, v StatementVersion) error
	Close() error
}

// Tx is what a change may read and write, inside its transaction.
type Tx interface {
	// Generation is the generation this change builds on.
	Generation() int64
	// Statement is one stored statement, whole, or ErrNotFound.
	Statement(ctx context.Context, library, id string) (StatementRecord, error)
	// PutStatement stores rec with its paragraphs, replacing the statement
	// with the same (Library, ID) and its paragraphs.
	PutStatement(ctx context.Context, rec StatementRecord) error
	// DeleteStatement removes a statement and its paragraphs, or returns
	// an error wrapping ErrNotFound.
	DeleteStatement(ctx context.Context, library, id string) error
	// LibraryUsage is how many statements library holds and the bytes
	// they take: their text and their uploads, as this change sees them
	// (its own writes included): a check against a limit here holds for
	// concurrent changes too.
	LibraryUsage(ctx context.Context, library string) (statements int, bytes int64, err error)
	// ForgetServer deletes what the bot remembers of server guild (a
	// Discord server's id, not "" or GuildUnknown): the answers given
	// there and the votes on them. The audit log keeps its records.
	ForgetServer(ctx context.Context, guild string) error
	// StatementIDs are the ids of library's statements, in order.
	StatementIDs(ctx context.Context, library string) ([]string, error)
	// PutVectors stores vectors by text hash for embedder and model,
	// replacing those there. A vector no paragraph uses when the change
	// commits is dropped.
	PutVectors(ctx context.Context, embedder, model string, vectors map[string][]float32) error
	// PutTerms sets the Terms of every stored paragraph whose text hash
	// is a key of terms (a start that had to compute them keeps them).
	PutTerms(ctx context.Context, terms map[string]string) error
}
