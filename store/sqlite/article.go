package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sahafa/news"
)

// defaultListLimit is the page size when a filter or query sets none.
const defaultListLimit = 20

// maxScanLimit bounds one ScanArticles page.
const maxScanLimit = 1000

// querier is what *sql.DB, *sql.Tx and *sql.Conn have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// articleColumns are read by scanArticle, in this order, from articles a
// joined with sections s.
const articleColumns = `a.id, COALESCE(a.external_id, ''), a.source_url, a.source, a.slug, a.title,
	a.abstract, a.body, a.dateline, a.published_at, a.updated_at, a.url_date, s.id, s.slug, s.name`

const articleFrom = ` FROM articles a JOIN sections s ON s.id = a.section_id `

type scanner interface {
	Scan(dest ...any) error
}

func scanArticle(sc scanner, extra ...any) (news.Article, error) {
	var a news.Article
	var published, updated, day int64
	dest := []any{&a.ID, &a.ExternalID, &a.SourceURL, &a.Source, &a.Slug, &a.Title,
		&a.Abstract, &a.Body, &a.Dateline, &published, &updated, &day,
		&a.Section.ID, &a.Section.Slug, &a.Section.Name}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return news.Article{}, err
	}
	a.PublishedAt = fromUnix(published)
	a.UpdatedAt = fromUnix(updated)
	a.FirstPublished = fromUnix(day)
	return a, nil
}

func fromUnix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// urlDate is the unix second of the UTC midnight starting t's URL date.
func urlDate(t time.Time) int64 {
	return news.Article{PublishedAt: t}.URLDate().Unix()
}

// ceilUnix is t in unix seconds rounded up, so that "published_at < ceil(t)"
// keeps the articles stored (at second precision) before t.
func ceilUnix(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}

