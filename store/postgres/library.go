package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/arabic"
	"sahafa/news"
)

// authorSelect reads an author with their profile; authorBySlugSQL finds
// one by their slug or by a slug that leads to them (an earlier one, or
// that of an author merged into them).
const (
	authorSelect    = `SELECT a.id, a.slug, a.name, a.profile FROM authors a `
	authorBySlugSQL = `(` + authorSelect + `WHERE a.slug = $1)
		UNION ALL (` + authorSelect + `JOIN author_aliases al ON al.author_id = a.id
		WHERE al.kind = 'slug' AND al.value = $1) LIMIT 1`
)

func scanAuthor(row pgx.Row) (news.Author, error) {
	var au news.Author
	var profile string
	if err := row.Scan(&au.ID, &au.Slug, &au.Name, &profile); err != nil {
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
	var au news.Author
	err := s.read(ctx, "get author", func(ctx context.Context, c querier) error {
		var err error
		au, err = scanAuthor(c.QueryRow(ctx, authorBySlugSQL, slug))
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "author %q not found", slug)
		}
		return err
	})
	return au, err
}

// Author returns one author with their profile.
func (s *Store) Author(ctx context.Context, id int64) (news.Author, error) {
	var au news.Author
	err := s.read(ctx, "get author", func(ctx context.Context, c querier) error {
		var err error
		au, err = authorByID(ctx, c, id)
		return err
	})
	return au, err
}

func authorByID(ctx context.Context, c querier, id int64) (news.Author, error) {
	au, err := scanAuthor(c.QueryRow(ctx, authorSelect+`WHERE a.id = $1`, id))
	if isNoRows(err) {
		return news.Author{}, news.Errorf(news.ENOTFOUND, "author %d not found", id)
	}
	return au, err
}

// Authors lists the author directory by name.
func (s *Store) Authors(ctx context.Context, f news.AuthorFilter) ([]news.AuthorStats, int, error) {
	var p params
	where := "WHERE true"
	if q := arabic.Normalize(f.Query); q != "" {
		where += ` AND a.name_key LIKE ` + p.add(news.LikePattern(q))
	}
	if f.Duplicates {
		where += ` AND a.name_key IN (SELECT name_key FROM authors GROUP BY name_key HAVING count(*) > 1)`
	}
	var out []news.AuthorStats
	var total int
	err := s.readTx(ctx, "list authors", func(ctx context.Context, tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM authors a `+where, p...).Scan(&total); err != nil {
			return err
		}
		pp := append(params(nil), p...)
		rows, err := tx.Query(ctx, `SELECT a.id, a.slug, a.name, a.profile, a.name_key,
			(SELECT count(*) FROM article_authors aa WHERE aa.author_id = a.id)
			FROM authors a `+where+` ORDER BY a.name_key, a.id LIMIT `+pp.add(listLimit(f.Limit))+` OFFSET `+pp.add(max(f.Offset, 0)), pp...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var st news.AuthorStats
			var profile string
			if err := rows.Scan(&st.ID, &st.Slug, &st.Name, &profile, &st.Key, &st.Articles); err != nil {
				return err
			}
			if err := news.DecodeAuthorProfile(profile, &st.Profile); err != nil {
				return err
			}
			out = append(out, st)
		}
		return rows.Err()
	})
	return out, total, err
}

// SaveAuthor saves an author's name, slug and profile; the old slug and
// name keep leading to them.
func (s *Store) SaveAuthor(ctx context.Context, a news.Author) (news.Author, error) {
	a.Name, a.Slug = strings.TrimSpace(a.Name), strings.TrimSpace(a.Slug)
	if a.Name == "" || a.Slug == "" {
		return news.Author{}, news.Errorf(news.EINVALID, "an author needs a name and a slug")
	}
	profile, err := news.EncodeAuthorProfile(a.Profile)
	if err != nil {
		return news.Author{}, err
	}
	key := arabic.Normalize(a.Name)
	err = s.writeTx(ctx, "save author", func(ctx context.Context, tx pgx.Tx) error {
		if err := lockAuthors(ctx, tx); err != nil {
			return err
		}
		old, err := authorByID(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		if a.Slug != old.Slug {
			var other int64
			err := tx.QueryRow(ctx, `SELECT id FROM authors WHERE slug = $1 AND id <> $2
				UNION ALL SELECT author_id FROM author_aliases WHERE kind = 'slug' AND value = $1 AND author_id <> $2`,
				a.Slug, a.ID).Scan(&other)
			if err == nil {
				return news.Errorf(news.ECONFLICT, "the address %q leads to another author", a.Slug)
			}
			if !isNoRows(err) {
				return err
			}
			if err := putAlias(ctx, tx, "slug", old.Slug, a.ID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM author_aliases WHERE kind = 'slug' AND value = $1`, a.Slug); err != nil {
				return err
			}
		}
		if oldKey := arabic.Normalize(old.Name); oldKey != key {
			if err := putAlias(ctx, tx, "key", oldKey, a.ID); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE authors SET name = $1, slug = $2, name_key = $3, profile = $4 WHERE id = $5`,
			a.Name, a.Slug, key, profile, a.ID)
		return err
	})
	if err != nil {
		return news.Author{}, err
	}
	return a, nil
}

// lockAuthors serializes the changes to the author directory with the
// saves that create authors (they take the same write lock), so that a
// byline never lands on an author being merged away.
func lockAuthors(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`, lockWrite)
	return err
}

