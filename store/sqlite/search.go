package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strings"
	"time"
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
// with bm25. Scoring costs about 3 µs per match on a million articles, so
// a query for a word found in a third of them would take a second; beyond
// this size the query is ranked in two tiers instead (see
// news.SearchQuery.RankAll), the first of them over a window of the newest
// rankAllMax headline matches. A variable so that tests can exercise the
// tiers on small data.
var rankAllMax = 4000

// countCap is the count past which a search's total is reported as "at
// least countCap" (news.SearchResults.AtLeast) instead of counted: a
// count walks every match, 20–80 ms for a common word on a million
// articles, for a number no reader pages through (search.MaxOffset is
// 1,000). A variable for the tests.
var countCap = 10000

// keySQL is an article's rowid in the search index (see searchKey).
const keySQL = `coalesce(a.search_key, a.id)`

// searchKey is the rowid an article has in the search index: its
// publication time in seconds, then the low 24 bits of its id, so that
// the index's rowid order is publication order (ties by id, as the
// lists order them). FTS5 walks a match's rowids in order and stops when
// the query has enough, so the newest matches, a capped count and the
// window ranked by bm25 cost the same at any size of archive — with the
// article id as rowid a date-ordered page had to collect every match
// first (0.8 s for a common word on a million articles). Two articles
// published in the same second collide only 16.7 million ids apart (the
// unique index articles_search_key refuses the save).
func searchKey(published time.Time, id int64) int64 {
	return published.Unix()<<24 | id&(1<<24-1)
}

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
	sr := searchRun{ctx: ctx, tx: tx, where: where, fargs: fargs}

	var res news.SearchResults
	if res.Total, res.AtLeast, err = sr.count(match); err != nil || res.Total <= offset {
		return res, wrapErr(op, err)
	}
	var ids []int64
	var scores []float64
	core := coreExpr(q)
	switch {
	case q.ByDate:
		ids, err = sr.byDate(match, limit, offset)
	case q.RankAll || res.Total <= rankAllMax || core == "":
		ids, scores, err = sr.ranked(match, math.MinInt64, limit, offset)
	default:
		// Tier one: the matches with the query in the headline, by bm25 —
		// the newest rankAllMax of them when there are more. Tier two:
		// the rest, newest first.
		inTitle := "(" + match + ") AND ({title} : (" + core + "))"
		var first int
		if first, _, err = sr.count(inTitle); err != nil {
			break
		}
		from := int64(math.MinInt64)
		if first > rankAllMax {
			if from, err = sr.nthKey(inTitle, rankAllMax); err != nil {
				break
			}
			first = rankAllMax
		}
		if offset < first {
			ids, scores, err = sr.ranked(inTitle, from, limit, offset)
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
}

// newest selects the keys of the matches of ? that pass the filters,
// newest first: FTS5 walks the rowids (publication order) and the filters
// look each article up by its key, so a LIMIT stops the walk.
func (r searchRun) newest(what string) (string, []any) {
	if r.where == "" {
		return `SELECT ` + what + ` FROM article_search s WHERE s.article_search MATCH ? ORDER BY s.rowid DESC`, nil
	}
	return `SELECT ` + what + ` FROM article_search s JOIN articles a ON ` + keySQL + ` = s.rowid
		WHERE s.article_search MATCH ?` + r.where + ` ORDER BY s.rowid DESC`, r.fargs
}

// count counts the matches up to countCap; more is reported as countCap,
// at least.
func (r searchRun) count(match string) (n int, atLeast bool, err error) {
	query, fargs := r.newest("1")
	args := append(append([]any{match}, fargs...), countCap+1)
	err = r.tx.QueryRowContext(r.ctx, `SELECT count(*) FROM (`+query+` LIMIT ?)`, args...).Scan(&n)
	if n > countCap {
		return countCap, true, err
	}
	return n, false, err
}

// nthKey is the key of the n-th newest match.
func (r searchRun) nthKey(match string, n int) (int64, error) {
	query, fargs := r.newest("s.rowid")
	var key int64
	err := r.tx.QueryRowContext(r.ctx, query+` LIMIT 1 OFFSET ?`, append(append([]any{match}, fargs...), n-1)...).Scan(&key)
	return key, err
}

// byDate pages through the matches newest first.
func (r searchRun) byDate(match string, limit, offset int) ([]int64, error) {
	what := "a.id"
	if r.where == "" {
		what = "s.rowid"
	}
	query, fargs := r.newest(what)
	rows, err := r.tx.QueryContext(r.ctx, query+` LIMIT ? OFFSET ?`, append(append([]any{match}, fargs...), limit, offset)...)
	if err != nil {
		return nil, err
	}
	ids, _, err := scanIDs(rows, false)
	if err != nil || r.where != "" {
		return ids, err
	}
	return r.idsOfKeys(ids)
}

// ranked pages through the matches with a key of at least from by bm25.
// bm25 cannot run in a query with a join's filters pushed into it, so the
// scores are materialized first and the filters joined after.
func (r searchRun) ranked(match string, from int64, limit, offset int) ([]int64, []float64, error) {
	args := append(append([]any{match, from}, r.fargs...), limit, offset)
	query := `WITH m AS MATERIALIZED (SELECT rowid AS k, ` + rankSQL + ` AS score
		FROM article_search WHERE article_search MATCH ? AND rowid >= ?)
		SELECT a.id, m.score FROM m JOIN articles a ON ` + keySQL + ` = m.k
		WHERE 1` + r.where + ` ORDER BY m.score DESC, m.k DESC LIMIT ? OFFSET ?`
	if r.where == "" {
		// Without filters the scores alone decide: no article row is read
		// until the page is known. Ties go to the newer on both paths.
		query = `SELECT rowid, ` + rankSQL + ` AS score FROM article_search WHERE article_search MATCH ? AND rowid >= ?
			ORDER BY score DESC, rowid DESC LIMIT ? OFFSET ?`
	}
	rows, err := r.tx.QueryContext(r.ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	ids, scores, err := scanIDs(rows, true)
	if err != nil || r.where != "" {
		return ids, scores, err
	}
	ids, err = r.idsOfKeys(ids)
	return ids, scores, err
}

// scanIDs reads rows of an id (or key) and, withScores, a score.
func scanIDs(rows *sql.Rows, withScores bool) ([]int64, []float64, error) {
	defer rows.Close()
	var ids []int64
	var scores []float64
	for rows.Next() {
		var id int64
		var score float64
		dst := []any{&id}
		if withScores {
			dst = append(dst, &score)
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
		if withScores {
			scores = append(scores, score)
		}
	}
	return ids, scores, rows.Err()
}

// idsOfKeys maps search keys to article ids, in order. A key whose
// article is gone (deleted in between: the read is one snapshot, so only
// a broken index) maps to 0, which articlesByID finds nothing for.
func (r searchRun) idsOfKeys(keys []int64) ([]int64, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := r.tx.QueryContext(r.ctx, `SELECT `+keySQL+`, a.id FROM articles a WHERE `+keySQL+
		` IN (?`+strings.Repeat(",?", len(keys)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byKey := make(map[int64]int64, len(keys))
	for rows.Next() {
		var k, id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, err
		}
		byKey[k] = id
	}
	ids := make([]int64, len(keys))
	for i, k := range keys {
		ids[i] = byKey[k]
	}
	return ids, rows.Err()
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

	exists, err := tx.PrepareContext(ctx, `SELECT status, `+keySQL+`, published_at FROM articles a WHERE id = ?`)
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
	setKey, err := tx.PrepareContext(ctx, `UPDATE articles SET search_key = ? WHERE id = ?`)
	if err != nil {
		return wrapErr(op, err)
	}
	defer setKey.Close()

	for _, d := range docs {
		var status news.Status
		var key, published int64
		err := exists.QueryRowContext(ctx, d.ID).Scan(&status, &key, &published)
		if errors.Is(err, sql.ErrNoRows) {
			return news.Errorf(news.ENOTFOUND, "article %d not found", d.ID)
		}
		if err != nil {
			return wrapErr(op, err)
		}
		if _, err := del.ExecContext(ctx, key); err != nil {
			return wrapErr(op, err)
		}
		// Reindexing also moves an article indexed under its id (before
		// migration 00017) to its key in publication order.
		if k := searchKey(fromUnix(published), d.ID); k != key {
			if _, err := setKey.ExecContext(ctx, k, d.ID); err != nil {
				return wrapErr(op, err)
			}
			key = k
		}
		if _, err := ins.ExecContext(ctx, key, d.SearchTitle, indexedBody(d.SearchBody, status)); err != nil {
			return wrapErr(op, err)
		}
	}
	return wrapErr(op, tx.Commit())
}
