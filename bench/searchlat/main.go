// Command searchlat measures the latency of GET /api/v1/search on a running
// Sahafa server with real readers' queries: 1-, 2- and 3-word queries made
// from the content words of the TREC 2002 Arabic topic titles and the
// MIRACL Arabic dev questions. Each query string is sent once (so the page
// cache never answers), sequentially, after a short warm-up.
//
//	go run ./bench/searchlat --base http://127.0.0.1:8080 [--queries DIR] [--per-group N] [--db FILE]
//
// With --db it also prints the size of the database and of its FTS5 index.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sahafa/bench/internal/repo"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	_ "modernc.org/sqlite"

	"sahafa/arabic"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "searchlat:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("searchlat", flag.ContinueOnError)
	base := fs.String("base", "", "base URL of the running server, e.g. http://127.0.0.1:8080")
	dir := fs.String("queries", filepath.Join(repo.Root(), "..", "shared", "samples", "queries"), "folder with trec2002-ar-titles.tsv and miracl-ar-dev.tsv")
	perGroup := fs.Int("per-group", 400, "queries per group (1, 2 and 3 words)")
	warmup := fs.Int("warmup", 30, "warm-up requests (not measured, strings not reused)")
	seed := fs.Uint64("seed", 1, "seed of the query sample")
	slowest := fs.Int("slowest", 8, "print the slowest queries with their number of matches")
	dbPath := fs.String("db", "", "also print the size of this database and of its search index")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbPath != "" {
		if err := printSizes(*dbPath); err != nil {
			return err
		}
	}
	if *base == "" {
		if *dbPath != "" {
			return nil
		}
		return errors.New("--base is required")
	}
	files := []string{"trec2002-ar-titles.tsv", "miracl-ar-dev.tsv"}
	var sources [][]string
	for _, f := range files {
		lines, err := readTSV(filepath.Join(*dir, f))
		if errors.Is(err, os.ErrNotExist) {
			fmt.Printf("searchlat: %s is absent; nothing to measure\n", filepath.Join(*dir, f))
			return nil
		}
		if err != nil {
			return err
		}
		sources = append(sources, lines)
	}
	groups, warm := buildGroups(sources, *perGroup, *warmup, *seed)

	client := &http.Client{Timeout: 30 * time.Second}
	endpoint := strings.TrimRight(*base, "/") + "/api/v1/search"
	for _, q := range warm {
		if _, _, err := get(client, endpoint, q); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	fmt.Printf("GET %s?q=…&limit=10, sequential, each query string once; %d warm-up requests\n", endpoint, len(warm))
	fmt.Printf("queries: content words of %s (TREC 2002 Arabic topics and MIRACL Arabic dev questions)\n\n", strings.Join(files, " and "))
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "words\tqueries\tmedian\tp95\tp99\tmax\twith results\t")
	var all []time.Duration
	type timed struct {
		q     string
		d     time.Duration
		total int
	}
	var slow []timed
	for gi, g := range groups {
		var lat []time.Duration
		found := 0
		for _, q := range g {
			start := time.Now()
			n, total, err := get(client, endpoint, q)
			d := time.Since(start)
			if err != nil {
				return err
			}
			lat = append(lat, d)
			slow = append(slow, timed{q, d, total})
			if n > 0 {
				found++
			}
		}
		all = append(all, lat...)
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%.1f%%\t\n", gi+1, len(g), ms(pct(lat, 50)), ms(pct(lat, 95)), ms(pct(lat, 99)), ms(pct(lat, 100)),
			100*float64(found)/float64(max(1, len(g))))
	}
	fmt.Fprintf(tw, "all\t%d\t%s\t%s\t%s\t%s\t\t\n", len(all), ms(pct(all, 50)), ms(pct(all, 95)), ms(pct(all, 99)), ms(pct(all, 100)))
	if err := tw.Flush(); err != nil {
		return err
	}
	sort.Slice(slow, func(i, j int) bool { return slow[i].d > slow[j].d })
	if len(slow) > 0 && *slowest > 0 {
		fmt.Printf("\nslowest queries:\n")
		for _, t := range slow[:min(*slowest, len(slow))] {
			fmt.Printf("  %8s  %6d matches  %s\n", ms(t.d), t.total, t.q)
		}
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// pct is the p-th percentile (nearest rank) of ds.
func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	k := int(p/100*float64(len(s))+0.999999) - 1
	return s[min(max(k, 0), len(s)-1)]
}

