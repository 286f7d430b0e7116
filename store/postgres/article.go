package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"sahafa/news"
)

// defaultListLimit is the page size when a filter or query sets none.
const defaultListLimit = 20

// maxScanLimit bounds one ScanArticles page.
const maxScanLimit = 1000

// publicSQL is the condition readers' queries add: only published
// articles. It is written as a literal (never a bound parameter) so that
// the planner uses the partial indexes declared WHERE status = 'published',
// in generic plans too.
const publicSQL = ` AND a.status = 'published'`

// querier is what pgx.Tx and pooled connections have in common.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// articleColumns are read by scanArticle, in this order, from articles a
// joined with sections s.
const articleColumns = `a.id, COALESCE(a.external_id, ''), a.source_url, a.source, a.slug, a.title,
	a.abstract, a.body, a.dateline, a.published_at, a.updated_at, a.url_date, s.id, s.slug, s.name,
	a.status, a.version, a.time_set, a.ever_published, COALESCE(a.created_by, 0), a.image, a.body_source,
	a.seo, a.deleted_at`

const articleFrom = ` FROM articles a JOIN sections s ON s.id = a.section_id `

func scanArticle(row pgx.Row, extra ...any) (news.Article, error) {
	var a news.Article
	var status, image, seo string
	var deleted *time.Time
	dest := []any{&a.ID, &a.ExternalID, &a.SourceURL, &a.Source, &a.Slug, &a.Title,
		&a.Abstract, &a.Body, &a.Dateline, &a.PublishedAt, &a.UpdatedAt, &a.FirstPublished,
		&a.Section.ID, &a.Section.Slug, &a.Section.Name,
		&status, &a.Version, &a.TimeSet, &a.EverPublished, &a.CreatedBy, &image, &a.BodySource,
		&seo, &deleted}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return news.Article{}, err
	}
	if deleted != nil {
		a.DeletedAt = deleted.UTC()
	}
	if err := news.DecodeSEO(seo, &a.SEO); err != nil {
		return news.Article{}, fmt.Errorf("article %d: %w", a.ID, err)
	}
	a.Status = news.Status(status)
	a.PublishedAt = a.PublishedAt.UTC()
	a.UpdatedAt = a.UpdatedAt.UTC()
	d := a.FirstPublished
	a.FirstPublished = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
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

// second truncates t to the whole second, in UTC: the store keeps times at
// the precision of the SQLite store, so that both return the same values.
func second(t time.Time) time.Time { return time.Unix(t.Unix(), 0).UTC() }

// ceilSecond is t rounded up to the whole second, so that
// "published_at < ceilSecond(t)" keeps the articles stored before t.
func ceilSecond(t time.Time) time.Time {
	s := second(t)
	if t.Nanosecond() > 0 {
		s = s.Add(time.Second)
	}
	return s
}

// params collects positional query arguments.
type params []any

// add appends v and returns its placeholder.
func (p *params) add(v any) string {
	*p = append(*p, v)
	return "$" + strconv.Itoa(len(*p))
}

// queryArticles runs a query selecting articleColumns and loads the authors
// and tags of the rows.
func queryArticles(ctx context.Context, q querier, query string, args ...any) ([]news.Article, error) {
	rows, err := q.Query(ctx, query, args...)
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
	if err := loadAuthorsAndTags(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// loadAuthorsAndTags fills the Authors and Tags of a page of articles with
// one query: each row is an author (kind 0) or a tag (kind 1).
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
	rows, err := q.Query(ctx, `
		SELECT 0 AS kind, aa.article_id, aa.position, au.id, au.slug, au.name
		FROM article_authors aa JOIN authors au ON au.id = aa.author_id
		WHERE aa.article_id = ANY($1)
		UNION ALL
		SELECT 1, at.article_id, at.position, t.id, t.slug, t.name
		FROM article_tags at JOIN tags t ON t.id = at.tag_id
		WHERE at.article_id = ANY($1)
		ORDER BY 1, 2, 3`, ids)
	if err != nil {
		return fmt.Errorf("load authors and tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, pos int
		var articleID, id int64
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

// correctionsSQL is a column of the single-article lookups: the article's
// corrections as a JSON array, oldest first, read with the row rather than
// in a query (and a round trip) of their own.
const correctionsSQL = `, (SELECT COALESCE(json_agg(json_build_object('id', c.id,
		'at', extract(epoch FROM c.at)::bigint, 'text', c.text, 'user_id', COALESCE(c.user_id, 0))
		ORDER BY c.at, c.id), '[]') FROM corrections c WHERE c.article_id = a.id)`

// decodeCorrections sets the Corrections of a from correctionsSQL's value.
func decodeCorrections(a *news.Article, data []byte) error {
	var list []struct {
		ID     int64  `json:"id"`
		At     int64  `json:"at"`
		Text   string `json:"text"`
		UserID int64  `json:"user_id"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("article %d: corrections: %w", a.ID, err)
	}
	for _, c := range list {
		a.Corrections = append(a.Corrections, news.Correction{ID: c.ID, ArticleID: a.ID,
			At: time.Unix(c.At, 0).UTC(), Text: c.Text, UserID: c.UserID})
	}
	return nil
}

// oneArticle returns the single article a WHERE clause selects, with its
// corrections, or a zero Article.
func (s *Store) oneArticle(ctx context.Context, op, where string, args ...any) (news.Article, error) {
	var a news.Article
	err := s.read(ctx, op, func(ctx context.Context, c querier) error {
		var corrections []byte
		found, err := scanArticle(c.QueryRow(ctx, `SELECT `+articleColumns+correctionsSQL+articleFrom+`WHERE `+where, args...),
			&corrections)
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := decodeCorrections(&found, corrections); err != nil {
			return err
		}
		list := []news.Article{found}
		if err := loadAuthorsAndTags(ctx, c, list); err != nil {
			return err
		}
		a = list[0]
		return nil
	})
	return a, err
}

// Article returns the published article with the given id.
func (s *Store) Article(ctx context.Context, id int64) (news.Article, error) {
	a, err := s.oneArticle(ctx, "get article", "a.id = $1"+publicSQL, id)
	if err == nil && a.ID == 0 {
		err = news.Errorf(news.ENOTFOUND, "article %d not found", id)
	}
	return a, err
}

// EditorialArticle returns the article with the given id, whatever its
// status.
func (s *Store) EditorialArticle(ctx context.Context, id int64) (news.Article, error) {
	a, err := s.oneArticle(ctx, "get article", "a.id = $1", id)
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
	a, err := s.oneArticle(ctx, "get article by external id", "a.external_id = $1", externalID)
	if err == nil && a.ID == 0 {
		err = news.Errorf(news.ENOTFOUND, "article with external id %q not found", externalID)
	}
	return a, err
}

// ArticleByPath returns the published article at
// /<sectionSlug>/<date>/<slug>. Only the calendar date of date (in its own
// location) counts.
func (s *Store) ArticleByPath(ctx context.Context, sectionSlug string, date time.Time, slug string) (news.Article, error) {
	day := time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, time.UTC)
	a, err := s.oneArticle(ctx, "get article by path",
		"s.slug = $1 AND a.url_date = $2 AND a.slug = $3"+publicSQL, sectionSlug, day, slug)
	if err == nil && a.ID == 0 {
		err = news.Errorf(news.ENOTFOUND, "article %s/%s/%s not found",
			sectionSlug, date.Format(time.DateOnly), slug)
	}
	return a, err
}

// ArticleByOldPath returns the published article an old path redirects to.
func (s *Store) ArticleByOldPath(ctx context.Context, path string) (news.Article, error) {
	a, err := s.oneArticle(ctx, "get article by old path",
		"a.id = (SELECT article_id FROM redirects WHERE path = $1)"+publicSQL, news.RedirectKey(path))
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
// not empty), adding its arguments to p.
func (f filters) sql(p *params) string {
	var b strings.Builder
	if f.section != "" {
		// A subquery, not s.slug: the conditions then name only articles
		// columns, so counts need no join.
		b.WriteString(" AND a.section_id = (SELECT id FROM sections WHERE slug = " + p.add(f.section) + ")")
	}
	if f.author != "" {
		b.WriteString(` AND a.id IN (SELECT aa.article_id FROM article_authors aa
			JOIN authors au ON au.id = aa.author_id WHERE au.slug = ` + p.add(f.author) + `)`)
	}
	if f.tag != "" {
		b.WriteString(` AND a.id IN (SELECT at.article_id FROM article_tags at
			JOIN tags t ON t.id = at.tag_id WHERE t.slug = ` + p.add(f.tag) + `)`)
	}
	if !f.from.IsZero() {
		b.WriteString(" AND a.published_at >= " + p.add(ceilSecond(f.from)))
	}
	if !f.to.IsZero() {
		b.WriteString(" AND a.published_at < " + p.add(ceilSecond(f.to)))
	}
	return b.String()
}

// statusSQL is the condition keeping the given statuses ("" for all). The
// statuses are written as literals, never parameters: the planner then
// knows how many rows each holds, and a lone 'published' or 'scheduled'
// matches the partial indexes. Only known statuses are written (their
// names are plain lower-case words); unknown ones match nothing.
func statusSQL(statuses []news.Status) string {
	if len(statuses) == 0 {
		return ""
	}
	list := knownStatuses(statuses)
	switch len(list) {
	case 0:
		return " AND false"
	case 1:
		return " AND a.status = '" + string(list[0]) + "'"
	}
	var b strings.Builder
	b.WriteString(" AND a.status IN (")
	for i, st := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + string(st) + "'")
	}
	b.WriteString(")")
	return b.String()
}

// knownStatuses returns the valid statuses of list, once each, in
// workflow order.
func knownStatuses(list []news.Status) []news.Status {
	var out []news.Status
	for _, st := range news.Statuses {
		if slices.Contains(list, st) {
			out = append(out, st)
		}
	}
	return out
}

// Articles returns one page of the published articles the filter selects,
// newest first.
func (s *Store) Articles(ctx context.Context, f news.ArticleFilter) (news.ArticleList, error) {
	limit := listLimit(f.Limit)
	var p params
	where := publicSQL + filters{f.SectionSlug, f.AuthorSlug, f.TagSlug, f.From, f.To}.sql(&p)

	var list news.ArticleList
	err := s.readTx(ctx, "list articles", func(ctx context.Context, tx pgx.Tx) error {
		switch {
		case f.NoTotal:
		case f.SectionSlug != "" && f.AuthorSlug == "" && f.TagSlug == "" && f.From.IsZero() && f.To.IsZero():
			// A section's pages: the count kept with the section (migration 00015).
			err := tx.QueryRow(ctx, `SELECT published FROM sections WHERE slug = $1`, f.SectionSlug).Scan(&list.Total)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		default:
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM articles a WHERE true`+where, p...).Scan(&list.Total); err != nil {
				return err
			}
		}
		page := where
		pp := append(params(nil), p...)
		offset := 0
		if f.After != nil {
			page += " AND (a.published_at, a.id) < (" + pp.add(second(f.After.PublishedAt)) + ", " + pp.add(f.After.ID) + ")"
		} else if f.Offset > 0 {
			offset = f.Offset
		}
		articles, err := queryArticles(ctx, tx, `SELECT `+articleColumns+articleFrom+`WHERE true`+page+`
			ORDER BY a.published_at DESC, a.id DESC LIMIT `+pp.add(limit+1)+` OFFSET `+pp.add(offset), pp...)
		if err != nil {
			return err
		}
		if len(articles) > limit {
			articles = articles[:limit]
			last := articles[limit-1]
			list.Next = &news.Cursor{PublishedAt: last.PublishedAt, ID: last.ID}
		}
		list.Articles = articles
		return nil
	})
	if err != nil {
		return news.ArticleList{}, err
	}
	return list, nil
}

// EditorialArticles returns one page of the articles the newsroom filter
// selects, whatever their status.
func (s *Store) EditorialArticles(ctx context.Context, f news.EditorialFilter) (news.ArticleList, error) {
	limit := listLimit(f.Limit)
	offset := max(f.Offset, 0)
	var p params
	where := filters{section: f.SectionSlug, author: f.AuthorSlug}.sql(&p)
	if f.CreatedBy > 0 {
		where += " AND a.created_by = " + p.add(f.CreatedBy)
	}
	order := "a.updated_at DESC, a.id DESC"
	switch {
	case f.Trash:
		where += " AND a.deleted_at IS NOT NULL"
		order = "a.deleted_at DESC, a.id DESC"
	case f.ByPublished:
		order = "a.published_at DESC, a.id DESC"
		if f.Ascending {
			order = "a.published_at, a.id"
		}
	}
	if !f.Trash {
		where += " AND a.deleted_at IS NULL"
	}
	statuses := news.Statuses
	if len(f.Statuses) > 0 {
		statuses = knownStatuses(f.Statuses)
	}
	var list news.ArticleList
	err := s.readTx(ctx, "list newsroom articles", func(ctx context.Context, tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM articles a WHERE true`+where+statusSQL(f.Statuses), p...).
			Scan(&list.Total); err != nil {
			return err
		}
		pp := append(params(nil), p...)
		var query string
		if !f.ByPublished && !f.Trash && f.CreatedBy == 0 && len(statuses) > 1 {
			// The latest edits in several statuses: the first limit+offset
			// of each status, read along the (status, updated_at, id)
			// index, merged; not the whole table sorted.
			n := pp.add(limit + offset)
			var parts []string
			for _, st := range statuses {
				parts = append(parts, `(SELECT a.id, a.updated_at FROM articles a WHERE true`+where+statusSQL([]news.Status{st})+
					` ORDER BY a.updated_at DESC, a.id DESC LIMIT `+n+`)`)
			}
			query = `SELECT ` + articleColumns + ` FROM (SELECT id, updated_at FROM (` + strings.Join(parts, ` UNION ALL `) + `) u
				ORDER BY updated_at DESC, id DESC LIMIT ` + pp.add(limit) + ` OFFSET ` + pp.add(offset) + `) m
				JOIN articles a ON a.id = m.id JOIN sections s ON s.id = a.section_id
				ORDER BY m.updated_at DESC, m.id DESC`
		} else {
			query = `SELECT ` + articleColumns + articleFrom + `WHERE true` + where + statusSQL(f.Statuses) +
				` ORDER BY ` + order + ` LIMIT ` + pp.add(limit) + ` OFFSET ` + pp.add(offset)
		}
		var err error
		list.Articles, err = queryArticles(ctx, tx, query, pp...)
		return err
	})
	if err != nil {
		return news.ArticleList{}, err
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
	var list []news.Article
	err := s.readTx(ctx, "scan articles", func(ctx context.Context, tx pgx.Tx) error {
		var err error
		list, err = queryArticles(ctx, tx, `SELECT `+articleColumns+articleFrom+`WHERE a.id > $1 ORDER BY a.id LIMIT $2`, afterID, limit)
		return err
	})
	return list, err
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

var errNoRows = pgx.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }
