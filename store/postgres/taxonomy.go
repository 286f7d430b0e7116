package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// SaveSection creates a section (ID 0) or renames one, by ID. A slug taken
// by another section is ECONFLICT.
func (s *Store) SaveSection(ctx context.Context, sec news.Section) (news.Section, error) {
	if sec.Slug == "" || sec.Name == "" {
		return news.Section{}, news.Errorf(news.EINVALID, "section slug and name are required")
	}
	err := s.writeTx(ctx, "save section", func(ctx context.Context, tx pgx.Tx) error {
		if sec.ID == 0 {
			return tx.QueryRow(ctx, `INSERT INTO sections (slug, name) VALUES ($1, $2) RETURNING id`,
				sec.Slug, sec.Name).Scan(&sec.ID)
		}
		ct, err := tx.Exec(ctx, `UPDATE sections SET slug = $1, name = $2 WHERE id = $3`, sec.Slug, sec.Name, sec.ID)
		if err == nil && ct.RowsAffected() == 0 {
			err = news.Errorf(news.ENOTFOUND, "section %d not found", sec.ID)
		}
		return err
	})
	if err != nil {
		return news.Section{}, err
	}
	return sec, nil
}

// TagBySlug returns the tag with the given slug.
func (s *Store) TagBySlug(ctx context.Context, slug string) (news.Tag, error) {
	var t news.Tag
	err := s.read(ctx, "get tag", func(ctx context.Context, c querier) error {
		err := c.QueryRow(ctx, `SELECT id, slug, name FROM tags WHERE slug = $1`, slug).Scan(&t.ID, &t.Slug, &t.Name)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "tag %q not found", slug)
		}
		return err
	})
	return t, err
}

// Tags returns every tag with its number of published articles, by name
// (in code point order, as SQLite compares text).
func (s *Store) Tags(ctx context.Context) ([]news.TagStats, error) {
	var out []news.TagStats
	err := s.read(ctx, "list tags", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `
			SELECT t.id, t.slug, t.name, (SELECT count(*) FROM article_tags at JOIN articles a ON a.id = at.article_id
				WHERE at.tag_id = t.id AND a.status = 'published')
			FROM tags t ORDER BY t.name COLLATE "C", t.id`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.TagStats, error) {
			var t news.TagStats
			err := row.Scan(&t.ID, &t.Slug, &t.Name, &t.Articles)
			return t, err
		})
		return err
	})
	return out, err
}

// SaveTag creates a tag (ID 0) or renames one, by ID. A slug taken by
// another tag is ECONFLICT.
func (s *Store) SaveTag(ctx context.Context, t news.Tag) (news.Tag, error) {
	if t.Slug == "" || t.Name == "" {
		return news.Tag{}, news.Errorf(news.EINVALID, "tag slug and name are required")
	}
	err := s.writeTx(ctx, "save tag", func(ctx context.Context, tx pgx.Tx) error {
		if t.ID == 0 {
			return tx.QueryRow(ctx, `INSERT INTO tags (slug, name) VALUES ($1, $2) RETURNING id`, t.Slug, t.Name).Scan(&t.ID)
		}
		ct, err := tx.Exec(ctx, `UPDATE tags SET slug = $1, name = $2 WHERE id = $3`, t.Slug, t.Name, t.ID)
		if err == nil && ct.RowsAffected() == 0 {
			err = news.Errorf(news.ENOTFOUND, "tag %d not found", t.ID)
		}
		return err
	})
	if err != nil {
		return news.Tag{}, err
	}
	return t, nil
}
