package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"sahafa/arabic"
	"sahafa/news"
)

// defaultListLimit is the page size when a filter or query sets none.
const defaultListLimit = 20

// maxScanLimit bounds one ScanArticles page.
const maxScanLimit = 1000

// publicSQL is the condition readers' queries add: only published
// articles. It is written as a literal (never a bound parameter) so that
// SQLite can use the partial indexes declared WHERE status = 'published'.
const publicSQL = ` AND a.status = 'published'`

// querier is what *sql.DB, *sql.Tx and *sql.Conn have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// articleColumns are read by scanArticle, in this order, from articles a
// joined with sections s.
const articleColumns = `a.id, COALESCE(a.external_id, ''), a.source_url, a.source, a.slug, a.title,
	a.abstract, a.body, a.dateline, a.published_at, a.updated_at, a.url_date, s.id, s.slug, s.name,
	a.status, a.version, a.time_set, a.ever_published, COALESCE(a.created_by, 0), a.image, a.body_source,
	a.seo, COALESCE(a.deleted_at, 0)`

const articleFrom = ` FROM articles a JOIN sections s ON s.id = a.section_id `

type scanner interface {
	Scan(dest ...any) error
}

func scanArticle(sc scanner, extra ...any) (news.Article, error) {
	var a news.Article
	var published, updated, day, deleted int64
	var image, seo string
	dest := []any{&a.ID, &a.ExternalID, &a.SourceURL, &a.Source, &a.Slug, &a.Title,
		&a.Abstract, &a.Body, &a.Dateline, &published, &updated, &day,
		&a.Section.ID, &a.Section.Slug, &a.Section.Name,
		&a.Status, &a.Version, &a.TimeSet, &a.EverPublished, &a.CreatedBy, &image, &a.BodySource,
		&seo, &deleted}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return news.Article{}, err
	}
	a.PublishedAt = fromUnix(published)
	a.UpdatedAt = fromUnix(updated)
	a.FirstPublished = fromUnix(day)
	if deleted != 0 {
		a.DeletedAt = fromUnix(deleted)
	}
	if err := news.DecodeSEO(seo, &a.SEO); err != nil {
		return news.Article{}, fmt.Errorf("article %d: %w", a.ID, err)
	}
	if image != "" {
		a.Image = new(news.Image)
		if err := json.Unmarshal([]byte(image), a.Image); err != nil {
			return news.Article{}, fmt.Errorf("article %d: lead image: %w", a.ID, err)
		}
	}
	return a, nil
}

