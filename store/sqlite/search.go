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
//   - Exclude terms are cut with NOT, and so is hiddenTerm unless the query
//     is the newsroom's (AllStatuses): readers never see unpublished
//     articles.
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
	if !q.AllStatuses {
		not = append(not, ftsString(hiddenTerm))
	}
	if len(not) > 0 {
		expr = "(" + expr + ") NOT (" + strings.Join(not, " OR ") + ")"
	}
	return expr
}

// rankAllMax is the number of matches up to which every match is scored
// with bm25. Scoring costs about a microsecond per match (bm25 reads each
// match's column sizes), so a query for a word found in a third of a
// 60,000-article archive would take 25 ms; beyond this size the query is
// ranked in two tiers instead (see news.SearchQuery.RankAll). A variable so
// that tests can exercise the tiers on small data.
var rankAllMax = 4000

// Search runs q against the search index. Scores are bm25 with the sign
// flipped, so that higher is better; second-tier matches score 0.
func (s *Store) Search(ctx context.Context, q news.SearchQuery) (news.SearchResults, error) {
	const op = "search"
	match := matchExpr(q)
	if match == "" {
		return news.SearchResults{}, nil
	}
	limit := listLimit(q.Limit)
	offset := max(q.Offset, 0)
	where, fargs := filters{section: q.SectionSlug, author: q.AuthorSlug, from: q.From, to: q.To}.sql()
	if q.ExcludeID != 0 {
		where += " AND a.id <> ?"
		fargs = append(fargs, q.ExcludeID)
	}
	if st, sargs := statusSQL(q.Statuses); q.AllStatuses && st != "" {
		where += st
		fargs = append(fargs, sargs...)
	}
	if q.AllStatuses && q.VisibleTo > 0 {
		where += " AND (a.status = 'published' OR a.created_by = ?)"
		fargs = append(fargs, q.VisibleTo)
	}
	if q.AllStatuses {
		where += " AND a.deleted_at IS NULL"
	}

	tx, err := s.readTx(ctx)
	if err != nil {
		return news.SearchResults{}, wrapErr(op, err)
	}
	defer tx.Rollback()
	sr := searchRun{ctx: ctx, tx: tx, where: where, fargs: fargs, public: !q.AllStatuses}

	var res news.SearchResults
	if res.Total, err = sr.count(match); err != nil || res.Total <= offset {
		return res, wrapErr(op, err)
	}
	var ids []int64
	var scores []float64
	core := coreExpr(q)
	switch {
	case q.ByDate:
		ids, err = sr.byDate(match, limit, offset)
	case q.RankAll || res.Total <= rankAllMax || core == "":
		ids, scores, err = sr.ranked(match, limit, offset)
	default:
		// Tier one: the matches with the query in the headline, by bm25.
		// Tier two: the rest, newest first.
		inTitle := "(" + match + ") AND ({title} : (" + core + "))"
		var first int
		if first, err = sr.count(inTitle); err != nil {
			break
		}
		if offset < first {
			ids, scores, err = sr.ranked(inTitle, limit, offset)
		}
		if err == nil && len(ids) < limit {
			var more []int64
			rest := "(" + match + ") NOT ({title} : (" + core + "))"
			more, err = sr.byDate(rest, limit-len(ids), max(0, offset-first))
			ids = append(ids, more...)
		}
	}
	if err != nil {
		return news.SearchResults{}, wrapErr(op, err)
	}
	articles, err := articlesByID(ctx, tx, ids)
	if err != nil {
		return news.SearchResults{}, wrapErr(op, err)
	}
	res.Hits = make([]news.SearchHit, len(articles))
	for i, a := range articles {
		res.Hits[i].Article = a
		if i < len(scores) {
			res.Hits[i].Score = scores[i]
		}
	}
	return res, nil
}

// coreExpr is the part of q that tier one requires in the headline: the
// required terms and phrases, or else the optional ones.
func coreExpr(q news.SearchQuery) string {
	must := ftsStrings(q.Terms)
	for _, p := range q.Phrases {
		if s := ftsString(strings.Join(p, " ")); s != "" {
			must = append(must, s)
		}
	}
	if len(must) > 0 {
		return strings.Join(must, " AND ")
	}
	return strings.Join(ftsStrings(q.Should), " OR ")
}

// searchRun holds what the queries of one search share.
type searchRun struct {
	ctx   context.Context
	tx    readTx
	where string // filter conditions on a (articles)
	fargs []any
	// public: the match already leaves out unpublished articles (see
	// matchExpr); a scan along published_at names the status anyway, to
	// run on the partial index of published articles.
	public bool
}

// matchedSQL selects the filtered articles whose index entry matches ?.
const matchedSQL = ` FROM articles a
	WHERE a.id IN (SELECT rowid FROM article_search WHERE article_search MATCH ?)`

func (r searchRun) count(match string) (int, error) {
	var n int
	var err error
	if r.where == "" {
		err = r.tx.QueryRowContext(r.ctx, `SELECT count(*) FROM article_search WHERE article_search MATCH ?`, match).Scan(&n)
	} else {
		err = r.tx.QueryRowContext(r.ctx, `SELECT count(*)`+matchedSQL+r.where, append([]any{match}, r.fargs...)...).Scan(&n)
	}
	return n, err
}

// byDate pages through the matches newest first: the index of
// published_at drives the scan, so a broad query stops after one page.
func (r searchRun) byDate(match string, limit, offset int) ([]int64, error) {
	args := append(append([]any{match}, r.fargs...), limit, offset)
	where := r.where
	if r.public {
		where = publicSQL + where
	}
	rows, err := r.tx.QueryContext(r.ctx, `SELECT a.id`+matchedSQL+where+
		` ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ranked pages through the matches by bm25. bm25 cannot run in a query
// with a join's filters pushed into it, so the scores are materialized
// first and the filters joined after.
func (r searchRun) ranked(match string, limit, offset int) ([]int64, []float64, error) {
	args := append(append([]any{match}, r.fargs...), limit, offset)
	query := `WITH m AS MATERIALIZED (SELECT rowid AS id, ` + rankSQL + ` AS score
		FROM article_search WHERE article_search MATCH ?)
		SELECT m.id, m.score FROM m JOIN articles a ON a.id = m.id
		WHERE 1` + r.where + ` ORDER BY m.score DESC, a.id DESC LIMIT ? OFFSET ?`
	if r.where == "" {
		// Without filters the scores alone decide: no article row is read
		// until the page is known. Ties go to the later id on both paths.
		query = `SELECT rowid, ` + rankSQL + ` AS score FROM article_search WHERE article_search MATCH ?
			ORDER BY score DESC, rowid DESC LIMIT ? OFFSET ?`
	}
	rows, err := r.tx.QueryContext(r.ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	var scores []float64
	for rows.Next() {
		var id int64
		var score float64
		if err := rows.Scan(&id, &score); err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
		scores = append(scores, score)
	}
	return ids, scores, rows.Err()
}

// articlesByID loads whole articles (queryArticles adds their authors), in
// the order of ids.
func articlesByID(ctx context.Context, tx querier, ids []int64) ([]news.Article, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	list, err := queryArticles(ctx, tx, `SELECT `+articleColumns+articleFrom+
		`WHERE a.id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	return news.InOrder(list, ids), nil
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

	exists, err := tx.PrepareContext(ctx, `SELECT status FROM articles WHERE id = ?`)
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
		var status news.Status
		err := exists.QueryRowContext(ctx, d.ID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return news.Errorf(news.ENOTFOUND, "article %d not found", d.ID)
		}
		if err != nil {
			return wrapErr(op, err)
		}
		if _, err := del.ExecContext(ctx, d.ID); err != nil {
			return wrapErr(op, err)
		}
		if _, err := ins.ExecContext(ctx, d.ID, d.SearchTitle, indexedBody(d.SearchBody, status)); err != nil {
			return wrapErr(op, err)
		}
	}
	return wrapErr(op, tx.Commit())
}
