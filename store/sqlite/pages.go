package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"sahafa/news"
)

const pageColumns = `id, slug, title, body, body_source, footer, position, updated_at`

func scanPage(sc scanner) (news.Page, error) {
	var p news.Page
	var updated int64
	if err := sc.Scan(&p.ID, &p.Slug, &p.Title, &p.Body, &p.BodySource, &p.Footer, &p.Position, &updated); err != nil {
		return news.Page{}, err
	}
	p.UpdatedAt = fromUnix(updated)
	return p, nil
}

// Pages lists the static pages.
func (s *Store) Pages(ctx context.Context) ([]news.Page, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+pageColumns+` FROM pages ORDER BY position, title, id`)
	if err != nil {
		return nil, wrapErr("list pages", err)
	}
	defer rows.Close()
	var out []news.Page
	for rows.Next() {
		p, err := scanPage(rows)
		if err != nil {
			return nil, wrapErr("list pages", err)
		}
		out = append(out, p)
	}
	return out, wrapErr("list pages", rows.Err())
}

// PageBySlug returns one page.
func (s *Store) PageBySlug(ctx context.Context, slug string) (news.Page, error) {
	return s.onePage(ctx, `slug = ?`, slug)
}

// Page returns one page by id.
func (s *Store) Page(ctx context.Context, id int64) (news.Page, error) {
	return s.onePage(ctx, `id = ?`, id)
}

func (s *Store) onePage(ctx context.Context, where string, arg any) (news.Page, error) {
	p, err := scanPage(s.read().QueryRowContext(ctx, `SELECT `+pageColumns+` FROM pages WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return news.Page{}, news.Errorf(news.ENOTFOUND, "page %v not found", arg)
	}
	return p, wrapErr("get page", err)
}

// SavePage creates or replaces a page.
func (s *Store) SavePage(ctx context.Context, p news.Page) (news.Page, error) {
	const op = "save page"
	if err := news.CheckPage(p); err != nil {
		return news.Page{}, err
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = time.Now()
	}
	p.UpdatedAt = p.UpdatedAt.UTC().Truncate(time.Second)
	var err error
	if p.ID == 0 {
		err = s.w.QueryRowContext(ctx, `INSERT INTO pages (slug, title, body, body_source, footer, position, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.Slug, p.Title, p.Body, p.BodySource, p.Footer, p.Position,
			p.UpdatedAt.Unix()).Scan(&p.ID)
	} else {
		var res sql.Result
		res, err = s.w.ExecContext(ctx, `UPDATE pages SET slug = ?, title = ?, body = ?, body_source = ?, footer = ?,
			position = ?, updated_at = ? WHERE id = ?`, p.Slug, p.Title, p.Body, p.BodySource, p.Footer, p.Position,
			p.UpdatedAt.Unix(), p.ID)
		if err == nil {
			err = mustAffect(res, news.Errorf(news.ENOTFOUND, "page %d not found", p.ID))
		}
	}
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return news.Page{}, news.Errorf(news.ECONFLICT, "the address %q is another page's", p.Slug)
	}
	if err != nil {
		return news.Page{}, wrapErr(op, err)
	}
	return p, nil
}

// DeletePage deletes a page.
func (s *Store) DeletePage(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM pages WHERE id = ?`, id)
	if err == nil {
		err = mustAffect(res, news.Errorf(news.ENOTFOUND, "page %d not found", id))
	}
	return wrapErr("delete page", err)
}
