package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sahafa/arabic"
	"sahafa/news"
	"sahafa/store/sqlite"
)

// TestMain lets the tests run this binary's main as a child process (for
// the kill -9 test) without building it separately.
func TestMain(m *testing.M) {
	if os.Getenv("SAHAFA_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const seedPage = "../../../shared/samples/seed-page.txt"

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func openTestStore(t *testing.T, dir string) news.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(dir, "sahafa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestImportSeedPage(t *testing.T) {
	if _, err := os.Stat(seedPage); err != nil {
		t.Skipf("shared samples absent (%v): skipping the seed page import", err)
	}
	dir := t.TempDir()
	out, err := runCLI(t, "import", "--data", dir, seedPage)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if !strings.Contains(out, "2 created, 0 updated, 0 skipped") {
		t.Fatalf("summary: %s", out)
	}
	// Importing the same page again updates the two stories.
	out, err = runCLI(t, "import", "--data", dir, seedPage)
	if err != nil || !strings.Contains(out, "0 created, 2 updated") {
		t.Fatalf("re-import: %v\n%s", err, out)
	}
	st := openTestStore(t, dir)
	ctx := context.Background()
	list, err := st.Articles(ctx, news.ArticleFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 2 {
		t.Fatalf("want 2 articles, got %d", list.Total)
	}
	byTitle := map[string]news.Article{}
	for _, a := range list.Articles {
		byTitle[strings.SplitN(a.Title, ":", 2)[0]] = a
		if a.Section.Name != "أخبار العالم" {
			t.Errorf("%q: section %q, want أخبار العالم", a.Title, a.Section.Name)
		}
		for _, chrome := range []string{"Advertisements", "قد تقرأ أيضا", "الارشيف"} {
			if strings.Contains(a.Body, chrome) {
				t.Errorf("%q: body contains page chrome %q", a.Title, chrome)
			}
		}
	}
	first := byTitle["إصابة جنود أمريكيين في هجوم صاروخي على قاعدة بالعراق"]
	if len(first.Authors) != 1 || first.Authors[0].Name != "ياسر رشاد" || first.Dateline != "القاهرة" {
		t.Errorf("first story byline: %+v dateline %q", first.Authors, first.Dateline)
	}
	if n := strings.Count(first.Body, "<p>"); n != 5 {
		t.Errorf("first story: %d paragraphs, want 5", n)
	}
	if !strings.HasPrefix(first.Body, "<p>أفادت مصادر أمنية") {
		t.Errorf("first story body starts %q", first.Body[:min(80, len(first.Body))])
	}
	second := byTitle["بلينكن"]
	if !strings.HasPrefix(second.Title, "بلينكن: التصعيد في الشرق الأوسط") || len(second.Authors) != 0 {
		t.Errorf("second story: %q authors %+v", second.Title, second.Authors)
	}
	if n := strings.Count(second.Body, "<p>"); n != 3 {
		t.Errorf("second story: %d paragraphs, want 3", n)
	}
}

func TestImportErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCLI(t, "import", "--data", dir, filepath.Join(dir, "missing.jsonl")); err == nil {
		t.Error("missing file: want an error")
	}
	if _, err := runCLI(t, "import", "--data", dir, "--format", "docx", "x"); err == nil {
		t.Error("unknown format: want an error")
	}
	bin := filepath.Join(dir, "bin.dat")
	os.WriteFile(bin, []byte{0xff, 0xfe, 0x00, 0x01, 0x80, 0x81}, 0o644)
	out, err := runCLI(t, "import", "--data", dir, bin)
	if err == nil || !strings.Contains(out, "detect format") {
		t.Errorf("binary file: err %v, output %s", err, out)
	}

	// A file with good and malformed lines imports the good ones and names
	// the bad ones by line number.
	var b strings.Builder
	b.WriteString(jsonLine(1) + "\n")
	b.WriteString("{\"id\": \"broken\", \"title\": \n")
	b.WriteString(jsonLine(2) + "\n")
	b.WriteString(`{"id":"no-title","title":"","published":"2024-01-02T10:00:00Z","body":"نص"}` + "\n")
	path := filepath.Join(dir, "mixed.jsonl")
	os.WriteFile(path, []byte(b.String()), 0o644)
	out, err = runCLI(t, "import", "--data", dir, path)
	if err != nil {
		t.Fatalf("mixed file: %v\n%s", err, out)
	}
	if !strings.Contains(out, "2 created, 0 updated, 2 skipped") || !strings.Contains(out, "line 2") || !strings.Contains(out, "line 4") {
		t.Errorf("mixed file summary:\n%s", out)
	}
}

// jsonLine is one synthetic article in the corpus format.
func jsonLine(i int) string {
	words := []string{"الحكومة", "تعلن", "خطة", "جديدة", "لدعم", "المزارعين", "في", "المناطق", "الريفية", "بعد", "موسم", "الجفاف"}
	var body strings.Builder
	for p := 0; p < 4; p++ {
		for w := 0; w < 60; w++ {
			body.WriteString(words[(i+p*7+w*3)%len(words)])
			body.WriteByte(' ')
		}
		body.WriteString("\n")
	}
	rec := map[string]string{
		"id": fmt.Sprintf("synthetic-%d", i), "url": fmt.Sprintf("https://example.com/%d", i),
		"source": "example", "section": "economy",
		"title":     fmt.Sprintf("خطة رقم %d لدعم المزارعين", i),
		"published": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
		"byline":    "القاهرة - سامي عادل", "abstract": "ملخص الخبر", "body": body.String(),
	}
	j, _ := json.Marshal(rec)
	return string(j)
}

// TestImportKilled kills an import with SIGKILL mid-way and checks that the
// database opens, passes SQLite's integrity check and holds whole batches
// of whole articles only; a second import then completes the set.
func TestImportKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("kill -9 test is slow; skipped with -short")
	}
	dir := t.TempDir()
	const n = 20000
	path := filepath.Join(dir, "big.jsonl.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	for i := 1; i <= n; i++ {
		fmt.Fprintln(zw, jsonLine(i))
	}
	zw.Close()
	f.Close()

	data := filepath.Join(dir, "data")
	const batch = 100
	for attempt := 0; ; attempt++ {
		cmd := exec.Command(os.Args[0], "import", "--data", data, "--batch", fmt.Sprint(batch), path)
		cmd.Env = append(os.Environ(), "SAHAFA_TEST_MAIN=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(800+attempt*400) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		count := checkWhole(t, data)
		t.Logf("killed after %d articles", count)
		if count%batch != 0 {
			t.Fatalf("%d articles stored: not a whole number of %d-article transactions", count, batch)
		}
		if count > 0 && count < n || attempt == 5 {
			break
		}
		os.RemoveAll(data)
	}
	out, err := runCLI(t, "import", "--data", data, path)
	if err != nil {
		t.Fatalf("import after kill: %v\n%s", err, out)
	}
	if got := checkWhole(t, data); got != n {
		t.Fatalf("after re-import: %d articles, want %d", got, n)
	}
}

// checkWhole opens the database directly and checks its integrity and that
// every article has its author row and its search-index row.
func checkWhole(t *testing.T, data string) int {
	t.Helper()
	if _, err := os.Stat(filepath.Join(data, "sahafa.db")); errors.Is(err, fs.ErrNotExist) {
		return 0 // killed before it made the database (a slow start on a loaded machine)
	}
	db, err := sql.Open("sqlite", filepath.Join(data, "sahafa.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	var articles, withAuthor int
	if err := db.QueryRow("SELECT count(*) FROM articles").Scan(&articles); err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return 0 // killed before the first migration committed
		}
		t.Fatal(err)
	}
	db.QueryRow("SELECT count(DISTINCT article_id) FROM article_authors").Scan(&withAuthor)
	if withAuthor != articles {
		t.Fatalf("%d articles but %d with their author", articles, withAuthor)
	}
	// Counted in the index itself: searches stop counting at 10,000.
	var indexed int
	if err := db.QueryRow(`SELECT count(*) FROM article_search WHERE article_search MATCH ?`, `"`+arabic.Terms("خطة")[0]+`"`).Scan(&indexed); err != nil {
		t.Fatal(err)
	}
	if indexed != articles {
		t.Fatalf("%d articles but %d in the search index", articles, indexed)
	}
	return articles
}

// TestReindex rebuilds the index of an imported page and finds its stories
// by a spelling the page does not use (التهدئة for the page's التهدئه), then
// computes their related lists.
func TestReindex(t *testing.T) {
	if _, err := os.Stat(seedPage); err != nil {
		t.Skipf("shared samples absent (%v)", err)
	}
	dir := t.TempDir()
	if out, err := runCLI(t, "import", "--data", dir, seedPage); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err := runCLI(t, "reindex", "--data", dir, "--related")
	if err != nil || !strings.Contains(out, "reindexed 2 articles") || !strings.Contains(out, "computed 2 related lists") ||
		!strings.Contains(out, "reindex: 2 of 2 articles (100%)") {
		t.Fatalf("reindex: %v\n%s", err, out)
	}
	st := openTestStore(t, dir)
	ctx := context.Background()
	res, err := st.Search(ctx, news.SearchQuery{Terms: arabic.Terms("التهدئة بلينكن"), Limit: 5})
	if err != nil || res.Total != 1 || !strings.HasPrefix(res.Hits[0].Title, "بلينكن") {
		t.Fatalf("search after reindex: %+v %v", res, err)
	}
	if _, stored, err := st.Related(ctx, res.Hits[0].ID, 5); err != nil || !stored {
		t.Errorf("related list not stored after reindex --related: %v %v", stored, err)
	}
}
