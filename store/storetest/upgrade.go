package storetest

import (
	"context"
	"testing"

	"github.com/statementbot/statementbot/store"
)

// firstRelease is what the first release with a store (schema version 1)
// left in it: a statement with one paragraph (no terms), an answer given
// in a server and a vote on it (both without the server: the schema had
// no column for it). Times are in the text both databases read.
const firstRelease = `
INSERT INTO statements (library, id, title, date, issuer, place, source, hash, file_name, added_at, upload, text)
	VALUES ('', 'old', 'Old statement', '2025-01-01', 'Issuer', 'Rome', '', 'sha-old', 'old.txt', '2026-11-27T10:00:00.000000Z', '', 'Old text.');
INSERT INTO paragraphs (library, statement_id, n, section, text, header, text_hash)
	VALUES ('', 'old', 1, '', 'Old text.', false, 'h-old');
INSERT INTO answers (id, channel, question, answer, mode, grounded, citations, time)
	VALUES ('a-old', 'chan-old', 'What is old?', 'Old text [1].', 'extractive', true, '[{"n":1,"statement":"old","paragraph":1}]', '2026-11-27T10:00:00.000000Z');
INSERT INTO feedback (time, vote, user_hash, answer_id, question, answer, citations)
	VALUES ('2026-11-27T10:00:01.000000Z', 'up', 'u', 'a-old', 'What is old?', 'Old text [1].', '[]');
`

// testUpgrade: a store of schema version 1 opens upgraded, with what it
// held readable: the statement (terms not computed yet), the answer (as
// one from before answers named their server: store.GuildUnknown, so that
// its buttons keep working in the server it was given in) and the vote;
// announcements have not begun.
func testUpgrade(t *testing.T, b Backend) {
	if b.Exec == nil || b.Migration == nil {
		t.Skip("the adapter makes no store of an earlier schema")
	}
	ctx := context.Background()
	loc := b.Fresh(t)
	b.Exec(t, loc, b.Migration(t, 1)+";\nCREATE TABLE schema_version (version INTEGER NOT NULL);\nINSERT INTO schema_version (version) VALUES (1);\n"+firstRelease)
	s := open(t, b, loc)

	snap, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Statements) != 1 || snap.Statements[0].ID != "old" || len(snap.Statements[0].Paragraphs) != 1 {
		t.Fatalf("statements after the upgrade: %+v", snap.Statements)
	}
	if p := snap.Statements[0].Paragraphs[0]; p.Terms != "" || p.TextHash != "h-old" {
		t.Errorf("paragraph after the upgrade: %+v", p)
	}
	for what, get := range map[string]func() (store.AnswerRecord, error){
		"by id":      func() (store.AnswerRecord, error) { return s.GetAnswer(ctx, "a-old") },
		"by channel": func() (store.AnswerRecord, error) { return s.LastAnswer(ctx, "chan-old") },
	} {
		a, err := get()
		if err != nil {
			t.Fatalf("answer %s: %v", what, err)
		}
		if a.Guild != store.GuildUnknown || a.Question != "What is old?" || len(a.Citations) != 1 || a.Citations[0].Statement != "old" {
			t.Errorf("answer %s after the upgrade: %+v, want guild %q", what, a, store.GuildUnknown)
		}
	}
	fb, err := s.ReadFeedback(ctx, 10)
	if err != nil || len(fb) != 1 || fb[0].AnswerID != "a-old" {
		t.Errorf("feedback after the upgrade: %+v, %v", fb, err)
	}
	if vs, err := s.Unannounced(ctx, ""); err != nil || len(vs) != 0 {
		t.Errorf("unannounced before announcements began: %+v, %v", vs, err)
	}
	// Answers given from now on name their server, a DM's none.
	for _, guild := range []string{"111", ""} {
		rec := store.AnswerRecord{ID: "a-new-" + guild, Channel: "chan-new", Guild: guild, Question: "q", Answer: "a", Mode: "extractive", Time: snap.Statements[0].AddedAt}
		if err := s.PutAnswer(ctx, rec); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetAnswer(ctx, rec.ID); err != nil || got.Guild != guild {
			t.Errorf("answer given in %q read back in %q (%v)", guild, got.Guild, err)
		}
	}
}
