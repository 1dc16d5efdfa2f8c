package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/statementbot/statementbot/store"
)

func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func (s *DB) AppendAudit(ctx context.Context, r store.AuditRecord) error {
	if err := s.writable(); err != nil {
		return err
	}
	target, err := jsonText(r.Target)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, s.d.q("INSERT INTO audit (time, actor, guild, action, target, ok, error, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
		s.d.TimeArg(r.Time), r.Actor, r.Guild, r.Action, target, r.OK, r.Error, r.Summary)
	if err != nil {
		return fmt.Errorf("appending to the audit log: %w", err)
	}
	return nil
}

// ReadAudit is the latest limit audit records, oldest first.
func (s *DB) ReadAudit(ctx context.Context, limit int) ([]store.AuditRecord, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q("SELECT time, actor, guild, action, target, ok, error, summary FROM (SELECT * FROM audit ORDER BY seq DESC LIMIT ?) latest ORDER BY seq"), limit)
	if err != nil {
		return nil, fmt.Errorf("reading the audit log: %w", err)
	}
	defer rows.Close()
	var out []store.AuditRecord
	for rows.Next() {
		var r store.AuditRecord
		var t timeCol
		var target string
		if err := rows.Scan(&t, &r.Actor, &r.Guild, &r.Action, &target, &r.OK, &r.Error, &r.Summary); err != nil {
			return nil, fmt.Errorf("reading the audit log: %w", err)
		}
		r.Time = t.t
		if err := json.Unmarshal([]byte(target), &r.Target); err != nil {
			return nil, fmt.Errorf("reading the audit log: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *DB) AppendFeedback(ctx context.Context, r store.FeedbackRecord) error {
	if err := s.writable(); err != nil {
		return err
	}
	cites, err := jsonText(r.Citations)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, s.d.q("INSERT INTO feedback (time, guild, vote, user_hash, answer_id, question, answer, citations) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
		s.d.TimeArg(r.Time), r.Guild, r.Vote, r.User, r.AnswerID, r.Question, r.Answer, cites)
	if err != nil {
		return fmt.Errorf("recording feedback: %w", err)
	}
	return nil
}

// ReadFeedback is the latest limit feedback records, oldest first.
func (s *DB) ReadFeedback(ctx context.Context, limit int) ([]store.FeedbackRecord, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q("SELECT time, guild, vote, user_hash, answer_id, question, answer, citations FROM (SELECT * FROM feedback ORDER BY seq DESC LIMIT ?) latest ORDER BY seq"), limit)
	if err != nil {
		return nil, fmt.Errorf("reading feedback: %w", err)
	}
	defer rows.Close()
	var out []store.FeedbackRecord
	for rows.Next() {
		var r store.FeedbackRecord
		var t timeCol
		var cites string
		if err := rows.Scan(&t, &r.Guild, &r.Vote, &r.User, &r.AnswerID, &r.Question, &r.Answer, &cites); err != nil {
			return nil, fmt.Errorf("reading feedback: %w", err)
		}
		r.Time = t.t
		if err := json.Unmarshal([]byte(cites), &r.Citations); err != nil {
			return nil, fmt.Errorf("reading feedback: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *DB) PutAnswer(ctx context.Context, r store.AnswerRecord) error {
	if err := s.writable(); err != nil {
		return err
	}
	if r.ID == "" {
		return fmt.Errorf("an answer without an id")
	}
	cites, err := jsonText(r.Citations)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, s.d.q(`INSERT INTO answers (id, channel, guild, question, answer, mode, grounded, citations, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, guild = excluded.guild, question = excluded.question, answer = excluded.answer,
		mode = excluded.mode, grounded = excluded.grounded, citations = excluded.citations, time = excluded.time`),
		r.ID, r.Channel, r.Guild, r.Question, r.Answer, r.Mode, r.Grounded, cites, s.d.TimeArg(r.Time))
	if err != nil {
		return fmt.Errorf("remembering answer %s: %w", r.ID, err)
	}
	// Only the latest store.AnswersKept are kept (one range delete on
	// the primary key, nearly always of one row or none).
	_, err = s.db.ExecContext(ctx, s.d.q("DELETE FROM answers WHERE seq <= (SELECT max(seq) FROM answers) - ?"), store.AnswersKept)
	if err != nil {
		return fmt.Errorf("forgetting old answers: %w", err)
	}
	return nil
}

const answerCols = "id, channel, guild, question, answer, mode, grounded, citations, time"

func (s *DB) scanAnswer(row interface{ Scan(...any) error }, what string) (store.AnswerRecord, error) {
	var r store.AnswerRecord
	var t timeCol
	var cites string
	if err := row.Scan(&r.ID, &r.Channel, &r.Guild, &r.Question, &r.Answer, &r.Mode, &r.Grounded, &cites, &t); err != nil {
		return r, notFound(err, what)
	}
	r.Time = t.t
	if err := json.Unmarshal([]byte(cites), &r.Citations); err != nil {
		return r, fmt.Errorf("reading %s: %w", what, err)
	}
	return r, nil
}

func (s *DB) GetAnswer(ctx context.Context, id string) (store.AnswerRecord, error) {
	return s.scanAnswer(s.db.QueryRowContext(ctx, s.d.q("SELECT "+answerCols+" FROM answers WHERE id = ?"), id), "answer "+id)
}

func (s *DB) LastAnswer(ctx context.Context, channel string) (store.AnswerRecord, error) {
	return s.scanAnswer(s.db.QueryRowContext(ctx, s.d.q("SELECT "+answerCols+" FROM answers WHERE channel = ? ORDER BY seq DESC LIMIT 1"), channel), "the last answer in "+channel)
}
