package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"sahafa/importer/jsonl"
	"sahafa/news"
)

const antCorpus = "../../../shared/corpus/ant-v2.1.jsonl.gz"

// TestImportANTCorpus imports the whole ANT corpus through the command line
// and checks the number of articles per section against a count made here
// straight from the file.
func TestImportANTCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus import skipped with -short")
	}
	if _, err := os.Stat(antCorpus); err != nil {
		t.Skipf("ANT corpus absent (%v): skipping the whole-corpus import", err)
	}
	want, lines := countSections(t)
	dir := t.TempDir()
	out, err := runCLI(t, "import", "--data", dir, antCorpus)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	t.Log(strings.SplitN(out, "\n", 2)[0])

	st := openTestStore(t, dir)
	ctx := context.Background()
	secs, err := st.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	total := 0
	for _, s := range secs {
		got[s.Slug] = s.Articles
		total += s.Articles
	}
	for slug, n := range want {
		if got[slug] != n {
			t.Errorf("section %s: %d articles, want %d", slug, got[slug], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("sections %v, want %v", got, want)
	}
	t.Logf("%d lines, %d articles in %d sections: %v", lines, total, len(got), got)

	// Importing again updates every article and creates none.
	out, err = runCLI(t, "import", "--data", dir, antCorpus)
	if err != nil || !strings.Contains(out, " 0 created, ") {
		t.Fatalf("re-import: %v\n%s", err, out)
	}
	list, err := st.Articles(ctx, news.ArticleFilter{Limit: 1})
	if err != nil || list.Total != total {
		t.Fatalf("after re-import: %d articles (%v), want %d", list.Total, err, total)
	}
}

// countSections reads the corpus independently of the importer: every line
// with a title and a body counts in its section's desk.
func countSections(t *testing.T) (map[string]int, int) {
	f, err := os.Open(antCorpus)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	slugFor := map[string]string{
		"culture": "culture", "economy": "economy", "internationalNews": "world",
		"middleEast": "middle-east", "sport": "sport", "technology": "technology",
	}
	for key, slug := range slugFor { // the importer's desks must agree with this table
		found := false
		for _, s := range jsonl.Sections {
			found = found || s.Slug == slug
		}
		if !found {
			t.Fatalf("desk %s (%s) missing from jsonl.Sections", slug, key)
		}
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	counts := map[string]int{}
	lines := 0
	for sc.Scan() {
		lines++
		var rec struct{ Section, Title, Body string }
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d: %v", lines, err)
		}
		if strings.TrimSpace(rec.Title) == "" || strings.TrimSpace(rec.Body) == "" {
			continue
		}
		slug, ok := slugFor[rec.Section]
		if !ok {
			t.Fatalf("line %d: unknown section %q", lines, rec.Section)
		}
		counts[slug]++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return counts, lines
}
