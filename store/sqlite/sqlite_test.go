package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/storetest"
)

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "data", "sahafa.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) news.Store { return openTest(t) })
}

func TestPragmas(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	ctx := context.Background()
	check := func(pool string, q querier, pragma, want string) {
		t.Helper()
		var got string
		if err := q.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatalf("%s: PRAGMA %s: %v", pool, pragma, err)
		}
		if !strings.EqualFold(got, want) {
			t.Errorf("%s: %s = %q, want %q", pool, pragma, got, want)
		}
	}
	for pool, db := range map[string]querier{"writer": s.w, "reader": s.r} {
		check(pool, db, "journal_mode", "wal")
		check(pool, db, "foreign_keys", "1")
		check(pool, db, "synchronous", "1") // NORMAL
		check(pool, db, "temp_store", "2")  // MEMORY
		check(pool, db, "busy_timeout", "10000")
		check(pool, db, "cache_size", "-16384")
	}
	check("reader", s.r, "query_only", "1")
	if _, err := s.r.ExecContext(ctx, `DELETE FROM sections`); err == nil {
		t.Errorf("the reader pool accepted a write")
	}
	if got := s.w.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("writer pool allows %d connections, want 1", got)
	}
	if got := s.r.Stats().MaxOpenConnections; got < 2 {
		t.Errorf("reader pool allows %d connections, want several", got)
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	_, err := s.w.ExecContext(context.Background(),
		`INSERT INTO article_authors (article_id, author_id, position) VALUES (999, 999, 0)`)
	if err == nil {
		t.Fatal("a dangling article_authors row was accepted")
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "dir", "sahafa.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	rec := news.ArticleRecord{
		Article: news.Article{
			ExternalID: "keep-me", Slug: "keep", Title: "خبر يبقى بعد إعادة الفتح",
			Section: news.Section{Slug: "local", Name: "محليات"}, PublishedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			Authors: []news.Author{{Slug: "hana", Name: "هناء"}},
		},
		SearchTitle: "خبر يبقى بعد اعادة الفتح",
	}
	res, err := s.SaveArticles(ctx, []news.ArticleRecord{rec})
	if err != nil {
		t.Fatal(err)
	}
	var v1 int64
	if err := s.w.QueryRowContext(ctx, `SELECT max(version_id) FROM goose_db_version`).Scan(&v1); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	a, err := s.ArticleByExternalID(ctx, "keep-me")
	if err != nil {
		t.Fatalf("after reopen: %v", err)
	}
	if a.ID != res.IDs[0] || a.Title != rec.Title || len(a.Authors) != 1 {
		t.Errorf("after reopen: %+v", a)
	}
	r, err := s.Search(ctx, news.SearchQuery{Terms: []string{"اعادة"}})
	if err != nil || r.Total != 1 {
		t.Errorf("search after reopen: %+v, %v", r, err)
	}
	var v2, rows int64
	if err := s.w.QueryRowContext(ctx, `SELECT max(version_id), count(*) FROM goose_db_version`).Scan(&v2, &rows); err != nil {
		t.Fatal(err)
	}
	if v2 != v1 {
		t.Errorf("schema version %d after reopen, want %d", v2, v1)
	}
	var entries []os.DirEntry
	if entries, err = os.ReadDir(filepath.Dir(path)); err != nil || len(entries) == 0 {
		t.Errorf("data directory: %v %v", entries, err)
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

func TestMatchExpr(t *testing.T) {
	cases := []struct {
		q    news.SearchQuery
		want string
	}{
		{news.SearchQuery{}, ""},
		{news.SearchQuery{Exclude: []string{"a"}}, ""},
		{news.SearchQuery{Terms: []string{"a", "b"}}, `"a" AND "b"`},
		{news.SearchQuery{Phrases: [][]string{{"a", "b"}}}, `"a b"`},
		{news.SearchQuery{Terms: []string{`x"y`}, Exclude: []string{"c", "d"}}, `("x""y") NOT ("c" OR "d")`},
		{news.SearchQuery{Should: []string{"s", "t"}}, `"s" OR "t"`},
		{news.SearchQuery{Terms: []string{"a"}, Should: []string{"s"}}, `("a") AND ("a" OR "s")`},
		{news.SearchQuery{Terms: []string{"", "-", "a"}}, `"a"`},
	}
	for _, c := range cases {
		// The newsroom's query: exactly the terms.
		c.q.AllStatuses = true
		if got := matchExpr(c.q); got != c.want {
			t.Errorf("matchExpr(%+v) = %s, want %s", c.q, got, c.want)
		}
		// A reader's query also leaves out every unpublished article.
		c.q.AllStatuses = false
		if c.want == "" {
			if got := matchExpr(c.q); got != "" {
				t.Errorf("public matchExpr(%+v) = %s, want nothing", c.q, got)
			}
			continue
		}
		want := "(" + c.want + `) NOT ("` + hiddenTerm + `")`
		if strings.Contains(c.want, " NOT (") {
			want = strings.TrimSuffix(c.want, ")") + ` OR "` + hiddenTerm + `")`
		}
		if got := matchExpr(c.q); got != want {
			t.Errorf("public matchExpr(%+v) = %s, want %s", c.q, got, want)
		}
	}
}

// The benchmarks are the shared ones of storetest, so that the numbers
// compare with PostgreSQL's.

func BenchmarkSaveArticles(b *testing.B) {
	s := openTest(b)
	defer s.Close()
	storetest.BenchSaveArticles(b, s, "cpu-s", func() (int64, error) { return dbSize(context.Background(), s) })
}

func BenchmarkSearch(b *testing.B) {
	s := openTest(b)
	defer s.Close()
	storetest.BenchSearch(b, s, nil)
}

// dbSize checkpoints the WAL and returns the database file size in bytes.
func dbSize(ctx context.Context, s *Store) (int64, error) {
	if _, err := s.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return 0, err
	}
	var pages, pageSize int64
	if err := s.w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return 0, err
	}
	if err := s.w.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return 0, err
	}
	return pages * pageSize, nil
}
