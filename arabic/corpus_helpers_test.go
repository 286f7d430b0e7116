package arabic

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"testing"
)

const corpusPath = "../../shared/corpus/ant-v2.1.jsonl.gz"

// loadCorpus returns title+"\n"+body of the first n corpus articles, or
// skips the test when the corpus is absent.
func loadCorpus(t testing.TB, n int) []string {
	t.Helper()
	f, err := os.Open(corpusPath)
	if err != nil {
		t.Skipf("corpus not available (%v); skipping corpus-driven test", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	var out []string
	for len(out) < n && sc.Scan() {
		var a struct {
			Title string `json:"title"`
			Body  string `json:"body"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("corpus line %d: %v", len(out)+1, err)
		}
		out = append(out, a.Title+"\n"+a.Body)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading corpus: %v", err)
	}
	return out
}
