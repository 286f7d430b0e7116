package postgres

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// ownPage is the notification of a write that changed only article id's
// own page (its related list, a live update).
func ownPage(id int64) string { return relatedPrefix + strconv.FormatInt(id, 10) }

// mediaPage is the notification of a change to the pages showing image id.
func mediaPage(id int64) string { return mediaPrefix + strconv.FormatInt(id, 10) }

// SetLive makes an article live coverage, or changes its end.
func (s *Store) SetLive(ctx context.Context, articleID int64, started, ended time.Time) error {
	var end *time.Time
	if !ended.IsZero() {
		e := second(ended)
		end = &e
	}
	return s.writeTx(ctx, "set live coverage", func(ctx context.Context, tx pgx.Tx) error {
		var found int64
		if err := tx.QueryRow(ctx, `SELECT id FROM articles WHERE id = $1`, articleID).Scan(&found); isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "article %d not found", articleID)
		} else if err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO live_coverage (article_id, started_at, ended_at) VALUES ($1, $2, $3)
			ON CONFLICT (article_id) DO UPDATE SET started_at = excluded.started_at, ended_at = excluded.ended_at`,
			articleID, second(started), end)
		return err
	})
}

// LiveCoverage returns an article's coverage and its newest updates.
func (s *Store) LiveCoverage(ctx context.Context, articleID int64, limit int) (news.LiveCoverage, error) {
	c := news.LiveCoverage{ArticleID: articleID}
	err := s.readTx(ctx, "get live coverage", func(ctx context.Context, tx pgx.Tx) error {
		var ended *time.Time
		err := tx.QueryRow(ctx, `SELECT started_at, ended_at, (SELECT count(*) FROM live_updates WHERE article_id = $1)
			FROM live_coverage WHERE article_id = $1`, articleID).Scan(&c.Started, &ended, &c.Total)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "article %d is not live coverage", articleID)
		}
		if err != nil {
			return err
		}
		c.Started = c.Started.UTC()
		if ended != nil {
			c.Ended = ended.UTC()
		}
		rows, err := tx.Query(ctx, `SELECT id, posted_at, body, body_source, author, COALESCE(created_by, 0)
			FROM live_updates WHERE article_id = $1 ORDER BY posted_at DESC, id DESC LIMIT $2`, articleID, max(limit, 0))
		if err != nil {
			return err
		}
		c.Updates, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.LiveUpdate, error) {
			u := news.LiveUpdate{ArticleID: articleID}
			err := row.Scan(&u.ID, &u.At, &u.Body, &u.BodySource, &u.Author, &u.CreatedBy)
			u.At = u.At.UTC()
			return u, err
		})
		return err
	})
	return c, err
}

// LiveArticles reports which of ids are live coverage.
func (s *Store) LiveArticles(ctx context.Context, ids []int64) (map[int64]news.LiveCoverage, error) {
	out := map[int64]news.LiveCoverage{}
	if len(ids) == 0 {
		return out, nil
	}
	if len(ids) > news.MaxListLimit {
		ids = ids[:news.MaxListLimit]
	}
	err := s.read(ctx, "list live coverage", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT article_id, started_at, ended_at FROM live_coverage WHERE article_id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var lc news.LiveCoverage
			var ended *time.Time
			if err := rows.Scan(&lc.ArticleID, &lc.Started, &ended); err != nil {
				return err
			}
			lc.Started = lc.Started.UTC()
			if ended != nil {
				lc.Ended = ended.UTC()
			}
			out[lc.ArticleID] = lc
		}
		return rows.Err()
	})
	return out, err
}

// AddLiveUpdate stores an update; only the article's page changes.
func (s *Store) AddLiveUpdate(ctx context.Context, u news.LiveUpdate) (news.LiveUpdate, error) {
	u.At = second(u.At)
	err := s.inTx(ctx, "add live update", pgx.TxOptions{}, ownPage(u.ArticleID), func(ctx context.Context, tx pgx.Tx) error {
		// The coverage row is locked so that two updates at once count right.
		var n int
		err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM live_updates WHERE article_id = $1) FROM live_coverage
			WHERE article_id = $1 FOR UPDATE`, u.ArticleID).Scan(&n)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "article %d is not live coverage", u.ArticleID)
		}
		if err != nil {
			return err
		}
		if n >= news.MaxLiveUpdates {
			return news.Errorf(news.EINVALID, "article %d has %d live updates, the most one page may hold", u.ArticleID, n)
		}
		var by *int64
		if u.CreatedBy != 0 {
			by = &u.CreatedBy
		}
		return tx.QueryRow(ctx, `INSERT INTO live_updates (article_id, posted_at, body, body_source, author, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.ArticleID, u.At, u.Body, u.BodySource, u.Author, by).Scan(&u.ID)
	})
	return u, err
}

// DeleteLiveUpdate deletes an update of an article.
func (s *Store) DeleteLiveUpdate(ctx context.Context, articleID, updateID int64) error {
	return s.inTx(ctx, "delete live update", pgx.TxOptions{}, ownPage(articleID), func(ctx context.Context, tx pgx.Tx) error {
		ct, err := tx.Exec(ctx, `DELETE FROM live_updates WHERE id = $1 AND article_id = $2`, updateID, articleID)
		if err == nil && ct.RowsAffected() == 0 {
			err = news.Errorf(news.ENOTFOUND, "live update %d not found", updateID)
		}
		return err
	})
}
