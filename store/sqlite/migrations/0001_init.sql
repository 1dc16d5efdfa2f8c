CREATE TABLE store_meta (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	generation INTEGER NOT NULL
);
INSERT INTO store_meta (id, generation) VALUES (1, 0);

CREATE TABLE statements (
	library TEXT NOT NULL,
	id TEXT NOT NULL,
	title TEXT NOT NULL,
	date TEXT NOT NULL,
	issuer TEXT NOT NULL,
	place TEXT NOT NULL,
	source TEXT NOT NULL,
	hash TEXT NOT NULL,
	file_name TEXT NOT NULL,
	added_at TEXT NOT NULL,
	upload BLOB NOT NULL,
	text TEXT NOT NULL,
	PRIMARY KEY (library, id)
) WITHOUT ROWID;

CREATE TABLE paragraphs (
	library TEXT NOT NULL,
	statement_id TEXT NOT NULL,
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
	vec BLOB NOT NULL,
	PRIMARY KEY (embedder, model, text_hash)
);
CREATE INDEX vectors_text_hash ON vectors (text_hash);

CREATE TABLE audit (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	time TEXT NOT NULL,
	actor TEXT NOT NULL,
	guild TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	ok BOOLEAN NOT NULL,
	error TEXT NOT NULL,
	summary TEXT NOT NULL
);

CREATE TABLE feedback (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	time TEXT NOT NULL,
	vote TEXT NOT NULL,
	user_hash TEXT NOT NULL,
	answer_id TEXT NOT NULL,
	question TEXT NOT NULL,
	answer TEXT NOT NULL,
	citations TEXT NOT NULL
);

CREATE TABLE answers (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	id TEXT NOT NULL UNIQUE,
	channel TEXT NOT NULL,
	question TEXT NOT NULL,
	answer TEXT NOT NULL,
	mode TEXT NOT NULL,
	grounded BOOLEAN NOT NULL,
	citations TEXT NOT NULL,
	time TEXT NOT NULL
);
CREATE INDEX answers_channel ON answers (channel, seq);
