package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"sahafa/news"
)

// SetLive makes an article live coverage, or changes its end.
func (s *Store) SetLive(ctx context.Context, articleID int64, started, ended time.Time) error {
	var end any
	if !ended.IsZero() {
		end = ended.Unix()
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO live_coverage (article_id, started_at, ended_at) VALUES (?, ?, ?)
		ON CONFLICT (article_id) DO UPDATE SET started_at = excluded.started_at, ended_at = excluded.ended_at`,
		articleID, started.Unix(), end)
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
		return news.Errorf(news.ENOTFOUND, "article %d not found", articleID)
	}
	return wrapErr("set live coverage", err)
}

// LiveCoverage returns an article's coverage and its newest updates.
func (s *Store) LiveCoverage(ctx context.Context, articleID int64, limit int) (news.LiveCoverage, error) {
	const op = "get live coverage"
	c := news.LiveCoverage{ArticleID: articleID}
	var started int64
	var ended sql.NullInt64
	tx, err := s.read().db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return c, wrapErr(op, err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `SELECT started_at, ended_at, (SELECT count(*) FROM live_updates WHERE article_id = ?)
		FROM live_coverage WHERE article_id = ?`, articleID, articleID).Scan(&started, &ended, &c.Total)
	if errors.Is(err, sql.ErrNoRows) {
		return c, news.Errorf(news.ENOTFOUND, "article %d is not live coverage", articleID)
	}
	if err != nil {
		return c, wrapErr(op, err)
	}
	c.Started = fromUnix(started)
	if ended.Valid {
		c.Ended = fromUnix(ended.Int64)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, posted_at, body, body_source, author, COALESCE(created_by, 0)
		FROM live_updates WHERE article_id = ? ORDER BY posted_at DESC, id DESC LIMIT ?`, articleID, max(limit, 0))
	if err != nil {
		return c, wrapErr(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		u := news.LiveUpdate{ArticleID: articleID}
		var at int64
		if err := rows.Scan(&u.ID, &at, &u.Body, &u.BodySource, &u.Author, &u.CreatedBy); err != nil {
			return c, wrapErr(op, err)
		}
		u.At = fromUnix(at)
		c.Updates = append(c.Updates, u)
	}
	return c, wrapErr(op, rows.Err())
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
	in, args := idList(nil, ids)
	rows, err := s.read().QueryContext(ctx, `SELECT article_id, started_at, ended_at FROM live_coverage
		WHERE article_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, wrapErr("list live coverage", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c news.LiveCoverage
		var started int64
		var ended sql.NullInt64
		if err := rows.Scan(&c.ArticleID, &started, &ended); err != nil {
			return nil, wrapErr("list live coverage", err)
		}
		c.Started = fromUnix(started)
		if ended.Valid {
			c.Ended = fromUnix(ended.Int64)
		}
		out[c.ArticleID] = c
	}
	return out, wrapErr("list live coverage", rows.Err())
}

// AddLiveUpdate stores an update; only the article's page changes.
func (s *Store) AddLiveUpdate(ctx context.Context, u news.LiveUpdate) (news.LiveUpdate, error) {
	const op = "add live update"
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return u, wrapErr(op, err)
	}
	defer tx.Rollback()
	var n int
	err = tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM live_updates WHERE article_id = ?) FROM live_coverage
		WHERE article_id = ?`, u.ArticleID, u.ArticleID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return u, news.Errorf(news.ENOTFOUND, "article %d is not live coverage", u.ArticleID)
	}
	if err != nil {
		return u, wrapErr(op, err)
	}
	if n >= news.MaxLiveUpdates {
		return u, news.Errorf(news.EINVALID, "article %d has %d live updates, the most one page may hold", u.ArticleID, n)
	}
	var by any
	if u.CreatedBy != 0 {
		by = u.CreatedBy
	}
	u.At = u.At.UTC().Truncate(time.Second)
	if err := tx.QueryRowContext(ctx, `INSERT INTO live_updates (article_id, posted_at, body, body_source, author, created_by)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, u.ArticleID, u.At.Unix(), u.Body, u.BodySource, u.Author, by).Scan(&u.ID); err != nil {
		return u, wrapErr(op, err)
	}
	if err := ownPageChanged(ctx, tx, u.ArticleID); err != nil {
		return u, wrapErr(op, err)
	}
	return u, wrapErr(op, tx.Commit())
}

// DeleteLiveUpdate deletes an update of an article.
func (s *Store) DeleteLiveUpdate(ctx context.Context, articleID, updateID int64) error {
	const op = "delete live update"
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM live_updates WHERE id = ? AND article_id = ?`, updateID, articleID)
	if err == nil {
		err = mustAffect(res, news.Errorf(news.ENOTFOUND, "live update %d not found", updateID))
	}
	if err == nil {
		err = ownPageChanged(ctx, tx, articleID)
	}
	if err != nil {
		return wrapErr(op, err)
	}
	return wrapErr(op, tx.Commit())
}
