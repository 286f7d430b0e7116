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

// indexText is the text to_tsvector indexes: the words of s, one space
// apart.
func indexText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	words(s, func(w string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	})
	return b.String()
}

// quoteLexeme quotes w as a tsquery lexeme: the query syntax never sees its
// characters, whatever they are.
func quoteLexeme(w string) string {
	w = strings.ReplaceAll(w, `\`, `\\`)
	return "'" + strings.ReplaceAll(w, "'", "''") + "'"
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

// Search runs q against the search index. Higher scores are better.
func (s *Store) Search(ctx context.Context, q news.SearchQuery) (news.SearchResults, error) {
	match, rank := tsQueries(q)
	if match == "" {
		return news.SearchResults{}, nil
	}
	limit := listLimit(q.Limit)
	offset := max(q.Offset, 0)

	p := params{match}
	where := filterSQL(&p, q.SectionSlug, q.AuthorSlug, q.From, q.To)
	if q.ExcludeID != 0 {
		where += " AND a.id <> " + p.add(q.ExcludeID)
	}
	from := articleFrom + `WHERE a.search_vector @@ $1::tsquery` + where
	// The page is chosen on ids and sort keys (hits), and only its rows
	// are read in full. Ordered by date, only the page's rows are scored.
	var page string
	pp := append(params(nil), p...)
	score := rankSQL(pp.add(rank))
	pageArgs := ` LIMIT ` + pp.add(limit) + ` OFFSET ` + pp.add(offset)
	if q.ByDate {
		page = `WITH hits AS (SELECT a.id, count(*) OVER () AS total` + from +
			` ORDER BY a.published_at DESC, a.id DESC` + pageArgs + `)
			SELECT ` + articleColumns + `, ` + score + `, hits.total
			FROM hits JOIN articles a ON a.id = hits.id JOIN sections s ON s.id = a.section_id
			ORDER BY a.published_at DESC, a.id DESC`
	} else {
		page = `WITH hits AS (SELECT a.id, ` + score + ` AS score, count(*) OVER () AS total` + from +
			` ORDER BY score DESC, a.published_at DESC, a.id DESC` + pageArgs + `)
			SELECT ` + articleColumns + `, hits.score, hits.total
			FROM hits JOIN articles a ON a.id = hits.id JOIN sections s ON s.id = a.section_id
			ORDER BY hits.score DESC, a.published_at DESC, a.id DESC`
	}

	var res news.SearchResults
	err := s.readTx(ctx, "search", func(ctx context.Context, tx pgx.Tx) error {
		rows, err := tx.Query(ctx, page, pp...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var articles []news.Article
		for rows.Next() {
			var score float64
			a, err := scanArticle(rows, &score, &res.Total)
			if err != nil {
				return err
			}
			articles = append(articles, a)
			res.Hits = append(res.Hits, news.SearchHit{Score: score})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(articles) == 0 && offset > 0 {
			// Past the last page: the window count saw no rows.
			if err := tx.QueryRow(ctx, `SELECT count(*)`+from, p...).Scan(&res.Total); err != nil {
				return err
			}
		}
		if err := loadAuthors(ctx, tx, articles); err != nil {
			return err
		}
		for i := range articles {
			res.Hits[i].Article = articles[i]
		}
		return nil
	})
	if err != nil {
		return news.SearchResults{}, err
	}
	return res, nil
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
			b.Queue(`UPDATE articles SET search_vector =
				setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'B')
				WHERE id = $1`, d.ID, indexText(d.SearchTitle), indexText(d.SearchBody))
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

// TermDocFreqs counts, for each term, the articles whose search text holds
// it (one GIN index lookup per term, in one query), and all articles.
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
			if _, ok := queryOf[it]; !ok {
				list = append(list, it)
			}
			queryOf[it] = append(queryOf[it], t)
		}
	}
	var total int
	err := s.readTx(ctx, "term frequencies", func(ctx context.Context, tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM articles`).Scan(&total); err != nil {
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