// get runs one search and returns the number of results on the page and
// the total number of matches.
func get(c *http.Client, endpoint, q string) (int, int, error) {
	resp, err := c.Get(endpoint + "?q=" + url.QueryEscape(q) + "&limit=10")
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET %s?q=%s: %s: %.200s", endpoint, url.QueryEscape(q), resp.Status, body)
	}
	var out struct {
		Total   int               `json:"total"`
		Results []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return 0, 0, fmt.Errorf("query %q: decode answer: %w", q, err)
	}
	return len(out.Results), out.Total, nil
}

func readTSV(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		_, text, ok := strings.Cut(sc.Text(), "\t")
		if ok && strings.TrimSpace(text) != "" {
			out = append(out, text)
		}
	}
	return out, sc.Err()
}

// questionWords are the interrogatives that open MIRACL's questions; they
// are not what a reader types into a news search box.
var questionWords = map[string]bool{}

func init() {
	for _, w := range []string{"متى", "كيف", "أين", "اين", "لماذا", "ماذا", "كم", "هل", "ماهي", "ماهو", "على", "إلى", "الى"} {
		questionWords[arabic.Normalize(w)] = true
	}
}

// contentWords are the words of a query without punctuation, stop words,
// question words and words of two letters or less.
func contentWords(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		w := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters < 3 {
			continue
		}
		n := arabic.Normalize(w)
		if arabic.IsStopWord(n) || questionWords[n] {
			continue
		}
		out = append(out, w)
	}
	return out
}

// buildGroups makes the 1-, 2- and 3-word queries: single content words,
// and runs of two and three consecutive content words of one query. Every
// string appears once across the groups and the warm-up.
func buildGroups(sources [][]string, perGroup, warmup int, seed uint64) ([3][]string, []string) {
	var cands [3][]string
	seen := map[string]bool{}
	for _, lines := range sources {
		for _, line := range lines {
			words := contentWords(line)
			for n := 1; n <= 3; n++ {
				for i := 0; i+n <= len(words); i++ {
					q := strings.Join(words[i:i+n], " ")
					if !seen[q] {
						seen[q] = true
						cands[n-1] = append(cands[n-1], q)
					}
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x1a7))
	var groups [3][]string
	var warm []string
	for i := range cands {
		rng.Shuffle(len(cands[i]), func(a, b int) { cands[i][a], cands[i][b] = cands[i][b], cands[i][a] })
		k := min(perGroup, len(cands[i]))
		groups[i] = cands[i][:k]
		rest := cands[i][k:]
		w := min(len(rest), (warmup+2)/3)
		warm = append(warm, rest[:w]...)
	}
	return groups, warm
}

// printSizes prints the database size (with its WAL) and the pages of the
// FTS5 index, read from the dbstat virtual table.
func printSizes(path string) error {
	var total int64
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if st, err := os.Stat(path + suffix); err == nil {
			total += st.Size()
		}
	}
	fmt.Printf("database: %s, %.1f MiB (with -wal/-shm)\n", path, float64(total)/(1<<20))
	db, err := sql.Open("sqlite", path+"?_pragma=query_only(1)&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'article_search%' GROUP BY name ORDER BY name`)
	if err != nil {
		fmt.Printf("search index size: unknown (dbstat is not available in this SQLite build: %v)\n", err)
		return nil
	}
	defer rows.Close()
	var fts int64
	var parts []string
	for rows.Next() {
		var name string
		var size int64
		if err := rows.Scan(&name, &size); err != nil {
			return err
		}
		fts += size
		parts = append(parts, fmt.Sprintf("%s %.1f", name, float64(size)/(1<<20)))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var all int64
	if err := db.QueryRowContext(ctx, `SELECT sum(pgsize) FROM dbstat`).Scan(&all); err != nil {
		return err
	}
	fmt.Printf("search index (FTS5 article_search*): %.1f MiB = %.0f%% of the %.1f MiB of pages (MiB: %s)\n\n",
		float64(fts)/(1<<20), 100*float64(fts)/float64(max(all, 1)), float64(all)/(1<<20), strings.Join(parts, ", "))
	return nil
}
