package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"sahafa/news"
)

// AddViews adds a batch of counts in one transaction.
func (s *Store) AddViews(ctx context.Context, b news.ViewBatch) error {
	const op = "add views"
	if b.Empty() {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	// An article deleted since it was read is skipped (the SELECT finds
	// no row), not an error that loses the rest of the batch.
	for _, k := range news.SortedHourKeys(b.Articles) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_views (hour, article_id, views)
			SELECT ?, id, ? FROM articles WHERE id = ?
			ON CONFLICT (hour, article_id) DO UPDATE SET views = views + excluded.views`, k.Hour.Unix(), b.Articles[k], k.ArticleID); err != nil {
			return wrapErr(op, err)
		}
	}
	for _, k := range news.SortedHourDomains(b.Referrers) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO referrer_views (hour, domain, views) VALUES (?, ?, ?)
			ON CONFLICT (hour, domain) DO UPDATE SET views = views + excluded.views`, k.Hour.Unix(), k.Domain, b.Referrers[k]); err != nil {
			return wrapErr(op, err)
		}
	}
	for _, k := range news.SortedAdKeys(b.Ads) {
		c := b.Ads[k]
		if _, err := tx.ExecContext(ctx, `INSERT INTO ad_stats (hour, ad_id, slot, impressions, clicks) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (hour, ad_id, slot) DO UPDATE SET impressions = impressions + excluded.impressions,
			clicks = clicks + excluded.clicks`, k.Hour.Unix(), k.AdID, k.Slot, c.Impressions, c.Clicks); err != nil {
			return wrapErr(op, err)
		}
	}
	for day, sk := range b.Visitors {
		var stored []byte
		err := tx.QueryRowContext(ctx, `SELECT sketch FROM visitor_sketches WHERE day = ?`, day.Unix()).Scan(&stored)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return wrapErr(op, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO visitor_sketches (day, sketch) VALUES (?, ?)
			ON CONFLICT (day) DO UPDATE SET sketch = excluded.sketch`, day.Unix(), news.MergeSketches(stored, sk)); err != nil {
			return wrapErr(op, err)
		}
	}
	return wrapErr(op, tx.Commit())
}

// MostViewed lists the most viewed published articles since since.
func (s *Store) MostViewed(ctx context.Context, since time.Time, section string, limit int) ([]news.ArticleViews, error) {
	q := `SELECT v.article_id, sum(v.views) AS n FROM article_views v JOIN articles a ON a.id = v.article_id
		WHERE v.hour >= ?` + publicSQL
	args := []any{since.Unix()}
	if section != "" {
		q += ` AND a.section_id = (SELECT id FROM sections WHERE slug = ?)`
		args = append(args, section)
	}
	q += ` GROUP BY v.article_id ORDER BY n DESC, v.article_id DESC LIMIT ?`
	args = append(args, listLimit(limit))
	rows, err := s.read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrapErr("most viewed", err)
	}
	defer rows.Close()
	var out []news.ArticleViews
	for rows.Next() {
		var v news.ArticleViews
		if err := rows.Scan(&v.ArticleID, &v.Views); err != nil {
			return nil, wrapErr("most viewed", err)
		}
		out = append(out, v)
	}
	return out, wrapErr("most viewed", rows.Err())
}

// ArticleViewTotal is an article's views since since.
func (s *Store) ArticleViewTotal(ctx context.Context, articleID int64, since time.Time) (int, error) {
	var n int
	err := s.read().QueryRowContext(ctx, `SELECT COALESCE(sum(views), 0) FROM article_views WHERE article_id = ? AND hour >= ?`,
		articleID, since.Unix()).Scan(&n)
	return n, wrapErr("article views", err)
}

// HourlyViews are the views of every hour in [from, to).
func (s *Store) HourlyViews(ctx context.Context, from, to time.Time) (map[time.Time]int, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT hour, sum(views) FROM article_views WHERE hour >= ? AND hour < ? GROUP BY hour`,
		from.Unix(), to.Unix())
	if err != nil {
		return nil, wrapErr("hourly views", err)
	}
	defer rows.Close()
	out := map[time.Time]int{}
	for rows.Next() {
		var h int64
		var n int
		if err := rows.Scan(&h, &n); err != nil {
			return nil, wrapErr("hourly views", err)
		}
		out[fromUnix(h)] = n
	}
	return out, wrapErr("hourly views", rows.Err())
}

// TopReferrers are the referring domains with the most views since since.
func (s *Store) TopReferrers(ctx context.Context, since time.Time, limit int) ([]news.DomainViews, error) {
	return s.domainViews(ctx, "top referrers", `SELECT domain, sum(views) AS n FROM referrer_views WHERE hour >= ?
		GROUP BY domain ORDER BY n DESC, domain LIMIT ?`, since.Unix(), listLimit(limit))
}

// SectionViews are the views of each section's articles since since.
func (s *Store) SectionViews(ctx context.Context, since time.Time) ([]news.DomainViews, error) {
	return s.domainViews(ctx, "section views", `SELECT s.name, sum(v.views) AS n FROM article_views v
		JOIN articles a ON a.id = v.article_id JOIN sections s ON s.id = a.section_id
		WHERE v.hour >= ? GROUP BY s.id ORDER BY n DESC, s.name`, since.Unix())
}

