package wxr

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sahafa/importer/wxr/wxrgen"
	"sahafa/news"
)

func TestBody(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", " \n\n ", ""},
		{"paragraphs", "أولى\n\nثانية\n\n\n\nثالثة", "<p>أولى</p>\n<p>ثانية</p>\n<p>ثالثة</p>"},
		{"line break", "سطر\nسطر آخر  \n  ثالث", "<p>سطر<br />\nسطر آخر<br />\nثالث</p>"},
		{"crlf", "a\r\n\r\nb\rc", "<p>a</p>\n<p>b<br />\nc</p>"},
		{"existing br", "a<br />\nb<br>\nc", "<p>a<br />\nb<br>\nc</p>"},
		{"double br", "a<br /><br />b", "<p>a</p>\n<p>b</p>"},
		{"heading", "<h2>عنوان</h2>\nنص", "<h2>عنوان</h2>\n<p>نص</p>"},
		{"list", "<ul>\n<li>a\nb</li>\n<li>c</li>\n</ul>", "<ul><li>a<br />\nb</li>\n<li>c</li>\n</ul>"},
		{"pre", "<pre>a\n\n  b\n</pre>\nc", "<pre>a\n\n  b\n</pre>\n<p>c</p>"},
		{"nested pre", "<pre>a<pre>b\n\nc</pre>\n\nd</pre>", "<pre>a<pre>b\n\nc</pre>\n\nd</pre>"},
		{"blockquote", "<blockquote>a</blockquote>", "<blockquote><p>a</p>\n</blockquote>"},
		{"div one", "<div>a\nb</div>", "<div>a<br />\nb</div>"},
		{"div two", "<div>a\n\nb</div>", "<div><p>a</p>\n<p>b</p>\n</div>"},
		{"explicit p", "<p>a\nb</p>\n\n<p>c</p>", "<p>a<br />\nb</p>\n<p>c</p>"},
		{"unclosed p", "<p>a<div>b</div>c", "<p>a<div>b</div>\n<p>c</p>"},
		{"script", "<script>var a;\n\nb()</script>", "<p><script>var a;\n\nb()</script></p>"},
		{"svg", "<svg>\n<g/>\n</svg>", "<p><svg>\n<g/>\n</svg></p>"},
		{"comments", "a<!--more-->\n\n<!--noteaser-->b<!--nextpage-->", "<p>a</p>\n<p>b</p>"},
		{"hr", "a<hr>b", "<p>a</p>\n<hr>\n<p>b</p>"},
		{"table", "<table>\n<tr>\n<td>x\ny</td>\n</tr>\n</table>", "<table><tr><td>x<br />\ny</td>\n</tr>\n</table>"},
		{"inline", "<strong>a</strong>\n<em>b</em>", "<p><strong>a</strong><br />\n<em>b</em></p>"},
		{"cut tag", "a <a href='x", "<p>a <a href='x</p>"},
		{"bare url", "قبل\nhttps://www.youtube.com/watch?v=a1&amp;t=5\nبعد", `<p>قبل</p>` + "\n" + `<p><a href="https://www.youtube.com/watch?v=a1&amp;t=5">https://www.youtube.com/watch?v=a1&amp;t=5</a></p>` + "\n<p>بعد</p>"},
		{"url in text", "see https://example.com now", "<p>see https://example.com now</p>"},
		{"url in list", "<ul><li>https://example.com</li></ul>", "<ul><li>https://example.com</li>\n</ul>"},
		{"caption", `[caption id="attachment_7" align="alignleft" width="300"]<img src="a.jpg" alt="b"> نص التعليق[/caption]`,
			`<figure><img src="a.jpg" alt="b"><figcaption>نص التعليق</figcaption>` + "\n</figure>"},
		{"caption linked", `[caption]<a href="big.jpg"><img src="a.jpg"></a>Text[/caption]`,
			`<figure><a href="big.jpg"><img src="a.jpg"></a><figcaption>Text</figcaption>` + "\n</figure>"},
		{"caption attribute", `[caption caption="Old style"]<img src="a.jpg">[/caption]`,
			`<figure><img src="a.jpg"><figcaption>Old style</figcaption>` + "\n</figure>"},
		{"caption without text", `[caption]<img src="a.jpg">[/caption]`, `<p><img src="a.jpg"></p>`},
		{"caption without image", `[caption]just text[/caption]`, `<p>just text</p>`},
		{"embed", "[embed width=\"500\"]https://vimeo.com/1[/embed]", `<p><a href="https://vimeo.com/1">https://vimeo.com/1</a></p>`},
		{"embed not a url", "[embed]not a url[/embed]", "<p>not a url</p>"},
		{"removed", `a [gallery ids="1,2"] b [audio src="x.mp3"] c [video mp4="v.mp4"][/video] d [playlist ids="3"]`, "<p>a  b  c  d</p>"},
		{"enclosing unknown", "[spoiler title=\"x\"]سر[/spoiler]", "<p>سر</p>"},
		{"self-closing", "a[contact-form-7 id=\"5\" /]b", "<p>ab</p>"},
		{"escaped", "[[gallery]] [[caption]x[/caption]] [[a b]]", "<p>[gallery] [caption]x[/caption] [a b]</p>"},
		{"brackets in prose", "[sic] [1] [Reuters] [تحديث] [a [b] c]", "<p>[sic] [1] [Reuters] [تحديث] [a [b] c]</p>"},
		{"stray closer", "a[/caption]b[/foo]", "<p>ab[/foo]</p>"},
		{"nested shortcodes", "[box_x][caption]<img src=\"i.jpg\"> t[/caption][/box_x]", `<figure><img src="i.jpg"><figcaption>t</figcaption>` + "\n</figure>"},
		{"blocks", "<!-- wp:paragraph -->\n<p>a\nb</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:embed -->\n<figure><div>\nhttps://youtu.be/x\n</div></figure>\n<!-- /wp:embed -->",
			"<p>a\nb</p>\n<figure><div>\n<a href=\"https://youtu.be/x\">https://youtu.be/x</a>\n</div>\n</figure>"},
	}
	for _, tt := range tests {
		if got := Body(tt.in); got != tt.want {
			t.Errorf("%s: Body(%q)\n got %q\nwant %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestPlainText(t *testing.T) {
	tests := map[string]string{
		"":         "",
		"  a\n b ": "a b",
		"<p>نص <em>مائل</em>.</p><p>ثان</p>": "نص مائل. ثان",
		"Q&amp;A &#8211; x":                  "Q&A – x",
		"a<br>b":                             "a b",
		"<script>x()</script>y":              "y",
		"[gallery ids=\"1\"]نص":              "نص",
	}
	for in, want := range tests {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}

// Adversarial shortcodes and markup stay linear.
func TestBodyLinear(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("[a ", 200000),
		strings.Repeat("[x_y]", 100000) + strings.Repeat("[/x_y]", 3),
		strings.Repeat("[[", 200000),
		strings.Repeat("<div>", 100000) + strings.Repeat("</table>", 100000),
		strings.Repeat("<a x='", 100000),
		strings.Repeat("[caption]", 50000) + strings.Repeat("[/caption]", 50000),
	} {
		_ = Body(in)
	}
}

func FuzzBody(f *testing.F) {
	for _, s := range []string{"a\n\nb", "[caption]<img src=x> t[/caption]", "<pre>a\n\nb</pre>", "[[x]]", "<div>a\n\nb", "https://x.y\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Body(s)
		if len(out) > 8*len(s)+64 {
			t.Fatalf("Body grew %d bytes to %d", len(s), len(out))
		}
	})
}

func FuzzParse(f *testing.F) {
	data, err := os.ReadFile(fixturePath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	// cut and mangled copies
	for _, frac := range []int{5, 3, 2} {
		f.Add(data[:len(data)/frac])
	}
	f.Add(bytes.Replace(data, []byte("</item>"), []byte("</itme>"), 1))
	f.Add(bytes.Replace(data, []byte("]]>"), nil, 3))
	f.Add(bytes.Replace(data, []byte("<wp:post_id>101"), []byte("<wp:post_id>x1"), 1))
	f.Add(bytes.ReplaceAll(data, []byte("wordpress.org/export/1.2/"), []byte("wordpress.org/export/9/")))
	f.Add([]byte(wxr("", testItem("1", "draft", "0000-00-00 00:00:00", "", "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>1</wp:meta_value></wp:postmeta>"))))
	f.Add([]byte(""))
	f.Add([]byte("<rss><channel><wp:wxr_version>1.0</wp:wxr_version><item><title>x</title><wp:post_type>post</wp:post_type><wp:post_id>1</wp:post_id></item></channel></rss>"))
	dir := filepath.Join("..", "..", "..", "shared", "samples", "wxr")
	for _, name := range []string{"malformed.xml", "malformed-simple.xml", "namespace-edge-cases.xml", "wxr-utf-8-challenges.xml",
		"crazy-cdata-escaped.xml", "valid-wxr-1.0.xml", "missing-version-tag.xml", "wxr-flat-attachment-same-site.xml"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		ex, err := Parse(bytes.NewReader(in), Options{})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want *Error", err, err)
			}
			if e.Line <= 0 || e.Element == "" || e.Msg == "" {
				t.Fatalf("error %#v", e)
			}
			if ex != nil {
				t.Fatalf("an export with error %v", err)
			}
			return
		}
		if ex == nil {
			t.Fatal("no export and no error")
		}
		ids := map[string]bool{}
		for _, d := range ex.Posts {
			if strings.TrimSpace(d.Title) == "" || !visible(d.Title) {
				t.Fatalf("draft without a title: %+v", d)
			}
			if !d.Status.Valid() || ids[d.ExternalID] {
				t.Fatalf("status %q, external id %q (twice: %v)", d.Status, d.ExternalID, ids[d.ExternalID])
			}
			ids[d.ExternalID] = true
			if d.Image != nil && (d.Image.Alt == "" || d.Image.URL == "") {
				t.Fatalf("image %+v", d.Image)
			}
		}
		for _, s := range ex.Skipped {
			if s.Line <= 0 || s.Reason == "" {
				t.Fatalf("skip %+v", s)
			}
		}
	})
}

