-- Announcements of new statements, shared by every process on the store.
-- announce_start holds, per library, when announcements began: the
-- statements stored then were marked announced without a post (kind
-- 'baseline'), so a first start does not post the whole history.
-- announce_claims holds one row per statement version (id and content
-- hash) claimed for posting; the primary key lets one claimer win.
CREATE TABLE announce_start (
	library TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	started_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE announce_claims (
	library TEXT COLLATE "C" NOT NULL,
	statement_id TEXT COLLATE "C" NOT NULL,
	hash TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('baseline', 'claimed')),
	claimed_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (library, statement_id, hash)
);

-- Unannounced reads the statements of a library by this index alone,
-- oldest added first, without touching their uploads and texts.
CREATE INDEX statements_by_added ON statements (library, added_at, id, hash);
