package postgres

import (
	"context"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// The search text is the analyzer's output, which PostgreSQL's default
// parser would still take apart in its own way: it keeps "3.5",
// "example.com" or "covid-19" whole and adds their parts, reads "<p>" as a
// tag and "&amp;" as an entity. A tsquery literal is not parsed at all, so
// a query word could miss the very token the index holds. Both sides
// therefore split text the same way in Go first: a word is a run of
// letters and digits, lower-cased; every other character separates words
// (like SQLite's ascii tokenizer, which splits on ASCII punctuation). The
// parser then finds nothing left to interpret in the indexed text, and
// each query word is exactly one lexeme of the index.

// maxWordBytes is the longest word PostgreSQL indexes; to_tsvector drops
// longer ones, and a tsquery rejects them.
const maxWordBytes = 2047

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// words calls fn with each word of s, lower-cased.
func words(s string, fn func(w string)) {
	for len(s) > 0 {
		i := strings.IndexFunc(s, isWordRune)
		if i < 0 {
			return
		}
		s = s[i:]
		j := strings.IndexFunc(s, func(r rune) bool { return !isWordRune(r) })
		if j < 0 {
			j = len(s)
		}
		if w := strings.ToLower(s[:j]); len(w) <= maxWordBytes {
			fn(w)
		}
		s = s[j:]
	}
}

// lexemes returns the words of an analyzed term (usually one).
func lexemes(term string) []string {
	var out []string
	words(term, func(w string) { out = append(out, w) })
	return out
}

// quoteLexeme quotes w as a tsquery lexeme: the query syntax never sees its
// characters, whatever they are.
func quoteLexeme(w string) string {
	w = strings.ReplaceAll(w, `\`, `\\`)
	return "'" + strings.ReplaceAll(w, "'", "''") + "'"
}

// hiddenLexeme is added to the search vector of every article readers may
// not see, and readers' searches exclude it (publicMatch): the GIN index
// alone then keeps drafts out of public results and counts, without
// testing a column of each match's row. It cannot collide with a word of
// the index or of a query: words are runs of letters and digits, and "_"
// is neither. It has no position, so ts_filter leaves it out of
// title_vector.
const hiddenLexeme = "_unlisted"

// hiddenVector is hiddenLexeme as a tsvector literal.
var hiddenVector = quoteLexeme(hiddenLexeme)

// publicMatch restricts a match tsquery to published articles.
func publicMatch(match string) string {
	return "(" + match + ") & !" + quoteLexeme(hiddenLexeme)
}

// item is the tsquery of a term or phrase's words: one lexeme, or the words
// in a row (<->) within the title or within the body — tsvector
// concatenation numbers the body's positions after the title's, so an
// unweighted phrase could run from the last title word into the body.
// "" when there are no words.
func item(ws []string) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return quoteLexeme(ws[0])
	}
	var b strings.Builder
	b.WriteByte('(')
	for k, weight := range []string{":A", ":B"} {
		if k > 0 {
			b.WriteString(" | ")
		}
		for i, w := range ws {
			if i > 0 {
				b.WriteString(" <-> ")
			}
			b.WriteString(quoteLexeme(w) + weight)
		}
	}
	b.WriteByte(')')
	return b.String()
}

// tsQueries builds, as tsquery literals, what q matches and what ranks the
// matches; match is "" when q can match nothing (no Terms, Phrases or
// Should).
//
//   - Terms and Phrases are ANDed: 'a' & ('b':A <-> 'c':A | 'b':B <-> 'c':B).
//   - Should terms alone (more-like-this) are ORed and decide the match.
//     Beside required terms they are left out of the match, so they never
//     widen it, and only enter the ranking query.
//   - Exclude terms are cut with & !( … | … ).
//   - rank ORs every positive word: ts_rank then sums, per query word, the
//     weights of its positions, so that the articles holding more of the
//     words, and holding them in the title, come first.
func tsQueries(q news.SearchQuery) (match, rank string) {
	var must, should, not []string
	var positive []string
	seen := map[string]bool{}
	addRank := func(ws []string) {
		for _, w := range ws {
			if !seen[w] {
				seen[w] = true
				positive = append(positive, quoteLexeme(w))
			}
		}
	}
	for _, t := range q.Terms {
		ws := lexemes(t)
		if it := item(ws); it != "" {
			must = append(must, it)
			addRank(ws)
		}
	}
	for _, p := range q.Phrases {
		var ws []string
		for _, t := range p {
			ws = append(ws, lexemes(t)...)
		}
		if it := item(ws); it != "" {
			must = append(must, it)
			addRank(ws)
		}
	}
	for _, t := range q.Should {
		ws := lexemes(t)
		if it := item(ws); it != "" {
			should = append(should, it)
			addRank(ws)
		}
	}
	for _, t := range q.Exclude {
		if it := item(lexemes(t)); it != "" {
			not = append(not, it)
		}
	}
	switch {
	case len(must) > 0:
		match = strings.Join(must, " & ")
	case len(should) > 0:
		match = strings.Join(should, " | ")
	default:
		return "", ""
	}
	if len(not) > 0 {
		match = "(" + match + ") & !(" + strings.Join(not, " | ") + ")"
	}
	return match, strings.Join(positive, " | ")
}

// rankSQL scores a match: ts_rank with a title word (weight A) worth four
// body words (weight B), as the SQLite store's bm25 weights, and scores
// divided by 1 + log(length) so long articles do not win by size alone.
// rank is the placeholder of the rank query.
func rankSQL(rank string) string {
	return `ts_rank('{0.1, 0.2, 0.25, 1.0}', a.search_vector, ` + rank + `::tsquery, 1)::float8`
}

// rankAllMax is the number of matches up to which every match is scored
// with ts_rank. Scoring reads each match's whole search vector (TOASTed and
// compressed for most articles), about 7 µs a match against 1 µs for the
// SQLite store's bm25, so the threshold is a quarter of SQLite's: the same
// time budget. Beyond it a query is ranked in two tiers, as in the SQLite
// store (see news.SearchQuery.RankAll). A variable so that tests can
// exercise the tiers on small data.
var rankAllMax = 1000

// titleQuery is the tsquery, on title_vector, of what tier one requires in
// the headline: the required terms and phrases, or else the optional ones.
// "" when q has none.
func titleQuery(q news.SearchQuery) string {
	titleItem := func(ws []string) string {
		qs := make([]string, len(ws))
		for i, w := range ws {
			qs[i] = quoteLexeme(w)
		}
		if len(qs) == 1 {
			return qs[0]
		}
		return "(" + strings.Join(qs, " <-> ") + ")"
	}
	var must, should []string
	for _, t := range q.Terms {
		if ws := lexemes(t); len(ws) > 0 {
			must = append(must, titleItem(ws))
		}
	}
	for _, p := range q.Phrases {
		var ws []string
		for _, t := range p {
			ws = append(ws, lexemes(t)...)
		}
		if len(ws) > 0 {
			must = append(must, titleItem(ws))
		}
	}
	if len(must) > 0 {
		return strings.Join(must, " & ")
	}
	for _, t := range q.Should {
		if ws := lexemes(t); len(ws) > 0 {
			should = append(should, titleItem(ws))
		}
	}
	return strings.Join(should, " | ")
}

// Search runs q against the search index. Higher scores are better.
//
// The matches are counted first (from the GIN index). Up to rankAllMax of
// them, or with RankAll, all are ranked with ts_rank. Beyond it the results
// come in two tiers, as in the SQLite store: the matches holding the query
// in their headline (title_vector), by ts_rank, then the others newest
// first, read along the published_at index so that a page costs about a
// page of rows. Tier-two hits score 0, as do ByDate hits.
//
// A reader's search leaves out unpublished articles in the match itself
// (see hiddenLexeme), so that the GIN index alone decides what a count
// counts; the newsroom's (AllStatuses) filters on the status column.
func (s *Store) Search(ctx context.Context, q news.SearchQuery) (news.SearchResults, error) {
	match, rank := tsQueries(q)
	if match == "" {
		return news.SearchResults{}, nil
	}
	limit := listLimit(q.Limit)
	offset := max(q.Offset, 0)

	// Readers see published articles only (the match leaves the others
	// out); the newsroom (AllStatuses) sees every article, or those of the
	// statuses asked for.
	if !q.AllStatuses {
		match = publicMatch(match)
	}
	p := params{match}
	var where string
	if q.AllStatuses {
		where = statusSQL(q.Statuses)
		if q.VisibleTo > 0 {
			where += " AND (a.status = 'published' OR a.created_by = " + p.add(q.VisibleTo) + ")"
		}
		where += " AND a.deleted_at IS NULL"
	}
	where += filters{section: q.SectionSlug, author: q.AuthorSlug, from: q.From, to: q.To}.sql(&p)
	if q.ExcludeID != 0 {
		where += " AND a.id <> " + p.add(q.ExcludeID)
	}
	sr := searchRun{where: where, args: p, rank: rank, public: !q.AllStatuses}
	core := titleQuery(q)

	var res news.SearchResults
	err := s.readTx(ctx, "search", func(ctx context.Context, tx pgx.Tx) error {
		// The planner does not count the cost of reading a TOASTed
		// search_vector, so it would rather test every row of the table than
		// read the few heap pages the GIN index points to; nor is JIT
		// compilation worth it for these short queries.
		if _, err := tx.Exec(ctx, `SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`); err != nil {
			return err
		}
		sr.ctx, sr.tx = ctx, tx
		var err error
		if res.Total, err = sr.count(""); err != nil || res.Total <= offset {
			return err
		}
		var ids []int64
		var scores []float64
		switch {
		case q.ByDate:
			ids, err = sr.byDate("", limit, offset)
		case q.RankAll || res.Total <= rankAllMax || core == "":
			ids, scores, err = sr.ranked("", limit, offset)
		default:
			title := sr.add(core)
			inTitle := ` AND a.title_vector @@ ` + title + `::tsquery`
			var first int
			if first, err = sr.count(inTitle); err != nil {
				return err
			}
			if offset < first {
				// A tier one too large to score in full (a word found in
				// thousands of headlines) is ranked on the headlines alone,
				// whose small vectors are stored inline.
				sr.titleRank = first > rankAllMax
				if ids, scores, err = sr.ranked(inTitle, limit, offset); err != nil {
					return err
				}
			}
			if len(ids) < limit {
				var more []int64
				rest := ` AND NOT a.title_vector @@ ` + title + `::tsquery`
				more, err = sr.byDate(rest, limit-len(ids), max(0, offset-first))
				ids = append(ids, more...)
			}
		}
		if err != nil {
			return err
		}
		articles, err := articlesByID(ctx, tx, ids)
		if err != nil {
			return err
		}
		res.Hits = make([]news.SearchHit, len(articles))
		for i, a := range articles {
			res.Hits[i].Article = a
			if i < len(scores) {
				res.Hits[i].Score = scores[i]
			}
		}
		return nil
	})
	if err != nil {
		return news.SearchResults{}, err
	}
	return res, nil
}

// searchRun holds what the queries of one search share: $1 is the match
// tsquery, then the filters' arguments.
type searchRun struct {
	ctx   context.Context
	tx    pgx.Tx
	where string // filter conditions on a (articles)
	args  params
	rank  string // the ranking tsquery

	// public: the match already leaves out unpublished articles; a walk
	// along published_at names the status anyway, so that it can run on
	// the partial index of published articles.
	public    bool
	titleRank bool // rank on title_vector rather than search_vector
}

// add appends an argument shared by the later queries of the run.
func (r *searchRun) add(v any) string { return r.args.add(v) }

// from selects the matches that pass the filters and the extra condition.
// The filters name only articles columns (see filters.sql): no join.
// Without them a count tests no column of the rows, only their
// visibility: testing one more (the status, stored after the long text)
// would double the time a broad count takes.
func (r searchRun) from(extra string) string {
	return ` FROM articles a WHERE a.search_vector @@ $1::tsquery` + r.where + extra
}

func (r searchRun) count(extra string) (int, error) {
	var n int
	err := r.tx.QueryRow(r.ctx, `SELECT count(*)`+r.from(extra), r.args...).Scan(&n)
	return n, err
}

// byDate pages through the matches newest first.
func (r searchRun) byDate(extra string, limit, offset int) ([]int64, error) {
	p := append(params(nil), r.args...)
	if r.public {
		extra += publicSQL
	}
	rows, err := r.tx.Query(r.ctx, `SELECT a.id`+r.from(extra)+
		` ORDER BY a.published_at DESC, a.id DESC LIMIT `+p.add(limit)+` OFFSET `+p.add(offset), p...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// ranked pages through the matches by ts_rank (ties: newest first).
func (r searchRun) ranked(extra string, limit, offset int) ([]int64, []float64, error) {
	p := append(params(nil), r.args...)
	var score string
	if r.titleRank {
		score = `ts_rank(a.title_vector, ` + p.add(r.rank) + `::tsquery)::float8`
	} else {
		score = rankSQL(p.add(r.rank))
	}
	rows, err := r.tx.Query(r.ctx, `SELECT a.id, `+score+` AS score`+r.from(extra)+
		` ORDER BY score DESC, a.published_at DESC, a.id DESC LIMIT `+p.add(limit)+` OFFSET `+p.add(offset), p...)
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

// articlesByID loads whole articles with their authors and tags, in the
// order of ids.
func articlesByID(ctx context.Context, tx pgx.Tx, ids []int64) ([]news.Article, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := queryArticles(ctx, tx, `SELECT `+articleColumns+articleFrom+`WHERE a.id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	return news.InOrder(list, ids), nil
}

// UpdateSearchText replaces the indexed text of stored articles, in one
// transaction. An unknown id fails the whole call with ENOTFOUND.
func (s *Store) UpdateSearchText(ctx context.Context, docs []news.SearchDoc) error {
	if len(docs) == 0 {
		return nil
	}
	return s.writeTx(ctx, "update search text", func(ctx context.Context, tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, d := range docs {
			// An unpublished article keeps its hidden lexeme.
			b.Queue(`UPDATE articles SET search_vector = CASE WHEN status = 'published' THEN $2::tsvector
				ELSE $2::tsvector || $3::tsvector END WHERE id = $1`,
				d.ID, vectorLiteral(d.SearchTitle, d.SearchBody), hiddenVector)
		}
		br := tx.SendBatch(ctx, b)
		defer br.Close()
		for _, d := range docs {
			ct, err := br.Exec()
			if err != nil {
				return err
			}
			if ct.RowsAffected() == 0 {
				return news.Errorf(news.ENOTFOUND, "article %d not found", d.ID)
			}
		}
		return br.Close()
	})
}

// TermDocFreqs counts, for each term, the published articles whose search
// text holds it (one GIN index lookup per term, in one query), and all
// published articles.
func (s *Store) TermDocFreqs(ctx context.Context, terms []string) (map[string]int, int, error) {
	freqs := make(map[string]int, len(terms))
	queryOf := map[string][]string{} // tsquery literal -> terms
	var list []string
	for _, t := range terms {
		if _, done := freqs[t]; done {
			continue
		}
		freqs[t] = 0
		if it := item(lexemes(t)); it != "" {
			it = publicMatch(it)
			if _, ok := queryOf[it]; !ok {
				list = append(list, it)
			}
			queryOf[it] = append(queryOf[it], t)
		}
	}
	var total int
	err := s.readTx(ctx, "term frequencies", func(ctx context.Context, tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM articles a WHERE true`+publicSQL).Scan(&total); err != nil {
			return err
		}
		if len(list) == 0 {
			return nil
		}
		rows, err := tx.Query(ctx, `SELECT t.q, n.docs FROM unnest($1::text[]) AS t(q)
			CROSS JOIN LATERAL (SELECT count(*) AS docs FROM articles WHERE search_vector @@ t.q::tsquery) n`, list)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var q string
			var n int
			if err := rows.Scan(&q, &n); err != nil {
				return err
			}
			for _, t := range queryOf[q] {
				freqs[t] = n
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, err
	}
	return freqs, total, nil
}