// queryArticles runs a query selecting articleColumns and loads the authors
// of the rows.
func queryArticles(ctx context.Context, q querier, query string, args ...any) ([]news.Article, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []news.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if err := loadAuthors(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// loadAuthors fills the Authors of a page of articles with one query.
func loadAuthors(ctx context.Context, q querier, articles []news.Article) error {
	if len(articles) == 0 {
		return nil
	}
	index := make(map[int64][]int, len(articles))
	ids := make([]int64, 0, len(articles))
	for i, a := range articles {
		if _, ok := index[a.ID]; !ok {
			ids = append(ids, a.ID)
		}
		index[a.ID] = append(index[a.ID], i)
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("encode article ids: %w", err)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT aa.article_id, au.id, au.slug, au.name
		FROM article_authors aa JOIN authors au ON au.id = aa.author_id
		WHERE aa.article_id IN (SELECT value FROM json_each(?))
		ORDER BY aa.article_id, aa.position`, string(list))
	if err != nil {
		return fmt.Errorf("load authors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var articleID int64
		var au news.Author
		if err := rows.Scan(&articleID, &au.ID, &au.Slug, &au.Name); err != nil {
			return fmt.Errorf("load authors: %w", err)
		}
		for _, i := range index[articleID] {
			articles[i].Authors = append(articles[i].Authors, au)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load authors: %w", err)
	}
	return nil
}

// readTx starts a read-only transaction on the reader pool, so that the
// queries of one call see one snapshot.
func (s *Store) readTx(ctx context.Context) (*sql.Tx, error) {
	return s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
}

// oneArticle returns the single article a WHERE clause selects.
func (s *Store) oneArticle(ctx context.Context, op, where string, args ...any) (news.Article, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return news.Article{}, wrapErr(op, err)
	}
	defer tx.Rollback()
	list, err := queryArticles(ctx, tx, `SELECT `+articleColumns+articleFrom+`WHERE `+where, args...)
	if err != nil {
		return news.Article{}, wrapErr(op, err)
	}
	if len(list) == 0 {
		return news.Article{}, nil
	}
	return list[0], nil
}

// Article returns the article with the given id.
func (s *Store) Article(ctx context.Context, id int64) (news.Article, error) {
	a, err := s.oneArticle(ctx, "get article", "a.id = ?", id)
	if err == nil && a.ID == 0 {
		err = news.Errorf(news.ENOTFOUND, "article %d not found", id)
	}
	return a, err
}

// ArticleByExternalID returns the article imported with the given id.
func (s *Store) ArticleByExternalID(ctx context.Context, externalID string) (news.Article, error) {
	if externalID == "" {
		return news.Article{}, news.Errorf(news.ENOTFOUND, "article with external id %q not found", externalID)
	}
	a, err := s.oneArticle(ctx, "get article by external id", "a.external_id = ?", externalID)
	if err == nil && a.ID == 0 {
		err = news.Errorf(news.ENOTFOUND, "article with external id %q not found", externalID)
	}
	return a, err
}

// ArticleByPath returns the article at /<sectionSlug>/<date>/<slug>. Only the
// calendar date of date (in its own location) counts.
func (s *Store) ArticleByPath(ctx context.Context, sectionSlug string, date time.Time, slug string) (news.Article, error) {
	day := time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, time.UTC).Unix()
	a, err := s.oneArticle(ctx, "get article by path",
		"s.slug = ? AND a.url_date = ? AND a.slug = ?", sectionSlug, day, slug)
	if err == nil && a.ID == 0 {
		err = news.Errorf(news.ENOTFOUND, "article %s/%s/%s not found",
			sectionSlug, date.Format(time.DateOnly), slug)
	}
	return a, err
}

// listLimit applies the default page size and the cap.
func listLimit(n int) int {
	switch {
	case n <= 0:
		return defaultListLimit
	case n > news.MaxListLimit:
		return news.MaxListLimit
	}
	return n
}

// filterSQL turns the filters shared by lists and search into a WHERE
// fragment (starting with " AND" when not empty) and its arguments.
func filterSQL(sectionSlug, authorSlug string, from, to time.Time) (string, []any) {
	var b strings.Builder
	var args []any
	if sectionSlug != "" {
		// A subquery, not s.slug: the conditions then name only articles
		// columns, so counts need no join and run on the indexes alone.
		b.WriteString(" AND a.section_id = (SELECT id FROM sections WHERE slug = ?)")
		args = append(args, sectionSlug)
	}
	if authorSlug != "" {
		b.WriteString(` AND a.id IN (SELECT aa.article_id FROM article_authors aa
			JOIN authors au ON au.id = aa.author_id WHERE au.slug = ?)`)
		args = append(args, authorSlug)
	}
	if !from.IsZero() {
		b.WriteString(" AND a.published_at >= ?")
		args = append(args, ceilUnix(from))
	}
	if !to.IsZero() {
		b.WriteString(" AND a.published_at < ?")
		args = append(args, ceilUnix(to))
	}
	return b.String(), args
}

// Articles returns one page of the articles the filter selects, newest first.
func (s *Store) Articles(ctx context.Context, f news.ArticleFilter) (news.ArticleList, error) {
	const op = "list articles"
	limit := listLimit(f.Limit)
	where, args := filterSQL(f.SectionSlug, f.AuthorSlug, f.From, f.To)

	tx, err := s.readTx(ctx)
	if err != nil {
		return news.ArticleList{}, wrapErr(op, err)
	}
	defer tx.Rollback()

	var list news.ArticleList
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles a WHERE 1`+where, args...).Scan(&list.Total); err != nil {
		return news.ArticleList{}, wrapErr(op, err)
	}

	page := where
	pageArgs := append([]any(nil), args...)
	offset := 0
	if f.After != nil {
		page += " AND (a.published_at, a.id) < (?, ?)"
		pageArgs = append(pageArgs, f.After.PublishedAt.Unix(), f.After.ID)
	} else if f.Offset > 0 {
		offset = f.Offset
	}
	pageArgs = append(pageArgs, limit+1, offset)
	articles, err := queryArticles(ctx, tx, `SELECT `+articleColumns+articleFrom+`WHERE 1`+page+`
		ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?`, pageArgs...)
	if err != nil {
		return news.ArticleList{}, wrapErr(op, err)
	}
	if len(articles) > limit {
		articles = articles[:limit]
		last := articles[limit-1]
		list.Next = &news.Cursor{PublishedAt: last.PublishedAt, ID: last.ID}
	}
	list.Articles = articles
	return list, nil
}

// ScanArticles returns up to limit articles (default 100, at most 1000)
// with id > afterID, by id.
func (s *Store) ScanArticles(ctx context.Context, afterID int64, limit int) ([]news.Article, error) {
	if limit <= 0 {
		limit = news.MaxListLimit
	}
	limit = min(limit, maxScanLimit)
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, wrapErr("scan articles", err)
	}
	defer tx.Rollback()
	list, err := queryArticles(ctx, tx, `SELECT `+articleColumns+articleFrom+`WHERE a.id > ? ORDER BY a.id LIMIT ?`, afterID, limit)
	return list, wrapErr("scan articles", err)
}

// validate checks the fields the schema needs; i is the record's index.
func validate(i int, r *news.ArticleRecord) error {
	switch {
	case strings.TrimSpace(r.Title) == "":
		return news.Errorf(news.EINVALID, "record %d: title is empty", i)
	case r.PublishedAt.IsZero():
		return news.Errorf(news.EINVALID, "record %d: published_at is not set", i)
	case strings.TrimSpace(r.Section.Slug) == "":
		return news.Errorf(news.EINVALID, "record %d: section slug is empty", i)
	case strings.TrimSpace(r.Slug) == "":
		return news.Errorf(news.EINVALID, "record %d: slug is empty", i)
	case r.ID < 0:
		return news.Errorf(news.EINVALID, "record %d: id is negative", i)
	}
	for j, au := range r.Authors {
		if strings.TrimSpace(au.Slug) == "" {
			return news.Errorf(news.EINVALID, "record %d: author %d: slug is empty", i, j)
		}
	}
	return nil
}

// SaveArticles creates or updates records in one transaction.
func (s *Store) SaveArticles(ctx context.Context, records []news.ArticleRecord) (news.SaveResult, error) {
	const op = "save articles"
	for i := range records {
		if err := validate(i, &records[i]); err != nil {
			return news.SaveResult{}, err
		}
	}
	if len(records) == 0 {
		return news.SaveResult{}, nil
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return news.SaveResult{}, wrapErr(op, err)
	}
	defer tx.Rollback()

	sv, err := newSaver(ctx, tx)
	if err != nil {
		return news.SaveResult{}, wrapErr(op, err)
	}
	defer sv.close()

	res := news.SaveResult{IDs: make([]int64, len(records)), Created: make([]bool, len(records))}
	now := time.Now().Unix()
	for i := range records {
		id, created, err := sv.save(ctx, &records[i], now)
		if err != nil {
			return news.SaveResult{}, wrapErr(fmt.Sprintf("%s: record %d", op, i), err)
		}
		res.IDs[i], res.Created[i] = id, created
	}
	if err := tx.Commit(); err != nil {
		return news.SaveResult{}, wrapErr(op, err)
	}
	return res, nil
}

// saver holds the statements of one SaveArticles transaction, prepared once.
type saver struct {
	stmts []*sql.Stmt

	upsertSection, upsertAuthor    *sql.Stmt
	byExternalID, byID, slugsTaken *sql.Stmt
	insertArticle, updateArticle   *sql.Stmt
	deleteSearch, insertSearch     *sql.Stmt
	deleteAuthors, insertAuthor    *sql.Stmt
	deleteRelated                  *sql.Stmt
	sections, authors              map[string]namedID
}

type namedID struct {
	id   int64
	name string
}

// The section and author upserts keep a stored name when the record has
// none, and name a new row after its slug in that case.
const (
	upsertSectionSQL = `INSERT INTO sections (slug, name) VALUES (?1, CASE WHEN ?2 <> '' THEN ?2 ELSE ?1 END)
		ON CONFLICT (slug) DO UPDATE SET name = CASE WHEN ?2 <> '' THEN ?2 ELSE sections.name END
		RETURNING id`
	upsertAuthorSQL = `INSERT INTO authors (slug, name) VALUES (?1, CASE WHEN ?2 <> '' THEN ?2 ELSE ?1 END)
		ON CONFLICT (slug) DO UPDATE SET name = CASE WHEN ?2 <> '' THEN ?2 ELSE authors.name END
		RETURNING id`
	// slugsTakenSQL lists the slugs of other articles on the same section and
	// URL date that equal ?3 or extend it with "-…", with an index range scan.
	slugsTakenSQL = `SELECT slug FROM articles
		WHERE section_id = ?1 AND url_date = ?2 AND id <> ?4
		AND (slug = ?3 OR (slug > ?3 || '-' AND slug < ?3 || '.'))`
	insertArticleSQL = `INSERT INTO articles (external_id, source_url, source, section_id, url_date, slug,
		title, abstract, body, dateline, published_at, updated_at)
		VALUES (NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	updateArticleSQL = `UPDATE articles SET external_id = NULLIF(?, ''), source_url = ?, source = ?,
		section_id = ?, url_date = ?, slug = ?, title = ?, abstract = ?, body = ?, dateline = ?,
		published_at = ?, updated_at = ? WHERE id = ?`
	// An article's URL date is the date of its first publication: an
	// update that moves published_at keeps its URL.
	existingSQL = `SELECT id, url_date FROM articles WHERE `
)

func newSaver(ctx context.Context, tx *sql.Tx) (*saver, error) {
	sv := &saver{sections: map[string]namedID{}, authors: map[string]namedID{}}
	prep := func(dst **sql.Stmt, query string) error {
		st, err := tx.PrepareContext(ctx, query)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		sv.stmts = append(sv.stmts, st)
		*dst = st
		return nil
	}
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&sv.upsertSection, upsertSectionSQL},
		{&sv.upsertAuthor, upsertAuthorSQL},
		{&sv.byExternalID, existingSQL + `external_id = ?`},
		{&sv.byID, existingSQL + `id = ?`},
		{&sv.slugsTaken, slugsTakenSQL},
		{&sv.insertArticle, insertArticleSQL},
		{&sv.updateArticle, updateArticleSQL},
		{&sv.deleteSearch, `DELETE FROM article_search WHERE rowid = ?`},
		{&sv.insertSearch, `INSERT INTO article_search (rowid, title, body) VALUES (?, ?, ?)`},
		{&sv.deleteAuthors, `DELETE FROM article_authors WHERE article_id = ?`},
		{&sv.deleteRelated, `DELETE FROM related WHERE article_id = ?`},
		{&sv.insertAuthor, `INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)`},
	} {
		if err := prep(p.dst, p.query); err != nil {
			sv.close()
			return nil, err
		}
	}
	return sv, nil
}

func (sv *saver) close() {
	for _, st := range sv.stmts {
		st.Close()
	}
}

// named finds or creates a section or author by slug, once per transaction
// unless a later record gives it another name.
func named(ctx context.Context, st *sql.Stmt, cache map[string]namedID, slug, name string) (int64, error) {
	if c, ok := cache[slug]; ok && (name == "" || name == c.name) {
		return c.id, nil
	}
	var id int64
	if err := st.QueryRowContext(ctx, slug, name).Scan(&id); err != nil {
		return 0, err
	}
	cache[slug] = namedID{id: id, name: name}
	return id, nil
}

// existing returns the id and URL date of the stored article r updates,
// or zeros.
func (sv *saver) existing(ctx context.Context, r *news.ArticleRecord) (id, day int64, err error) {
	if r.ExternalID != "" {
		err := sv.byExternalID.QueryRowContext(ctx, r.ExternalID).Scan(&id, &day)
		if err == nil {
			return id, day, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, 0, fmt.Errorf("find by external id: %w", err)
		}
	}
	if r.ID > 0 {
		err := sv.byID.QueryRowContext(ctx, r.ID).Scan(&id, &day)
		if err == nil {
			return id, day, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, 0, fmt.Errorf("find by id: %w", err)
		}
	}
	return 0, 0, nil
}

// freeSlug returns slug, or slug-2, slug-3… when another article already
// uses it on the same section and URL date.
func (sv *saver) freeSlug(ctx context.Context, sectionID, day int64, slug string, self int64) (string, error) {
	rows, err := sv.slugsTaken.QueryContext(ctx, sectionID, day, slug, self)
	if err != nil {
		return "", fmt.Errorf("check slug: %w", err)
	}
	defer rows.Close()
	taken := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "", fmt.Errorf("check slug: %w", err)
		}
		taken[s] = true
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("check slug: %w", err)
	}
	if !taken[slug] {
		return slug, nil
	}
	for n := 2; ; n++ {
		if c := slug + "-" + strconv.Itoa(n); !taken[c] {
			return c, nil
		}
	}
}

func (sv *saver) save(ctx context.Context, r *news.ArticleRecord, now int64) (int64, bool, error) {
	sectionID, err := named(ctx, sv.upsertSection, sv.sections, r.Section.Slug, r.Section.Name)
	if err != nil {
		return 0, false, fmt.Errorf("section %q: %w", r.Section.Slug, err)
	}
	id, day, err := sv.existing(ctx, r)
	if err != nil {
		return 0, false, err
	}
	if id == 0 {
		day = urlDate(r.PublishedAt)
		if !r.FirstPublished.IsZero() {
			day = urlDate(r.FirstPublished) // a copy from another store keeps its URL
		}
	}
	slug, err := sv.freeSlug(ctx, sectionID, day, r.Slug, id)
	if err != nil {
		return 0, false, err
	}
	updated := now
	if !r.UpdatedAt.IsZero() {
		updated = r.UpdatedAt.Unix()
	}
	args := []any{r.ExternalID, r.SourceURL, r.Source, sectionID, day, slug,
		r.Title, r.Abstract, r.Body, r.Dateline, r.PublishedAt.Unix(), updated}

	created := id == 0
	if created {
		res, err := sv.insertArticle.ExecContext(ctx, args...)
		if err != nil {
			return 0, false, fmt.Errorf("insert article: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return 0, false, fmt.Errorf("insert article: %w", err)
		}
	} else {
		if _, err := sv.updateArticle.ExecContext(ctx, append(args, id)...); err != nil {
			return 0, false, fmt.Errorf("update article %d: %w", id, err)
		}
		if _, err := sv.deleteSearch.ExecContext(ctx, id); err != nil {
			return 0, false, fmt.Errorf("unindex article %d: %w", id, err)
		}
		if _, err := sv.deleteAuthors.ExecContext(ctx, id); err != nil {
			return 0, false, fmt.Errorf("clear authors of article %d: %w", id, err)
		}
		// The text changed, so the "you may also read" list is recomputed.
		if _, err := sv.deleteRelated.ExecContext(ctx, id); err != nil {
			return 0, false, fmt.Errorf("clear related of article %d: %w", id, err)
		}
	}
	if _, err := sv.insertSearch.ExecContext(ctx, id, r.SearchTitle, r.SearchBody); err != nil {
		return 0, false, fmt.Errorf("index article %d: %w", id, err)
	}
	seen := make(map[string]bool, len(r.Authors))
	pos := 0
	for _, au := range r.Authors {
		if seen[au.Slug] {
			continue
		}
		seen[au.Slug] = true
		authorID, err := named(ctx, sv.upsertAuthor, sv.authors, au.Slug, au.Name)
		if err != nil {
			return 0, false, fmt.Errorf("author %q: %w", au.Slug, err)
		}
		if _, err := sv.insertAuthor.ExecContext(ctx, id, authorID, pos); err != nil {
			return 0, false, fmt.Errorf("credit author %q: %w", au.Slug, err)
		}
		pos++
	}
	return id, created, nil
}
