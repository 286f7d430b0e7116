package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
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
	return withNot(q, expr)
}

// withNot cuts q's excluded terms, and for readers hiddenTerm, from expr.
func withNot(q news.SearchQuery, expr string) string {
	not := ftsStrings(q.Exclude)
	if !q.AllStatuses {
		not = append(not, ftsString(hiddenTerm))
	}
	if len(not) > 0 {
		expr = "(" + expr + ") NOT (" + strings.Join(not, " OR ") + ")"
	}
	return expr
}

// rankAllMax is the number of matches up to which every match is scored
// with bm25. Scoring costs a few microseconds per match (bm25 reads each
// match's column sizes), so a query for a word found in a third of a
// 60,000-article archive would take 25 ms; beyond this size the query is
// ranked in two tiers instead (see news.SearchQuery.RankAll), and past
// this many headline matches only the newest (by id) are ranked: readers
// page at most search.MaxOffset deep, so the rest would never be shown. A
// variable so that tests can exercise the tiers on small data.
var rankAllMax = 4000

// countCap is the count past which a search's total is reported as "at
// least countCap" (news.SearchResults.AtLeast) instead of counted: a
// count walks every match, 20–85 ms for a common word on a million
// articles, where a page of results needs a few milliseconds.
var countCap = 10000

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
	if res.Total, res.AtLeast, err = sr.count(match); err != nil || res.Total <= offset {
		return res, wrapErr(op, err)
	}
	var ids []int64
	var scores []float64
	core := coreExpr(q)
	switch {
	case q.ByDate:
		ids, err = sr.byDate(match, limit, offset, res.AtLeast || res.Total > manyMatches, nil)
	case q.RankAll || core == "" || (res.Total <= rankAllMax && !res.AtLeast):
		ids, scores, err = sr.ranked(match, limit, offset)
	default:
		// Tier one: the matches with the query in the headline, by bm25
		// (the newest rankAllMax of them when there are more). Tier two:
		// the rest, newest first. A headline holding the core matches the
		// whole query, so tier one's expression is the core alone: bm25
		// counts the articles holding each phrase of its expression, a walk
		// of the phrase's whole list (15 ms for a common word on a million
		// articles), so every phrase left out counts.
		inTitle := withNot(q, "{title} : ("+core+")")
		// One walk of the headline matches gives their number and scores
		// (the newest window+1 of them: one more says there are more).
		window := max(rankAllMax, offset+limit)
		var tier []scored
		if tier, err = sr.scoredNewest(inTitle, window+1); err != nil {
			break
		}
		windowed := len(tier) > window
		if windowed {
			tier = dropOldest(tier)
		}
		for _, t := range tier[min(offset, len(tier)):min(offset+limit, len(tier))] {
			ids, scores = append(ids, t.id), append(scores, t.score)
		}
		if len(ids) == limit || windowed {
			break
		}
		first, n, restOffset := len(tier), limit-len(ids), max(0, offset-len(tier))
		var rest []int64
		if res.AtLeast || res.Total-first > manyMatches {
			// Many: the whole query's matches, less tier one's.
			skip := make(map[int64]bool, len(tier))
			for _, t := range tier {
				skip[t.id] = true
			}
			rest, err = sr.byDate(match, n, restOffset, true, skip)
		} else {
			rest, err = sr.byDate("("+match+") NOT ({title} : ("+core+"))", n, restOffset, false, nil)
		}
		ids = append(ids, rest...)
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
	// matchExpr); a newest-first page names the status anyway, for the
	// filters' sake.
	public bool
}

// manyMatches is the number of matches past which a newest-first page
// walks the date index instead of sorting the matches: sorting costs about
// 2 µs a match (53,000 matches: 120 ms on a million articles), the walk
// about 1 µs an article passed, which past this many matches is fewer. A
// variable so that tests can take both ways on small data.
var manyMatches = 2000

// matchedSQL joins the index's matches of ? to their entries in the small
// index of the columns searches filter and order by. CROSS JOIN keeps the
// index's walk (in id order, where bm25 can run) outside.
const matchedSQL = ` FROM article_search CROSS JOIN articles a INDEXED BY articles_search_order
	ON a.id = article_search.rowid WHERE article_search MATCH ?`

