-- Announcements of new statements, shared by every process on the store.
-- announce_start holds, per library, when announcements began: the
-- statements stored then were marked announced without a post (kind
-- 'baseline'), so a first start does not post the whole history.
-- announce_claims holds one row per statement version (id and content
-- hash) claimed for posting; the primary key lets one claimer win.
CREATE TABLE announce_start (
	library TEXT NOT NULL PRIMARY KEY,
	started_at TEXT NOT NULL
);

CREATE TABLE announce_claims (
	library TEXT NOT NULL,
	statement_id TEXT NOT NULL,
	hash TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('baseline', 'claimed')),
	claimed_at TEXT NOT NULL,
	PRIMARY KEY (library, statement_id, hash)
) WITHOUT ROWID;

-- Unannounced reads the statements of a library by this index alone,
-- oldest added first, without touching their uploads and texts.
CREATE INDEX statements_by_added ON statements (library, added_at, id, hash);
