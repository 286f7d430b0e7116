package jsonl

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"sahafa/news"
)

func rec(fields string) string { return "{" + fields + "}\n" }

const good = `"id":"a1","url":"http://www.alarabiya.net/ar/sport/2018/02/18/x.html","source":"alarabia","section":"sport","title":" هدف  في الدقيقة الأخيرة ","published":"2018-02-18T21:35:43Z","byline":"القاهرة - أحمد الريدي","abstract":"ملخص","body":"الفقرة الأولى.\nالفقرة الثانية <b>& أكثر</b>."`

func collect(t *testing.T, r io.Reader) ([]news.Draft, []int, Stats, error) {
	t.Helper()
	var ds []news.Draft
	var lines []int
	st, err := Read(r, func(line int, d news.Draft) error {
		ds = append(ds, d)
		lines = append(lines, line)
		return nil
	})
	return ds, lines, st, err
}

func TestReadMapsFields(t *testing.T) {
	ds, _, st, err := collect(t, strings.NewReader(rec(good)))
	if err != nil || len(ds) != 1 || len(st.Skipped) != 0 {
		t.Fatalf("err %v, %d drafts, skipped %v", err, len(ds), st.Skipped)
	}
	want := news.Draft{
		ExternalID:  "a1",
		SourceURL:   "http://www.alarabiya.net/ar/sport/2018/02/18/x.html",
		Source:      "alarabia",
		Title:       "هدف في الدقيقة الأخيرة",
		Abstract:    "ملخص",
		Body:        "<p>الفقرة الأولى.</p>\n<p>الفقرة الثانية &lt;b&gt;&amp; أكثر&lt;/b&gt;.</p>",
		SectionName: "رياضة",
		SectionSlug: "sport",
		Authors:     []string{"أحمد الريدي"},
		Dateline:    "القاهرة",
		PublishedAt: time.Date(2018, 2, 18, 21, 35, 43, 0, time.UTC),
	}
	if !reflect.DeepEqual(ds[0], want) {
		t.Errorf("got  %#v\nwant %#v", ds[0], want)
	}
}

func TestBodyStyles(t *testing.T) {
	ant := rec(`"title":"ت","published":"2018-02-18T21:35:43Z","body":"أولى.\nثانية.\n ثالثة. "`)
	snn := rec(`"title":"ت","published":"2015-07-21T02:51:32Z","body":"أولى.\n\n ثانية.\n\n\u00a0ثالثة.\n\n"`)
	want := "<p>أولى.</p>\n<p>ثانية.</p>\n<p>ثالثة.</p>"
	for name, in := range map[string]string{"ANT": ant, "SaudiNewsNet": snn} {
		ds, _, _, err := collect(t, strings.NewReader(in))
		if err != nil || len(ds) != 1 || ds[0].Body != want {
			t.Errorf("%s: err %v, drafts %+v", name, err, ds)
		}
	}
}