// count counts the matches up to countCap; more is reported as countCap,
// true.
func (r searchRun) count(match string) (int, bool, error) {
	inner := `SELECT rowid FROM article_search WHERE article_search MATCH ?`
	if r.where != "" {
		inner = `SELECT a.id` + matchedSQL + r.where
	}
	var n int
	args := append(append([]any{match}, r.fargs...), countCap+1)
	err := r.tx.QueryRowContext(r.ctx, `SELECT count(*) FROM (`+inner+` LIMIT ?)`, args...).Scan(&n)
	if n > countCap {
		return countCap, true, err
	}
	return n, false, err
}

// byDate pages through the matches newest first. The index gives matches
// in id order, not by date: a few are sorted by date from the small
// entries of articles_search_order; many (more than manyMatches) are
// marked in a bitmap, and the articles are walked newest first along the
// date index until the page is full, leaving out those in skip.
func (r searchRun) byDate(match string, limit, offset int, many bool, skip map[int64]bool) ([]int64, error) {
	where := r.where
	if r.public {
		where = publicSQL + where
	}
	if !many {
		var ids []int64
		args := append(append([]any{match}, r.fargs...), limit, offset)
		err := r.eachID(func(id int64) bool { ids = append(ids, id); return true },
			`SELECT a.id`+matchedSQL+where+` ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?`, args...)
		return ids, err
	}
	var marked bitmap
	err := r.eachID(func(id int64) bool { marked.set(id); return true },
		`SELECT rowid FROM article_search WHERE article_search MATCH ?`, match)
	if err != nil {
		return nil, err
	}
	var ids []int64
	err = r.eachID(func(id int64) bool {
		switch {
		case !marked.has(id) || skip[id]:
		case offset > 0:
			offset--
		default:
			ids = append(ids, id)
		}
		return len(ids) < limit
	}, `SELECT a.id FROM articles a WHERE 1`+where+` ORDER BY a.published_at DESC, a.id DESC`, r.fargs...)
	return ids, err
}

// bitmap is a set of ids, a bit each.
type bitmap []uint64

func (b *bitmap) set(id int64) {
	if id < 0 {
		return
	}
	w := int(id >> 6)
	if w >= len(*b) {
		*b = append(*b, make([]uint64, w+1-len(*b))...)
	}
	(*b)[w] |= 1 << (id & 63)
}

func (b bitmap) has(id int64) bool {
	w := int(id >> 6)
	return id >= 0 && w < len(b) && b[w]&(1<<(id&63)) != 0
}

// eachID runs query and calls fn with the id of each row until fn says
// stop.
func (r searchRun) eachID(fn func(id int64) (more bool), query string, args ...any) error {
	rows, err := r.tx.QueryContext(r.ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		if !fn(id) {
			break
		}
	}
	return rows.Err()
}

// scored is a match and its bm25 score.
type scored struct {
	id    int64
	score float64
}

// scoredNewest scores the newest n matches (by id) that pass the filters,
// and returns them best first (ties: the later id).
func (r searchRun) scoredNewest(match string, n int) ([]scored, error) {
	query := `SELECT rowid, ` + rankSQL + ` FROM article_search WHERE article_search MATCH ? ORDER BY rowid DESC LIMIT ?`
	if r.where != "" {
		query = `SELECT article_search.rowid, ` + rankSQL + matchedSQL + r.where + ` ORDER BY article_search.rowid DESC LIMIT ?`
	}
	rows, err := r.tx.QueryContext(r.ctx, query, append(append([]any{match}, r.fargs...), n)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []scored
	for rows.Next() {
		var s scored
		if err := rows.Scan(&s.id, &s.score); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	return out, rows.Err()
}

// dropOldest leaves out the match of the lowest id.
func dropOldest(list []scored) []scored {
	oldest := 0
	for i, s := range list {
		if s.id < list[oldest].id {
			oldest = i
		}
	}
	return slices.Delete(list, oldest, oldest+1)
}

// ranked pages through the matches by bm25, computed only for the matches
// that pass the filters.
func (r searchRun) ranked(match string, limit, offset int) ([]int64, []float64, error) {
	args := append([]any{match}, r.fargs...)
	inner := `SELECT article_search.rowid AS id, ` + rankSQL + ` AS score` + matchedSQL + r.where
	if r.where == "" {
		// Without filters no article entry is read until the page is known.
		inner = `SELECT rowid AS id, ` + rankSQL + ` AS score FROM article_search WHERE article_search MATCH ?`
	}
	// Ties go to the later id.
	query := `WITH m AS MATERIALIZED (` + inner + `) SELECT id, score FROM m ORDER BY score DESC, id DESC LIMIT ? OFFSET ?`
	rows, err := r.tx.QueryContext(r.ctx, query, append(args, limit, offset)...)
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