// imageJSON is the stored form of a lead image: JSON, or "" for none.
func imageJSON(img *news.Image) (string, error) {
	if img == nil || img.URL == "" {
		return "", nil
	}
	b, err := json.Marshal(img)
	if err != nil {
		return "", fmt.Errorf("encode lead image: %w", err)
	}
	return string(b), nil
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
// and tags of the rows.
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
	if err := loadAuthorsAndTags(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// loadAuthorsAndTags fills the Authors and Tags of a page of articles with
// one query each.
func loadAuthorsAndTags(ctx context.Context, q querier, articles []news.Article) error {
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
	// One query for both: each row is an author (kind 0) or a tag (kind 1).
	rows, err := q.QueryContext(ctx, `
		SELECT 0, aa.article_id, aa.position, au.id, au.slug, au.name
		FROM article_authors aa JOIN authors au ON au.id = aa.author_id
		WHERE aa.article_id IN (SELECT value FROM json_each(?1))
		UNION ALL
		SELECT 1, at.article_id, at.position, t.id, t.slug, t.name
		FROM article_tags at JOIN tags t ON t.id = at.tag_id
		WHERE at.article_id IN (SELECT value FROM json_each(?1))
		ORDER BY 1, 2, 3`, string(list))
	if err != nil {
		return fmt.Errorf("load authors and tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, articleID, id int64
		var pos int
		var slug, name string
		if err := rows.Scan(&kind, &articleID, &pos, &id, &slug, &name); err != nil {
			return fmt.Errorf("load authors and tags: %w", err)
		}
		for _, i := range index[articleID] {
			if kind == 0 {
				articles[i].Authors = append(articles[i].Authors, news.Author{ID: id, Slug: slug, Name: name})
			} else {
				articles[i].Tags = append(articles[i].Tags, news.Tag{ID: id, Slug: slug, Name: name})
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load authors and tags: %w", err)
	}
	return nil
}

// loadCorrections fills the Corrections of one article.
func loadCorrections(ctx context.Context, q querier, a *news.Article) error {
	rows, err := q.QueryContext(ctx, `SELECT id, at, text, COALESCE(user_id, 0) FROM corrections
		WHERE article_id = ? ORDER BY at, id`, a.ID)
	if err != nil {
		return fmt.Errorf("load corrections: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c := news.Correction{ArticleID: a.ID}
		var at int64
		if err := rows.Scan(&c.ID, &at, &c.Text, &c.UserID); err != nil {
			return fmt.Errorf("load corrections: %w", err)
		}
		c.At = fromUnix(at)
		a.Corrections = append(a.Corrections, c)
	}
	return rows.Err()
}

// readTx starts a read-only transaction on the reader pool, so that the
// queries of one call see one snapshot. Its queries use the reader pool's
// prepared statements.
func (s *Store) readTx(ctx context.Context) (readTx, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	return readTx{Tx: tx, stmts: &s.stmts}, err
}

// readTx is a read transaction whose queries run as statements prepared
// once per reader connection: parsing the SQL took 40% of an article
// page's time (the query of authors and tags most of all), and
// database/sql prepares afresh for every QueryContext.
type readTx struct {
	*sql.Tx
	stmts *stmtCache
}

func (t readTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmts.get(ctx, query, true); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t readTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmts.get(ctx, query, true); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// read is the reader pool for queries outside a transaction, through the
// prepared statements.
func (s *Store) read() cachedDB { return cachedDB{s.r, &s.stmts} }

type cachedDB struct {
	db    *sql.DB
	stmts *stmtCache
}

func (c cachedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmts.get(ctx, query, false); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c cachedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmts.get(ctx, query, false); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// stmtCache holds statements prepared on the reader pool, by query text.
// Query texts are finite (filters combine into a few dozen), but the cache
// stops growing at maxCachedStmts all the same.
type stmtCache struct {
	db        *sql.DB
	mu        sync.Mutex
	stmts     map[string]*sql.Stmt
	preparing map[string]bool
	// background counts the prepares running on their own, which Store.Close
	// waits for: one still holding a connection after the pool closed would
	// close it (and SQLite its -wal and -shm files) after Close returned.
	background sync.WaitGroup
}

const maxCachedStmts = 256

// get returns the prepared statement of query, or nil when it is not
// prepared yet (the caller then runs the query as text). Preparing takes a
// connection of the pool: inside a transaction, which holds one already,
// waiting for another could deadlock when every connection is held, so
// there the statement is prepared in the background for the next call.
func (c *stmtCache) get(ctx context.Context, query string, inTx bool) *sql.Stmt {
	c.mu.Lock()
	st, ok := c.stmts[query]
	if ok || c.preparing[query] || len(c.stmts)+len(c.preparing) >= maxCachedStmts || c.stmts == nil {
		c.mu.Unlock()
		return st
	}
	c.preparing[query] = true
	c.mu.Unlock()
	if inTx {
		c.background.Add(1)
		go func() {
			defer c.background.Done()
			c.prepare(context.WithoutCancel(ctx), query)
		}()
		return nil
	}
	return c.prepare(ctx, query)
}

func (c *stmtCache) prepare(ctx context.Context, query string) *sql.Stmt {
	st, err := c.db.PrepareContext(ctx, query)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.preparing, query)
	if err != nil || c.stmts == nil { // a failed prepare, or the store closed meanwhile
		if st != nil {
			st.Close()
		}
		return nil
	}
	c.stmts[query] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
}

// oneArticle returns the single article a WHERE clause selects, with its
// corrections, or a zero Article when there is none.
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
	a := list[0]
	if err := loadCorrections(ctx, tx, &a); err != nil {
		return news.Article{}, wrapErr(op, err)
	}
	return a, nil
}

// Article returns the published article with the given id.
func (s *Store) Article(ctx context.Context, id int64) (news.Article, error) {
	a, err := s.oneArticle(ctx, "get article", "a.id = ?"+publicSQL, id)
	if err == nil && a.ID == 0 {
		err = news.Errorf(news.ENOTFOUND, "article %d not found", id)
	}
	return a, err
}

// EditorialArticle returns the article with the given id, whatever its
// status.
func (s *Store) EditorialArticle(ctx context.Context, id int64) (news.Article, error) {
	a, err := s.oneArticle(ctx, "get article", "a.id = ?", id)
	if err == nil && a.ID == 0 {
		err = news.Errorf(news.ENOTFOUND, "article %d not found", id)
	}
	return a, err
}

// ArticleByExternalID returns the article imported with the given id,
// whatever its status.
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

// ArticleByPath returns the published article at /<sectionSlug>/<date>/<slug>.
// Only the calendar date of date (in its own location) counts.
func (s *Store) ArticleByPath(ctx context.Context, sectionSlug string, date time.Time, slug string) (news.Article, error) {
	day := time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, time.UTC).Unix()
	a, err := s.oneArticle(ctx, "get article by path",
		"s.slug = ? AND a.url_date = ? AND a.slug = ?"+publicSQL, sectionSlug, day, slug)
	if err == nil && a.ID == 0 {
		err = news.Errorf(news.ENOTFOUND, "article %s/%s/%s not found",
			sectionSlug, date.Format(time.DateOnly), slug)
	}
	return a, err
}

// ArticleByOldPath returns the published article an old path redirects to.
func (s *Store) ArticleByOldPath(ctx context.Context, path string) (news.Article, error) {
	a, err := s.oneArticle(ctx, "get article by old path",
		"a.id = (SELECT article_id FROM redirects WHERE path = ?)"+publicSQL, news.RedirectKey(path))
	if err == nil && a.ID == 0 {
		err = news.Errorf(news.ENOTFOUND, "no redirect from %q", path)
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

// filters are the conditions shared by lists and search.
type filters struct {
	section, author, tag string
	from, to             time.Time
}

// sql turns the filters into a WHERE fragment (starting with " AND" when
// not empty) and its arguments.
func (f filters) sql() (string, []any) {
	var b strings.Builder
	var args []any
	if f.section != "" {
		// A subquery, not s.slug: the conditions then name only articles
		// columns, so counts need no join and run on the indexes alone.
		b.WriteString(" AND a.section_id = (SELECT id FROM sections WHERE slug = ?)")
		args = append(args, f.section)
	}
	if f.author != "" {
		b.WriteString(` AND a.id IN (SELECT aa.article_id FROM article_authors aa
			JOIN authors au ON au.id = aa.author_id WHERE au.slug = ?)`)
		args = append(args, f.author)
	}
	if f.tag != "" {
		b.WriteString(` AND a.id IN (SELECT at.article_id FROM article_tags at
			JOIN tags t ON t.id = at.tag_id WHERE t.slug = ?)`)
		args = append(args, f.tag)
	}
	if !f.from.IsZero() {
		b.WriteString(" AND a.published_at >= ?")
		args = append(args, ceilUnix(f.from))
	}
	if !f.to.IsZero() {
		b.WriteString(" AND a.published_at < ?")
		args = append(args, ceilUnix(f.to))
	}
	return b.String(), args
}

// statusSQL is the condition keeping the given statuses ("" for all).
func statusSQL(statuses []news.Status) (string, []any) {
	if len(statuses) == 0 {
		return "", nil
	}
	args := make([]any, len(statuses))
	for i, st := range statuses {
		args[i] = string(st)
	}
	return " AND a.status IN (?" + strings.Repeat(",?", len(statuses)-1) + ")", args
}

// Articles returns one page of the published articles the filter selects,
// newest first.
func (s *Store) Articles(ctx context.Context, f news.ArticleFilter) (news.ArticleList, error) {
	const op = "list articles"
	limit := listLimit(f.Limit)
	where, args := filters{f.SectionSlug, f.AuthorSlug, f.TagSlug, f.From, f.To}.sql()
	where = publicSQL + where

	tx, err := s.readTx(ctx)
	if err != nil {
		return news.ArticleList{}, wrapErr(op, err)
	}
	defer tx.Rollback()

	var list news.ArticleList
	switch {
	case f.NoTotal:
	case f.SectionSlug != "" && f.AuthorSlug == "" && f.TagSlug == "" && f.From.IsZero() && f.To.IsZero():
		// A section's pages: the count kept with the section (migration 00015).
		err := tx.QueryRowContext(ctx, `SELECT published FROM sections WHERE slug = ?`, f.SectionSlug).Scan(&list.Total)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return news.ArticleList{}, wrapErr(op, err)
		}
	default:
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles a WHERE 1`+where, args...).Scan(&list.Total); err != nil {
			return news.ArticleList{}, wrapErr(op, err)
		}
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

// EditorialArticles returns one page of the articles the newsroom filter
// selects, whatever their status.
func (s *Store) EditorialArticles(ctx context.Context, f news.EditorialFilter) (news.ArticleList, error) {
	const op = "list newsroom articles"
	limit := listLimit(f.Limit)
	where, args := filters{section: f.SectionSlug, author: f.AuthorSlug}.sql()
	if st, sargs := statusSQL(f.Statuses); st != "" {
		where += st
		args = append(args, sargs...)
	}
	if f.CreatedBy > 0 {
		where += " AND a.created_by = ?"
		args = append(args, f.CreatedBy)
	}
	order := "a.updated_at DESC, a.id DESC"
	if f.Trash {
		where += " AND a.deleted_at IS NOT NULL"
		order = "a.deleted_at DESC, a.id DESC"
	} else {
		where += " AND a.deleted_at IS NULL"
	}
	if f.ByPublished && !f.Trash {
		order = "a.published_at DESC, a.id DESC"
		if f.Ascending {
			order = "a.published_at, a.id"
		}
	}
	tx, err := s.readTx(ctx)
	if err != nil {
		return news.ArticleList{}, wrapErr(op, err)
	}
	defer tx.Rollback()
	var list news.ArticleList
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles a WHERE 1`+where, args...).Scan(&list.Total); err != nil {
		return news.ArticleList{}, wrapErr(op, err)
	}
	list.Articles, err = queryArticles(ctx, tx, `SELECT `+articleColumns+articleFrom+`WHERE 1`+where+
		` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return news.ArticleList{}, wrapErr(op, err)
	}
	return list, nil
}

// ScanArticles returns up to limit articles (default 100, at most 1000)
// with id > afterID, by id, whatever their status.
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
	case r.Status != "" && !r.Status.Valid():
		return news.Errorf(news.EINVALID, "record %d: unknown status %q", i, r.Status)
	}
	for j, au := range r.Authors {
		if strings.TrimSpace(au.Slug) == "" {
			return news.Errorf(news.EINVALID, "record %d: author %d: slug is empty", i, j)
		}
	}
	for j, t := range r.Tags {
		if strings.TrimSpace(t.Slug) == "" {
			return news.Errorf(news.EINVALID, "record %d: tag %d: slug is empty", i, j)
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
	if err := sv.flushRedirects(ctx); err != nil {
		return news.SaveResult{}, wrapErr(op, err)
	}
	if err := tx.Commit(); err != nil {
		return news.SaveResult{}, wrapErr(op, err)
	}
	return res, nil
}

// saver holds the statements of one SaveArticles transaction, prepared once.
type saver struct {
	tx    *sql.Tx
	stmts []*sql.Stmt

	upsertSection, upsertAuthor, upsertTag *sql.Stmt
	byExternalID, byID, slugsTaken         *sql.Stmt
	insertArticle, updateArticle           *sql.Stmt
	deleteSearch, insertSearch             *sql.Stmt
	deleteAuthors, insertAuthor            *sql.Stmt
	findAuthor                             *sql.Stmt
	deleteTags, insertTag                  *sql.Stmt
	deleteRelated                          *sql.Stmt
	putRedirect                            *sql.Stmt
	revisionCount, insertRevision          *sql.Stmt
	insertEvent                            *sql.Stmt
	deleteComments, insertComment          *sql.Stmt
	sections, authors, tags                map[string]namedID
	redirectTo                             map[string]int64 // path → article, 0 for "no redirect"; see redirects
}

type namedID struct {
	id   int64
	name string
}

// hiddenTerm is added to the indexed text of every article readers may not
// see, and public searches exclude it ("… NOT hiddenTerm"): the FTS index
// alone then keeps drafts out of public results, without reading a row per
// match. It cannot collide with an analyzed term: the analyzer removes
// tatweel (U+0640) from Arabic words and emits only ASCII for Latin ones,
// and the ascii tokenizer keeps the tatweel inside the token.
const hiddenTerm = "\u0640unlisted"

// indexedBody is the body text the FTS index holds for an article.
func indexedBody(searchBody string, status news.Status) string {
	if status == news.StatusPublished {
		return searchBody
	}
	return searchBody + " " + hiddenTerm
}

// The section, author and tag upserts keep a stored name when the record
// has none, and name a new row after its slug in that case.
const (
	upsertSectionSQL = `INSERT INTO sections (slug, name) VALUES (?1, CASE WHEN ?2 <> '' THEN ?2 ELSE ?1 END)
		ON CONFLICT (slug) DO UPDATE SET name = CASE WHEN ?2 <> '' THEN ?2 ELSE sections.name END
		RETURNING id`
	// An author is found by normalized name (name_key), their own or one
	// merged into them, before the slug: "أحمد" and "احمد" are one person,
	// named as the directory names them.
	findAuthorSQL = `SELECT id FROM (SELECT min(id) AS id FROM authors WHERE name_key = ?1) WHERE id IS NOT NULL
		UNION ALL SELECT author_id FROM author_aliases WHERE kind = 'key' AND value = ?1 LIMIT 1`
	upsertAuthorSQL = `INSERT INTO authors (slug, name, name_key) VALUES (?1, CASE WHEN ?2 <> '' THEN ?2 ELSE ?1 END, ?3)
		ON CONFLICT (slug) DO UPDATE SET name = authors.name
		RETURNING id`
	upsertTagSQL = `INSERT INTO tags (slug, name) VALUES (?1, CASE WHEN ?2 <> '' THEN ?2 ELSE ?1 END)
		ON CONFLICT (slug) DO UPDATE SET name = CASE WHEN ?2 <> '' THEN ?2 ELSE tags.name END
		RETURNING id`
	// slugsTakenSQL lists the slugs of other articles on the same section and
	// URL date that equal ?3 or extend it with "-…", with an index range scan.
	slugsTakenSQL = `SELECT slug FROM articles
		WHERE section_id = ?1 AND url_date = ?2 AND id <> ?4
		AND (slug = ?3 OR (slug > ?3 || '-' AND slug < ?3 || '.'))`
	insertArticleSQL = `INSERT INTO articles (external_id, source_url, source, section_id, url_date, slug,
		title, abstract, body, dateline, published_at, updated_at,
		status, version, time_set, ever_published, created_by, image, body_source, seo)
		VALUES (NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?)`
	updateArticleSQL = `UPDATE articles SET external_id = NULLIF(?, ''), source_url = ?, source = ?,
		section_id = ?, url_date = ?, slug = ?, title = ?, abstract = ?, body = ?, dateline = ?,
		published_at = ?, updated_at = ?, status = ?, version = ?, time_set = ?, ever_published = ?,
		created_by = NULLIF(?, 0), image = ?, body_source = ?, seo = ? WHERE id = ?`
	existingSQL = `SELECT a.id, a.url_date, a.version, a.ever_published, a.slug, s.slug
		FROM articles a JOIN sections s ON s.id = a.section_id WHERE `
)

func newSaver(ctx context.Context, tx *sql.Tx) (*saver, error) {
	sv := &saver{tx: tx, sections: map[string]namedID{}, authors: map[string]namedID{}, tags: map[string]namedID{}}
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&sv.upsertSection, upsertSectionSQL},
		{&sv.upsertAuthor, upsertAuthorSQL},
		{&sv.findAuthor, findAuthorSQL},
		{&sv.upsertTag, upsertTagSQL},
		{&sv.byExternalID, existingSQL + `a.external_id = ?`},
		{&sv.byID, existingSQL + `a.id = ?`},
		{&sv.slugsTaken, slugsTakenSQL},
		{&sv.insertArticle, insertArticleSQL},
		{&sv.updateArticle, updateArticleSQL},
		{&sv.deleteSearch, `DELETE FROM article_search WHERE rowid = ?`},
		{&sv.insertSearch, `INSERT INTO article_search (rowid, title, body) VALUES (?, ?, ?)`},
		{&sv.deleteAuthors, `DELETE FROM article_authors WHERE article_id = ?`},
		{&sv.deleteRelated, `DELETE FROM related WHERE article_id = ?`},
		{&sv.insertAuthor, `INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)`},
		{&sv.deleteTags, `DELETE FROM article_tags WHERE article_id = ?`},
		{&sv.insertTag, `INSERT INTO article_tags (article_id, tag_id, position) VALUES (?, ?, ?)`},
		{&sv.putRedirect, `INSERT INTO redirects (path, article_id) VALUES (?, ?)
			ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id`},
		{&sv.revisionCount, `SELECT COALESCE(max(number), 0) FROM revisions WHERE article_id = ?`},
		{&sv.insertRevision, `INSERT INTO revisions (article_id, number, at, user_id, user_name, note, data)
			VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?)`},
		{&sv.insertEvent, insertEventSQL},
		{&sv.deleteComments, `DELETE FROM comments WHERE article_id = ? AND external_id NOT LIKE '` + news.LocalCommentPrefix + `%'`},
		{&sv.insertComment, insertCommentSQL},
	} {
		st, err := tx.PrepareContext(ctx, p.query)
		if err != nil {
			sv.close()
			return nil, fmt.Errorf("prepare: %w", err)
		}
		sv.stmts = append(sv.stmts, st)
		*p.dst = st
	}
	return sv, nil
}

const (
	insertEventSQL = `INSERT INTO events (article_id, at, user_id, user_name, action, from_status, to_status, note)
	VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?)`
	insertCommentSQL = `INSERT INTO comments (article_id, external_id, parent_id, author, author_email, author_url,
	at, text, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

func (sv *saver) close() {
	for _, st := range sv.stmts {
		st.Close()
	}
}

// named finds or creates a section, author or tag by slug, once per
// transaction unless a later record gives it another name.
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

// current is what the saver needs of the stored article a record updates.
type current struct {
	id, day       int64
	version       int
	everPublished bool
	slug, section string
}

// existing returns the stored article r updates, or a zero current.
func (sv *saver) existing(ctx context.Context, r *news.ArticleRecord) (current, error) {
	var c current
	scan := func(st *sql.Stmt, arg any) (bool, error) {
		err := st.QueryRowContext(ctx, arg).Scan(&c.id, &c.day, &c.version, &c.everPublished, &c.slug, &c.section)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	if r.ExternalID != "" {
		if ok, err := scan(sv.byExternalID, r.ExternalID); ok || err != nil {
			return c, wrapFind("external id", err)
		}
	}
	if r.ID > 0 {
		if ok, err := scan(sv.byID, r.ID); ok || err != nil {
			return c, wrapFind("id", err)
		}
	}
	return current{}, nil
}

func wrapFind(by string, err error) error {
	if err != nil {
		return fmt.Errorf("find by %s: %w", by, err)
	}
	return nil
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
	if r.Status == "" {
		r.Status = news.StatusPublished
	}
	sectionID, err := named(ctx, sv.upsertSection, sv.sections, r.Section.Slug, r.Section.Name)
	if err != nil {
		return 0, false, fmt.Errorf("section %q: %w", r.Section.Slug, err)
	}
	cur, err := sv.existing(ctx, r)
	if err != nil {
		return 0, false, err
	}
	if r.ExpectVersion > 0 && cur.version != r.ExpectVersion {
		return 0, false, news.Errorf(news.ECONFLICT,
			"the article was changed by someone else (version %d, you edited version %d)", cur.version, r.ExpectVersion)
	}
	id := cur.id
	// The URL date is fixed once an article has been public; before that
	// it follows the planned publication time.
	day := cur.day
	if cur.id == 0 || !cur.everPublished {
		day = r.URLDate().Unix()
	}
	r.FirstPublished = fromUnix(day) // the path below is the one it is stored under
	slug, err := sv.freeSlug(ctx, sectionID, day, r.Slug, id)
	if err != nil {
		return 0, false, err
	}
	r.Slug = slug
	updated := now
	if !r.UpdatedAt.IsZero() {
		updated = r.UpdatedAt.Unix()
	}
	image, err := imageJSON(r.Image)
	if err != nil {
		return 0, false, err
	}
	seo, err := news.EncodeSEO(r.SEO)
	if err != nil {
		return 0, false, err
	}
	everPublished := cur.everPublished || r.Status == news.StatusPublished
	args := []any{r.ExternalID, r.SourceURL, r.Source, sectionID, day, slug,
		r.Title, r.Abstract, r.Body, r.Dateline, r.PublishedAt.Unix(), updated,
		string(r.Status), cur.version + 1, r.TimeSet, everPublished, r.CreatedBy, image, r.BodySource,
		seo}

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
		if r.Revision != nil {
			if err := sv.keepFirstRevision(ctx, id, now); err != nil {
				return 0, false, err
			}
		}
		if _, err := sv.updateArticle.ExecContext(ctx, append(args, id)...); err != nil {
			return 0, false, fmt.Errorf("update article %d: %w", id, err)
		}
		for _, q := range []*sql.Stmt{sv.deleteSearch, sv.deleteAuthors, sv.deleteTags, sv.deleteRelated} {
			// The text changed, so the "you may also read" list is
			// recomputed too.
			if _, err := q.ExecContext(ctx, id); err != nil {
				return 0, false, fmt.Errorf("clear index, authors, tags or related of article %d: %w", id, err)
			}
		}
	}
	if _, err := sv.insertSearch.ExecContext(ctx, id, r.SearchTitle, indexedBody(r.SearchBody, r.Status)); err != nil {
		return 0, false, fmt.Errorf("index article %d: %w", id, err)
	}
	if err := sv.credit(ctx, id, r); err != nil {
		return 0, false, err
	}
	sv.redirects(id, cur, r)
	if r.Revision != nil {
		if err := sv.revision(ctx, id, now, *r.Revision, r.Article.RevisionData()); err != nil {
			return 0, false, err
		}
	}
	if r.Comments != nil {
		if err := sv.comments(ctx, id, r.Comments); err != nil {
			return 0, false, err
		}
	}
	if r.Event != nil {
		ev := *r.Event
		if ev.At.IsZero() {
			ev.At = fromUnix(now)
		}
		if _, err := sv.insertEvent.ExecContext(ctx, id, ev.At.Unix(), ev.UserID, ev.UserName, ev.Action,
			string(ev.From), string(ev.To), ev.Note); err != nil {
			return 0, false, fmt.Errorf("record event of article %d: %w", id, err)
		}
	}
	r.ID = id
	return id, created, nil
}

// credit writes the authors and tags of article id, in the record's order.
func (sv *saver) credit(ctx context.Context, id int64, r *news.ArticleRecord) error {
	authors := make([]slugName, len(r.Authors))
	for i, au := range r.Authors {
		authors[i] = slugName{au.Slug, au.Name}
	}
	if err := sv.link(ctx, id, "author", authors, sv.author, sv.insertAuthor); err != nil {
		return err
	}
	return sv.creditTags(ctx, id, r)
}

// creditTags writes the tags of article id, in the record's order.
func (sv *saver) creditTags(ctx context.Context, id int64, r *news.ArticleRecord) error {
	tags := make([]slugName, len(r.Tags))
	for i, t := range r.Tags {
		tags[i] = slugName{t.Slug, t.Name}
	}
	return sv.link(ctx, id, "tag", tags, func(ctx context.Context, it slugName) (int64, error) {
		return named(ctx, sv.upsertTag, sv.tags, it.slug, it.name)
	}, sv.insertTag)
}

// author finds the author a byline names, by normalized name first, or
// creates them.
func (sv *saver) author(ctx context.Context, it slugName) (int64, error) {
	key := arabic.Normalize(it.name)
	if key == "" {
		key = arabic.Normalize(it.slug)
	}
	if c, ok := sv.authors[key]; ok {
		return c.id, nil
	}
	var id int64
	err := sv.findAuthor.QueryRowContext(ctx, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = sv.upsertAuthor.QueryRowContext(ctx, it.slug, it.name, key).Scan(&id)
	}
	if err != nil {
		return 0, err
	}
	sv.authors[key] = namedID{id: id}
	return id, nil
}

type slugName struct{ slug, name string }

// link finds or creates each named row (an author, a tag) and links it to
// article id at its position, skipping repeats.
func (sv *saver) link(ctx context.Context, id int64, what string, items []slugName,
	find func(context.Context, slugName) (int64, error), insert *sql.Stmt) error {
	seen := make(map[int64]bool, len(items))
	pos := 0
	for _, it := range items {
		rowID, err := find(ctx, it)
		if err != nil {
			return fmt.Errorf("%s %q: %w", what, it.slug, err)
		}
		if seen[rowID] {
			continue
		}
		seen[rowID] = true
		if _, err := insert.ExecContext(ctx, id, rowID, pos); err != nil {
			return fmt.Errorf("link %s %q to article %d: %w", what, it.slug, id, err)
		}
		pos++
	}
	return nil
}

// comments replaces the imported comments of article id; those written
// on this site stay.
func (sv *saver) comments(ctx context.Context, id int64, list []news.Comment) error {
	if _, err := sv.deleteComments.ExecContext(ctx, id); err != nil {
		return fmt.Errorf("clear comments of article %d: %w", id, err)
	}
	for _, c := range list {
		if _, err := sv.insertComment.ExecContext(ctx, id, c.ExternalID, c.ParentID, c.Author, c.AuthorEmail,
			c.AuthorURL, c.At.Unix(), c.Text, c.Status.OrPending()); err != nil {
			return fmt.Errorf("store a comment of article %d: %w", id, err)
		}
	}
	return nil
}

// redirects records the paths that lead to article id from now on: its
// previous path when a public article moves (a new slug or section), and
// the record's old paths. Its own new path never redirects.
//
// The writes wait for flushRedirects at the end of the transaction: per
// record they were three statements and 40% of a WordPress import's
// write time; batched, the whole transaction takes two.
func (sv *saver) redirects(id int64, cur current, r *news.ArticleRecord) {
	newPath := news.RedirectKey(r.Path())
	paths := r.OldPaths
	if cur.id != 0 && cur.everPublished {
		old := news.Article{Slug: cur.slug, Section: news.Section{Slug: cur.section}, FirstPublished: fromUnix(cur.day)}
		paths = append(paths, old.Path())
	}
	if sv.redirectTo == nil {
		sv.redirectTo = map[string]int64{}
	}
	for _, p := range paths {
		if k := news.RedirectKey(p); k != "" && k != newPath {
			sv.redirectTo[k] = id
		}
	}
	sv.redirectTo[newPath] = 0 // a live path never redirects
}

// flushRedirects writes what redirects collected: the last word on each
// path, as if every record's writes had run in turn.
func (sv *saver) flushRedirects(ctx context.Context) error {
	if len(sv.redirectTo) == 0 {
		return nil
	}
	var put [][2]any
	var drop []string
	for path, id := range sv.redirectTo {
		if id == 0 {
			drop = append(drop, path)
		} else {
			put = append(put, [2]any{path, id})
		}
	}
	sv.redirectTo = nil
	if len(drop) > 0 {
		list, err := json.Marshal(drop)
		if err != nil {
			return err
		}
		if _, err := sv.tx.ExecContext(ctx, `DELETE FROM redirects WHERE path IN (SELECT value FROM json_each(?))`,
			string(list)); err != nil {
			return fmt.Errorf("drop redirects: %w", err)
		}
	}
	if len(put) > 0 {
		list, err := json.Marshal(put)
		if err != nil {
			return err
		}
		if _, err := sv.tx.ExecContext(ctx, `INSERT INTO redirects (path, article_id)
			SELECT value ->> 0, value ->> 1 FROM json_each(?) WHERE true
			ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id`, string(list)); err != nil {
			return fmt.Errorf("record redirects: %w", err)
		}
	}
	return nil
}

// revision stores the next revision of article id.
func (sv *saver) revision(ctx context.Context, id, now int64, meta news.RevisionMeta, data news.RevisionData) error {
	var n int
	if err := sv.revisionCount.QueryRowContext(ctx, id).Scan(&n); err != nil {
		return fmt.Errorf("count revisions of article %d: %w", id, err)
	}
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode revision: %w", err)
	}
	if _, err := sv.insertRevision.ExecContext(ctx, id, n+1, now, meta.UserID, meta.UserName, meta.Note, string(b)); err != nil {
		return fmt.Errorf("store revision %d of article %d: %w", n+1, id, err)
	}
	return nil
}

// keepFirstRevision stores the article as it is now as its first revision
// when it has none (an imported article edited for the first time), so
// that the state before the newsroom touched it can be restored.
func (sv *saver) keepFirstRevision(ctx context.Context, id, now int64) error {
	var n int
	if err := sv.revisionCount.QueryRowContext(ctx, id).Scan(&n); err != nil {
		return fmt.Errorf("count revisions of article %d: %w", id, err)
	}
	if n > 0 {
		return nil
	}
	list, err := queryArticles(ctx, sv.tx, `SELECT `+articleColumns+articleFrom+`WHERE a.id = ?`, id)
	if err != nil || len(list) == 0 {
		return fmt.Errorf("read article %d before its first edit: %w", id, err)
	}
	a := list[0]
	return sv.revision(ctx, id, a.UpdatedAt.Unix(), news.RevisionMeta{Note: news.FirstRevisionNote}, a.RevisionData())
}
