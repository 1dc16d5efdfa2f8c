CREATE TABLE store_meta (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	generation BIGINT NOT NULL
);
INSERT INTO store_meta (id, generation) VALUES (1, 0);

CREATE TABLE statements (
	library TEXT COLLATE "C" NOT NULL,
	id TEXT COLLATE "C" NOT NULL,
	title TEXT NOT NULL,
	date TEXT NOT NULL,
	issuer TEXT NOT NULL,
	place TEXT NOT NULL,
	source TEXT NOT NULL,
	hash TEXT NOT NULL,
	file_name TEXT NOT NULL,
	added_at TIMESTAMPTZ NOT NULL,
	upload BYTEA NOT NULL,
	text TEXT NOT NULL,
	PRIMARY KEY (library, id)
);

CREATE TABLE paragraphs (
	library TEXT COLLATE "C" NOT NULL,
	statement_id TEXT COLLATE "C" NOT NULL,
	n INTEGER NOT NULL,
	section TEXT NOT NULL,
	text TEXT NOT NULL,
	header BOOLEAN NOT NULL,
	text_hash TEXT NOT NULL,
	PRIMARY KEY (library, statement_id, n),
	FOREIGN KEY (library, statement_id) REFERENCES statements (library, id) ON DELETE CASCADE
);
CREATE INDEX paragraphs_text_hash ON paragraphs (text_hash);

CREATE TABLE vectors (
	embedder TEXT NOT NULL,
	model TEXT NOT NULL,
	text_hash TEXT NOT NULL,
	vec BYTEA NOT NULL,
	PRIMARY KEY (embedder, model, text_hash)
);
CREATE INDEX vectors_text_hash ON vectors (text_hash);

CREATE TABLE audit (
	seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	time TIMESTAMPTZ NOT NULL,
	actor TEXT NOT NULL,
	guild TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	ok BOOLEAN NOT NULL,
	error TEXT NOT NULL,
	summary TEXT NOT NULL
);

CREATE TABLE feedback (
	seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	time TIMESTAMPTZ NOT NULL,
	vote TEXT NOT NULL,
	user_hash TEXT NOT NULL,
	answer_id TEXT COLLATE "C" NOT NULL,
	question TEXT NOT NULL,
	answer TEXT NOT NULL,
	citations TEXT NOT NULL
);

CREATE TABLE answers (
	seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	channel TEXT NOT NULL,
	question TEXT NOT NULL,
	answer TEXT NOT NULL,
	mode TEXT NOT NULL,
	grounded BOOLEAN NOT NULL,
	citations TEXT NOT NULL,
	time TIMESTAMPTZ NOT NULL
);
CREATE INDEX answers_channel ON answers (channel, seq);
