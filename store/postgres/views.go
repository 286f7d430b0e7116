package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// AddViews adds a batch of counts in one transaction, keys in a fixed
// order so that two servers flushing at once cannot deadlock.
func (s *Store) AddViews(ctx context.Context, b news.ViewBatch) error {
	if b.Empty() {
		return nil
	}
	return s.inTx(ctx, "add views", pgx.TxOptions{}, countsOnly, func(ctx context.Context, tx pgx.Tx) error {
		for _, k := range news.SortedHourKeys(b.Articles) {
			// An article deleted since it was read is skipped.
			if _, err := tx.Exec(ctx, `INSERT INTO article_views (hour, article_id, views)
				SELECT $1, id, $2 FROM articles WHERE id = $3
				ON CONFLICT (hour, article_id) DO UPDATE SET views = article_views.views + excluded.views`,
				k.Hour, b.Articles[k], k.ArticleID); err != nil {
				return err
			}
		}
		for _, k := range news.SortedHourDomains(b.Referrers) {
			if _, err := tx.Exec(ctx, `INSERT INTO referrer_views (hour, domain, views) VALUES ($1, $2, $3)
				ON CONFLICT (hour, domain) DO UPDATE SET views = referrer_views.views + excluded.views`,
				k.Hour, k.Domain, b.Referrers[k]); err != nil {
				return err
			}
		}
		for _, k := range news.SortedAdKeys(b.Ads) {
			c := b.Ads[k]
			if _, err := tx.Exec(ctx, `INSERT INTO ad_stats (hour, ad_id, slot, impressions, clicks) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (hour, ad_id, slot) DO UPDATE SET impressions = ad_stats.impressions + excluded.impressions,
				clicks = ad_stats.clicks + excluded.clicks`, k.Hour, k.AdID, k.Slot, c.Impressions, c.Clicks); err != nil {
				return err
			}
		}
		for day, sk := range b.Visitors {
			if _, err := tx.Exec(ctx, `INSERT INTO visitor_sketches (day, sketch) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING`,
				day, sk); err != nil {
				return err
			}
			var stored []byte
			if err := tx.QueryRow(ctx, `SELECT sketch FROM visitor_sketches WHERE day = $1 FOR UPDATE`, day).Scan(&stored); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE visitor_sketches SET sketch = $2 WHERE day = $1`, day,
				news.MergeSketches(stored, sk)); err != nil {
				return err
			}
		}
		return nil
	})
}

// MostViewed lists the most viewed published articles since since.
func (s *Store) MostViewed(ctx context.Context, since time.Time, section string, limit int) ([]news.ArticleViews, error) {
	var out []news.ArticleViews
	err := s.read(ctx, "most viewed", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT v.article_id, sum(v.views)::bigint AS n FROM article_views v
			JOIN articles a ON a.id = v.article_id
			WHERE v.hour >= $1 AND a.status = 'published'
			AND ($2 = '' OR a.section_id = (SELECT id FROM sections WHERE slug = $2))
			GROUP BY v.article_id ORDER BY n DESC, v.article_id DESC LIMIT $3`, since, section, listLimit(limit))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.ArticleViews, error) {
			var v news.ArticleViews
			err := row.Scan(&v.ArticleID, &v.Views)
			return v, err
		})
		return err
	})
	return out, err
}

// ArticleViewTotal is an article's views since since.
func (s *Store) ArticleViewTotal(ctx context.Context, articleID int64, since time.Time) (int, error) {
	var n int
	err := s.read(ctx, "article views", func(ctx context.Context, c querier) error {
		return c.QueryRow(ctx, `SELECT COALESCE(sum(views), 0)::bigint FROM article_views WHERE article_id = $1 AND hour >= $2`,
			articleID, since).Scan(&n)
	})
	return n, err
}