func TestMalformedLines(t *testing.T) {
	in := rec(good) + // 1
		"{not json\n" + // 2
		rec(`"id":"x","published":"2018-02-18T21:35:43Z","body":"نص."`) + // 3: no title
		rec(`"title":"ت","published":"18/02/2018","body":"نص."`) + // 4
		"\n" + // 5: blank, not an error
		rec(`"title":"ت","published":"2018-02-18T21:35:43Z","body":" \n\n "`) + // 6
		rec(`"title":5,"published":"2018-02-18T21:35:43Z","body":"نص."`) + // 7
		"[1,2]\n" + // 8
		"{\"title\":\"\xff\xfe\"}\n" + // 9
		rec(`"title":"ت","body":"نص."`) + // 10: no date
		strings.TrimSuffix(rec(good), "\n") // 11, no final newline
	ds, lines, st, err := collect(t, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(lines, []int{1, 11}) || len(ds) != 2 {
		t.Errorf("imported lines %v, want [1 11]", lines)
	}
	var got []int
	for _, e := range st.Skipped {
		got = append(got, e.Line)
		if e.Reason == "" || !strings.Contains(e.Error(), fmt.Sprintf("line %d:", e.Line)) {
			t.Errorf("LineError %#v", e)
		}
	}
	if want := []int{2, 3, 4, 6, 7, 8, 9, 10}; !reflect.DeepEqual(got, want) {
		t.Errorf("skipped lines %v, want %v (%v)", got, want, st.Skipped)
	}
	if st.Lines != 11 || st.Imported != 2 {
		t.Errorf("stats %+v", st)
	}
	for _, e := range st.Skipped {
		if e.Line == 3 && e.Reason != "missing title" {
			t.Errorf("line 3: %q", e.Reason)
		}
		if e.Line == 4 && !strings.Contains(e.Reason, "RFC 3339") {
			t.Errorf("line 4: %q", e.Reason)
		}
	}
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGzip(t *testing.T) {
	in := strings.Repeat(rec(good), 50)
	ds, _, st, err := collect(t, bytes.NewReader(gz(t, in)))
	if err != nil || len(ds) != 50 || st.Lines != 50 {
		t.Fatalf("err %v, %d drafts, stats %+v", err, len(ds), st)
	}
}

func TestTruncatedGzip(t *testing.T) {
	// incompressible-ish content so the cut falls inside the data
	var sb strings.Builder
	for i := range 300 {
		sb.WriteString(rec(fmt.Sprintf(`"id":"%d","title":"عنوان %d","published":"2018-02-18T21:35:43Z","body":"%x"`, i, i, i*7919*104729)))
	}
	z := gz(t, sb.String())
	_, _, st, err := collect(t, bytes.NewReader(z[:len(z)*2/3]))
	if err == nil {
		t.Fatal("no error on a truncated gzip stream")
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), fmt.Sprintf("line %d", st.Lines+1)) {
		t.Errorf("error %q (stats %+v)", err, st)
	}
	if _, err := Read(bytes.NewReader([]byte{0x1f, 0x8b, 1}), func(int, news.Draft) error { return nil }); err == nil {
		t.Error("no error on a broken gzip header")
	}
}

func TestLongLines(t *testing.T) {
	long := strings.Repeat("كلمة ", 20000) // ~200 KiB
	in := rec(`"title":"طويل","published":"2018-02-18T21:35:43Z","body":"`+long+`"`) + rec(good)
	ds, _, st, err := collect(t, strings.NewReader(in))
	if err != nil || len(ds) != 2 || len(st.Skipped) != 0 {
		t.Fatalf("err %v, %d drafts, skipped %v", err, len(ds), st.Skipped)
	}
	if len(ds[0].Body) < 150<<10 {
		t.Errorf("long body cut to %d bytes", len(ds[0].Body))
	}
	// a line over MaxLine is skipped; the next one imports
	huge := `{"title":"x","body":"` + strings.Repeat("a", MaxLine) + "\"}\n"
	ds, lines, st, err := collect(t, strings.NewReader(huge+rec(good)))
	if err != nil || len(ds) != 1 || lines[0] != 2 || len(st.Skipped) != 1 || st.Skipped[0].Line != 1 {
		t.Fatalf("err %v, lines %v, skipped %v", err, lines, st.Skipped)
	}
}

func TestCallbackError(t *testing.T) {
	boom := errors.New("boom")
	_, err := Read(strings.NewReader(rec(good)+rec(good)), func(line int, d news.Draft) error {
		if line == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error %v", err)
	}
}

func TestSections(t *testing.T) {
	tests := []struct{ key, url, source, slug, name string }{
		{"culture", "", "", "culture", "ثقافة وفن"},
		{"economy", "", "", "economy", "اقتصاد"},
		{"internationalNews", "", "", "world", "أخبار العالم"},
		{"middleEast", "", "", "middle-east", "الشرق الأوسط"},
		{"sport", "", "", "sport", "رياضة"},
		{"technology", "", "", "technology", "تكنولوجيا"},
		{"weather", "", "", "weather", "weather"},
		{"", "http://www.3alyoum.com/sports/a/123", "3alyoum", "sport", "رياضة"},
		{"", "http://www.3alyoum.com/finance/a/1", "3alyoum", "economy", "اقتصاد"},
		{"", "http://www.3alyoum.com/news/local/a/1", "3alyoum", "local", "محليات"},
		{"", "http://www.arreyadi.com.sa/Home/Details/MjAzMA==", "arreyadi", "sport", "رياضة"},
		{"", "http://sabq.org/PHGKif", "sabq", "local", "محليات"},
		{"", "::bad url", "", "local", "محليات"},
	}
	for _, tt := range tests {
		s := sectionFor(tt.key, tt.url, tt.source)
		if s.Slug != tt.slug || s.Name != tt.name {
			t.Errorf("sectionFor(%q, %q) = %+v, want %s %s", tt.key, tt.url, s, tt.slug, tt.name)
		}
	}
	seen := map[string]bool{}
	for _, s := range Sections {
		if s.Slug == "" || s.Name == "" || seen[s.Slug] {
			t.Errorf("bad desk %+v", s)
		}
		seen[s.Slug] = true
	}
}

func TestCorpora(t *testing.T) {
	for _, name := range []string{"ant-v2.1.jsonl.gz", "saudinewsnet.jsonl.gz"} {
		t.Run(name, func(t *testing.T) {
			if testing.Short() {
				t.Skip("reading the corpora is skipped in -short mode")
			}
			f, err := os.Open(filepath.Join("..", "..", "..", "shared", "corpus", name))
			if err != nil {
				t.Skipf("corpus not available (%v): skipping", err)
			}
			defer f.Close()
			st, err := Read(f, func(line int, d news.Draft) error {
				if d.Title == "" || d.Body == "" || d.PublishedAt.IsZero() || d.SectionSlug == "" || d.SectionName == "" {
					return fmt.Errorf("incomplete draft %+v", d)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d lines, %d imported, %d skipped", name, st.Lines, st.Imported, len(st.Skipped))
			if st.Imported < st.Lines*95/100 {
				t.Errorf("only %d of %d lines imported", st.Imported, st.Lines)
			}
		})
	}
}

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte(rec(good) + "{bad\n\n" + rec(good)))
	f.Add([]byte(rec(`"title":"ت","published":"2015-07-21T02:51:32Z","body":"أ\n\nب"`)))
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00})
	f.Add([]byte("\n\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		n := 0
		st, err := Read(bytes.NewReader(in), func(line int, d news.Draft) error {
			n++
			if d.Title == "" || !strings.HasPrefix(d.Body, "<p>") || d.PublishedAt.IsZero() || line < 1 {
				t.Fatalf("bad draft on line %d: %+v", line, d)
			}
			return nil
		})
		if n != st.Imported {
			t.Fatalf("%d calls, %d imported", n, st.Imported)
		}
		for _, e := range st.Skipped {
			if e.Line < 1 || e.Line > st.Lines {
				t.Fatalf("skipped line %d of %d", e.Line, st.Lines)
			}
		}
		_ = err
	})
}

// TestTags: a line may list its tags; blank ones are left out, spaces
// collapsed, and a malformed list is a bad line, not a crash.
func TestTags(t *testing.T) {
	ds, _, st, err := collect(t, strings.NewReader(rec(good+`,"tags":["  كرة   القدم ","","الدوري السعودي"]`)+rec(good+`,"tags":"ليست قائمة"`)))
	if err != nil || len(ds) != 1 || len(st.Skipped) != 1 {
		t.Fatalf("err %v, %d drafts, skipped %v", err, len(ds), st.Skipped)
	}
	if want := []string{"كرة القدم", "الدوري السعودي"}; !reflect.DeepEqual(ds[0].Tags, want) {
		t.Errorf("tags %q, want %q", ds[0].Tags, want)
	}
	if !strings.Contains(st.Skipped[0].Reason, "bad JSON") {
		t.Errorf("a tags string: %q", st.Skipped[0].Reason)
	}
}
