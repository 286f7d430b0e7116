package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

const pageColumns = `id, slug, title, body, body_source, footer, position, updated_at`

func scanPage(row pgx.Row) (news.Page, error) {
	var p news.Page
	if err := row.Scan(&p.ID, &p.Slug, &p.Title, &p.Body, &p.BodySource, &p.Footer, &p.Position, &p.UpdatedAt); err != nil {
		return news.Page{}, err
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	return p, nil
}

// Pages lists the static pages.
func (s *Store) Pages(ctx context.Context) ([]news.Page, error) {
	var out []news.Page
	err := s.read(ctx, "list pages", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT `+pageColumns+` FROM pages ORDER BY position, title, id`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.Page, error) { return scanPage(row) })
		return err
	})
	return out, err
}

// PageBySlug returns one page.
func (s *Store) PageBySlug(ctx context.Context, slug string) (news.Page, error) {
	return s.onePage(ctx, `slug = $1`, slug)
}

// Page returns one page by id.
func (s *Store) Page(ctx context.Context, id int64) (news.Page, error) {
	return s.onePage(ctx, `id = $1`, id)
}

func (s *Store) onePage(ctx context.Context, where string, arg any) (news.Page, error) {
	var p news.Page
	err := s.read(ctx, "get page", func(ctx context.Context, c querier) error {
		var err error
		p, err = scanPage(c.QueryRow(ctx, `SELECT `+pageColumns+` FROM pages WHERE `+where, arg))
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "page %v not found", arg)
		}
		return err
	})
	return p, err
}

// SavePage creates or replaces a page.
func (s *Store) SavePage(ctx context.Context, p news.Page) (news.Page, error) {
	if err := news.CheckPage(p); err != nil {
		return news.Page{}, err
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = time.Now()
	}
	p.UpdatedAt = second(p.UpdatedAt)
	err := s.writeTx(ctx, "save page", func(ctx context.Context, tx pgx.Tx) error {
		var other int64
		err := tx.QueryRow(ctx, `SELECT id FROM pages WHERE slug = $1 AND id <> $2`, p.Slug, p.ID).Scan(&other)
		if err == nil {
			return news.Errorf(news.ECONFLICT, "the address %q is another page's", p.Slug)
		}
		if !isNoRows(err) {
			return err
		}
		if p.ID == 0 {
			return tx.QueryRow(ctx, `INSERT INTO pages (slug, title, body, body_source, footer, position, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, p.Slug, p.Title, p.Body, p.BodySource, p.Footer, p.Position,
				p.UpdatedAt).Scan(&p.ID)
		}
		ct, err := tx.Exec(ctx, `UPDATE pages SET slug = $1, title = $2, body = $3, body_source = $4, footer = $5,
			position = $6, updated_at = $7 WHERE id = $8`, p.Slug, p.Title, p.Body, p.BodySource, p.Footer, p.Position,
			p.UpdatedAt, p.ID)
		if err == nil && ct.RowsAffected() == 0 {
			err = news.Errorf(news.ENOTFOUND, "page %d not found", p.ID)
		}
		return err
	})
	if err != nil {
		return news.Page{}, err
	}
	return p, nil
}

// DeletePage deletes a page.
func (s *Store) DeletePage(ctx context.Context, id int64) error {
	return s.writeTx(ctx, "delete page", func(ctx context.Context, tx pgx.Tx) error {
		ct, err := tx.Exec(ctx, `DELETE FROM pages WHERE id = $1`, id)
		if err == nil && ct.RowsAffected() == 0 {
			err = news.Errorf(news.ENOTFOUND, "page %d not found", id)
		}
		return err
	})
}
