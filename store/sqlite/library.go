package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"sahafa/arabic"
	"sahafa/news"
)

// authorSelect reads an author with their profile; authorBySlugSQL finds
// one by their slug or by a slug that leads to them (an earlier one, or
// that of an author merged into them).
const (
	authorSelect    = `SELECT a.id, a.slug, a.name, a.profile FROM authors a `
	authorBySlugSQL = authorSelect + `WHERE a.slug = ?1
		UNION ALL ` + authorSelect + `JOIN author_aliases al ON al.author_id = a.id
		WHERE al.kind = 'slug' AND al.value = ?1 LIMIT 1`
)

func scanAuthor(sc scanner) (news.Author, error) {
	var au news.Author
	var profile string
	if err := sc.Scan(&au.ID, &au.Slug, &au.Name, &profile); err != nil {
		return news.Author{}, err
	}
	if err := news.DecodeAuthorProfile(profile, &au.Profile); err != nil {
		return news.Author{}, fmt.Errorf("author %d: %w", au.ID, err)
	}
	return au, nil
}

// AuthorBySlug returns the author a slug leads to, with their profile:
// when it is an old slug or a merged author's, the returned Slug differs
// and the page redirects.
func (s *Store) AuthorBySlug(ctx context.Context, slug string) (news.Author, error) {
	au, err := scanAuthor(s.read().QueryRowContext(ctx, authorBySlugSQL, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return news.Author{}, news.Errorf(news.ENOTFOUND, "author %q not found", slug)
	}
	return au, wrapErr("get author", err)
}

// Author returns one author with their profile.
func (s *Store) Author(ctx context.Context, id int64) (news.Author, error) {
	return authorByID(ctx, s.read(), id)
}

func authorByID(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id int64) (news.Author, error) {
	au, err := scanAuthor(q.QueryRowContext(ctx, authorSelect+`WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return news.Author{}, news.Errorf(news.ENOTFOUND, "author %d not found", id)
	}
	return au, wrapErr("get author", err)
}

// Authors lists the author directory by name.
func (s *Store) Authors(ctx context.Context, f news.AuthorFilter) ([]news.AuthorStats, int, error) {
	const op = "list authors"
	where := "WHERE 1 = 1"
	var args []any
	if q := arabic.Normalize(f.Query); q != "" {
		where += ` AND a.name_key LIKE ? ESCAPE '\'`
		args = append(args, news.LikePattern(q))
	}
	if f.Duplicates {
		where += ` AND a.name_key IN (SELECT name_key FROM authors GROUP BY name_key HAVING count(*) > 1)`
	}
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, 0, wrapErr(op, err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM authors a `+where, args...).Scan(&total); err != nil {
		return nil, 0, wrapErr(op, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.id, a.slug, a.name, a.profile, a.name_key,
		(SELECT count(*) FROM article_authors aa WHERE aa.author_id = a.id)
		FROM authors a `+where+` ORDER BY a.name_key, a.id LIMIT ? OFFSET ?`,
		append(args, listLimit(f.Limit), max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, wrapErr(op, err)
	}
	defer rows.Close()
	var out []news.AuthorStats
	for rows.Next() {
		var st news.AuthorStats
		var profile string
		if err := rows.Scan(&st.ID, &st.Slug, &st.Name, &profile, &st.Key, &st.Articles); err != nil {
			return nil, 0, wrapErr(op, err)
		}
		if err := news.DecodeAuthorProfile(profile, &st.Profile); err != nil {
			return nil, 0, wrapErr(op, err)
		}
		out = append(out, st)
	}
	return out, total, wrapErr(op, rows.Err())
}

// SaveAuthor saves an author's name, slug and profile; the old slug and
// name keep leading to them.
func (s *Store) SaveAuthor(ctx context.Context, a news.Author) (news.Author, error) {
	const op = "save author"
	a.Name, a.Slug = strings.TrimSpace(a.Name), strings.TrimSpace(a.Slug)
	if a.Name == "" || a.Slug == "" {
		return news.Author{}, news.Errorf(news.EINVALID, "an author needs a name and a slug")
	}
	profile, err := news.EncodeAuthorProfile(a.Profile)
	if err != nil {
		return news.Author{}, err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return news.Author{}, wrapErr(op, err)
	}
	defer tx.Rollback()
	old, err := authorByID(ctx, tx, a.ID)
	if err != nil {
		return news.Author{}, err
	}
	key := arabic.Normalize(a.Name)
	if a.Slug != old.Slug {
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM authors WHERE slug = ?1 AND id <> ?2
			UNION ALL SELECT author_id FROM author_aliases WHERE kind = 'slug' AND value = ?1 AND author_id <> ?2`,
			a.Slug, a.ID).Scan(&other)
		if err == nil {
			return news.Author{}, news.Errorf(news.ECONFLICT, "the address %q leads to another author", a.Slug)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return news.Author{}, wrapErr(op, err)
		}
		if err := putAlias(ctx, tx, "slug", old.Slug, a.ID); err != nil {
			return news.Author{}, wrapErr(op, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM author_aliases WHERE kind = 'slug' AND value = ?`, a.Slug); err != nil {
			return news.Author{}, wrapErr(op, err)
		}
	}
	if oldKey := arabic.Normalize(old.Name); oldKey != key {
		if err := putAlias(ctx, tx, "key", oldKey, a.ID); err != nil {
			return news.Author{}, wrapErr(op, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE authors SET name = ?, slug = ?, name_key = ?, profile = ? WHERE id = ?`,
		a.Name, a.Slug, key, profile, a.ID); err != nil {
		return news.Author{}, wrapErr(op, err)
	}
	if err := tx.Commit(); err != nil {
		return news.Author{}, wrapErr(op, err)
	}
	return a, nil
}

func putAlias(ctx context.Context, tx *sql.Tx, kind, value string, authorID int64) error {
	if value == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO author_aliases (kind, value, author_id) VALUES (?, ?, ?)
		ON CONFLICT (kind, value) DO UPDATE SET author_id = excluded.author_id`, kind, value, authorID)
	return err
}

// MergeAuthors moves from's bylines to into and deletes from; from's
// name, slug and aliases lead to into from then on.
func (s *Store) MergeAuthors(ctx context.Context, into, from int64) error {
	const op = "merge authors"
	if into == from {
		return news.Errorf(news.EINVALID, "an author cannot be merged into themselves")
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	target, err := authorByID(ctx, tx, into)
	if err != nil {
		return err
	}
	gone, err := authorByID(ctx, tx, from)
	if err != nil {
		return err
	}
	profile, err := news.EncodeAuthorProfile(news.MergedProfile(target.Profile, gone.Profile))
	if err != nil {
		return err
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		// a byline of both keeps into's place
		{`UPDATE article_authors SET author_id = ?1 WHERE author_id = ?2
			AND article_id NOT IN (SELECT article_id FROM article_authors WHERE author_id = ?1)`, []any{into, from}},
		{`UPDATE author_aliases SET author_id = ? WHERE author_id = ?`, []any{into, from}},
		{`DELETE FROM authors WHERE id = ?`, []any{from}},
		{`UPDATE authors SET profile = ? WHERE id = ?`, []any{profile, into}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return wrapErr(op, err)
		}
	}
	if err := putAlias(ctx, tx, "slug", gone.Slug, into); err != nil {
		return wrapErr(op, err)
	}
	if err := putAlias(ctx, tx, "key", arabic.Normalize(gone.Name), into); err != nil {
		return wrapErr(op, err)
	}
	return wrapErr(op, tx.Commit())
}

// fillNameKeys computes the normalized name of the authors stored before
// name_key existed (or restored without it): Normalize is Go, not SQL.
func fillNameKeys(ctx context.Context, db *sql.DB) error {
	const op = "fill author name keys"
	rows, err := db.QueryContext(ctx, `SELECT id, name FROM authors WHERE name_key = ''`)
	if err != nil {
		return wrapErr(op, err)
	}
	type idName struct {
		id   int64
		name string
	}
	var todo []idName
	for rows.Next() {
		var it idName
		if err := rows.Scan(&it.id, &it.name); err != nil {
			rows.Close()
			return wrapErr(op, err)
		}
		todo = append(todo, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(todo) == 0 {
		return wrapErr(op, err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	for _, it := range todo {
		if _, err := tx.ExecContext(ctx, `UPDATE authors SET name_key = ? WHERE id = ?`, arabic.Normalize(it.name), it.id); err != nil {
			return wrapErr(op, err)
		}
	}
	return wrapErr(op, tx.Commit())
}

// TrashArticle puts an article in the trash, or takes it out (zero at).
func (s *Store) TrashArticle(ctx context.Context, id int64, at time.Time, ev news.Event) error {
	const op = "trash article"
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	list, err := queryArticles(ctx, tx, `SELECT `+articleColumns+articleFrom+`WHERE a.id = ?`, id)
	if err != nil {
		return wrapErr(op, err)
	}
	if len(list) == 0 {
		return news.Errorf(news.ENOTFOUND, "article %d not found", id)
	}
	a := list[0]
	if err := news.CheckTrash(a, at); err != nil {
		return err
	}
	paths := []string{news.RedirectKey(a.Path())}
	rows, err := tx.QueryContext(ctx, `SELECT path FROM redirects WHERE article_id = ?`, id)
	if err != nil {
		return wrapErr(op, err)
	}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return wrapErr(op, err)
		}
		paths = append(paths, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return wrapErr(op, err)
	}
	if at.IsZero() {
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET deleted_at = NULL WHERE id = ?`, id); err != nil {
			return wrapErr(op, err)
		}
		for _, p := range paths {
			if _, err := tx.ExecContext(ctx, `DELETE FROM gone_paths WHERE path = ?`, p); err != nil {
				return wrapErr(op, err)
			}
		}
	} else {
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET deleted_at = ? WHERE id = ?`, at.Unix(), id); err != nil {
			return wrapErr(op, err)
		}
		for _, p := range paths {
			if !a.EverPublished {
				break
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO gone_paths (path, at) VALUES (?, ?)
				ON CONFLICT (path) DO UPDATE SET at = excluded.at`, p, at.Unix()); err != nil {
				return wrapErr(op, err)
			}
		}
	}
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	if _, err := tx.ExecContext(ctx, insertEventSQL, id, ev.At.Unix(), ev.UserID, ev.UserName, ev.Action,
		string(ev.From), string(ev.To), ev.Note); err != nil {
		return wrapErr(op, err)
	}
	return wrapErr(op, tx.Commit())
}

// PurgeArticles deletes articles trashed at or before before, with
// everything that hangs on them (revisions, events, bylines, …, by ON
// DELETE CASCADE; autosaves and presence by hand, as they have no key).
func (s *Store) PurgeArticles(ctx context.Context, ids []int64, before time.Time) (int, error) {
	const op = "purge articles"
	where := `deleted_at IS NOT NULL AND deleted_at <= ?`
	args := []any{before.Unix()}
	if ids != nil {
		if len(ids) == 0 {
			return 0, nil
		}
		var in string
		in, args = idList(args, ids)
		where += ` AND id IN (` + in + `)`
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, wrapErr(op, err)
	}
	defer tx.Rollback()
	for _, table := range []string{"autosaves", "edit_presence"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE article_id IN (SELECT id FROM articles WHERE `+where+`)`, args...); err != nil {
			return 0, wrapErr(op, err)
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE `+where, args...)
	if err != nil {
		return 0, wrapErr(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrapErr(op, err)
	}
	return int(n), wrapErr(op, tx.Commit())
}

// Gone reports whether path was the address of a deleted article.
func (s *Store) Gone(ctx context.Context, path string) (bool, error) {
	var one int
	err := s.read().QueryRowContext(ctx, `SELECT 1 FROM gone_paths WHERE path = ?`, news.RedirectKey(path)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, wrapErr("look up a deleted address", err)
}
