package comments_test

import (
	"strings"
	"testing"

	"sahafa/comments"
	"sahafa/news"
)

// TestRenderIsText: whatever a reader or an imported archive wrote, only
// paragraphs, line breaks and nofollow links come out.
func TestRenderIsText(t *testing.T) {
	local := func(text string) news.Comment {
		return news.Comment{ExternalID: news.LocalCommentPrefix + "1", Text: text}
	}
	imported := func(text string) news.Comment { return news.Comment{ExternalID: "7", Text: text} }
	for _, tc := range []struct {
		name string
		c    news.Comment
		want string
	}{
		{"script", local(`<script>alert("x")</script> رائع`), `<p dir="auto">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; رائع</p>`},
		{"paragraphs and lines", local("السطر الأول\nالثاني\n\nفقرة ثانية"), `<p dir="auto">السطر الأول<br>الثاني</p><p dir="auto">فقرة ثانية</p>`},
		{"link", local("التفاصيل في https://example.org/a?b=1&c=2، شكرا"),
			`<p dir="auto">التفاصيل في <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener" dir="ltr">https://example.org/a?b=1&amp;c=2</a>، شكرا</p>`},
		{"www link", local("www.example.org."), `<p dir="auto"><a href="https://www.example.org" rel="nofollow ugc noopener" dir="ltr">www.example.org</a>.</p>`},
		{"javascript is text", local(`javascript:alert(1) "><img src=x onerror=alert(1)>`),
			`<p dir="auto">javascript:alert(1) &#34;&gt;&lt;img src=x onerror=alert(1)&gt;</p>`},
		{"imported html", imported(`<p>شكرا <b>للكاتب</b></p><p>انظر <a href="https://example.org/x">هنا</a><br/>مع التحية</p>`),
			`<p dir="auto">شكرا للكاتب</p><p dir="auto">انظر هنا (<a href="https://example.org/x" rel="nofollow ugc noopener" dir="ltr">https://example.org/x</a>)<br>مع التحية</p>`},
		{"imported scripts and handlers", imported(`<img src=x onerror=alert(1)><script>alert(2)</script><a href="javascript:alert(3)">اضغط</a> &lt;b&gt;`),
			`<p dir="auto">اضغط &lt;b&gt;</p>`},
	} {
		got := string(comments.Render(tc.c))
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
		for _, bad := range []string{"<script", "<img", `href="javascript`} {
			if strings.Contains(strings.ToLower(got), bad) {
				t.Errorf("%s: %q in %s", tc.name, bad, got)
			}
		}
	}
}

// FuzzRender: no text makes markup other than the renderer's own.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"<p>نص <a href='https://x.example'>رابط</a></p>", "a\n\nb", `"><script>`, "www.x.y.", "<a href=\"http://x\">"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, local bool) {
		c := news.Comment{ExternalID: "3", Text: text}
		if local {
			c.ExternalID = news.LocalCommentPrefix + "3"
		}
		out := string(comments.Render(c))
		rest := out
		for {
			i := strings.IndexByte(rest, '<')
			if i < 0 {
				break
			}
			rest = rest[i:]
			ok := false
			for _, tag := range []string{`<p dir="auto">`, "</p>", "<br>", `<a href="`, "</a>"} {
				if strings.HasPrefix(rest, tag) {
					ok = true
					rest = rest[len(tag):]
					break
				}
			}
			if !ok {
				t.Fatalf("markup %q in %q (from %q)", rest[:min(len(rest), 20)], out, text)
			}
		}
		if strings.Contains(out, `href="javascript`) || strings.Contains(out, "<script") {
			t.Fatalf("unsafe link in %q", out)
		}
	})
}
