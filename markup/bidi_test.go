package markup_test

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"sahafa/markup"
)

func TestIsolateText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"وكالة UN-Water تحذر من الجفاف", `وكالة <bdi dir="ltr">UN-Water</bdi> تحذر من الجفاف`},
		{"قال Dr. John Smith إن", `قال <bdi dir="ltr">Dr. John Smith</bdi> إن`},
		{"زوروا example.com/ar/news للمزيد", `زوروا <bdi dir="ltr">example.com/ar/news</bdi> للمزيد`},
		{"شركة Apple تطلق iPhone 16 اليوم.", `شركة <bdi dir="ltr">Apple</bdi> تطلق <bdi dir="ltr">iPhone 16</bdi> اليوم.`},
		{"IMF: ضبط مالي", `<bdi dir="ltr">IMF</bdi>: ضبط مالي`},
		{"أول محجبة بـThe Voice فرنسا", `أول محجبة بـ<bdi dir="ltr">The Voice</bdi> فرنسا`},
		{"مراسلة Le Monde في باريس", `مراسلة <bdi dir="ltr">Le Monde</bdi> في باريس`},
		{"راسلونا على news@example.org.", `راسلونا على <bdi dir="ltr">news@example.org</bdi>.`},
		{"6 مواهب في 2024", "6 مواهب في 2024"},
		// text, not markup: escaped, and markup-looking text stays text
		{`نص <script> & "اقتباس"`, `نص &lt;<bdi dir="ltr">script</bdi>&gt; &amp; &#34;اقتباس&#34;`},
		{"<b>Tom & Jerry</b>", `&lt;<bdi dir="ltr">b</bdi>&gt;<bdi dir="ltr">Tom &amp; Jerry</bdi>&lt;/<bdi dir="ltr">b</bdi>&gt;`},
	} {
		if got := markup.IsolateText(c.in); got != c.want {
			t.Errorf("IsolateText(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestIsolateHTML(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`<p dir="rtl">قال <a href="https://x.example/a">John Smith</a> اليوم</p>`,
			`<p dir="rtl">قال <a href="https://x.example/a"><bdi dir="ltr">John Smith</bdi></a> اليوم</p>`},
		{`<p dir="ltr">The festival closes, UN-Water said.</p><p>نص</p>`, `<p dir="ltr">The festival closes, UN-Water said.</p><p>نص</p>`},
		{`<p>الأمر <code>go test ./...</code> يشغل</p>`, `<p>الأمر <code>go test ./...</code> يشغل</p>`},
		{`<p>صورة<img src="/media/1/320.jpg" alt="Beirut port"> من Reuters</p>`, `<p>صورة<img src="/media/1/320.jpg" alt="Beirut port"> من <bdi dir="ltr">Reuters</bdi></p>`},
		{`<p>شركة <mark>Apple</mark> &amp; Co</p>`, `<p>شركة <mark><bdi dir="ltr">Apple</bdi></mark> &amp; <bdi dir="ltr">Co</bdi></p>`},
		{`<p>نص عربي فقط</p>`, `<p>نص عربي فقط</p>`},
	} {
		if got := markup.IsolateHTML(c.in); got != c.want {
			t.Errorf("IsolateHTML(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

var bdiTag = regexp.MustCompile(`</?bdi[^>]*>`)

// TestIsolateCorpusHeadlines: on the ANT corpus's headlines that mix
// Arabic and Latin, isolation keeps the text, puts every Latin letter in
// a run and no Arabic letter in one.
func TestIsolateCorpusHeadlines(t *testing.T) {
	const path = "../../shared/corpus/ant-v2.1.jsonl.gz"
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("corpus not available (%v): skipping the corpus headlines", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	mixed := 0
	for sc.Scan() && mixed < 2000 {
		var a struct{ Title string }
		if json.Unmarshal(sc.Bytes(), &a) != nil || !strings.ContainsFunc(a.Title, func(r rune) bool { return unicode.Is(unicode.Latin, r) }) ||
			!strings.ContainsFunc(a.Title, func(r rune) bool { return unicode.Is(unicode.Arabic, r) }) {
			continue
		}
		mixed++
		out := markup.IsolateText(a.Title)
		if got := unescape(bdiTag.ReplaceAllString(out, "")); got != a.Title {
			t.Errorf("text changed: %q → %q", a.Title, got)
		}
		inside := false
		for _, part := range regexp.MustCompile(`(<bdi dir="ltr">|</bdi>)`).Split(out, -1) {
			for _, r := range part {
				if unicode.Is(unicode.Latin, r) && !inside {
					t.Errorf("%q: a Latin letter outside a run: %s", a.Title, out)
				}
				if unicode.Is(unicode.Arabic, r) && inside {
					t.Errorf("%q: an Arabic letter inside a run: %s", a.Title, out)
				}
			}
			inside = !inside
		}
	}
	if mixed < 100 {
		t.Fatalf("only %d mixed headlines found", mixed)
	}
	t.Logf("%d headlines mixing Arabic and Latin checked", mixed)
}

func unescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&amp;", "&").Replace(s)
}

// FuzzIsolateHTML: for any fragment, isolation adds <bdi> elements and
// nothing else: the text a parser reads from it is the same.
func FuzzIsolateHTML(f *testing.F) {
	for _, s := range []string{`<p>قال John Smith إن</p>`, `<p dir="ltr">UN-Water</p>`, `<code>a.b</code> نص`, `نص &amp; Co`,
		`<p>غير مغلق <b>Bold`, `</i>orphan نص`, `<img alt="x">Reuters`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !utf8.ValidString(in) || len(in) > 4096 {
			return
		}
		out := markup.IsolateHTML(in)
		if got, want := textTokens(bdiTag.ReplaceAllString(out, "")), textTokens(in); got != want {
			t.Fatalf("text changed:\n in %q\nout %q\n%q\n%q", in, out, want, got)
		}
	})
}

// textTokens is the text of a fragment as the tokenizer reads it.
func textTokens(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(z.Text())
		}
	}
}
