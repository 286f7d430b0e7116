package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"sahafa/news"
)

// SaveAutosave replaces the user's autosave of an article.
func (s *Store) SaveAutosave(ctx context.Context, a news.Autosave) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO autosaves (user_id, article_id, saved_at, version, data) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id, article_id) DO UPDATE SET saved_at = excluded.saved_at, version = excluded.version, data = excluded.data`,
		a.UserID, a.ArticleID, a.SavedAt.UnixMilli(), a.Version, string(a.Data))
	return wrapErr("save autosave", err)
}

// Autosave returns the user's autosave of an article.
func (s *Store) Autosave(ctx context.Context, userID, articleID int64) (news.Autosave, error) {
	a := news.Autosave{UserID: userID, ArticleID: articleID}
	var at int64
	var data string
	err := s.r.QueryRowContext(ctx, `SELECT saved_at, version, data FROM autosaves WHERE user_id = ? AND article_id = ?`,
		userID, articleID).Scan(&at, &a.Version, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, news.Errorf(news.ENOTFOUND, "no autosave")
	}
	a.SavedAt, a.Data = time.UnixMilli(at).UTC(), []byte(data)
	return a, wrapErr("get autosave", err)
}

// DeleteAutosave forgets the user's autosave of an article.
func (s *Store) DeleteAutosave(ctx context.Context, userID, articleID int64) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM autosaves WHERE user_id = ? AND article_id = ?`, userID, articleID)
	return wrapErr("delete autosave", err)
}

// TouchPresence records the user on the article and returns the others.
func (s *Store) TouchPresence(ctx context.Context, articleID int64, u news.User, now, seenAfter time.Time) ([]news.Presence, string, error) {
	const op = "touch presence"
	// A row left from long ago starts again: "since" is of this visit.
	_, err := s.w.ExecContext(ctx, `INSERT INTO edit_presence (article_id, user_id, user_name, since, seen) VALUES (?1, ?2, ?3, ?4, ?4)
		ON CONFLICT (article_id, user_id) DO UPDATE SET user_name = excluded.user_name, seen = excluded.seen,
			since = CASE WHEN edit_presence.seen < ?5 THEN excluded.since ELSE edit_presence.since END,
			taken_by = CASE WHEN edit_presence.seen < ?5 THEN '' ELSE edit_presence.taken_by END`,
		articleID, u.ID, u.Name, now.UnixMilli(), seenAfter.UnixMilli())
	if err != nil {
		return nil, "", wrapErr(op, err)
	}
	var takenBy string
	if err := s.w.QueryRowContext(ctx, `SELECT taken_by FROM edit_presence WHERE article_id = ? AND user_id = ?`, articleID, u.ID).Scan(&takenBy); err != nil {
		return nil, "", wrapErr(op, err)
	}
	rows, err := s.w.QueryContext(ctx, `SELECT user_id, user_name, since, seen FROM edit_presence
		WHERE article_id = ? AND user_id <> ? AND seen >= ? AND taken_by = '' ORDER BY since`, articleID, u.ID, seenAfter.UnixMilli())
	if err != nil {
		return nil, "", wrapErr(op, err)
	}
	defer rows.Close()
	var out []news.Presence
	for rows.Next() {
		var p news.Presence
		var since, seen int64
		if err := rows.Scan(&p.UserID, &p.UserName, &since, &seen); err != nil {
			return nil, "", wrapErr(op, err)
		}
		p.Since, p.Seen = time.UnixMilli(since).UTC(), time.UnixMilli(seen).UTC()
		out = append(out, p)
	}
	return out, takenBy, wrapErr(op, rows.Err())
}

// TakeOver makes the user the article's editor.
func (s *Store) TakeOver(ctx context.Context, articleID int64, u news.User, now time.Time) error {
	const op = "take over"
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE edit_presence SET taken_by = ? WHERE article_id = ? AND user_id <> ?`, u.Name, articleID, u.ID); err != nil {
		return wrapErr(op, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO edit_presence (article_id, user_id, user_name, since, seen) VALUES (?1, ?2, ?3, ?4, ?4)
		ON CONFLICT (article_id, user_id) DO UPDATE SET since = excluded.since, seen = excluded.seen, taken_by = ''`,
		articleID, u.ID, u.Name, now.UnixMilli()); err != nil {
		return wrapErr(op, err)
	}
	return wrapErr(op, tx.Commit())
}

// LeavePresence forgets the user on the article.
func (s *Store) LeavePresence(ctx context.Context, articleID, userID int64) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM edit_presence WHERE article_id = ? AND user_id = ?`, articleID, userID)
	return wrapErr("leave presence", err)
}
