package htmlpage

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"sahafa/news"
)

// fuzzSeeds are small hand-made pages: broken markup, odd nesting, odd
// encodings and metadata.
var fuzzSeeds = []string{
	"",
	"<",
	"<html",
	"<!doctype html><title>عنوان</title>",
	"<html><body><p>" + strings.Repeat("نص المقال ", 40) + "</p></body></html>",
	"<html><head><title>عنوان الخبر - الموقع</title></head><body><article><h1>عنوان الخبر</h1><p>" + strings.Repeat("كلمة عربية ", 60) + "<br><br>" + strings.Repeat("فقرة ثانية ", 30) + "</article>",
	"<p><p><p><div><table><tr><td><p>" + strings.Repeat("نص ", 100) + "</table></div>",
	"<html><body>" + strings.Repeat("<div>", 300) + strings.Repeat("نص عميق ", 50) + "</body></html>",
	"<ul><li><ul><li><ol><li>" + strings.Repeat("بند ", 80) + "</ol></ul></ul>",
	`<meta charset="windows-1256"><title>` + "\xc7\xe1\xce\xc8\xd1" + `</title><p>` + strings.Repeat("\xc7\xe1\xce\xc8\xd1 ", 80),
	`<meta charset="utf-16"><title>x</title>`,
	"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00",
	"\xef\xbb\xbf<html><title>بوم</title><body><p>" + strings.Repeat("نص ", 90),
	`<script type="application/ld+json">{"@type":"NewsArticle","headline":"عنوان","datePublished":"2020-01-02T03:04:05+03:00","articleSection":["أ","ب"],"author":[{"name":"كاتب"}],"@graph":[[[[]]]]}</script><article><p>` + strings.Repeat("نص ", 90),
	`<script type="application/ld+json">{"@graph":[{"@type":"BreadcrumbList","itemListElement":[{"position":"x","item":{"name":5}}]}]</script>`,
	`<script type="application/ld+json">[1,2,{"@type":["Article"],"headline":{"@value":1},"datePublished":99999999999}]</script><h1>ع</h1>`,
	`<meta property="og:image" content="javascript:alert(1)"><meta property="og:title" content="&amp;amp;&lt;b&gt;"><link rel=canonical href="//x/y"><base href="http://[::1">`,
	`<svg><title>svg</title><h1>x</h1></svg><math><mi><p>` + strings.Repeat("ن ", 300),
	`<figure><img src="data:image/png;base64,AAAA"><figcaption>` + strings.Repeat("تعليق ", 50) + `</figcaption></figure>`,
	`<noscript><p>` + strings.Repeat("مخفي ", 80) + `</p></noscript><template><p>x</p></template><p hidden>` + strings.Repeat("ن ", 80),
	"<html><body><pre>" + strings.Repeat("سطر\n", 100) + "</pre><p>\x00\x01\x02</p></body></html>",
	"<frameset><frame src=x></frameset><plaintext>" + strings.Repeat("نص ", 100),
	`<p style="display:none">` + strings.Repeat("نص ", 100) + `</p><p aria-hidden=true>x</p>`,
	"<html><body><p>\ufffd\ufeff\u200b\u00ad" + strings.Repeat("نص ", 100) + "</p></body></html>",
}

// FuzzExtract checks that Extract never panics and that what it returns is
// sound: a title, a body of valid UTF-8, or an error.
func FuzzExtract(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile("testdata/article.html"); err == nil {
		f.Add(b)
	}
	// The sample pages, when ../shared is there.
	if files, err := filepath.Glob(filepath.Join(samplesDir, "*.html")); err == nil {
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		d, err := Extract(bytes.NewReader(page), "https://example.com/news/1", Options{MaxBytes: 1 << 20})
		if err != nil {
			if news.ErrorCode(err) != news.EINVALID {
				t.Fatalf("error of code %s: %v", news.ErrorCode(err), err)
			}
			if strings.Contains(err.Error(), "extractor failed") {
				t.Fatalf("the extractor panicked: %v", err)
			}
			return
		}
		if strings.TrimSpace(d.Title) == "" {
			t.Fatal("no title")
		}
		for name, s := range map[string]string{"title": d.Title, "body": d.Body, "abstract": d.Abstract, "dateline": d.Dateline, "section": d.SectionName} {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not valid UTF-8: %q", name, s)
			}
		}
		if utf8.RuneCountInString(plainBody(d.Body)) < MinBodyRunes/2 {
			t.Fatalf("body too short: %q", d.Body)
		}
		if d.Image != nil && (d.Image.Alt == "" || !strings.HasPrefix(d.Image.URL, "http")) {
			t.Fatalf("image %+v", d.Image)
		}
	})
}
