package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// StatusCounts counts articles by status (of one creator when createdBy > 0).
func (s *Store) StatusCounts(ctx context.Context, createdBy int64) (map[news.Status]int, error) {
	out := map[news.Status]int{}
	err := s.query(ctx, "count articles by status", func(ctx context.Context, c querier) error {
		query := `SELECT CASE WHEN deleted_at IS NULL THEN status ELSE 'trash' END, count(*) FROM articles GROUP BY 1`
		var args []any
		if createdBy > 0 {
			query = `SELECT CASE WHEN deleted_at IS NULL THEN status ELSE 'trash' END, count(*) FROM articles
				WHERE created_by = $1 GROUP BY 1`
			args = append(args, createdBy)
		}
		return countRows(ctx, c, out, query, args...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Revisions lists an article's revisions, newest first, without their data.
func (s *Store) Revisions(ctx context.Context, articleID int64) ([]news.Revision, error) {
	var out []news.Revision
	err := s.query(ctx, "list revisions", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT id, number, at, COALESCE(user_id, 0), user_name, note
			FROM revisions WHERE article_id = $1 ORDER BY number DESC`, articleID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.Revision, error) {
			r := news.Revision{ArticleID: articleID}
			err := row.Scan(&r.ID, &r.Number, &r.At, &r.UserID, &r.UserName, &r.Note)
			r.At = r.At.UTC()
			return r, err
		})
		return err
	})
	return out, err
}

// Revision returns one revision of an article with its data.
func (s *Store) Revision(ctx context.Context, articleID int64, number int) (news.Revision, error) {
	r := news.Revision{ArticleID: articleID, Number: number}
	err := s.query(ctx, "get revision", func(ctx context.Context, c querier) error {
		var data []byte
		err := c.QueryRow(ctx, `SELECT id, at, COALESCE(user_id, 0), user_name, note, data
			FROM revisions WHERE article_id = $1 AND number = $2`, articleID, number).
			Scan(&r.ID, &r.At, &r.UserID, &r.UserName, &r.Note, &data)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "revision %d of article %d not found", number, articleID)
		}
		if err != nil {
			return err
		}
		r.At = r.At.UTC()
		if err := json.Unmarshal(data, &r.Data); err != nil {
			return fmt.Errorf("revision %d of article %d: %w", number, articleID, err)
		}
		return nil
	})
	if err != nil {
		return news.Revision{}, err
	}
	return r, nil
}

// Events returns an article's history, oldest first.
func (s *Store) Events(ctx context.Context, articleID int64) ([]news.Event, error) {
	var out []news.Event
	err := s.query(ctx, "list events", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT id, at, COALESCE(user_id, 0), user_name, action, from_status, to_status, note
			FROM events WHERE article_id = $1 ORDER BY id`, articleID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.Event, error) {
			e := news.Event{ArticleID: articleID}
			var from, to string
			err := row.Scan(&e.ID, &e.At, &e.UserID, &e.UserName, &e.Action, &from, &to, &e.Note)
			e.At, e.From, e.To = e.At.UTC(), news.Status(from), news.Status(to)
			return e, err
		})
		return err
	})
	return out, err
}

// AddCorrection stores a correction and its event in one transaction; the
// article counts as updated at the correction's time, since readers see
// the correction on its page.
func (s *Store) AddCorrection(ctx context.Context, c news.Correction, ev news.Event) (news.Correction, error) {
	if c.Text == "" {
		return news.Correction{}, news.Errorf(news.EINVALID, "correction text is empty")
	}
	if c.At.IsZero() {
		c.At = time.Now()
	}
	c.At = second(c.At)
	if ev.At.IsZero() {
		ev.At = c.At
	}
	err := s.writeTx(ctx, "add correction", func(ctx context.Context, tx pgx.Tx) error {
		// The update finds (and locks) the article.
		ct, err := tx.Exec(ctx, `UPDATE articles SET updated_at = $2 WHERE id = $1`, c.ArticleID, c.At)
		if err != nil {
			return err
		}
		if ct.RowsAffected() == 0 {
			return news.Errorf(news.ENOTFOUND, "article %d not found", c.ArticleID)
		}
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO corrections (article_id, at, text, user_id) VALUES ($1, $2, $3, NULLIF($4::bigint, 0))
			RETURNING id`, c.ArticleID, c.At, c.Text, c.UserID).QueryRow(func(row pgx.Row) error {
			return row.Scan(&c.ID)
		})
		queueEvent(b, c.ArticleID, ev)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return news.Correction{}, err
	}
	return c, nil
}

// DueScheduled returns scheduled articles whose time has come, soonest
// first, from the partial index of scheduled articles.
func (s *Store) DueScheduled(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := s.query(ctx, "due scheduled articles", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT id FROM articles WHERE status = 'scheduled' AND published_at <= $1
			ORDER BY published_at, id LIMIT $2`, second(now), max(1, min(limit, 1000)))
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	return ids, err
}

// NextScheduled returns the earliest time of a scheduled article, or zero.
func (s *Store) NextScheduled(ctx context.Context) (time.Time, error) {
	var t *time.Time
	err := s.query(ctx, "next scheduled article", func(ctx context.Context, c querier) error {
		return c.QueryRow(ctx, `SELECT min(published_at) FROM articles WHERE status = 'scheduled'`).Scan(&t)
	})
	if err != nil || t == nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// Settings returns the saved site settings.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := s.read(ctx, "read settings", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT key, value FROM settings`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				return err
			}
			out[k] = v
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SaveSettings sets the given keys in one transaction; an empty value
// removes its key.
func (s *Store) SaveSettings(ctx context.Context, values map[string]string) error {
	if len(values) == 0 {
		return nil
	}
	var drop, keys, vals []string
	for k, v := range values {
		if v == "" {
			drop = append(drop, k)
		} else {
			keys = append(keys, k)
			vals = append(vals, v)
		}
	}
	return s.writeTx(ctx, "save settings", func(ctx context.Context, tx pgx.Tx) error {
		b := &pgx.Batch{}
		if len(drop) > 0 {
			b.Queue(`DELETE FROM settings WHERE key = ANY($1)`, drop)
		}
		if len(keys) > 0 {
			b.Queue(`INSERT INTO settings (key, value) SELECT * FROM unnest($1::text[], $2::text[])
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keys, vals)
		}
		return tx.SendBatch(ctx, b).Close()
	})
}

// countRows reads the (key, count) rows of query into out.
func countRows[K ~string | ~int64](ctx context.Context, c querier, out map[K]int, query string, args ...any) error {
	rows, err := c.Query(ctx, query, args...)
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
