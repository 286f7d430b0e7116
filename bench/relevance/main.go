// Command relevance measures how well Sahafa's search finds a known article
// when a reader types a few words of its headline the way readers do
// (without hamza, with "ال" or without, ه for ة, a و or ب attached, …), and
// compares it with a WordPress-style LIKE search and with PostgreSQL's
// built-in "arabic" text search on the same articles.
//
//	go run ./bench/relevance [--corpus FILE] [--queries N] [--seed N] [--pg DSN] [--site DIR]
//
// It imports the ANT corpus through publish (the real write path) into a
// temporary SQLite site (or reuses --site DIR when it already holds one),
// builds the queries from a seeded sample of headlines, and prints
// success@10 and MRR@10 per system and success@10 per spelling variant.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sahafa/bench/internal/repo"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"sahafa/arabic"
	"sahafa/importer/jsonl"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/search"
	"sahafa/store/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "relevance:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "relevance: "+format+"\n", args...)
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("relevance", flag.ContinueOnError)
	corpus := fs.String("corpus", filepath.Join(repo.Root(), "..", "shared", "corpus", "ant-v2.1.jsonl.gz"), "the ANT corpus (JSON Lines, gzipped)")
	nq := fs.Int("queries", 1000, "number of queries")
	seed := fs.Uint64("seed", 1, "seed of the article sample and the spelling variants")
	pgDSN := fs.String("pg", "", "PostgreSQL DSN; compares its 'arabic' text search (skipped when empty)")
	site := fs.String("site", "", "keep the imported SQLite site in DIR and reuse it on later runs (default: a temporary folder)")
	worst := fs.Int("worst", 20, "Sahafa misses to print with their analysis")
	wpWorkers := fs.Int("wp-workers", 2, "concurrent queries of the WordPress-style search (each scans every article)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat(*corpus); err != nil {
		fmt.Printf("relevance: the corpus %s is absent (%v); nothing to measure\n", *corpus, errors.Unwrap(err))
		return nil
	}
	if *nq < 1 {
		return fmt.Errorf("--queries must be at least 1")
	}

	dir := *site
	if dir == "" {
		tmp, err := os.MkdirTemp("", "sahafa-relevance-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	dbPath := filepath.Join(dir, "sahafa.db")
	store, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer store.Close()

	have, err := store.Articles(ctx, news.ArticleFilter{Limit: 1})
	if err != nil {
		return err
	}
	if have.Total == 0 {
		if err := importCorpus(ctx, store, *corpus); err != nil {
			return err
		}
	} else {
		logf("reusing the %d articles already in %s", have.Total, dbPath)
	}

	// A second, read-only connection pool for the query builder and the
	// WordPress-style search.
	db, err := sql.Open("sqlite", dbPath+"?_pragma=query_only(1)&_pragma=busy_timeout(10000)&_pragma=mmap_size(4294967296)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(max(1, *wpWorkers))

	arts, err := loadArticles(ctx, db)
	if err != nil {
		return err
	}
	queries, dropped := buildQueries(arts, *nq, *seed)
	logf("%d queries from %d articles (seed %d); %d sampled articles dropped: their headline is not unique",
		len(queries), len(arts), *seed, dropped)

	systems := []system{sahafaSystem{search.New(store)}, wpSystem{db}}
	pgNote := "PostgreSQL: skipped (no --pg DSN given)"
	if *pgDSN != "" {
		conn, err := loadPG(ctx, *pgDSN, db, logf)
		if err != nil {
			pgNote = "PostgreSQL: skipped: " + err.Error()
		} else {
			defer conn.Close(context.Background())
			systems = append(systems, pgSystem{conn})
			pgNote = ""
		}
	}

	ranks := make([][]int, len(systems))
	for si, s := range systems {
		start := time.Now()
		ranks[si] = make([]int, len(queries))
		workers := 1
		if _, ok := s.(wpSystem); ok {
			workers = *wpWorkers // table scans: the slow one
		}
		if err := runQueries(ctx, s, queries, ranks[si], workers); err != nil {
			return err
		}
		took := time.Since(start)
		logf("%s: %d queries in %s (%.1f ms/query)", s.Name(), len(queries), took.Round(time.Millisecond),
			float64(took.Microseconds())/1000/float64(len(queries)))
	}

	report(os.Stdout, systems, queries, ranks, pgNote, *nq, *seed)
	return printWorst(ctx, os.Stdout, store, queries, ranks[0], *worst)
}

// runQueries runs every query on s with the given number of workers and
// stores the target's 1-based rank in the top 10 (0 when absent) in ranks.
func runQueries(ctx context.Context, s system, queries []query, ranks []int, workers int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	errc := make(chan error, workers)
	for range max(1, workers) {
		go func() {
			for qi := range next {
				q := queries[qi]
				ids, err := s.Top10(ctx, q.Text)
				if err != nil {
					errc <- fmt.Errorf("%s: query %q: %w", s.Name(), q.Text, err)
					cancel()
					return
				}
				for r, id := range ids {
					if id == q.TargetID {
						ranks[qi] = r + 1
						break
					}
				}
			}
			errc <- nil
		}()
	}
feed:
	for qi := range queries {
		select {
		case next <- qi:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	var first error
	for range max(1, workers) {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// importCorpus imports the corpus through publish, in batches of 500, as
// "sahafa import" does.
func importCorpus(ctx context.Context, store news.Store, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	svc := publish.New(store, publish.Options{KnownSections: jsonl.Sections})
	start := time.Now()
	var batch []news.Draft
	created, skipped := 0, 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := svc.Save(ctx, batch)
		if err != nil {
			return err
		}
		created += res.Created + res.Updated
		skipped += len(res.Skipped)
		batch = batch[:0]
		return nil
	}
	st, err := jsonl.Read(f, func(_ int, d news.Draft) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch = append(batch, d)
		if len(batch) == 500 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	if err := flush(); err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	logf("imported %d articles from %s in %s (%d lines skipped by the reader, %d drafts by publish)",
		created, filepath.Base(path), time.Since(start).Round(time.Second), len(st.Skipped), skipped)
	return nil
}

func loadArticles(ctx context.Context, db *sql.DB) ([]article, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, title FROM articles ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []article
	for rows.Next() {
		var a article
		if err := rows.Scan(&a.ID, &a.Title); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func report(w io.Writer, systems []system, queries []query, ranks [][]int, pgNote string, asked int, seed uint64) {
	fmt.Fprintf(w, "\nKnown-item search on the ANT corpus: %d queries (asked %d, seed %d), target = the article whose headline gave the words\n\n", len(queries), asked, seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "system\tqueries\tsuccess@10\tMRR@10\t")
	for si, s := range systems {
		succ, mrr := 0, 0.0
		for _, r := range ranks[si] {
			if r > 0 {
				succ++
				mrr += 1 / float64(r)
			}
		}
		n := float64(len(queries))
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t\n", s.Name(), len(queries), float64(succ)/n, mrr/n)
	}
	tw.Flush()
	if pgNote != "" {
		fmt.Fprintln(w, pgNote)
	}

	fmt.Fprintf(w, "\nsuccess@10 by spelling variant\n\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "variant\tqueries\t")
	for _, s := range systems {
		fmt.Fprintf(tw, "%s\t", shortName(s))
	}
	fmt.Fprintln(tw)
	for v := variant(0); v < numVariants; v++ {
		n := 0
		succ := make([]int, len(systems))
		for qi, q := range queries {
			if q.Variant != v {
				continue
			}
			n++
			for si := range systems {
				if ranks[si][qi] > 0 {
					succ[si]++
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t", variantNames[v], n)
		for si := range systems {
			fmt.Fprintf(tw, "%.3f\t", float64(succ[si])/float64(max(n, 1)))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

func shortName(s system) string {
	switch s.(type) {
	case sahafaSystem:
		return "Sahafa"
	case wpSystem:
		return "WordPress"
	case pgSystem:
		return "PostgreSQL"
	}
	return s.Name()
}

// miss is a query whose target Sahafa did not rank in its top 10.
type miss struct {
	q       query
	total   int
	partial bool
	rank    int // 1-based in the first 50, 0 when not there
	top     string
	cause   string
}

// printWorst explains Sahafa's misses: for each, whether the analyzer gave
// the typed word another term than the headline's word (a term mismatch:
// the target cannot match every word), or the target matched and was
// out-ranked.
func printWorst(ctx context.Context, w io.Writer, store news.Store, queries []query, ranks []int, limit int) error {
	engine := search.New(store)
	var misses []miss
	causes := map[string]int{}
	for qi, q := range queries {
		if ranks[qi] > 0 {
			continue
		}
		res, err := engine.Search(ctx, search.Request{Query: q.Text, Limit: search.MaxLimit})
		if err != nil {
			return err
		}
		m := miss{q: q, total: res.Total, partial: res.Partial}
		for i, h := range res.Hits {
			if h.ID == q.TargetID {
				m.rank = i + 1
			}
		}
		if len(res.Hits) > 0 {
			m.top = res.Hits[0].Article.Title
		}
		titleTerms := map[string]bool{}
		for _, t := range arabic.Terms(q.Title) {
			titleTerms[t] = true
		}
		var lost []string
		for i, typed := range q.Typed {
			for _, t := range arabic.Terms(typed) {
				if !titleTerms[t] {
					lost = append(lost, fmt.Sprintf("%q→%s (headline word %q→%s)", typed, t, q.Words[i], strings.Join(arabic.Terms(q.Words[i]), "+")))
				}
			}
		}
		switch {
		case len(lost) > 0 && q.Changed >= 0 && strings.Join(arabic.Terms(q.Typed[q.Changed]), " ") != strings.Join(arabic.Terms(q.Words[q.Changed]), " "):
			m.cause = "term mismatch from the variant: " + strings.Join(lost, "; ")
			causes["term mismatch caused by the spelling variant ("+variantNames[q.Variant]+")"]++
		case len(lost) > 0:
			m.cause = "term mismatch: " + strings.Join(lost, "; ")
			causes["term mismatch without a variant (analyzer splits/changes a headline word)"]++
		case m.rank > 0:
			m.cause = fmt.Sprintf("all terms match; out-ranked by %d articles (bm25 over %d matches)", m.rank-1, m.total)
			causes["all terms match; target ranked 11-50"]++
		default:
			m.cause = fmt.Sprintf("all terms match; ranked below 50 of %d matches", m.total)
			causes["all terms match; target ranked below 50"]++
		}
		misses = append(misses, m)
	}
	fmt.Fprintf(w, "\nSahafa misses: %d of %d\n", len(misses), len(queries))
	if len(misses) == 0 {
		return nil
	}
	keys := make([]string, 0, len(causes))
	for k := range causes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return causes[keys[i]] > causes[keys[j]] })
	for _, k := range keys {
		fmt.Fprintf(w, "  %4d  %s\n", causes[k], k)
	}
	// Worst first: a term mismatch (the target cannot be found at all),
	// then the lowest ranks.
	sort.SliceStable(misses, func(i, j int) bool {
		a, b := misses[i], misses[j]
		ka, kb := missKey(a), missKey(b)
		return ka > kb
	})
	fmt.Fprintf(w, "\nThe %d worst Sahafa misses\n", min(limit, len(misses)))
	for i, m := range misses[:min(limit, len(misses))] {
		rank := "not in the first 50"
		if m.rank > 0 {
			rank = fmt.Sprintf("rank %d", m.rank)
		}
		partial := ""
		if m.partial {
			partial = ", any-word fallback"
		}
		fmt.Fprintf(w, "\n%2d. query    %q  [%s]\n", i+1, m.q.Text, variantNames[m.q.Variant])
		fmt.Fprintf(w, "    terms    %s\n", strings.Join(arabic.Terms(m.q.Text), " "))
		fmt.Fprintf(w, "    target   %q (id %d)\n", m.q.Title, m.q.TargetID)
		fmt.Fprintf(w, "    terms    %s\n", strings.Join(arabic.Terms(m.q.Title), " "))
		fmt.Fprintf(w, "    result   %d matches%s; target %s; first: %q\n", m.total, partial, rank, m.top)
		fmt.Fprintf(w, "    cause    %s\n", m.cause)
	}
	return nil
}

func missKey(m miss) int {
	switch {
	case strings.HasPrefix(m.cause, "term mismatch"):
		return 1000 + m.total
	case m.rank == 0:
		return 500
	default:
		return m.rank
	}
}