func putAlias(ctx context.Context, tx pgx.Tx, kind, value string, authorID int64) error {
	if value == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO author_aliases (kind, value, author_id) VALUES ($1, $2, $3)
		ON CONFLICT (kind, value) DO UPDATE SET author_id = excluded.author_id`, kind, value, authorID)
	return err
}

// MergeAuthors moves from's bylines to into and deletes from; from's
// name, slug and aliases lead to into from then on.
func (s *Store) MergeAuthors(ctx context.Context, into, from int64) error {
	if into == from {
		return news.Errorf(news.EINVALID, "an author cannot be merged into themselves")
	}
	return s.writeTx(ctx, "merge authors", func(ctx context.Context, tx pgx.Tx) error {
		if err := lockAuthors(ctx, tx); err != nil {
			return err
		}
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
			{`UPDATE article_authors SET author_id = $1 WHERE author_id = $2
				AND article_id NOT IN (SELECT article_id FROM article_authors WHERE author_id = $1)`, []any{into, from}},
			{`UPDATE author_aliases SET author_id = $1 WHERE author_id = $2`, []any{into, from}},
			{`DELETE FROM authors WHERE id = $1`, []any{from}},
			{`UPDATE authors SET profile = $1 WHERE id = $2`, []any{profile, into}},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		if err := putAlias(ctx, tx, "slug", gone.Slug, into); err != nil {
			return err
		}
		return putAlias(ctx, tx, "key", arabic.Normalize(gone.Name), into)
	})
}

// upsertAuthors finds the authors of a batch's bylines (names by slug) by
// normalized name, their own or one merged into them, and creates the
// others, one per normalized name: "أحمد" and "احمد" are one person. It
// returns their ids by slug. The caller holds the write lock.
func upsertAuthors(ctx context.Context, tx pgx.Tx, names map[string]string) (map[string]int64, error) {
	ids := make(map[string]int64, len(names))
	if len(names) == 0 {
		return ids, nil
	}
	slugs := make([]string, 0, len(names))
	for slug := range names {
		slugs = append(slugs, slug)
	}
	slices.Sort(slugs)
	keyOf := make(map[string]string, len(names))
	var keys []string
	for _, slug := range slugs {
		k := arabic.Normalize(names[slug])
		if k == "" {
			k = arabic.Normalize(slug)
		}
		keyOf[slug] = k
		keys = append(keys, k)
	}
	byKey := map[string]int64{}
	rows, err := tx.Query(ctx, `SELECT name_key, min(id) FROM authors WHERE name_key = ANY($1) GROUP BY name_key
		UNION ALL SELECT value, author_id FROM author_aliases WHERE kind = 'key' AND value = ANY($1)`, keys)
	if err != nil {
		return nil, fmt.Errorf("find authors: %w", err)
	}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("find authors: %w", err)
		}
		if _, ok := byKey[k]; !ok { // an author's own name before an alias
			byKey[k] = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find authors: %w", err)
	}
	// One new row per new key, under the first slug that names it.
	var newSlugs, newNames, newKeys []string
	queued := map[string]bool{}
	for _, slug := range slugs {
		k := keyOf[slug]
		if _, ok := byKey[k]; ok || queued[k] {
			continue
		}
		queued[k] = true
		newSlugs, newNames, newKeys = append(newSlugs, slug), append(newNames, cmpOr(names[slug], slug)), append(newKeys, k)
	}
	if len(newSlugs) > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO authors (slug, name, name_key)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (slug) DO NOTHING`,
			newSlugs, newNames, newKeys); err != nil {
			return nil, fmt.Errorf("create authors: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT slug, id FROM authors WHERE slug = ANY($1)`, newSlugs)
		if err != nil {
			return nil, fmt.Errorf("create authors: %w", err)
		}
		bySlug := map[string]int64{}
		for rows.Next() {
			var slug string
			var id int64
			if err := rows.Scan(&slug, &id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("create authors: %w", err)
			}
			bySlug[slug] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("create authors: %w", err)
		}
		for i, slug := range newSlugs {
			byKey[newKeys[i]] = bySlug[slug]
		}
	}
	for _, slug := range slugs {
		id := byKey[keyOf[slug]]
		if id == 0 {
			return nil, fmt.Errorf("author %q was neither found nor created", slug)
		}
		ids[slug] = id
	}
	return ids, nil
}

