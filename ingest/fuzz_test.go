package ingest_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"sahafa/ingest"
)

// seeds adds the Arabic fixtures and IPTC's samples to a fuzz corpus.
func seeds(f *testing.F) {
	for _, pattern := range []string{"testdata/*", "../../shared/samples/wire/newsml-g2/*.xml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
}

var handlerAttr = regexp.MustCompile(`<[^>]*\son[a-z]+\s*=`)

// fuzzParse: whatever a parser accepts has an id, text, bounded fields
// and a body without script.
func fuzzParse(f *testing.F, format ingest.Format) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		items, _, err := ingest.Parse(format, data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error with no message")
			}
			return
		}
		for _, it := range items {
			if strings.TrimSpace(it.GUID) == "" || (it.Headline == "" && it.Body == "") {
				t.Fatalf("an item without id or text: %+v", it)
			}
			if utf8.RuneCountInString(it.Headline) > 500 || !utf8.ValidString(it.Headline) || !utf8.ValidString(it.Body) {
				t.Fatalf("headline unbounded or not UTF-8: %q", it.Headline)
			}
			if it.Urgency < 0 || it.Urgency > 9 || it.Version < 1 {
				t.Fatalf("urgency %d version %d", it.Urgency, it.Version)
			}
			low := strings.ToLower(it.Body)
			if strings.Contains(low, "<script") || strings.Contains(low, "javascript:") || handlerAttr.MatchString(low) {
				t.Fatalf("unsafe body: %s", it.Body)
			}
		}
	})
}

func FuzzNewsML(f *testing.F) { fuzzParse(f, ingest.FormatNewsML) }
func FuzzNITF(f *testing.F)   { fuzzParse(f, ingest.FormatNITF) }
func FuzzNinjs(f *testing.F)  { fuzzParse(f, ingest.FormatNinjs) }
func FuzzFeed(f *testing.F)   { fuzzParse(f, ingest.FormatFeed) }
