package newsroom_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"sahafa/store/teststores"
)

// Known XSS payloads: script tags, event handlers breaking out of an
// attribute, javascript: URLs, SVG and iframes, a style block, and a bidi
// override.
var xssPayloads = []string{
	`<script>alert("xss-1")</script>`,
	`"><img src=x onerror=alert("xss-2")>`,
	`'><svg onload=alert("xss-3")>`,
	`<iframe src="javascript:alert('xss-4')"></iframe>`,
	`<a href="javascript:alert('xss-5')">اضغط</a>`,
	`<style>body{display:none}</style>`,
	"\u202eمعكوس<b onmouseover=alert(6)>",
}

func payload(i int) string { return xssPayloads[i%len(xssPayloads)] }

// TestXSSInEveryField pastes the payloads into every field a newsroom user
// can fill, then reads every page that shows them, public and newsroom,
// and checks that none reaches a page as markup.
func TestXSSInEveryField(t *testing.T) { teststores.Each(t, testXSSInEveryField) }

func testXSSInEveryField(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	admin := e.as("admin")
	ctx := context.Background()

	// Section, tag and user names; site settings.
	mustSee(t, admin.post("/newsroom/sections/", url.Values{"name": {"قسم " + payload(0)}, "slug": {"xss-section"}}))
	mustSee(t, admin.post("/newsroom/tags/", url.Values{"name": {"وسم " + payload(1)}, "slug": {"xss-tag"}}))
	mustSee(t, admin.post("/newsroom/users/", url.Values{"email": {"x@example.com"}, "name": {"اسم " + payload(2)},
		"role": {"writer"}, "password": {testPassword}}))
	mustSee(t, admin.post("/newsroom/settings", url.Values{"site_name": {"موقع " + payload(3)}, "digits": {"latin"},
		"hijri": {"true"}, "feed_content": {"full"}}))

	// An image with payloads in its alt text, caption and credit.
	up := admin.upload("/newsroom/media/", map[string]string{"alt": "بديل " + payload(1), "caption": "تعليق " + payload(4),
		"credit": "تصوير " + payload(0)}, jpegBytes(t, 800, 600))
	mediaID := up.createdID(t)

	// An article with payloads in every field, the body raw HTML and
	// Markdown alike, published, then corrected.
	form := url.Values{
		"title":      {"عنوان " + payload(0)},
		"abstract":   {"ملخص " + payload(1)},
		"body":       {"فقرة أولى " + payload(0) + "\n\n" + payload(1) + "\n\n" + payload(2) + "\n\n<p onclick=\"alert(7)\">نص</p>\n\n![صورة](/media/" + fmt.Sprint(mediaID) + " \"" + `"><script>alert(8)</script>` + "\")\n\n" + payload(5) + "\n\n" + payload(6)},
		"section":    {"xss-section"},
		"tags":       {"وسم " + payload(1) + "، " + payload(2)},
		"authors":    {"كاتب " + payload(3)},
		"dateline":   {"مدينة " + payload(6)},
		"slug":       {payload(2)},
		"note":       {"ملاحظة " + payload(0)},
		"image_id":   {fmt.Sprint(mediaID)},
		"image_alt":  {"صورة رئيسية " + payload(2)},
		"publish_at": {""},
		// the SEO and sharing panel, the lead image's caption and credit
		"seo_title":          {"بحث " + payload(1)},
		"seo_description":    {"وصف " + payload(0)},
		"social_title":       {"مشاركة " + payload(2)},
		"social_description": {"وصف المشاركة " + payload(6)},
		"social_image_id":    {fmt.Sprint(mediaID)},
		"canonical":          {`https://example.org/x"><script>alert(12)</script>`},
		"image_caption":      {"تعليق رئيسي " + payload(4)},
		"image_credit":       {"وكالة " + payload(1)},
	}
	// A canonical URL that is not http(s) is refused.
	for _, bad := range []string{`javascript:alert(13)`, `//example.org/x`, `data:text/html,<script>alert(14)</script>`} {
		f := articleForm("رابط أصلي خطر", sampleBody)
		f.Set("canonical", bad)
		if r := admin.post("/newsroom/articles/new", f); r.status != http.StatusUnprocessableEntity {
			t.Errorf("canonical %q: status %d, want 422", bad, r.status)
		}
	}
	// javascript: URLs in a body are refused outright, with the line.
	for _, i := range []int{3, 4} {
		refused := form["body"][0] + "\n\n" + payload(i)
		r := admin.post("/newsroom/articles/new", articleForm("رابط خطر", refused))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(strings.Join(r.errors(), " "), "javascript") {
			t.Errorf("a body with %q: status %d, errors %q; want 422 naming javascript:", payload(i), r.status, r.errors())
		}
	}
	id := admin.post("/newsroom/articles/new", form).createdID(t)
	a, err := e.store.EditorialArticle(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	edit := url.Values{}
	for k, v := range form {
		edit[k] = v
	}
	edit.Set("title", "عنوان معدل "+payload(2))
	edit.Set("version", fmt.Sprint(a.Version))
	mustSee(t, admin.post(fmt.Sprintf("/newsroom/articles/%d", id), edit))
	mustSee(t, admin.workflow(a, "publish", ""))
	mustSee(t, admin.post(fmt.Sprintf("/newsroom/articles/%d/corrections", id), url.Values{"correction": {"تصحيح " + payload(0)}}))
	// A second article sent back with a payload in the note.
	writer := e.as("writer")
	b := writer.newArticle("خبر للمراجعة")
	mustSee(t, writer.workflow(b, "submit", ""))
	mustSee(t, e.as("editor").workflow(b, "reject", "أعده "+payload(1)))

	// The rich-text editor's path: the payloads as pasted HTML, in every
	// block it has (javascript: links are refused as above).
	rich := articleForm("نص منسق "+payload(0), `<p>`+payload(0)+payload(6)+`</p><figure class="image"><img src="/media/`+fmt.Sprint(mediaID)+
		`" alt="صورة" onerror="alert(9)"><figcaption>`+payload(2)+`<span class="credit" onclick="alert(10)">`+payload(6)+`</span></figcaption></figure>`+
		`<blockquote class="pullquote">`+payload(5)+`</blockquote><aside class="factbox">`+payload(2)+`</aside>`+
		`<aside class="related-card" data-article="`+fmt.Sprint(id)+`"><a href="/x">`+payload(1)+`</a></aside>`+
		`<figure class="embed"><a href="https://youtu.be/Xq3bL9a2kPz" onclick="alert(11)">`+payload(0)+`</a></figure>`+
		`<table><tr><td style="x">`+payload(0)+`</td></tr></table>`)
	rich.Set("body_format", "html")
	richID := admin.post("/newsroom/articles/new", rich).createdID(t)
	ra, err := e.store.EditorialArticle(ctx, richID)
	if err != nil {
		t.Fatal(err)
	}
	mustSee(t, admin.workflow(ra, "publish", ""))
	ra, _ = e.store.EditorialArticle(ctx, richID)

	// An author's profile: bio and links (a javascript: link is refused).
	au := e.author("كاتب " + payload(3))
	if r := admin.post(fmt.Sprintf("/newsroom/authors/%d", au.ID), url.Values{"name": {au.Name}, "slug": {au.Slug},
		"bio": {"نبذة " + payload(0)}, "links": {"javascript:alert(15)"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a javascript: link in a profile: status %d, want 422", r.status)
	}
	mustSee(t, admin.post(fmt.Sprintf("/newsroom/authors/%d", au.ID), url.Values{"name": {"كاتب " + payload(2)}, "slug": {au.Slug},
		"bio": {"نبذة " + payload(0) + "\n" + payload(1)}, "photo_id": {fmt.Sprint(mediaID)},
		"links": {`https://example.org/a"onmouseover="alert(16)`}}))

	a, err = e.store.EditorialArticle(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Public() {
		t.Fatalf("the article is %s", a.Status)
	}
	pages := []string{
		a.Path(), "/", "/xss-section/", "/tag/" + url.PathEscape(a.Tags[0].Slug) + "/",
		"/author/" + url.PathEscape(a.Authors[0].Slug) + "/",
		"/search/?q=" + url.QueryEscape("عنوان "+payload(0)), "/archive/", ra.Path(),
	}
	newsroomPages := []string{
		"/newsroom/", "/newsroom/articles/", fmt.Sprintf("/newsroom/articles/%d", id),
		fmt.Sprintf("/newsroom/articles/%d/history", id), fmt.Sprintf("/newsroom/articles/%d/compare?from=1&to=2", id),
		fmt.Sprintf("/newsroom/articles/%d/preview", id), fmt.Sprintf("/newsroom/articles/%d/history", b.ID),
		"/newsroom/articles/?q=" + url.QueryEscape("عنوان "+payload(0)), "/newsroom/media/",
		fmt.Sprintf("/newsroom/media/%d", mediaID), "/newsroom/sections/", "/newsroom/tags/", "/newsroom/users/",
		"/newsroom/settings", "/newsroom/account", fmt.Sprintf("/newsroom/articles/%d", richID),
		"/newsroom/authors/", fmt.Sprintf("/newsroom/authors/%d", au.ID), "/newsroom/trash/",
	}
	anon := e.anonymous()
	for _, p := range pages {
		checkNoXSS(t, p, anon.get(p))
	}
	for _, p := range newsroomPages {
		checkNoXSS(t, p, admin.get(p))
	}
	// Forms refused with errors echo what was typed: escaped too.
	bad := articleForm("", "")
	bad.Set("tags", payload(0))
	bad.Set("authors", payload(1))
	r := admin.post("/newsroom/articles/new", bad)
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("refused form: status %d", r.status)
	}
	checkNoXSS(t, "refused editor form", r)
	// The live preview is sanitized like a save.
	req := admin.post("/newsroom/preview", url.Values{"body": {payload(0) + "\n\n" + payload(1) + "\n\n" + payload(4)}})
	checkNoXSS(t, "live preview", req)
}

func mustSee(t *testing.T, r response) {
	t.Helper()
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303:\n%.2000s", r.status, r.body)
	}
}

// checkNoXSS parses a page and fails on anything a payload could have
// turned into markup: a script that is not the site's own file, an event
// handler attribute, a javascript: URL, an iframe, object, embed, svg or
// style element.
func checkNoXSS(t *testing.T, where string, r response) {
	t.Helper()
	if r.status != http.StatusOK && r.status != http.StatusUnprocessableEntity {
		t.Errorf("%s: status %d", where, r.status)
		return
	}
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("%s: no strict Content-Security-Policy (%q)", where, r.header.Get("Content-Security-Policy"))
	}
	doc, err := html.Parse(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				src := attr(n, "src")
				switch {
				case attr(n, "type") == "application/ld+json":
					// Structured data, never executed: it must be one JSON
					// value that the payloads did not break out of.
					if n.FirstChild == nil || n.FirstChild.NextSibling != nil || !json.Valid([]byte(n.FirstChild.Data)) {
						t.Errorf("%s: a JSON-LD block that is not valid JSON", where)
					}
				case !strings.HasPrefix(src, "/static/") || n.FirstChild != nil:
					t.Errorf("%s: a script element that is not the site's own: src=%q", where, src)
				}
			case "iframe", "object", "embed", "svg", "style", "frame", "base":
				t.Errorf("%s: a <%s> element reached the page", where, n.Data)
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				if strings.HasPrefix(k, "on") {
					t.Errorf("%s: <%s %s=%q>: an event handler reached the page", where, n.Data, a.Key, a.Val)
				}
				if (k == "href" || k == "src" || k == "action" || k == "formaction" || k == "srcset") &&
					(strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:text")) {
					t.Errorf("%s: <%s %s=%q>: a script URL reached the page", where, n.Data, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if strings.Contains(r.body, "\u202e") {
		t.Errorf("%s: a bidi override reached the page", where)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
