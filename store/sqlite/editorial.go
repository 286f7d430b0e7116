package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"sahafa/news"
)

// StatusCounts counts articles by status (of one creator when createdBy > 0).
func (s *Store) StatusCounts(ctx context.Context, createdBy int64) (map[news.Status]int, error) {
	const op = "count articles by status"
	query := `SELECT CASE WHEN deleted_at IS NULL THEN status ELSE 'trash' END, count(*) FROM articles GROUP BY 1`
	var args []any
	if createdBy > 0 {
		query = `SELECT CASE WHEN deleted_at IS NULL THEN status ELSE 'trash' END, count(*) FROM articles
			WHERE created_by = ? GROUP BY 1`
		args = append(args, createdBy)
	}
	out := map[news.Status]int{}
	return out, wrapErr(op, countRows(ctx, s.read(), out, query, args...))
}

// Revisions lists an article's revisions, newest first, without their data.
func (s *Store) Revisions(ctx context.Context, articleID int64) ([]news.Revision, error) {
	const op = "list revisions"
	rows, err := s.read().QueryContext(ctx, `SELECT id, number, at, COALESCE(user_id, 0), user_name, note
		FROM revisions WHERE article_id = ? ORDER BY number DESC`, articleID)
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer rows.Close()
	var out []news.Revision
	for rows.Next() {
		r := news.Revision{ArticleID: articleID}
		var at int64
		if err := rows.Scan(&r.ID, &r.Number, &at, &r.UserID, &r.UserName, &r.Note); err != nil {
			return nil, wrapErr(op, err)
		}
		r.At = fromUnix(at)
		out = append(out, r)
	}
	return out, wrapErr(op, rows.Err())
}

// Revision returns one revision of an article with its data.
func (s *Store) Revision(ctx context.Context, articleID int64, number int) (news.Revision, error) {
	r := news.Revision{ArticleID: articleID, Number: number}
	var at int64
	var data string
	err := s.read().QueryRowContext(ctx, `SELECT id, at, COALESCE(user_id, 0), user_name, note, data
		FROM revisions WHERE article_id = ? AND number = ?`, articleID, number).
		Scan(&r.ID, &at, &r.UserID, &r.UserName, &r.Note, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Revision{}, news.Errorf(news.ENOTFOUND, "revision %d of article %d not found", number, articleID)
	}
	if err != nil {
		return news.Revision{}, wrapErr("get revision", err)
	}
	r.At = fromUnix(at)
	if err := json.Unmarshal([]byte(data), &r.Data); err != nil {
		return news.Revision{}, fmt.Errorf("sqlite: revision %d of article %d: %w", number, articleID, err)
	}
	return r, nil
}

// Events returns an article's history, oldest first.
func (s *Store) Events(ctx context.Context, articleID int64) ([]news.Event, error) {
	const op = "list events"
	rows, err := s.read().QueryContext(ctx, `SELECT id, at, COALESCE(user_id, 0), user_name, action, from_status, to_status, note
		FROM events WHERE article_id = ? ORDER BY id`, articleID)
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer rows.Close()
	var out []news.Event
	for rows.Next() {
		e := news.Event{ArticleID: articleID}
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.UserName, &e.Action, &e.From, &e.To, &e.Note); err != nil {
			return nil, wrapErr(op, err)
		}
		e.At = fromUnix(at)
		out = append(out, e)
	}
	return out, wrapErr(op, rows.Err())
}

// AddCorrection stores a correction and its event in one transaction.
func (s *Store) AddCorrection(ctx context.Context, c news.Correction, ev news.Event) (news.Correction, error) {
	const op = "add correction"
	if c.Text == "" {
		return news.Correction{}, news.Errorf(news.EINVALID, "correction text is empty")
	}
	if c.At.IsZero() {
		c.At = time.Now()
	}
	c.At = c.At.UTC().Truncate(time.Second)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return news.Correction{}, wrapErr(op, err)
	}
	defer tx.Rollback()
	var found int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE id = ?`, c.ArticleID).Scan(&found)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Correction{}, news.Errorf(news.ENOTFOUND, "article %d not found", c.ArticleID)
	}
	if err != nil {
		return news.Correction{}, wrapErr(op, err)
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO corrections (article_id, at, text, user_id) VALUES (?, ?, ?, NULLIF(?, 0))
		RETURNING id`, c.ArticleID, c.At.Unix(), c.Text, c.UserID).Scan(&c.ID)
	if err != nil {
		return news.Correction{}, wrapErr(op, err)
	}
	if ev.At.IsZero() {
		ev.At = c.At
	}
	if _, err := tx.ExecContext(ctx, insertEventSQL, c.ArticleID, ev.At.Unix(), ev.UserID, ev.UserName, ev.Action,
		string(ev.From), string(ev.To), ev.Note); err != nil {
		return news.Correction{}, wrapErr(op, err)
	}
	// Readers see the correction on the article page at once: the article
	// counts as updated.
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET updated_at = ? WHERE id = ?`, c.At.Unix(), c.ArticleID); err != nil {
		return news.Correction{}, wrapErr(op, err)
	}
	return c, wrapErr(op, tx.Commit())
}

// DueScheduled returns scheduled articles whose time has come, soonest first.
func (s *Store) DueScheduled(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	const op = "due scheduled articles"
	rows, err := s.read().QueryContext(ctx, `SELECT id FROM articles WHERE status = 'scheduled' AND published_at <= ?
		ORDER BY published_at, id LIMIT ?`, now.Unix(), max(1, min(limit, 1000)))
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrapErr(op, err)
		}
		ids = append(ids, id)
	}
	return ids, wrapErr(op, rows.Err())
}

// NextScheduled returns the earliest time of a scheduled article, or zero.
func (s *Store) NextScheduled(ctx context.Context) (time.Time, error) {
	var t sql.NullInt64
	err := s.read().QueryRowContext(ctx, `SELECT min(published_at) FROM articles WHERE status = 'scheduled'`).Scan(&t)
	if err != nil {
		return time.Time{}, wrapErr("next scheduled article", err)
	}
	if !t.Valid {
		return time.Time{}, nil
	}
	return fromUnix(t.Int64), nil
}

// Settings returns the saved site settings.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	const op = "read settings"
	rows, err := s.read().QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, wrapErr(op, err)
		}
		out[k] = v
	}
	return out, wrapErr(op, rows.Err())
}

// SaveSettings sets the given keys in one transaction; an empty value
// removes its key.
func (s *Store) SaveSettings(ctx context.Context, values map[string]string) error {
	const op = "save settings"
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	for k, v := range values {
		if v == "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, k)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v)
		}
		if err != nil {
			return wrapErr(op, err)
		}
	}
	return wrapErr(op, tx.Commit())
}

// countRows reads the (key, count) rows of query into out.
func countRows[K comparable](ctx context.Context, db interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, out map[K]int, query string, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k K
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		out[k] = n
	}
	return rows.Err()
}
