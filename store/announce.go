package store

// Announcements: the bot posts each new statement to a channel once,
// whichever process, on whichever machine, sees it first. The store
// decides who posts: a statement version (library, id, content hash) is
// claimed by one INSERT that only one caller can win. Announcements of a
// library begin with StartAnnouncements, which marks every statement then
// stored as announced without a post, so a first start does not post the
// whole history; a statement stored after that and not claimed yet —
// also one added while no bot ran — is Unannounced until a bot claims it.

// A StatementVersion names one version of a statement: its key and the
// hash of its content (a replaced statement is a new version).
type StatementVersion struct {
	Library string
	ID      string
	Hash    string
}
