package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// SaveRedirects adds redirects of old paths, all or none.
func (s *Store) SaveRedirects(ctx context.Context, rs []news.PathRedirect) error {
	checked := make([]news.PathRedirect, len(rs))
	for i, r := range rs {
		var err error
		if checked[i], err = news.CheckRedirect(r); err != nil {
			return err
		}
	}
	return s.writeTx(ctx, "save redirects", func(ctx context.Context, tx pgx.Tx) error {
		for _, r := range checked {
			if _, err := tx.Exec(ctx, `INSERT INTO path_redirects (path, target) VALUES ($1, $2)
				ON CONFLICT (path) DO UPDATE SET target = excluded.target`, r.From, r.To); err != nil {
				return err
			}
		}
		return nil
	})
}

// RedirectTarget is where an old path goes.
func (s *Store) RedirectTarget(ctx context.Context, from string) (string, error) {
	var to string
	err := s.read(ctx, "look up a redirect", func(ctx context.Context, c querier) error {
		return c.QueryRow(ctx, `SELECT target FROM path_redirects WHERE path = $1`, news.RedirectKey(from)).Scan(&to)
	})
	if isNoRows(err) {
		return "", news.Errorf(news.ENOTFOUND, "no redirect from %q", from)
	}
	return to, err
}

// PathRedirects lists every redirect by old path.
func (s *Store) PathRedirects(ctx context.Context) ([]news.PathRedirect, error) {
	var out []news.PathRedirect
	err := s.read(ctx, "list redirects", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT path, target FROM path_redirects ORDER BY path`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r news.PathRedirect
			if err := rows.Scan(&r.From, &r.To); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// Pages restores static pages (their ids are the new site's).
func (r *restorer) Pages(pages []news.Page) error {
	b := &pgx.Batch{}
	for _, p := range pages {
		if err := news.CheckPage(p); err != nil {
			return err
		}
		b.Queue(`INSERT INTO pages (slug, title, body, body_source, footer, position, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.Slug, p.Title, p.Body, p.BodySource, p.Footer, p.Position, second(p.UpdatedAt))
	}
	return r.run("restore pages", b)
}

// PageComments restores the comments of the page with slug.
func (r *restorer) PageComments(slug string, list []news.Comment) error {
	b := &pgx.Batch{}
	for _, c := range list {
		b.Queue(`INSERT INTO page_comments (page_id, external_id, parent_id, author, author_email, author_url, at, text, status)
			SELECT id, $1, $2, $3, $4, $5, $6, $7, $8 FROM pages WHERE slug = $9`, c.ExternalID, c.ParentID, c.Author, c.AuthorEmail,
			c.AuthorURL, second(c.At), c.Text, string(c.Status.OrPending()), slug)
	}
	return r.run("restore a page's comments", b)
}

// Redirects restores redirects of old paths.
func (r *restorer) Redirects(rs []news.PathRedirect) error {
	b := &pgx.Batch{}
	for _, pr := range rs {
		pr, err := news.CheckRedirect(pr)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO path_redirects (path, target) VALUES ($1, $2)
			ON CONFLICT (path) DO UPDATE SET target = excluded.target`, pr.From, pr.To)
	}
	return r.run("restore redirects", b)
}
