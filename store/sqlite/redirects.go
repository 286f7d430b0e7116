package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"sahafa/news"
)

// SaveRedirects adds redirects of old paths, all or none.
func (s *Store) SaveRedirects(ctx context.Context, rs []news.PathRedirect) error {
	const op = "save redirects"
	checked := make([]news.PathRedirect, len(rs))
	for i, r := range rs {
		var err error
		if checked[i], err = news.CheckRedirect(r); err != nil {
			return err
		}
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	for _, r := range checked {
		if _, err := tx.ExecContext(ctx, `INSERT INTO path_redirects (path, target) VALUES (?, ?)
			ON CONFLICT (path) DO UPDATE SET target = excluded.target`, r.From, r.To); err != nil {
			return wrapErr(op, err)
		}
	}
	return wrapErr(op, tx.Commit())
}

// RedirectTarget is where an old path goes.
func (s *Store) RedirectTarget(ctx context.Context, from string) (string, error) {
	var to string
	err := s.read().QueryRowContext(ctx, `SELECT target FROM path_redirects WHERE path = ?`, news.RedirectKey(from)).Scan(&to)
	if errors.Is(err, sql.ErrNoRows) {
		return "", news.Errorf(news.ENOTFOUND, "no redirect from %q", from)
	}
	return to, wrapErr("look up a redirect", err)
}

// PathRedirects lists every redirect by old path.
func (s *Store) PathRedirects(ctx context.Context) ([]news.PathRedirect, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT path, target FROM path_redirects ORDER BY path`)
	if err != nil {
		return nil, wrapErr("list redirects", err)
	}
	defer rows.Close()
	var out []news.PathRedirect
	for rows.Next() {
		var r news.PathRedirect
		if err := rows.Scan(&r.From, &r.To); err != nil {
			return nil, wrapErr("list redirects", err)
		}
		out = append(out, r)
	}
	return out, wrapErr("list redirects", rows.Err())
}

// Pages restores static pages (their ids are the new site's).
func (r *restorer) Pages(pages []news.Page) error {
	for _, p := range pages {
		if err := news.CheckPage(p); err != nil {
			return err
		}
		if err := r.exec("restore pages", `INSERT INTO pages (slug, title, body, body_source, footer, position, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.Slug, p.Title, p.Body, p.BodySource, p.Footer, p.Position, p.UpdatedAt.Unix()); err != nil {
			return err
		}
	}
	return nil
}

// PageComments restores the comments of the page with slug.
func (r *restorer) PageComments(slug string, list []news.Comment) error {
	for _, c := range list {
		if err := r.exec("restore a page's comments", `INSERT INTO page_comments (page_id, external_id, parent_id, author, author_email,
			author_url, at, text, status) SELECT id, ?, ?, ?, ?, ?, ?, ?, ? FROM pages WHERE slug = ?`, c.ExternalID, c.ParentID, c.Author,
			c.AuthorEmail, c.AuthorURL, c.At.Unix(), c.Text, c.Status.OrPending(), slug); err != nil {
			return err
		}
	}
	return nil
}

// Redirects restores redirects of old paths.
func (r *restorer) Redirects(rs []news.PathRedirect) error {
	for _, pr := range rs {
		pr, err := news.CheckRedirect(pr)
		if err != nil {
			return err
		}
		if err := r.exec("restore redirects", `INSERT INTO path_redirects (path, target) VALUES (?, ?)
			ON CONFLICT (path) DO UPDATE SET target = excluded.target`, pr.From, pr.To); err != nil {
			return err
		}
	}
	return nil
}
