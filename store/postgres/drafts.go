package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// Autosaves and presence run outside writeTx: they change no page.

// SaveAutosave replaces the user's autosave of an article.
func (s *Store) SaveAutosave(ctx context.Context, a news.Autosave) error {
	return s.query(ctx, "save autosave", func(ctx context.Context, c querier) error {
		_, err := c.Exec(ctx, `INSERT INTO autosaves (user_id, article_id, saved_at, version, data) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id, article_id) DO UPDATE SET saved_at = excluded.saved_at, version = excluded.version, data = excluded.data`,
			a.UserID, a.ArticleID, a.SavedAt, a.Version, string(a.Data))
		return err
	})
}

// Autosave returns the user's autosave of an article.
func (s *Store) Autosave(ctx context.Context, userID, articleID int64) (news.Autosave, error) {
	a := news.Autosave{UserID: userID, ArticleID: articleID}
	var data string
	err := s.query(ctx, "get autosave", func(ctx context.Context, c querier) error {
		err := c.QueryRow(ctx, `SELECT saved_at, version, data::text FROM autosaves WHERE user_id = $1 AND article_id = $2`,
			userID, articleID).Scan(&a.SavedAt, &a.Version, &data)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "no autosave")
		}
		return err
	})
	a.SavedAt, a.Data = a.SavedAt.UTC(), []byte(data)
	return a, err
}

// DeleteAutosave forgets the user's autosave of an article.
func (s *Store) DeleteAutosave(ctx context.Context, userID, articleID int64) error {
	return s.query(ctx, "delete autosave", func(ctx context.Context, c querier) error {
		_, err := c.Exec(ctx, `DELETE FROM autosaves WHERE user_id = $1 AND article_id = $2`, userID, articleID)
		return err
	})
}

// TouchPresence records the user on the article and returns the others.
func (s *Store) TouchPresence(ctx context.Context, articleID int64, u news.User, now, seenAfter time.Time) ([]news.Presence, string, error) {
	var out []news.Presence
	var takenBy string
	err := s.query(ctx, "touch presence", func(ctx context.Context, c querier) error {
		err := c.QueryRow(ctx, `INSERT INTO edit_presence AS p (article_id, user_id, user_name, since, seen) VALUES ($1, $2, $3, $4, $4)
			ON CONFLICT (article_id, user_id) DO UPDATE SET user_name = excluded.user_name, seen = excluded.seen,
				since = CASE WHEN p.seen < $5 THEN excluded.since ELSE p.since END,
				taken_by = CASE WHEN p.seen < $5 THEN '' ELSE p.taken_by END
			RETURNING taken_by`, articleID, u.ID, u.Name, now, seenAfter).Scan(&takenBy)
		if err != nil {
			return err
		}
		rows, err := c.Query(ctx, `SELECT user_id, user_name, since, seen FROM edit_presence
			WHERE article_id = $1 AND user_id <> $2 AND seen >= $3 AND taken_by = '' ORDER BY since`, articleID, u.ID, seenAfter)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p news.Presence
			if err := rows.Scan(&p.UserID, &p.UserName, &p.Since, &p.Seen); err != nil {
				return err
			}
			p.Since, p.Seen = p.Since.UTC(), p.Seen.UTC()
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, takenBy, err
}

// TakeOver makes the user the article's editor.
func (s *Store) TakeOver(ctx context.Context, articleID int64, u news.User, now time.Time) error {
	return s.inTx(ctx, "take over", pgx.TxOptions{}, noNotify, func(ctx context.Context, c pgx.Tx) error {
		if _, err := c.Exec(ctx, `UPDATE edit_presence SET taken_by = $3 WHERE article_id = $1 AND user_id <> $2`, articleID, u.ID, u.Name); err != nil {
			return err
		}
		_, err := c.Exec(ctx, `INSERT INTO edit_presence (article_id, user_id, user_name, since, seen) VALUES ($1, $2, $3, $4, $4)
			ON CONFLICT (article_id, user_id) DO UPDATE SET since = excluded.since, seen = excluded.seen, taken_by = ''`,
			articleID, u.ID, u.Name, now)
		return err
	})
}

// LeavePresence forgets the user on the article.
func (s *Store) LeavePresence(ctx context.Context, articleID, userID int64) error {
	return s.query(ctx, "leave presence", func(ctx context.Context, c querier) error {
		_, err := c.Exec(ctx, `DELETE FROM edit_presence WHERE article_id = $1 AND user_id = $2`, articleID, userID)
		return err
	})
}
