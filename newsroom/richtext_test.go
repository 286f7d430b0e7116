package newsroom_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sahafa/news"
	"sahafa/store/teststores"
)

func TestRichTextBody(t *testing.T) { teststores.Each(t, testRichTextBody) }

// testRichTextBody: a body from the rich-text editor (body_format=html)
// is stored as the editor's HTML, rebuilt and sanitized: what Word
// pasted in loses its markup, active content goes, each block reads in
// its text's direction. It opens again in the editor as stored, its
// revisions compare as text, and a Markdown article opens rendered.
func testRichTextBody(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	c := e.as("writer")
	form := articleForm("مؤتمر Web Summit يبدأ في الدوحة",
		`<p class="MsoNormal" style="color:red"><span style="font-weight:bold">Web Summit</span> يفتتح دورته الأولى في الدوحة</p>`+
			`<script>alert(1)</script><p onclick="alert(2)">والجلسات <a href="javascript:alert(3)">هنا</a></p>`)
	form.Set("body_format", "html")
	res := c.post("/newsroom/articles/new", form)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(strings.Join(res.errors(), " "), "javascript") {
		t.Fatalf("a javascript: link: %d %q, want the form back saying why", res.status, res.errors())
	}
	form.Set("body", `<p class="MsoNormal" style="color:red"><span style="font-weight:bold">Web Summit</span> يفتتح دورته الأولى في الدوحة</p>`+
		`<script>alert(1)</script><p onclick="alert(2)">The sessions are in English and Arabic.</p>`)
	id := c.post("/newsroom/articles/new", form).createdID(t)
	a, err := e.store.EditorialArticle(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	want := `<p dir="rtl"><strong>Web Summit</strong> يفتتح دورته الأولى في الدوحة</p>` + "\n" + `<p dir="ltr">The sessions are in English and Arabic.</p>`
	if strings.TrimSpace(a.Body) != want || a.BodySource != "" {
		t.Errorf("stored body %q (source %q), want %q", a.Body, a.BodySource, want)
	}
	// The editor opens it as stored.
	page := c.get(fmt.Sprintf("/newsroom/articles/%d", id))
	if !strings.Contains(page.body, `<template id="body-html"><p dir="rtl"><strong>Web Summit</strong>`) ||
		!strings.Contains(page.body, "editor.js") {
		t.Errorf("the editor page does not open the stored HTML:\n%s", fieldHTML(page.body, "body-html"))
	}
	// A second save from the editor; the comparison is of the text.
	edit := articleForm("مؤتمر Web Summit يبدأ في الدوحة", `<p>Web Summit يفتتح دورته الأولى في <strong>قطر</strong></p>`)
	edit.Set("body_format", "html")
	edit.Set("version", "1")
	if res := c.post(fmt.Sprintf("/newsroom/articles/%d", id), edit); res.status != http.StatusSeeOther {
		t.Fatalf("second save: %d %q", res.status, res.errors())
	}
	cmp := c.get(fmt.Sprintf("/newsroom/articles/%d/compare?from=1&to=2", id))
	if !strings.Contains(cmp.body, "قطر") || strings.Contains(cmp.body, "&lt;p") || strings.Contains(cmp.body, "&lt;strong") {
		t.Errorf("the comparison shows tags or not the change:\n%s", fieldHTML(cmp.body, "قطر"))
	}
	// A Markdown article opens in the editor rendered.
	md := e.articleIn("writer", news.StatusDraft, "مقال بصيغة Markdown")
	page = c.get(fmt.Sprintf("/newsroom/articles/%d", md.ID))
	if !strings.Contains(page.body, `<template id="body-html">`) || !strings.Contains(page.body, "<strong>بالقرار</strong>") {
		t.Errorf("a Markdown article does not open rendered:\n%s", fieldHTML(page.body, "body-html"))
	}
}

func TestEditorRequests(t *testing.T) { teststores.Each(t, testEditorRequests) }

// testEditorRequests: the editor's JSON requests, with the forms' roles
// and CSRF rules.
func testEditorRequests(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	c := e.as("contributor")
	getJSON := func(cl *client, path string, v any) int {
		t.Helper()
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		res := cl.do(req)
		if v != nil && res.status == http.StatusOK {
			if err := json.Unmarshal([]byte(res.body), v); err != nil {
				t.Fatalf("GET %s: %v in %s", path, err, res.body)
			}
		}
		return res.status
	}
	// Upload through the editor: JSON back, with the variants' URLs.
	res := c.upload("/newsroom/media/upload.json", map[string]string{"alt": "منارة الإسكندرية", "credit": "تصوير: سلمى"}, jpegBytes(t, 900, 600))
	var up struct {
		Media struct {
			ID         int64
			Src, Thumb string
			Credit     string
		}
	}
	// The answer comes before the variants are made: the image's own
	// address, which answers once they are.
	if res.status != http.StatusCreated || json.Unmarshal([]byte(res.body), &up) != nil || up.Media.ID == 0 ||
		up.Media.Src != fmt.Sprintf("/media/%d", up.Media.ID) || up.Media.Credit != "تصوير: سلمى" {
		t.Fatalf("upload.json: %d %s", res.status, res.body)
	}
	if r := c.get(up.Media.Src); r.status != http.StatusFound || !strings.HasPrefix(r.header.Get("Location"), up.Media.Src+"/") {
		t.Errorf("GET %s just after the upload: %d to %q, want a redirect to a variant", up.Media.Src, r.status, r.header.Get("Location"))
	}
	if res := c.upload("/newsroom/media/upload.json", map[string]string{"alt": "ليست صورة"}, []byte("<html>")); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, `"field":"file"`) {
		t.Errorf("upload.json of HTML: %d %s", res.status, res.body)
	}
	var list struct {
		Total int
		Media []struct{ ID int64 }
	}
	if code := getJSON(c, "/newsroom/media.json?q="+url.QueryEscape("منارة"), &list); code != http.StatusOK || list.Total != 1 || list.Media[0].ID != up.Media.ID {
		t.Errorf("media.json search: %d %+v", code, list)
	}
	if code := getJSON(c, "/newsroom/media.json?q="+url.QueryEscape("غير موجودة"), &list); code != http.StatusOK || list.Total != 0 {
		t.Errorf("media.json search for nothing: %d %+v", code, list)
	}
	// Fetching from this machine is refused, saying why.
	req, _ := http.NewRequest("POST", e.srv.URL+"/newsroom/media/fetch.json", strings.NewReader(`{"url":"`+e.srv.URL+`/static/x.png"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if res := c.do(req); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "شبكة خاصة") {
		t.Errorf("fetch.json of this machine: %d %s", res.status, res.body)
	}
	// ... and without the CSRF token, nothing is done.
	req, _ = http.NewRequest("POST", e.srv.URL+"/newsroom/media/fetch.json", strings.NewReader(`{"url":"https://example.org/a.jpg"}`))
	req.Header.Set("Content-Type", "application/json")
	if res := c.do(req); res.status != http.StatusForbidden {
		t.Errorf("fetch.json without the CSRF token: %d", res.status)
	}
	// The archive for related cards: published articles only.
	pub := e.articleIn("writer", news.StatusPublished, "افتتاح متحف الحضارة في القاهرة")
	e.articleIn("writer2", news.StatusDraft, "مسودة عن متحف الحضارة")
	var arts struct {
		Articles []struct {
			ID   int64
			Path string
		}
	}
	if code := getJSON(c, "/newsroom/articles.json?q="+url.QueryEscape("متحف الحضارة"), &arts); code != http.StatusOK ||
		len(arts.Articles) != 1 || arts.Articles[0].ID != pub.ID || arts.Articles[0].Path != pub.Path() {
		t.Errorf("articles.json: %d %+v, want only the published one", code, arts)
	}
	// Signed out: nothing.
	if code := getJSON(e.anonymous(), "/newsroom/media.json", nil); code == http.StatusOK {
		t.Errorf("media.json signed out: %d", code)
	}
}