// fillNameKeys computes the normalized name of the authors stored before
// name_key existed, or restored without it: Normalize is Go, not SQL.
func fillNameKeys(ctx context.Context, c querier) error {
	rows, err := c.Query(ctx, `SELECT id, name FROM authors WHERE name_key = ''`)
	if err != nil {
		return fmt.Errorf("fill author name keys: %w", err)
	}
	var ids []int64
	var keys []string
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return fmt.Errorf("fill author name keys: %w", err)
		}
		ids, keys = append(ids, id), append(keys, arabic.Normalize(name))
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return err
	}
	_, err = c.Exec(ctx, `UPDATE authors a SET name_key = x.k FROM unnest($1::bigint[], $2::text[]) AS x(id, k)
		WHERE a.id = x.id`, ids, keys)
	if err != nil {
		return fmt.Errorf("fill author name keys: %w", err)
	}
	return nil
}

// TrashArticle puts an article in the trash, or takes it out (zero at).
func (s *Store) TrashArticle(ctx context.Context, id int64, at time.Time, ev news.Event) error {
	return s.writeTx(ctx, "trash article", func(ctx context.Context, tx pgx.Tx) error {
		list, err := queryArticles(ctx, tx, `SELECT `+articleColumns+articleFrom+`WHERE a.id = $1 FOR UPDATE OF a`, id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return news.Errorf(news.ENOTFOUND, "article %d not found", id)
		}
		a := list[0]
		if err := news.CheckTrash(a, at); err != nil {
			return err
		}
		paths := []string{news.RedirectKey(a.Path())}
		rows, err := tx.Query(ctx, `SELECT path FROM redirects WHERE article_id = $1`, id)
		if err != nil {
			return err
		}
		more, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		paths = append(paths, more...)
		if at.IsZero() {
			if _, err := tx.Exec(ctx, `UPDATE articles SET deleted_at = NULL WHERE id = $1`, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM gone_paths WHERE path = ANY($1)`, paths); err != nil {
				return err
			}
		} else {
			if _, err := tx.Exec(ctx, `UPDATE articles SET deleted_at = $1 WHERE id = $2`, second(at), id); err != nil {
				return err
			}
			if a.EverPublished {
				if _, err := tx.Exec(ctx, `INSERT INTO gone_paths (path, at) SELECT DISTINCT p, $2::timestamptz FROM unnest($1::text[]) AS p
					ON CONFLICT (path) DO UPDATE SET at = excluded.at`, paths, second(at)); err != nil {
					return err
				}
			}
		}
		if ev.At.IsZero() {
			ev.At = time.Now()
		}
		_, err = tx.Exec(ctx, insertEventSQL, id, second(ev.At), ev.UserID, ev.UserName, ev.Action,
			string(ev.From), string(ev.To), ev.Note)
		return err
	})
}

// PurgeArticles deletes articles trashed at or before before, with
// everything that hangs on them (by ON DELETE CASCADE; autosaves and
// presence by hand, as they have no foreign key).
func (s *Store) PurgeArticles(ctx context.Context, ids []int64, before time.Time) (int, error) {
	if ids != nil && len(ids) == 0 {
		return 0, nil
	}
	const where = `deleted_at IS NOT NULL AND deleted_at <= $1 AND ($2::bigint[] IS NULL OR id = ANY($2))`
	// The hourly sweep finds nothing most of the time: a write transaction
	// would notify every server and empty their page caches for nothing.
	var due bool
	if err := s.query(ctx, "purge articles", func(ctx context.Context, c querier) error {
		return c.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE `+where+`)`, before, ids).Scan(&due)
	}); err != nil || !due {
		return 0, err
	}
	var n int
	err := s.writeTx(ctx, "purge articles", func(ctx context.Context, tx pgx.Tx) error {
		for _, table := range []string{"autosaves", "edit_presence"} {
			// table is a constant, never input.
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE article_id IN (SELECT id FROM articles WHERE `+where+`)`,
				before, ids); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `DELETE FROM articles WHERE `+where, before, ids)
		n = int(tag.RowsAffected())
		return err
	})
	return n, err
}

// Gone reports whether path was the address of a deleted article.
func (s *Store) Gone(ctx context.Context, path string) (bool, error) {
	var gone bool
	err := s.read(ctx, "look up a deleted address", func(ctx context.Context, c querier) error {
		return c.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM gone_paths WHERE path = $1)`, news.RedirectKey(path)).Scan(&gone)
	})
	return gone, err
}