// HourlyViews are the views of every hour in [from, to).
func (s *Store) HourlyViews(ctx context.Context, from, to time.Time) (map[time.Time]int, error) {
	out := map[time.Time]int{}
	err := s.read(ctx, "hourly views", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT hour, sum(views)::bigint FROM article_views WHERE hour >= $1 AND hour < $2 GROUP BY hour`, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h time.Time
			var n int
			if err := rows.Scan(&h, &n); err != nil {
				return err
			}
			out[h.UTC()] = n
		}
		return rows.Err()
	})
	return out, err
}

// TopReferrers are the referring domains with the most views since since.
func (s *Store) TopReferrers(ctx context.Context, since time.Time, limit int) ([]news.DomainViews, error) {
	return s.domainViews(ctx, "top referrers", `SELECT domain, sum(views)::bigint AS n FROM referrer_views WHERE hour >= $1
		GROUP BY domain ORDER BY n DESC, domain LIMIT $2`, since, listLimit(limit))
}

// SectionViews are the views of each section's articles since since.
func (s *Store) SectionViews(ctx context.Context, since time.Time) ([]news.DomainViews, error) {
	return s.domainViews(ctx, "section views", `SELECT s.name, sum(v.views)::bigint AS n FROM article_views v
		JOIN articles a ON a.id = v.article_id JOIN sections s ON s.id = a.section_id
		WHERE v.hour >= $1 GROUP BY s.id, s.name ORDER BY n DESC, s.name`, since)
}

// AuthorViews are the views of each author's articles since since.
func (s *Store) AuthorViews(ctx context.Context, since time.Time, limit int) ([]news.DomainViews, error) {
	return s.domainViews(ctx, "author views", `SELECT au.name, sum(v.views)::bigint AS n FROM article_views v
		JOIN article_authors aa ON aa.article_id = v.article_id JOIN authors au ON au.id = aa.author_id
		WHERE v.hour >= $1 GROUP BY au.id, au.name ORDER BY n DESC, au.name LIMIT $2`, since, listLimit(limit))
}

// domainViews runs a query of (name, views) rows.
func (s *Store) domainViews(ctx context.Context, op, sql string, args ...any) ([]news.DomainViews, error) {
	var out []news.DomainViews
	err := s.read(ctx, op, func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.DomainViews, error) {
			var d news.DomainViews
			err := row.Scan(&d.Domain, &d.Views)
			return d, err
		})
		return err
	})
	return out, err
}

// AdStats are every ad's impressions and clicks per slot since since.
func (s *Store) AdStats(ctx context.Context, since time.Time) ([]news.AdStat, error) {
	var out []news.AdStat
	err := s.read(ctx, "ad stats", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT ad_id, slot, sum(impressions)::bigint, sum(clicks)::bigint FROM ad_stats
			WHERE hour >= $1 GROUP BY ad_id, slot ORDER BY ad_id, slot`, since)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.AdStat, error) {
			var a news.AdStat
			err := row.Scan(&a.AdID, &a.Slot, &a.Impressions, &a.Clicks)
			return a, err
		})
		return err
	})
	return out, err
}

// VisitorSketch is a day's stored sketch, nil for none.
func (s *Store) VisitorSketch(ctx context.Context, day time.Time) ([]byte, error) {
	var sk []byte
	err := s.query(ctx, "visitor sketch", func(ctx context.Context, c querier) error {
		err := c.QueryRow(ctx, `SELECT sketch FROM visitor_sketches WHERE day = $1`, day).Scan(&sk)
		if isNoRows(err) {
			return nil
		}
		return err
	})
	return sk, err
}

// DaySalt returns the day's salt, storing fresh when there is none yet,
// and deletes earlier days' salts.
func (s *Store) DaySalt(ctx context.Context, day time.Time, fresh []byte) ([]byte, error) {
	var salt []byte
	err := s.inTx(ctx, "visitor salt", pgx.TxOptions{}, countsOnly, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM visitor_salts WHERE day < $1`, day); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO visitor_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING`, day, fresh); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT salt FROM visitor_salts WHERE day = $1`, day).Scan(&salt)
	})
	return salt, err
}

// rollUpLock is the advisory lock that keeps two servers from rolling up
// the same hours at once (each would add them to the day again).
const rollUpLock = 0x5a4a_0001

// RollUpViews keeps the counts of the hours before before as one row per
// UTC day.
func (s *Store) RollUpViews(ctx context.Context, before time.Time) error {
	day := before.UTC().Truncate(24 * time.Hour)
	return s.inTx(ctx, "roll up views", pgx.TxOptions{}, countsOnly, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(rollUpLock)); err != nil {
			return err
		}
		const dayOf = `date_trunc('day', hour, 'UTC')`
		for _, q := range []string{
			`INSERT INTO article_views (hour, article_id, views)
				SELECT ` + dayOf + `, article_id, sum(views) FROM article_views WHERE hour < $1 AND hour <> ` + dayOf + `
				GROUP BY 1, 2 ON CONFLICT (hour, article_id) DO UPDATE SET views = article_views.views + excluded.views`,
			`DELETE FROM article_views WHERE hour < $1 AND hour <> ` + dayOf,
			`INSERT INTO referrer_views (hour, domain, views)
				SELECT ` + dayOf + `, domain, sum(views) FROM referrer_views WHERE hour < $1 AND hour <> ` + dayOf + `
				GROUP BY 1, 2 ON CONFLICT (hour, domain) DO UPDATE SET views = referrer_views.views + excluded.views`,
			`DELETE FROM referrer_views WHERE hour < $1 AND hour <> ` + dayOf,
			`INSERT INTO ad_stats (hour, ad_id, slot, impressions, clicks)
				SELECT ` + dayOf + `, ad_id, slot, sum(impressions), sum(clicks) FROM ad_stats WHERE hour < $1 AND hour <> ` + dayOf + `
				GROUP BY 1, 2, 3 ON CONFLICT (hour, ad_id, slot) DO UPDATE SET impressions = ad_stats.impressions + excluded.impressions,
				clicks = ad_stats.clicks + excluded.clicks`,
			`DELETE FROM ad_stats WHERE hour < $1 AND hour <> ` + dayOf,
		} {
			if _, err := tx.Exec(ctx, q, day); err != nil {
				return err
			}
		}
		return nil
	})
}
