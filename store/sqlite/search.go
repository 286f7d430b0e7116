package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"sahafa/news"
)

// bm25 weights of the search columns: a term in the title counts as much as
// four in the body.
const rankSQL = `-bm25(article_search, 4.0, 1.0)`

// ftsString quotes one analyzed term (or a space-separated phrase) as an FTS5
// string: the expression syntax never sees its characters, only the
// tokenizer does. It returns "" when the term has nothing the tokenizer
// would index (an FTS5 string with no tokens matches nothing useful).
func ftsString(term string) string {
	term = strings.TrimSpace(term)
	if !strings.ContainsFunc(term, indexable) {
		return ""
	}
	return `"` + strings.ReplaceAll(term, `"`, `""`) + `"`
}

// indexable reports whether the ascii tokenizer keeps r in a token: any
// non-ASCII character, and ASCII letters and digits.
func indexable(r rune) bool {
	return r >= utf8.RuneSelf || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
}

func ftsStrings(terms []string) []string {
	var out []string
	for _, t := range terms {
		if s := ftsString(t); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// matchExpr builds the FTS5 MATCH expression of q, or "" when q can match
// nothing (no Terms, Phrases or Should).
//
//   - Terms and Phrases are ANDed: ("a" AND "b c").
//   - Should terms are optional when there are required ones: the
//     expression (required) AND (first-required OR "s1" OR "s2") matches
//     exactly what the required part does, but bm25 scores every phrase of the
//     expression, so the articles that also hold s1 or s2 rank higher. Alone
//     (more-like-this) they are ORed and decide the match.
//   - Exclude terms are cut with NOT.
func matchExpr(q news.SearchQuery) string {
	must := ftsStrings(q.Terms)
	for _, p := range q.Phrases {
		if s := ftsString(strings.Join(p, " ")); s != "" {
			must = append(must, s)
		}
	}
	should := ftsStrings(q.Should)
	not := ftsStrings(q.Exclude)

	var expr string
	switch {
	case len(must) > 0:
		expr = strings.Join(must, " AND ")
		if len(should) > 0 {
			expr = "(" + expr + ") AND (" + must[0] + " OR " + strings.Join(should, " OR ") + ")"
		}
	case len(should) > 0:
		expr = strings.Join(should, " OR ")
	default:
		return ""
	}
	if len(not) > 0 {
		expr = "(" + expr + ") NOT (" + strings.Join(not, " OR ") + ")"
	}
	return expr
}

// Search runs q against the search index. Scores are bm25 with the sign
// flipped, so that higher is better.
func (s *Store) Search(ctx context.Context, q news.SearchQuery) (news.SearchResults, error) {
	const op = "search"
	match := matchExpr(q)
	if match == "" {
		return news.SearchResults{}, nil
	}
	limit := listLimit(q.Limit)
	offset := max(q.Offset, 0)

	where, args := filterSQL(q.SectionSlug, q.AuthorSlug, q.From, q.To)
	if q.ExcludeID != 0 {
		where += " AND a.id <> ?"
		args = append(args, q.ExcludeID)
	}
	args = append([]any{match}, args...)
	// bm25 cannot run in a query with a window function, so the matches and
	// their scores are materialized first (m). The page is then chosen on ids
	// and sort keys alone (hits), and only its rows are read in full: sorting
	// whole articles, bodies included, for every match would be slow.
	with := `WITH m AS MATERIALIZED (SELECT rowid AS id, ` + rankSQL + ` AS score
		FROM article_search WHERE article_search MATCH ?) `
	from := ` FROM m JOIN articles a ON a.id = m.id JOIN sections s ON s.id = a.section_id WHERE 1` + where
	order := ` ORDER BY score DESC, a.published_at DESC, a.id DESC`
	if q.ByDate {
		order = ` ORDER BY a.published_at DESC, a.id DESC`
	}
	page := with + `, hits AS (SELECT m.id, m.score, count(*) OVER () AS total` + from + order + ` LIMIT ? OFFSET ?)
		SELECT ` + articleColumns + `, hits.score, hits.total
		FROM hits JOIN articles a ON a.id = hits.id JOIN sections s ON s.id = a.section_id` + order

	tx, err := s.readTx(ctx)
	if err != nil {
		return news.SearchResults{}, wrapErr(op, err)
	}
	defer tx.Rollback()

	rows, err := tx.QueryContext(ctx, page, append(args, limit, offset)...)
	if err != nil {
		return news.SearchResults{}, wrapErr(op, err)
	}
	defer rows.Close()
	var res news.SearchResults
	var articles []news.Article
	for rows.Next() {
		var score float64
		a, err := scanArticle(rows, &score, &res.Total)
		if err != nil {
			return news.SearchResults{}, wrapErr(op, err)
		}
		articles = append(articles, a)
		res.Hits = append(res.Hits, news.SearchHit{Score: score})
	}
	if err := rows.Err(); err != nil {
		return news.SearchResults{}, wrapErr(op, err)
	}
	rows.Close()

	if len(articles) == 0 && offset > 0 {
		// Past the last page: the window count saw no rows.
		if err := tx.QueryRowContext(ctx, with+`SELECT count(*)`+from, args...).Scan(&res.Total); err != nil {
			return news.SearchResults{}, wrapErr(op, err)
		}
	}
	if err := loadAuthors(ctx, tx, articles); err != nil {
		return news.SearchResults{}, wrapErr(op, err)
	}
	for i := range articles {
		res.Hits[i].Article = articles[i]
	}
	return res, nil
}

// UpdateSearchText replaces the indexed text of stored articles, in one
// transaction. An unknown id fails the whole call with ENOTFOUND.
func (s *Store) UpdateSearchText(ctx context.Context, docs []news.SearchDoc) error {
	const op = "update search text"
	if len(docs) == 0 {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()

	exists, err := tx.PrepareContext(ctx, `SELECT id FROM articles WHERE id = ?`)
	if err != nil {
		return wrapErr(op, err)
	}
	defer exists.Close()
	del, err := tx.PrepareContext(ctx, `DELETE FROM article_search WHERE rowid = ?`)
	if err != nil {
		return wrapErr(op, err)
	}
	defer del.Close()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO article_search (rowid, title, body) VALUES (?, ?, ?)`)
	if err != nil {
		return wrapErr(op, err)
	}
	defer ins.Close()

	for _, d := range docs {
		var id int64
		err := exists.QueryRowContext(ctx, d.ID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return news.Errorf(news.ENOTFOUND, "article %d not found", d.ID)
		}
		if err != nil {
			return wrapErr(op, err)
		}
		if _, err := del.ExecContext(ctx, d.ID); err != nil {
			return wrapErr(op, err)
		}
		if _, err := ins.ExecContext(ctx, d.ID, d.SearchTitle, d.SearchBody); err != nil {
			return wrapErr(op, err)
		}
	}
	return wrapErr(op, tx.Commit())
}
