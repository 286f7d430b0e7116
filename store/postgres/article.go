package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// defaultListLimit is the page size when a filter or query sets none.
const defaultListLimit = 20

// maxScanLimit bounds one ScanArticles page.
const maxScanLimit = 1000

// querier is what pgx.Tx and pooled connections have in common.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// articleColumns are read by scanArticle, in this order, from articles a
// joined with sections s.
const articleColumns = `a.id, COALESCE(a.external_id, ''), a.source_url, a.source, a.slug, a.title,
	a.abstract, a.body, a.dateline, a.published_at, a.updated_at, a.url_date, s.id, s.slug, s.name`

const articleFrom = ` FROM articles a JOIN sections s ON s.id = a.section_id `

func scanArticle(row pgx.Row, extra ...any) (news.Article, error) {
	var a news.Article
	dest := []any{&a.ID, &a.ExternalID, &a.SourceURL, &a.Source, &a.Slug, &a.Title,
		&a.Abstract, &a.Body, &a.Dateline, &a.PublishedAt, &a.UpdatedAt, &a.FirstPublished,
		&a.Section.ID, &a.Section.Slug, &a.Section.Name}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return news.Article{}, err
	}
	a.PublishedAt = a.PublishedAt.UTC()
	a.UpdatedAt = a.UpdatedAt.UTC()
	d := a.FirstPublished
	a.FirstPublished = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return a, nil
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
// of the rows.
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
	rows, err := q.Query(ctx, `
		SELECT aa.article_id, au.id, au.slug, au.name
		FROM article_authors aa JOIN authors au ON au.id = aa.author_id
		WHERE aa.article_id = ANY($1)
		ORDER BY aa.article_id, aa.position`, ids)
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

// oneArticle returns the single article a WHERE clause selects, or a zero
// Article.
func (s *Store) oneArticle(ctx context.Context, op, where string, args ...any) (news.Article, error) {
	var a news.Article
	err := s.query(ctx, op, func(ctx context.Context, c querier) error {
		list, err := queryArticles(ctx, c, `SELECT `+articleColumns+articleFrom+`WHERE `+where, args...)
		if len(list) > 0 {
			a = list[0]
		}
		return err
	})
	return a, err
}

// Article returns the article with the given id.
func (s *Store) Article(ctx context.Context, id int64) (news.Article, error) {
	a, err := s.oneArticle(ctx, "get article", "a.id = $1", id)
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
	a, err := s.oneArticle(ctx, "get article by external id", "a.external_id = $1", externalID)
	if err == nil && a.ID == 0 {
		err = news.Errorf(news.ENOTFOUND, "article with external id %q not found", externalID)
	}
	return a, err
}

// ArticleByPath returns the article at /<sectionSlug>/<date>/<slug>. Only the
// calendar date of date (in its own location) counts.
func (s *Store) ArticleByPath(ctx context.Context, sectionSlug string, date time.Time, slug string) (news.Article, error) {
	day := time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, time.UTC)
	a, err := s.oneArticle(ctx, "get article by path",
		"s.slug = $1 AND a.url_date = $2 AND a.slug = $3", sectionSlug, day, slug)
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
// fragment (starting with " AND" when not empty), adding its arguments to p.
func filterSQL(p *params, sectionSlug, authorSlug string, from, to time.Time) string {
	var b strings.Builder
	if sectionSlug != "" {
		// A subquery, not s.slug: the conditions then name only articles
		// columns, so counts need no join.
		b.WriteString(" AND a.section_id = (SELECT id FROM sections WHERE slug = " + p.add(sectionSlug) + ")")
	}
	if authorSlug != "" {
		b.WriteString(` AND a.id IN (SELECT aa.article_id FROM article_authors aa
			JOIN authors au ON au.id = aa.author_id WHERE au.slug = ` + p.add(authorSlug) + `)`)
	}
	if !from.IsZero() {
		b.WriteString(" AND a.published_at >= " + p.add(ceilSecond(from)))
	}
	if !to.IsZero() {
		b.WriteString(" AND a.published_at < " + p.add(ceilSecond(to)))
	}
	return b.String()
}

// Articles returns one page of the articles the filter selects, newest first.
func (s *Store) Articles(ctx context.Context, f news.ArticleFilter) (news.ArticleList, error) {
	limit := listLimit(f.Limit)
	var p params
	where := filterSQL(&p, f.SectionSlug, f.AuthorSlug, f.From, f.To)

	var list news.ArticleList
	err := s.readTx(ctx, "list articles", func(ctx context.Context, tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM articles a WHERE true`+where, p...).Scan(&list.Total); err != nil {
			return err
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

// ScanArticles returns up to limit articles (default 100, at most 1000)
// with id > afterID, by id.
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
	}
	for j, au := range r.Authors {
		if strings.TrimSpace(au.Slug) == "" {
			return news.Errorf(news.EINVALID, "record %d: author %d: slug is empty", i, j)
		}
	}
	return nil
}

var errNoRows = pgx.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }
