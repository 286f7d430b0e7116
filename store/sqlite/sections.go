package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"time"

	"sahafa/news"
)

// Sections returns every section with its number of articles, by name.
func (s *Store) Sections(ctx context.Context) ([]news.SectionStats, error) {
	const op = "list sections"
	rows, err := s.read().QueryContext(ctx, `
		SELECT s.id, s.slug, s.name, s.published FROM sections s ORDER BY s.name, s.id`)
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer rows.Close()
	var out []news.SectionStats
	for rows.Next() {
		var st news.SectionStats
		if err := rows.Scan(&st.ID, &st.Slug, &st.Name, &st.Articles); err != nil {
			return nil, wrapErr(op, err)
		}
		out = append(out, st)
	}
	return out, wrapErr(op, rows.Err())
}

// SectionBySlug returns the section with the given slug.
func (s *Store) SectionBySlug(ctx context.Context, slug string) (news.Section, error) {
	var sec news.Section
	err := s.read().QueryRowContext(ctx, `SELECT id, slug, name FROM sections WHERE slug = ?`, slug).
		Scan(&sec.ID, &sec.Slug, &sec.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Section{}, news.Errorf(news.ENOTFOUND, "section %q not found", slug)
	}
	return sec, wrapErr("get section", err)
}

// PublicationCounts counts articles per 15-minute bucket of published_at,
// along the published_at index.
func (s *Store) PublicationCounts(ctx context.Context, from, to time.Time) ([]news.TimeCount, error) {
	const op = "publication counts"
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !from.IsZero() {
		lo = ceilUnix(from)
	}
	if !to.IsZero() {
		hi = ceilUnix(to)
	}
	const width = int64(news.CountBucket / time.Second)
	rows, err := s.read().QueryContext(ctx, `SELECT published_at - (published_at % ?1) - (CASE WHEN published_at % ?1 < 0 THEN ?1 ELSE 0 END) AS b,
		count(*) FROM articles WHERE status = 'published' AND published_at >= ?2 AND published_at < ?3
		GROUP BY b ORDER BY b`, width, lo, hi)
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer rows.Close()
	var out []news.TimeCount
	for rows.Next() {
		var start int64
		var n int
		if err := rows.Scan(&start, &n); err != nil {
			return nil, wrapErr(op, err)
		}
		out = append(out, news.TimeCount{Start: fromUnix(start), Count: n})
	}
	return out, wrapErr(op, rows.Err())
}