// BenchmarkParse measures Parse alone on a generated 2,000-post export.
func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	st, err := wxrgen.Write(&buf, wxrgen.Options{Posts: 2000, Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ex, err := Parse(bytes.NewReader(data), Options{})
		if err != nil || len(ex.Posts) != st.Posts {
			b.Fatalf("%v, %d posts", err, len(ex.Posts))
		}
	}
	b.ReportMetric(float64(st.Posts*b.N)/b.Elapsed().Seconds(), "posts/s")
}

// The generated exports parse into what the generator says it wrote.
func TestGenerated(t *testing.T) {
	var buf bytes.Buffer
	st, err := wxrgen.Write(&buf, wxrgen.Options{Posts: 1000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	ex := parseBytes(t, buf.Bytes(), Options{})
	if len(ex.Posts) != st.Posts || len(ex.Pages) != st.Pages || ex.Attachments != st.Attachments || ex.Comments != st.Comments ||
		len(ex.Skipped) != st.Attachments+st.MenuItems || ex.Authors != 8 || ex.Categories != 10 {
		t.Errorf("generated %+v; parsed %d posts, %d pages, %d skipped, %d attachments, %d comments, %d authors, %d categories",
			st, len(ex.Posts), len(ex.Pages), len(ex.Skipped), ex.Attachments, ex.Comments, ex.Authors, ex.Categories)
	}
	published, images := 0, 0
	for _, d := range ex.Posts {
		if d.Status == news.StatusPublished {
			published++
		}
		if d.Image != nil {
			images++
		}
	}
	if published != st.Published || images != st.Attachments {
		t.Errorf("%d published (want %d), %d images (want %d)", published, st.Published, images, st.Attachments)
	}
}
