package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
	"sahafa/search"
)

// A system answers a query with the ids of its first ten results, best first.
type system interface {
	Name() string
	Top10(ctx context.Context, q string) ([]int64, error)
}

// sahafaSystem is the engine readers use: default relevance ranking.
type sahafaSystem struct{ engine *search.Engine }

func (s sahafaSystem) Name() string { return "Sahafa (FTS5 + arabic analyzer)" }

func (s sahafaSystem) Top10(ctx context.Context, q string) ([]int64, error) {
	res, err := s.engine.Search(ctx, search.Request{Query: q, Limit: 10})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// wpSystem searches the way WordPress's WP_Query does (parse_search,
// parse_search_terms and parse_search_order in wp-includes/class-wp-query.php):
// the query is split on spaces; every term must appear (LIKE '%term%') in
// the title, the excerpt (our abstract) or the content (our body, HTML as
// WordPress stores post_content); results are ordered by
//
//	1 the whole query as a phrase in the title
//	2 every term in the title          (2 to 6 terms)
//	3 any term in the title            (2 to 6 terms)
//	4 the phrase in the excerpt
//	5 the phrase in the content
//	6 the rest
//
// and then newest first (for one term: title match first, then newest). It
// runs read-only on the same SQLite articles table. SQLite's LIKE compares
// non-ASCII characters byte for byte, which is what MySQL does under a
// binary or utf8mb4_bin collation; under utf8mb4_unicode_ci MySQL would
// also ignore harakat, so the diacritics row is a lower bound for such a
// WordPress.
type wpSystem struct{ db *sql.DB }

func (wpSystem) Name() string { return "WordPress-style LIKE search" }

func likeArg(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
	return "%" + s + "%"
}

// wpTerms splits a search the way WordPress does for a query without
// quotes: on spaces, tabs, commas and plus signs; single ASCII letters and
// dashes are dropped. (Its English stop-word list never matches Arabic.)
func wpTerms(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range strings.FieldsFunc(q, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' || r == '+' || r == '"' }) {
		if len(t) == 1 && (t == "-" || (t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z')) {
			continue
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func (s wpSystem) Top10(ctx context.Context, q string) ([]int64, error) {
	terms := wpTerms(q)
	if len(terms) == 0 {
		return nil, nil
	}
	var where []string
	var args []any
	for _, t := range terms {
		if hasASCIILetter(t) {
			where = append(where, `(title LIKE ? ESCAPE '\' OR abstract LIKE ? ESCAPE '\' OR body LIKE ? ESCAPE '\')`)
			l := likeArg(t)
			args = append(args, l, l, l)
			continue
		}
		// SQLite's LIKE folds ASCII case only, so for a term without ASCII
		// letters x LIKE '%t%' is exactly instr(x, t) > 0, which SQLite
		// runs several times faster over 100 MB of article text.
		where = append(where, `(instr(title, ?) > 0 OR instr(abstract, ?) > 0 OR instr(body, ?) > 0)`)
		args = append(args, t, t, t)
	}
	var order string
	var orderArgs []any
	if len(terms) > 1 {
		phrase := likeArg(strings.TrimSpace(q))
		var b strings.Builder
		b.WriteString(`(CASE WHEN title LIKE ? ESCAPE '\' THEN 1 `)
		orderArgs = append(orderArgs, phrase)
		if len(terms) < 7 {
			titles := make([]string, len(terms))
			for i := range terms {
				titles[i] = `title LIKE ? ESCAPE '\'`
			}
			b.WriteString("WHEN " + strings.Join(titles, " AND ") + " THEN 2 ")
			b.WriteString("WHEN " + strings.Join(titles, " OR ") + " THEN 3 ")
			for range 2 {
				for _, t := range terms {
					orderArgs = append(orderArgs, likeArg(t))
				}
			}
		}
		b.WriteString(`WHEN abstract LIKE ? ESCAPE '\' THEN 4 WHEN body LIKE ? ESCAPE '\' THEN 5 ELSE 6 END)`)
		orderArgs = append(orderArgs, phrase, phrase)
		order = b.String()
	} else {
		order = `(title LIKE ? ESCAPE '\') DESC`
		orderArgs = append(orderArgs, likeArg(terms[0]))
	}
	query := `SELECT id FROM articles WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + `, published_at DESC, id DESC LIMIT 10`
	rows, err := s.db.QueryContext(ctx, query, append(args, orderArgs...)...)
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

// pgSystem is PostgreSQL's built-in full-text search with the "arabic"
// configuration (Snowball Arabic stemmer and stop words): title weighted A,
// abstract B, body D, websearch_to_tsquery, ranked by ts_rank_cd.
type pgSystem struct{ conn *pgx.Conn }

func (pgSystem) Name() string { return "PostgreSQL 'arabic' text search" }

func (s pgSystem) Top10(ctx context.Context, q string) ([]int64, error) {
	rows, err := s.conn.Query(ctx, `SELECT id FROM relevance_articles, websearch_to_tsquery('arabic', $1) q
		WHERE tsv @@ q ORDER BY ts_rank_cd(tsv, q) DESC, published DESC, id DESC LIMIT 10`, q)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// loadPG connects to dsn, checks the arabic configuration and loads the
// articles of db into a fresh relevance_articles table with its GIN index.
func loadPG(ctx context.Context, dsn string, db *sql.DB, logf func(string, ...any)) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	var cfg string
	err = conn.QueryRow(ctx, `SELECT cfgname::text FROM pg_ts_config WHERE cfgname = 'arabic'`).Scan(&cfg)
	if err != nil {
		conn.Close(ctx)
		if err == pgx.ErrNoRows {
			return nil, fmt.Errorf("this server has no 'arabic' text search configuration")
		}
		return nil, err
	}
	var version string
	_ = conn.QueryRow(ctx, `SHOW server_version`).Scan(&version)
	start := time.Now()
	for _, stmt := range []string{
		`DROP TABLE IF EXISTS relevance_articles`,
		`CREATE TABLE relevance_articles (
			id bigint PRIMARY KEY,
			published timestamptz NOT NULL,
			title text NOT NULL,
			abstract text NOT NULL,
			body text NOT NULL,
			tsv tsvector GENERATED ALWAYS AS (
				setweight(to_tsvector('arabic', title), 'A') ||
				setweight(to_tsvector('arabic', abstract), 'B') ||
				to_tsvector('arabic', body)) STORED)`,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			conn.Close(ctx)
			return nil, err
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT id, published_at, title, abstract, body FROM articles ORDER BY id`)
	if err != nil {
		conn.Close(ctx)
		return nil, err
	}
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"relevance_articles"},
		[]string{"id", "published", "title", "abstract", "body"}, &sqlRows{rows: rows})
	rows.Close()
	if err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("copy articles: %w", err)
	}
	for _, stmt := range []string{
		`CREATE INDEX relevance_articles_tsv ON relevance_articles USING gin (tsv)`,
		`ANALYZE relevance_articles`,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			conn.Close(ctx)
			return nil, err
		}
	}
	logf("postgresql %s: loaded %d articles with a GIN index in %s", version, n, time.Since(start).Round(time.Second))
	return conn, nil
}

// sqlRows feeds SQLite rows to COPY, the body as plain text.
type sqlRows struct {
	rows *sql.Rows
	vals []any
	err  error
}

func (r *sqlRows) Next() bool {
	if !r.rows.Next() {
		r.err = r.rows.Err()
		return false
	}
	var id, pub int64
	var title, abstract, body string
	if r.err = r.rows.Scan(&id, &pub, &title, &abstract, &body); r.err != nil {
		return false
	}
	r.vals = []any{id, time.Unix(pub, 0).UTC(), title, abstract, news.PlainText(body)}
	return true
}

func (r *sqlRows) Values() ([]any, error) { return r.vals, r.err }
func (r *sqlRows) Err() error             { return r.err }

func hasASCIILetter(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x80 && (r|0x20 >= 'a' && r|0x20 <= 'z') })
}
