package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
	"sahafa/readership"
	"sahafa/store/postgres"
	"sahafa/store/teststores/pgtest"
)

// The tests in this file run "sahafa serve" and "sahafa import" on the
// PostgreSQL server SAHAFA_TEST_POSTGRES names, each in a fresh schema
// (the --db URL carries search_path), and skip without one.

// msgUnavailable is the start of the site's 503 page text.
const msgUnavailable = "الموقع غير متاح مؤقتًا"

// pgSchema returns a --db URL for a fresh schema, dropped when t ends,
// with application_name set so the test's own sessions can be told apart.
func pgSchema(t *testing.T) string {
	t.Helper()
	_, dsn := pgtest.NewSchema(t)
	dsn, err := pgtest.WithParam(dsn, "application_name", appName)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

const appName = "sahafa-cmd-test"

// writeJSONL writes the synthetic articles first..last (jsonLine) to a
// file and returns its path.
func writeJSONL(t *testing.T, name string, first, last int) string {
	t.Helper()
	var b strings.Builder
	for i := first; i <= last; i++ {
		b.WriteString(jsonLine(i))
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type reply struct {
	code   int
	header http.Header
	body   string
	took   time.Duration
}

// fetch GETs u with client (which must have a timeout): a hang fails the
// test instead of stalling it.
func fetch(t *testing.T, client *http.Client, u string) reply {
	t.Helper()
	start := time.Now()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatalf("GET %s after %v: %v", u, time.Since(start).Round(time.Millisecond), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", u, err)
	}
	return reply{resp.StatusCode, resp.Header, string(b), time.Since(start)}
}

// apiTotal returns the article count the API reports; u must be a list
// URL not requested before (so the page cache cannot answer it).
func apiTotal(t *testing.T, client *http.Client, u string) int {
	t.Helper()
	r := fetch(t, client, u)
	var list struct {
		Total    int `json:"total"`
		Articles []struct {
			URL string `json:"url"`
		} `json:"articles"`
	}
	if r.code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, r.code, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return list.Total
}

// TestTwoServersInvalidate runs two servers on one database, lets both
// cache the home page, imports an article beside them and checks that it
// is on both home pages within a second.
func TestTwoServersInvalidate(t *testing.T) {
	pgtest.RequireDSN(t)
	dsn := pgSchema(t)
	if out, err := runCLI(t, "import", "--db", dsn, writeJSONL(t, "seed.jsonl", 1, 30)); err != nil {
		t.Fatalf("seed import: %v\n%s", err, out)
	}
	args := []string{"--db", dsn, "--no-demo", "--warm-related=false"}
	servers := []string{startServer(t, args...), startServer(t, args...)}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, base := range servers {
		fetch(t, client, base+"/")
		if r := fetch(t, client, base+"/"); r.code != http.StatusOK || r.header.Get("X-Cache") != "hit" {
			t.Fatalf("%s/: %d X-Cache %q, want a cached 200", base, r.code, r.header.Get("X-Cache"))
		}
	}

	const headline = "افتتاح جسر جديد يربط ضفتي النهر"
	importArticle(t, dsn, map[string]string{
		"id": "two-servers-1", "url": "https://example.com/bridge", "source": "example", "section": "local",
		"title": headline, "published": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339),
		"byline": "بغداد - سامي عادل", "body": "افتتحت البلدية جسرا جديدا يربط ضفتي النهر ويخفف الزحام.",
	})
	committed := time.Now()

	seen := make([]time.Duration, len(servers))
	for i := range seen {
		seen[i] = -1
	}
	for left := len(servers); left > 0; {
		for i, base := range servers {
			if seen[i] >= 0 {
				continue
			}
			if r := fetch(t, client, base+"/"); r.code == http.StatusOK && strings.Contains(r.body, headline) {
				seen[i] = time.Since(committed)
				left--
			}
		}
		if time.Since(committed) > 3*time.Second {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	for i, d := range seen {
		switch {
		case d < 0:
			t.Errorf("server %d: the new article is not on the home page 3s after the import", i+1)
		case d > time.Second:
			t.Errorf("server %d: the new article took %v to reach the home page, want at most 1s", i+1, d.Round(time.Millisecond))
		default:
			t.Logf("server %d: the new article was on the home page %v after the import committed", i+1, d.Round(time.Millisecond))
		}
	}
}

// twoServers starts two servers on one throwaway PostgreSQL schema (with
// the demo site) and opens a store on it beside them, as another server's
// newsroom would write.
func twoServers(t *testing.T) (servers []string, client *http.Client, st *postgres.Store) {
	t.Helper()
	pgtest.RequireDSN(t)
	dsn := pgSchema(t)
	args := []string{"--db", dsn, "--warm-related=false"}
	servers = []string{startServer(t, args...), startServer(t, args...)}
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return servers, &http.Client{Timeout: 10 * time.Second}, st
}

// TestTwoServersBreaking: a breaking-news line saved through one store
// (as the newsroom of any server saves it) is on the home page of both
// servers within a second, and gone from both as fast when it ends.
func TestTwoServersBreaking(t *testing.T) {
	servers, client, st := twoServers(t)
	for _, base := range servers {
		fetch(t, client, base+"/")
	}
	ctx := context.Background()
	const text = "عاجل: انقطاع الكهرباء عن أحياء العاصمة"
	b, _ := news.EncodeBreaking(news.Breaking{Text: text, At: time.Now(), Until: time.Now().Add(time.Hour)})
	reach := func(what string, want bool) {
		t.Helper()
		saved := time.Now()
		for i, base := range servers {
			for {
				r := fetch(t, client, base+"/")
				if strings.Contains(r.body, text) == want {
					t.Logf("server %d: %s after %v", i+1, what, time.Since(saved).Round(time.Millisecond))
					break
				}
				if time.Since(saved) > time.Second {
					t.Errorf("server %d: %s not within 1s", i+1, what)
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
	}
	if err := st.SaveSettings(ctx, map[string]string{news.SettingBreaking: b}); err != nil {
		t.Fatal(err)
	}
	reach("the breaking line shown", true)
	if err := st.SaveSettings(ctx, map[string]string{news.SettingBreaking: ""}); err != nil {
		t.Fatal(err)
	}
	reach("the breaking line gone", false)
}

// TestTwoServersLive: an update of a live page, posted through one store
// (as the newsroom of any server posts it), is on that article's page on
// both servers within a second — dropping the page alone: the home page
// each server cached stays cached.
func TestTwoServersLive(t *testing.T) {
	servers, client, st := twoServers(t)
	ctx := context.Background()
	list, err := st.Articles(ctx, news.ArticleFilter{Limit: 1})
	if err != nil || len(list.Articles) == 0 {
		t.Fatalf("no demo article: %v", err)
	}
	a := list.Articles[0]
	if err := st.SetLive(ctx, a.ID, time.Now(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // both servers hear that coverage started
	for _, base := range servers {
		fetch(t, client, base+"/")
		fetch(t, client, base+a.Path())
	}
	const text = "وصول أولى شاحنات المساعدات إلى المعبر"
	saved := time.Now()
	if _, err := st.AddLiveUpdate(ctx, news.LiveUpdate{ArticleID: a.ID, At: saved, Body: "<p>" + text + "</p>", Author: "هدى"}); err != nil {
		t.Fatal(err)
	}
	for i, base := range servers {
		for {
			if strings.Contains(fetch(t, client, base+a.Path()).body, text) {
				t.Logf("server %d: the live update was on the article page %v after it was stored", i+1, time.Since(saved).Round(time.Millisecond))
				break
			}
			if time.Since(saved) > time.Second {
				t.Errorf("server %d: the live update not on the article page within 1s", i+1)
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if r := fetch(t, client, base+"/"); r.header.Get("X-Cache") != "hit" {
			t.Errorf("server %d: the home page was dropped from the cache by a live update", i+1)
		}
	}
}

// TestTwoServersCountReaders: readers' views on two servers of one
// PostgreSQL database add up in the same totals, and a reader who read on
// both is one reader (the day's salt is shared); each server writes its
// last counts when it stops.
func TestTwoServersCountReaders(t *testing.T) {
	pgtest.RequireDSN(t)
	dsn := pgSchema(t)
	args := []string{"--db", dsn, "--warm-related=false", "--drain-delay=0s"}
	servers := []*testServer{startServerWith(t, args...), startServerWith(t, args...)}
	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, err := st.Articles(ctx, news.ArticleFilter{Limit: 1})
	if err != nil || len(list.Articles) == 0 {
		t.Fatalf("no demo article: %v", err)
	}
	a := list.Articles[0]
	client := &http.Client{Timeout: 10 * time.Second}
	const readers = 30
	for i := range readers {
		for _, srv := range servers {
			req, _ := http.NewRequest("GET", srv.base+a.Path(), nil)
			req.Header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1)) // not trusted: the address is the loopback's
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	}
	for _, srv := range servers {
		if err := srv.stop(); err != nil {
			t.Fatal(err)
		}
	}
	n, err := st.ArticleViewTotal(ctx, a.ID, time.Now().Add(-time.Hour))
	if err != nil || n != 2*readers {
		t.Errorf("views stored by the two servers: %d, %v; want %d", n, err, 2*readers)
	}
	sk, err := st.VisitorSketch(ctx, time.Now().UTC().Truncate(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// Every request came from 127.0.0.1 with one browser: one reader.
	if got := readership.Estimate(sk); got != 1 {
		t.Errorf("distinct readers: %d, want 1 (one address and browser, on two servers)", got)
	}
}

// waitQuiet waits until the server has no client sessions but this
// test's, so that stopping it does not cut off the tests of a package that
// does not take pgtest's lock; it gives up after a minute.
func waitQuiet(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	start := time.Now()
	for {
		var others int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
			AND application_name <> $1`, appName).Scan(&others); err != nil {
			t.Fatal(err)
		}
		if others == 0 {
			break
		}
		if time.Since(start) > time.Minute {
			t.Logf("%d sessions of other tests still open after a minute; stopping the server anyway", others)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if d := time.Since(start); d > time.Second {
		t.Logf("waited %v for other tests' sessions to end", d.Round(time.Millisecond))
	}
}

// TestServeDatabaseRestart stops PostgreSQL under a running server and an
// import in flight, then starts it again: meanwhile pages the server had
// cached are served from their last good copy, the others and the API
// answer 503 promptly, the import fails leaving whole batches only, and
// the server recovers without a restart.
func TestServeDatabaseRestart(t *testing.T) {
	pgtest.RequireDSN(t)
	ctl := pgtest.NewPgCtl(t) // waits until other test processes are done with the server
	dsn := pgSchema(t)
	ctx := context.Background()

	const seedN = 50
	if out, err := runCLI(t, "import", "--db", dsn, "--batch", "10", writeJSONL(t, "seed.jsonl", 1, seedN)); err != nil {
		t.Fatalf("seed import: %v\n%s", err, out)
	}
	const bigFirst, bigN, batch = 1001, 4000, 200
	big := writeJSONL(t, "big.jsonl", bigFirst, bigFirst+bigN-1)
	late := writeJSONL(t, "late.jsonl", 9001, 9010)

	base := startServer(t, "--db", dsn, "--no-demo", "--warm-related=false")
	client := &http.Client{Timeout: 10 * time.Second}
	if r := fetch(t, client, base+"/"); r.code != http.StatusOK {
		t.Fatalf("home: %d", r.code)
	}
	var list struct {
		Total    int `json:"total"`
		Articles []struct {
			URL string `json:"url"`
		} `json:"articles"`
	}
	r := fetch(t, client, base+"/api/v1/articles?limit=5")
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || list.Total != seedN || len(list.Articles) != 5 {
		t.Fatalf("article list: %d %v %.300s", r.code, err, r.body)
	}
	article, err := url.Parse(list.Articles[3].URL) // never requested yet
	if err != nil {
		t.Fatal(err)
	}
	articleURL := base + article.RequestURI()
	searchURL := base + "/search/?q=" + url.QueryEscape("المزارعين الجفاف")
	apiURL := base + "/api/v1/articles?limit=7"

	waitQuiet(t, dsn)

	// An import in flight when the server stops.
	imported := make(chan error, 1)
	go func() {
		out, err := runCLI(t, "import", "--db", dsn, "--batch", fmt.Sprint(batch), big)
		if err != nil {
			err = fmt.Errorf("%w\n%s", err, out)
		}
		imported <- err
	}()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM articles`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > seedN {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the import stored nothing in 30s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	conn.Close(ctx)

	t0 := time.Now()
	ctl.Stop(t)
	t.Logf("pg_ctl stop took %v", time.Since(t0).Round(time.Millisecond))
	select {
	case err := <-imported:
		if err == nil {
			t.Log("the import finished before the server stopped")
		} else {
			t.Logf("the import in flight failed %v after the stop: %v", time.Since(t0).Round(time.Millisecond), err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the import in flight did not return within 15s of the stop")
	}

	// While the database is down: a clear 503, promptly, from the site and
	// from the API.
	for _, u := range []string{articleURL, searchURL} {
		r := fetch(t, client, u)
		if r.code != http.StatusServiceUnavailable || !strings.Contains(r.body, msgUnavailable) || r.header.Get("Retry-After") == "" {
			t.Errorf("GET %s with the database down: %d Retry-After %q, want 503 saying %q\n%.500s",
				u, r.code, r.header.Get("Retry-After"), msgUnavailable, r.body)
		}
		if r.took > 5*time.Second {
			t.Errorf("GET %s with the database down took %v", u, r.took)
		}
		p, _ := url.PathUnescape(strings.TrimPrefix(u, base))
		t.Logf("GET %s with the database down: %d in %v", p, r.code, r.took.Round(time.Millisecond))
	}
	// The home page was cached before the outage and dropped by the import
	// since: its last good copy is served rather than a 503
	// (stale-if-error), promptly, and again without a new attempt.
	for i := range 3 {
		r := fetch(t, client, base+"/")
		if r.code != http.StatusOK || r.header.Get("X-Cache") != "stale" || !strings.Contains(r.body, "<h2") || r.took > 5*time.Second {
			t.Errorf("home page %d with the database down: %d X-Cache %q in %v, want its last good copy",
				i+1, r.code, r.header.Get("X-Cache"), r.took)
		}
	}
	r = fetch(t, client, apiURL)
	var apiErr struct {
		Error string `json:"error"`
	}
	if r.code != http.StatusServiceUnavailable || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") ||
		json.Unmarshal([]byte(r.body), &apiErr) != nil || apiErr.Error == "" || r.took > 5*time.Second {
		t.Errorf("API with the database down: %d %q in %v: %s", r.code, r.header.Get("Content-Type"), r.took, r.body)
	}

	// An import started now fails, promptly, and writes nothing.
	start := time.Now()
	if out, err := runCLI(t, "import", "--db", dsn, late); err == nil {
		t.Errorf("import with the database down succeeded:\n%s", out)
	} else {
		t.Logf("import with the database down failed in %v: %v", time.Since(start).Round(time.Millisecond), err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("import with the database down took %v to fail", d)
	}

	ctl.Start(t)
	restarted := time.Now()
	for {
		r := fetch(t, client, articleURL)
		if r.code == http.StatusOK {
			break
		}
		if time.Since(restarted) > 15*time.Second {
			t.Fatalf("article still %d 15s after the database came back", r.code)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("the server answered 200 %v after the database came back", time.Since(restarted).Round(time.Millisecond))
	if r := fetch(t, client, searchURL); r.code != http.StatusOK {
		t.Errorf("search after the restart: %d", r.code)
	}

	// Whole batches only: the seed plus some number of complete batches of
	// the big file, and nothing of the import tried while it was down.
	conn, err = pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n, lateN, noAuthor int
	if err := conn.QueryRow(ctx, `SELECT count(*),
			count(*) FILTER (WHERE external_id LIKE 'synthetic-90__'),
			count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM article_authors aa WHERE aa.article_id = articles.id))
		FROM articles`).Scan(&n, &lateN, &noAuthor); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d articles stored: the seed's %d and %d of the %d in flight", n, seedN, n-seedN, bigN)
	if got := n - seedN; got < 0 || got%batch != 0 || got > bigN {
		t.Errorf("%d articles stored: %d beyond the seed's %d is not a whole number of %d-article batches", n, got, seedN, batch)
	}
	if lateN != 0 {
		t.Errorf("%d articles of the import tried with the database down were stored", lateN)
	}
	if noAuthor != 0 {
		t.Errorf("%d stored articles have no author rows: a half-written article", noAuthor)
	}
	if got := apiTotal(t, client, base+"/api/v1/articles?limit=9"); got != n {
		t.Errorf("the API reports %d articles after the restart, the database holds %d", got, n)
	}
}
