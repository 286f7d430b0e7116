package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"sahafa/news"
)

// defaultRelatedLimit is the number of related articles when limit <= 0.
const defaultRelatedLimit = 5

// SetRelated replaces the stored related list of article id, in order.
// Duplicates and id itself are dropped; an empty list removes the stored
// list, so that Related falls back to the nearest articles of the section.
func (s *Store) SetRelated(ctx context.Context, id int64, related []int64) error {
	const op = "set related"
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()

	var found int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE id = ?`, id).Scan(&found)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Errorf(news.ENOTFOUND, "article %d not found", id)
	}
	if err != nil {
		return wrapErr(op, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM related WHERE article_id = ?`, id); err != nil {
		return wrapErr(op, err)
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO related (article_id, related_id, rank)
		SELECT ?, id, ? FROM articles WHERE id = ?`)
	if err != nil {
		return wrapErr(op, err)
	}
	defer ins.Close()
	seen := map[int64]bool{id: true}
	rank := 0
	for _, rid := range related {
		if seen[rid] {
			continue
		}
		seen[rid] = true
		res, err := ins.ExecContext(ctx, id, rank, rid)
		if err != nil {
			return wrapErr(op, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return wrapErr(op, err)
		} else if n == 0 {
			return news.Errorf(news.ENOTFOUND, "related article %d not found", rid)
		}
		rank++
	}
	if err := ownPageChanged(ctx, tx, id); err != nil {
		return wrapErr(op, err)
	}
	return wrapErr(op, tx.Commit())
}

// ownPageChanged tells the change watchers (this process's and others')
// that only article id's own page changed, keeping the last
// relatedChangesKept rows of related_changes.
func ownPageChanged(ctx context.Context, tx *sql.Tx, id int64) error {
	return noteChange(ctx, tx, id, 0)
}

// mediaChanged tells the change watchers that only the pages showing
// image id changed (it was processed, or its crops cut again).
func mediaChanged(ctx context.Context, tx *sql.Tx, id int64) error {
	return noteChange(ctx, tx, 0, id)
}

func noteChange(ctx context.Context, tx *sql.Tx, article, media int64) error {
	var change int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO related_changes (article_id, media_id) VALUES (?, NULLIF(?, 0)) RETURNING id`,
		article, media).Scan(&change); err != nil {
		return err
	}
	if change%100 == 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM related_changes WHERE id <= ?`, change-relatedChangesKept); err != nil {
			return err
		}
	}
	return nil
}

// relatedChangesKept is how many related_changes rows SetRelated keeps: at
// the refresher's pace, minutes of them, where watchers read every half
// second.
const relatedChangesKept = 5000

// nearestSQL picks, with two index range scans on (section_id,
// published_at, id), the articles of the section just before and just after
// the given one (?2 = its published_at, ?3 = its id), then keeps the ?4
// nearest in time.
const nearestSQL = `SELECT ` + articleColumns + ` FROM (
		SELECT id FROM (SELECT id FROM articles WHERE section_id = ?1 AND status = 'published'
			AND (published_at, id) < (?2, ?3) ORDER BY published_at DESC, id DESC LIMIT ?4)
		UNION ALL
		SELECT id FROM (SELECT id FROM articles WHERE section_id = ?1 AND status = 'published'
			AND (published_at, id) > (?2, ?3) ORDER BY published_at, id LIMIT ?4)
	) n JOIN articles a ON a.id = n.id JOIN sections s ON s.id = a.section_id
	ORDER BY abs(a.published_at - ?2), a.published_at DESC, a.id DESC LIMIT ?4`

// Related returns the stored related list of article id or, when none was
// stored, the articles of its section nearest in publication time. limit
// defaults to 5 and is capped at news.MaxListLimit.
func (s *Store) Related(ctx context.Context, id int64, limit int) ([]news.Article, bool, error) {
	const op = "related articles"
	if limit <= 0 {
		limit = defaultRelatedLimit
	}
	limit = min(limit, news.MaxListLimit)

	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, false, wrapErr(op, err)
	}
	defer tx.Rollback()

	var sectionID, published int64
	err = tx.QueryRowContext(ctx, `SELECT section_id, published_at FROM articles WHERE id = ?`, id).
		Scan(&sectionID, &published)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, news.Errorf(news.ENOTFOUND, "article %d not found", id)
	}
	if err != nil {
		return nil, false, wrapErr(op, err)
	}
	list, err := queryArticles(ctx, tx, `SELECT `+articleColumns+` FROM related r
		JOIN articles a ON a.id = r.related_id JOIN sections s ON s.id = a.section_id
		WHERE r.article_id = ?`+publicSQL+` ORDER BY r.rank LIMIT ?`, id, limit)
	if err != nil {
		return nil, false, wrapErr(op, err)
	}
	if len(list) > 0 {
		return list, true, nil
	}
	list, err = queryArticles(ctx, tx, nearestSQL, sectionID, published, id, limit)
	return list, false, wrapErr(op, err)
}

// MissingRelated lists articles with no stored related list, newest first.
func (s *Store) MissingRelated(ctx context.Context, limit int) ([]int64, error) {
	limit = max(1, min(limit, 1000))
	rows, err := s.read().QueryContext(ctx, `SELECT id FROM articles a
		WHERE a.status = 'published' AND NOT EXISTS (SELECT 1 FROM related r WHERE r.article_id = a.id)
		ORDER BY published_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, wrapErr("missing related", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrapErr("missing related", err)
		}
		ids = append(ids, id)
	}
	return ids, wrapErr("missing related", rows.Err())
}

// TermDocFreqs reads document frequencies from the FTS5 vocabulary table.
func (s *Store) TermDocFreqs(ctx context.Context, terms []string) (map[string]int, int, error) {
	const op = "term frequencies"
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, 0, wrapErr(op, err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles a WHERE 1`+publicSQL).Scan(&total); err != nil {
		return nil, 0, wrapErr(op, err)
	}
	st, err := tx.PrepareContext(ctx, `SELECT doc FROM article_search_vocab WHERE term = ?`)
	if err != nil {
		return nil, 0, wrapErr(op, err)
	}
	defer st.Close()
	freqs := make(map[string]int, len(terms))
	for _, t := range terms {
		if _, done := freqs[t]; done {
			continue
		}
		var n int
		err := st.QueryRowContext(ctx, strings.ToLower(t)).Scan(&n)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, 0, wrapErr(op, err)
		}
		freqs[t] = n
	}
	return freqs, total, nil
}
