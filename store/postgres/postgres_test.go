package postgres

import (
	"context"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
	"sahafa/store/storetest"
	"sahafa/store/teststores/pgtest"
)

// testDSN is the server the tests use; they are skipped without one.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("SAHAFA_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("SAHAFA_TEST_POSTGRES not set: PostgreSQL tests skipped")
	}
	return dsn
}

// withSearchPath returns dsn with search_path set to schema.
func withSearchPath(t testing.TB, dsn, schema string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

// newSchema creates an empty schema with a unique name, dropped when the
// test ends, and returns it and a DSN that works in it; it holds the test
// server's shared lock so that restart tests elsewhere wait for it.
func newSchema(t testing.TB) (schema, dsn string) { return pgtest.NewSchema(t) }

func openTest(t testing.TB) *Store {
	t.Helper()
	_, dsn := newSchema(t)
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	testDSN(t)
	storetest.Run(t, func(t *testing.T) news.Store { return openTest(t) })
}

// TestConcurrentOpen starts several servers on one fresh schema at once:
// the migration lock lets one migrate while the others wait.
func TestConcurrentOpen(t *testing.T) {
	schema, dsn := newSchema(t)
	ctx := context.Background()
	const n = 8
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			stores[i], errs[i] = Open(ctx, dsn)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		} else {
			defer stores[i].Close()
		}
	}
	if t.Failed() {
		return
	}
	s := stores[0]
	var versions, maxVersion int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*), max(version_id) FROM goose_db_version WHERE version_id > 0`).
		Scan(&versions, &maxVersion); err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(len(files)); versions != want || maxVersion != want {
		t.Errorf("goose_db_version holds %d applied versions, max %d; want each migration once", versions, maxVersion)
	}
	rows, err := s.pool.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, schema)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(tables) // byte order, whatever the database's collation
	want := []string{"ad_stats", "api_tokens", "article_authors", "article_tags", "article_views", "articles", "author_aliases", "authors", "autosaves", "comment_modes", "comments", "corrections", "edit_presence", "events", "gone_paths",
		"goose_db_version", "import_jobs", "live_coverage", "live_updates", "media", "media_crops", "media_files", "media_origins", "media_sources", "page_comments", "pages", "path_redirects", "redirects", "referrer_views", "related", "revisions", "sections", "sessions",
		"settings", "signin_attempts", "tags", "users", "visitor_salts", "visitor_sketches", "webhook_deliveries", "webhooks", "wire_items", "wire_sources"}
	if !slices.Equal(tables, want) {
		t.Errorf("tables in %s: %v, want %v", schema, tables, want)
	}
	// Every store works.
	for i, st := range stores {
		if _, err := st.SaveArticles(ctx, storetest.GeneratedBatch(rand.New(rand.NewPCG(uint64(i), 1)), i*10, 2)); err != nil {
			t.Errorf("store %d: %v", i, err)
		}
	}
	// Reopening finds nothing to do.
	again, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	again.Close()
}

// TestWatchChanges opens one schema twice, as two servers would, and
// checks that a write through one reaches the other's watcher, and that a
// write in another schema of the same database does not.
func TestWatchChanges(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, dsn := newSchema(t)
	server, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	importer, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer importer.Close()
	other := openTest(t)
	defer other.Close()

	changed := make(chan struct{}, 16)
	server.WatchChanges(ctx, func(news.Change) { changed <- struct{}{} })

	rng := rand.New(rand.NewPCG(1, 2))
	if _, err := other.SaveArticles(ctx, storetest.GeneratedBatch(rng, 0, 1)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
		t.Fatal("change reported for a write in another schema")
	case <-time.After(300 * time.Millisecond):
	}

	if _, err := importer.SaveArticles(ctx, storetest.GeneratedBatch(rng, 0, 3)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(2 * time.Second):
		t.Fatal("no change reported 2s after another store wrote")
	}
	ids, err := importer.MissingRelated(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := importer.SetRelated(ctx, ids[0], nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(2 * time.Second):
		t.Fatal("no change reported 2s after SetRelated")
	}

	// A failed (rolled back) write notifies nobody.
	if err := importer.SetRelated(ctx, ids[0], []int64{-1}); err == nil {
		t.Fatal("SetRelated(-1): no error")
	}
	select {
	case <-changed:
		t.Fatal("change reported for a rolled-back write")
	case <-time.After(300 * time.Millisecond):
	}

	// Cancelling the context stops the watcher; Close waits for it.
	cancel()
	done := make(chan struct{})
	go func() { server.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return after the watcher's context ended")
	}
}

// TestWords checks that the words Go finds in a term are exactly the
// lexemes PostgreSQL indexes for the text built from it.
func TestWords(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	ctx := context.Background()
	for _, in := range []string{
		"البنك الدولي", "covid-19", "3.5 example.com a@b.org", "<p>x</p> &amp; y", "İstanbul ÉCOLE straße",
		"مُحَمَّد", `البنك" "OR"`, "النفط* ( NEAR", "it's a\\b", "abc١٢ x2y ٣٤", "日本語 テキスト", "ﻻ ﷲ", "ǅemal ῼ",
	} {
		var got []string
		if err := s.pool.QueryRow(ctx, `SELECT coalesce(array_agg(w ORDER BY w), '{}') FROM
			unnest(tsvector_to_array(to_tsvector('simple', $1))) AS w`, indexText(in)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		want := lexemes(in)
		slices.Sort(want)
		want = slices.Compact(want)
		// Compare as byte strings: the database's collation may order differently.
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%q: PostgreSQL indexes %q, the query side makes %q", in, got, want)
		}
	}
}

