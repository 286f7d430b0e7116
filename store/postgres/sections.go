package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// Sections returns every section with its number of published articles,
// by name (in code point order, as SQLite compares text, whatever the
// database's collation).
func (s *Store) Sections(ctx context.Context) ([]news.SectionStats, error) {
	var out []news.SectionStats
	err := s.read(ctx, "list sections", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `
			SELECT s.id, s.slug, s.name, s.published FROM sections s ORDER BY s.name COLLATE "C", s.id`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.SectionStats, error) {
			var st news.SectionStats
			err := row.Scan(&st.ID, &st.Slug, &st.Name, &st.Articles)
			return st, err
		})
		return err
	})
	return out, err
}

// SectionBySlug returns the section with the given slug.
func (s *Store) SectionBySlug(ctx context.Context, slug string) (news.Section, error) {
	var sec news.Section
	err := s.read(ctx, "get section", func(ctx context.Context, c querier) error {
		err := c.QueryRow(ctx, `SELECT id, slug, name FROM sections WHERE slug = $1`, slug).
			Scan(&sec.ID, &sec.Slug, &sec.Name)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "section %q not found", slug)
		}
		return err
	})
	return sec, err
}

// PublicationCounts counts published articles per 15-minute bucket of
// published_at, along the partial published_at index.
func (s *Store) PublicationCounts(ctx context.Context, from, to time.Time) ([]news.TimeCount, error) {
	var out []news.TimeCount
	const width = int64(news.CountBucket / time.Second)
	err := s.read(ctx, "publication counts", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT b, count(*) FROM (
				SELECT floor(extract(epoch FROM published_at) / $1)::bigint * $1 AS b FROM articles
				WHERE status = 'published' AND ($2::timestamptz IS NULL OR published_at >= $2) AND ($3::timestamptz IS NULL OR published_at < $3)) x
			GROUP BY b ORDER BY b`, width, optTime(from), optTime(to))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.TimeCount, error) {
			var start int64
			var tc news.TimeCount
			err := row.Scan(&start, &tc.Count)
			tc.Start = time.Unix(start, 0).UTC()
			return tc, err
		})
		return err
	})
	return out, err
}

// optTime is t as a query parameter, or NULL when t is zero.
func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