// AuthorViews are the views of each author's articles since since.
func (s *Store) AuthorViews(ctx context.Context, since time.Time, limit int) ([]news.DomainViews, error) {
	return s.domainViews(ctx, "author views", `SELECT au.name, sum(v.views) AS n FROM article_views v
		JOIN article_authors aa ON aa.article_id = v.article_id JOIN authors au ON au.id = aa.author_id
		WHERE v.hour >= ? GROUP BY au.id ORDER BY n DESC, au.name LIMIT ?`, since.Unix(), listLimit(limit))
}

// domainViews runs a query of (name, views) rows.
func (s *Store) domainViews(ctx context.Context, op, query string, args ...any) ([]news.DomainViews, error) {
	rows, err := s.read().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer rows.Close()
	var out []news.DomainViews
	for rows.Next() {
		var d news.DomainViews
		if err := rows.Scan(&d.Domain, &d.Views); err != nil {
			return nil, wrapErr(op, err)
		}
		out = append(out, d)
	}
	return out, wrapErr(op, rows.Err())
}

// AdStats are every ad's impressions and clicks per slot since since.
func (s *Store) AdStats(ctx context.Context, since time.Time) ([]news.AdStat, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT ad_id, slot, sum(impressions), sum(clicks) FROM ad_stats
		WHERE hour >= ? GROUP BY ad_id, slot ORDER BY ad_id, slot`, since.Unix())
	if err != nil {
		return nil, wrapErr("ad stats", err)
	}
	defer rows.Close()
	var out []news.AdStat
	for rows.Next() {
		var a news.AdStat
		if err := rows.Scan(&a.AdID, &a.Slot, &a.Impressions, &a.Clicks); err != nil {
			return nil, wrapErr("ad stats", err)
		}
		out = append(out, a)
	}
	return out, wrapErr("ad stats", rows.Err())
}

// VisitorSketch is a day's stored sketch, nil for none.
func (s *Store) VisitorSketch(ctx context.Context, day time.Time) ([]byte, error) {
	var sk []byte
	err := s.read().QueryRowContext(ctx, `SELECT sketch FROM visitor_sketches WHERE day = ?`, day.Unix()).Scan(&sk)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return sk, wrapErr("visitor sketch", err)
}

// DaySalt returns the day's salt, storing fresh when there is none yet,
// and deletes earlier days' salts.
func (s *Store) DaySalt(ctx context.Context, day time.Time, fresh []byte) ([]byte, error) {
	const op = "visitor salt"
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM visitor_salts WHERE day < ?`, day.Unix()); err != nil {
		return nil, wrapErr(op, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO visitor_salts (day, salt) VALUES (?, ?) ON CONFLICT (day) DO NOTHING`,
		day.Unix(), fresh); err != nil {
		return nil, wrapErr(op, err)
	}
	var salt []byte
	if err := tx.QueryRowContext(ctx, `SELECT salt FROM visitor_salts WHERE day = ?`, day.Unix()).Scan(&salt); err != nil {
		return nil, wrapErr(op, err)
	}
	return salt, wrapErr(op, tx.Commit())
}

// RollUpViews keeps the counts of the hours before before as one row per
// UTC day.
func (s *Store) RollUpViews(ctx context.Context, before time.Time) error {
	const op = "roll up views"
	day := before.UTC().Truncate(24 * time.Hour).Unix()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	for _, q := range []string{
		`INSERT INTO article_views (hour, article_id, views)
			SELECT hour - hour % 86400, article_id, sum(views) FROM article_views WHERE hour < ?1 AND hour % 86400 <> 0
			GROUP BY 1, 2 ON CONFLICT (hour, article_id) DO UPDATE SET views = views + excluded.views`,
		`DELETE FROM article_views WHERE hour < ?1 AND hour % 86400 <> 0`,
		`INSERT INTO referrer_views (hour, domain, views)
			SELECT hour - hour % 86400, domain, sum(views) FROM referrer_views WHERE hour < ?1 AND hour % 86400 <> 0
			GROUP BY 1, 2 ON CONFLICT (hour, domain) DO UPDATE SET views = views + excluded.views`,
		`DELETE FROM referrer_views WHERE hour < ?1 AND hour % 86400 <> 0`,
		`INSERT INTO ad_stats (hour, ad_id, slot, impressions, clicks)
			SELECT hour - hour % 86400, ad_id, slot, sum(impressions), sum(clicks) FROM ad_stats WHERE hour < ?1 AND hour % 86400 <> 0
			GROUP BY 1, 2, 3 ON CONFLICT (hour, ad_id, slot) DO UPDATE SET impressions = impressions + excluded.impressions,
			clicks = clicks + excluded.clicks`,
		`DELETE FROM ad_stats WHERE hour < ?1 AND hour % 86400 <> 0`,
	} {
		if _, err := tx.ExecContext(ctx, q, day); err != nil {
			return wrapErr(op, err)
		}
	}
	return wrapErr(op, tx.Commit())
}