func TestTSQueries(t *testing.T) {
	cases := []struct {
		q           news.SearchQuery
		match, rank string
	}{
		{news.SearchQuery{}, "", ""},
		{news.SearchQuery{Exclude: []string{"a"}}, "", ""},
		{news.SearchQuery{Terms: []string{"a", "B"}}, `'a' & 'b'`, `'a' | 'b'`},
		{news.SearchQuery{Phrases: [][]string{{"a", "b"}}}, `('a':A <-> 'b':A | 'a':B <-> 'b':B)`, `'a' | 'b'`},
		{news.SearchQuery{Terms: []string{`x"y`}, Exclude: []string{"c", "d"}},
			`(('x':A <-> 'y':A | 'x':B <-> 'y':B)) & !('c' | 'd')`, `'x' | 'y'`},
		{news.SearchQuery{Should: []string{"s", "t"}}, `'s' | 't'`, `'s' | 't'`},
		{news.SearchQuery{Terms: []string{"a"}, Should: []string{"s"}}, `'a'`, `'a' | 's'`},
		{news.SearchQuery{Terms: []string{"", "-", "a", "a&b|!c"}}, `'a' & ('a':A <-> 'b':A <-> 'c':A | 'a':B <-> 'b':B <-> 'c':B)`, `'a' | 'b' | 'c'`},
		{news.SearchQuery{Should: []string{"NOT", "(", "النفط*"}}, `'not' | 'النفط'`, `'not' | 'النفط'`},
	}
	for _, c := range cases {
		m, r := tsQueries(c.q)
		if m != c.match || r != c.rank {
			t.Errorf("tsQueries(%+v) = %s ; %s, want %s ; %s", c.q, m, r, c.match, c.rank)
		}
	}
	if got := quoteLexeme(`a'b\c`); got != `'a''b\\c'` {
		t.Errorf("quoteLexeme = %s", got)
	}
	// No text, indexed or searched, can hold the lexeme of hidden articles.
	if ws := lexemes(hiddenLexeme); slices.Contains(ws, hiddenLexeme) {
		t.Errorf("lexemes(%q) = %q", hiddenLexeme, ws)
	}
	if got := publicMatch(`'a' & 'b'`); got != `('a' & 'b') & !'_unlisted'` {
		t.Errorf("publicMatch = %s", got)
	}
}

func TestClosed(t *testing.T) {
	s := openTest(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Article(context.Background(), 1)
	if news.ErrorCode(err) != news.EUNAVAILABLE {
		t.Errorf("after Close: %v (code %q), want %s", err, news.ErrorCode(err), news.EUNAVAILABLE)
	}
}

// TestOpenUnreachable needs no server: nothing listens on the port.
func TestOpenUnreachable(t *testing.T) {
	start := time.Now()
	_, err := Open(context.Background(), "postgres://nobody:x@127.0.0.1:1/none?sslmode=disable")
	if news.ErrorCode(err) != news.EUNAVAILABLE {
		t.Errorf("Open(unreachable): %v (code %q), want %s", err, news.ErrorCode(err), news.EUNAVAILABLE)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Open(unreachable) took %v", d)
	}
	_, err = Open(context.Background(), "postgres://%zz")
	if news.ErrorCode(err) != news.EINVALID {
		t.Errorf("Open(bad DSN): %v, want %s", err, news.EINVALID)
	}
}

// TestVectorLiteral checks that the tsvector built in Go equals the one
// PostgreSQL's parser builds from the same analyzed text.
func TestVectorLiteral(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	ctx := context.Background()
	long := strings.Repeat("سوق نفط ", 300) // a lexeme past 255 positions
	cases := [][2]string{
		{"البنك الدولي", "قال البنك الدولي ان النمو تباطا في البنك"},
		{"", "نص بلا عنوان"},
		{"عنوان بلا نص", ""},
		{"covid 19 it's a\\b", "covid 19 و 5g abc١٢ 日本語"},
		{"نفط", long},
	}
	for _, c := range cases {
		var same, sameLexemes bool
		var got, want string
		err := s.pool.QueryRow(ctx, `SELECT $1::tsvector = v, strip($1::tsvector) = strip(v), $1::tsvector::text, v::text
			FROM (SELECT setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'B') AS v) x`,
			vectorLiteral(c[0], c[1]), indexText(c[0]), indexText(c[1])).Scan(&same, &sameLexemes, &got, &want)
		if err != nil {
			t.Fatalf("%q: %v", c[0], err)
		}
		if !same && c[1] != long {
			t.Errorf("title %q body %q:\n go  %.300s\n sql %.300s", c[0], c[1], got, want)
		}
		if !sameLexemes {
			t.Errorf("title %q: the lexemes differ:\n go  %.300s\n sql %.300s", c[0], got, want)
		}
		if !same && c[1] == long {
			t.Logf("a lexeme past 255 positions differs from to_tsvector's (accepted):\n go  %.200s\n sql %.200s", got, want)
		}
	}
}

// indexText is the words of s, one space apart: the text whose
// to_tsvector('simple', …) vectorLiteral reproduces (the tests compare them).
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
