package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"sahafa/news"
)

// SaveSection creates a section (ID 0) or renames one, by ID.
func (s *Store) SaveSection(ctx context.Context, sec news.Section) (news.Section, error) {
	const op = "save section"
	if sec.Slug == "" || sec.Name == "" {
		return news.Section{}, news.Errorf(news.EINVALID, "section slug and name are required")
	}
	var err error
	if sec.ID == 0 {
		err = s.w.QueryRowContext(ctx, `INSERT INTO sections (slug, name) VALUES (?, ?) RETURNING id`,
			sec.Slug, sec.Name).Scan(&sec.ID)
	} else {
		var res sql.Result
		res, err = s.w.ExecContext(ctx, `UPDATE sections SET slug = ?, name = ? WHERE id = ?`, sec.Slug, sec.Name, sec.ID)
		if err == nil {
			err = mustAffect(res, news.Errorf(news.ENOTFOUND, "section %d not found", sec.ID))
		}
	}
	if err != nil {
		return news.Section{}, wrapErr(op, err)
	}
	return sec, nil
}

// mustAffect returns notFound when an UPDATE or DELETE touched no row.
// idList appends ids to args and returns the placeholders of an IN (…)
// list of them: "?,?,?".
func idList(args []any, ids []int64) (string, []any) {
	for _, id := range ids {
		args = append(args, id)
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(ids)), ","), args
}

func mustAffect(res sql.Result, notFound error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound
	}
	return nil
}

// TagBySlug returns the tag with the given slug.
func (s *Store) TagBySlug(ctx context.Context, slug string) (news.Tag, error) {
	var t news.Tag
	err := s.read().QueryRowContext(ctx, `SELECT id, slug, name FROM tags WHERE slug = ?`, slug).Scan(&t.ID, &t.Slug, &t.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Tag{}, news.Errorf(news.ENOTFOUND, "tag %q not found", slug)
	}
	return t, wrapErr("get tag", err)
}

// Tags returns every tag with its number of published articles, by name.
func (s *Store) Tags(ctx context.Context) ([]news.TagStats, error) {
	const op = "list tags"
	rows, err := s.read().QueryContext(ctx, `
		SELECT t.id, t.slug, t.name, (SELECT count(*) FROM article_tags at JOIN articles a ON a.id = at.article_id
			WHERE at.tag_id = t.id AND a.status = 'published')
		FROM tags t ORDER BY t.name, t.id`)
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer rows.Close()
	var out []news.TagStats
	for rows.Next() {
		var t news.TagStats
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Articles); err != nil {
			return nil, wrapErr(op, err)
		}
		out = append(out, t)
	}
	return out, wrapErr(op, rows.Err())
}

// SaveTag creates a tag (ID 0) or renames one, by ID.
func (s *Store) SaveTag(ctx context.Context, t news.Tag) (news.Tag, error) {
	const op = "save tag"
	if t.Slug == "" || t.Name == "" {
		return news.Tag{}, news.Errorf(news.EINVALID, "tag slug and name are required")
	}
	var err error
	if t.ID == 0 {
		err = s.w.QueryRowContext(ctx, `INSERT INTO tags (slug, name) VALUES (?, ?) RETURNING id`, t.Slug, t.Name).Scan(&t.ID)
	} else {
		var res sql.Result
		res, err = s.w.ExecContext(ctx, `UPDATE tags SET slug = ?, name = ? WHERE id = ?`, t.Slug, t.Name, t.ID)
		if err == nil {
			err = mustAffect(res, news.Errorf(news.ENOTFOUND, "tag %d not found", t.ID))
		}
	}
	if err != nil {
		return news.Tag{}, wrapErr(op, err)
	}
	return t, nil
}
