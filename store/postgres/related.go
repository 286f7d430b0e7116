package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// defaultRelatedLimit is the number of related articles when limit <= 0.
const defaultRelatedLimit = 5

// SetRelated replaces the stored related list of article id, in order.
// Duplicates and id itself are dropped; an empty list removes the stored
// list, so that Related falls back to the nearest articles of the section.
func (s *Store) SetRelated(ctx context.Context, id int64, related []int64) error {
	seen := map[int64]bool{id: true}
	var list []int64
	for _, rid := range related {
		if !seen[rid] {
			seen[rid] = true
			list = append(list, rid)
		}
	}
	// Only the article's own page changes: the notification says so.
	return s.inTx(ctx, "set related", pgx.TxOptions{}, ownPage(id), func(ctx context.Context, tx pgx.Tx) error {
		// Lock the article's row, so that a concurrent update (which clears
		// the list) happens entirely before or after this one.
		var found int64
		err := tx.QueryRow(ctx, `SELECT id FROM articles WHERE id = $1 FOR UPDATE`, id).Scan(&found)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "article %d not found", id)
		}
		if err != nil {
			return err
		}
		if len(list) > 0 {
			rows, err := tx.Query(ctx, `SELECT id FROM articles WHERE id = ANY($1)`, list)
			if err != nil {
				return err
			}
			exists, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			have := make(map[int64]bool, len(exists))
			for _, e := range exists {
				have[e] = true
			}
			for _, rid := range list {
				if !have[rid] {
					return news.Errorf(news.ENOTFOUND, "related article %d not found", rid)
				}
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM related WHERE article_id = $1`, id); err != nil {
			return err
		}
		if len(list) == 0 {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO related (article_id, related_id, rank)
			SELECT $1, x.id, x.n - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS x(id, n)`, id, list)
		return err
	})
}

// nearestSQL picks, with two range scans of the partial index on
// (section_id, published_at, id) of published articles, the published
// articles of the section just before and just after the given one ($2 =
// its published_at, $3 = its id), then keeps the $4 nearest in time.
const nearestSQL = `SELECT ` + articleColumns + ` FROM (
		(SELECT id FROM articles WHERE section_id = $1 AND status = 'published' AND (published_at, id) < ($2, $3)
			ORDER BY published_at DESC, id DESC LIMIT $4)
		UNION ALL
		(SELECT id FROM articles WHERE section_id = $1 AND status = 'published' AND (published_at, id) > ($2, $3)
			ORDER BY published_at, id LIMIT $4)
	) n JOIN articles a ON a.id = n.id JOIN sections s ON s.id = a.section_id
	ORDER BY abs(extract(epoch FROM a.published_at - $2::timestamptz)), a.published_at DESC, a.id DESC LIMIT $4`

// Related returns the published articles of the stored related list of
// article id or, when none of them is left, the published articles of its
// section nearest in publication time. limit defaults to 5 and is capped
// at news.MaxListLimit.
func (s *Store) Related(ctx context.Context, id int64, limit int) ([]news.Article, bool, error) {
	if limit <= 0 {
		limit = defaultRelatedLimit
	}
	limit = min(limit, news.MaxListLimit)
	var list []news.Article
	var isStored bool
	err := s.readTx(ctx, "related articles", func(ctx context.Context, tx pgx.Tx) error {
		var sectionID int64
		var published time.Time
		err := tx.QueryRow(ctx, `SELECT section_id, published_at FROM articles WHERE id = $1`, id).
			Scan(&sectionID, &published)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "article %d not found", id)
		}
		if err != nil {
			return err
		}
		list, err = queryArticles(ctx, tx, `SELECT `+articleColumns+` FROM related r
			JOIN articles a ON a.id = r.related_id JOIN sections s ON s.id = a.section_id
			WHERE r.article_id = $1`+publicSQL+` ORDER BY r.rank LIMIT $2`, id, limit)
		if err != nil {
			return err
		}
		if len(list) > 0 {
			isStored = true
			return nil
		}
		list, err = queryArticles(ctx, tx, nearestSQL, sectionID, published, id, limit)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return list, isStored, nil
}

// MissingRelated lists published articles with no stored related list,
// newest first.
func (s *Store) MissingRelated(ctx context.Context, limit int) ([]int64, error) {
	limit = max(1, min(limit, 1000))
	var ids []int64
	err := s.query(ctx, "missing related", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT id FROM articles a
			WHERE a.status = 'published' AND NOT EXISTS (SELECT 1 FROM related r WHERE r.article_id = a.id)
			ORDER BY published_at DESC, id DESC LIMIT $1`, limit)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	return ids, err
}
