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

// TestLiveCoverage: a writer makes their published article live coverage
// and posts updates from the newsroom; readers' page (cached) shows them
// newest first at once, with the live script, a policy allowing it, and
// LiveBlogPosting JSON-LD; the API gives the updates; hostile Markdown is
// sanitized; an empty update is refused on its field; ending the coverage
// keeps the updates, drops the script and refuses more.
func TestLiveCoverage(t *testing.T) { teststores.Each(t, testLiveCoverage) }

func testLiveCoverage(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	a := e.articleIn("writer", news.StatusPublished, "تغطية مباشرة: جلسة مجلس الأمن بشأن غزة")
	writer, anon := e.as("writer"), e.anonymous()
	base := fmt.Sprintf("/newsroom/articles/%d/live", a.ID)
	if r := writer.get(base); r.status != http.StatusOK || !strings.Contains(r.body, "ابدأ التغطية المباشرة") {
		t.Fatalf("the live page of an ordinary article: %d", r.status)
	}
	if body := anon.get(a.Path()).body; strings.Contains(body, `class="live`) || strings.Contains(body, "<script src") {
		t.Error("an ordinary article shows a live block or a script")
	}
	mustSee(t, writer.post(base+"/start", nil))
	if r := writer.post(base+"/updates", url.Values{"text": {"   "}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(strings.Join(r.errors(), " "), "اكتب نص التحديث") {
		t.Errorf("an empty update: %d %q", r.status, r.errors())
	}
	first := "بدأت الجلسة الطارئة في نيويورك بحضور 15 عضوًا."
	second := "المندوب الفرنسي: ندعو إلى **وقف فوري** لإطلاق النار. <script>alert(1)</script>"
	if r := writer.post(base+"/updates", url.Values{"text": {first}}); r.status != http.StatusSeeOther {
		t.Fatalf("post the first update: %d %q", r.status, r.errors())
	}
	page := anon.get(a.Path()) // cached with one update
	if !strings.Contains(page.body, first) {
		t.Fatalf("the article page lacks the first update")
	}
	if r := writer.post(base+"/updates", url.Values{"text": {"البيان [هنا](javascript:alert(2))"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(strings.Join(r.errors(), " "), "javascript:") {
		t.Errorf("an update linking javascript: %d %q, want 422 naming it", r.status, r.errors())
	}
	if r := writer.post(base+"/updates", url.Values{"text": {second}}); r.status != http.StatusSeeOther {
		t.Fatalf("post the second update: %d %q", r.status, r.errors())
	}
	page = anon.get(a.Path())
	body := page.body
	i, j := strings.Index(body, "وقف فوري"), strings.Index(body, first)
	if i < 0 || j < 0 || i > j {
		t.Errorf("updates not shown newest first (second at %d, first at %d)", i, j)
	}
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "javascript:alert") {
		t.Error("an update's script reached the page")
	}
	if !strings.Contains(body, `<span class="live-badge">مباشر</span>`) || !strings.Contains(body, "تحديثان") {
		t.Error("the page does not say it is live with two updates")
	}
	if !strings.Contains(body, `<script src="/static/`) || !strings.Contains(body, `live.js" defer></script>`) {
		t.Error("a running live page lacks its script")
	}
	if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("the live page's policy: %q", csp)
	}
	if !strings.Contains(body, `"@type":"LiveBlogPosting"`) || !strings.Contains(body, `"liveBlogUpdate":[{"@type":"BlogPosting"`) ||
		!strings.Contains(body, `"coverageStartTime":"`) {
		t.Error("the page lacks LiveBlogPosting JSON-LD with its updates")
	}
	var live struct {
		Running bool
		Total   int
		Updates []struct {
			ID   int64
			HTML string
		}
	}
	api := anon.get(fmt.Sprintf("/api/v1/articles/%d/live", a.ID))
	if err := json.Unmarshal([]byte(api.body), &live); err != nil || !live.Running || live.Total != 2 || len(live.Updates) != 2 ||
		!strings.Contains(live.Updates[0].HTML, "<strong>وقف فوري</strong>") {
		t.Errorf("the API's live updates: %v %s", err, api.body)
	}
	if r := anon.get(fmt.Sprintf("/api/v1/articles/%d/live", e.articleIn("writer", news.StatusPublished, "مقال عادي").ID)); r.status != http.StatusNotFound {
		t.Errorf("the live updates of an ordinary article: %d, want 404", r.status)
	}

	// Another writer may not post to it; an editor may delete an update.
	if r := e.as("writer2").post(base+"/updates", url.Values{"text": {"تحديث من غير صاحب المقال"}}); r.status != http.StatusForbidden {
		t.Errorf("another writer posts an update: %d, want 403", r.status)
	}
	mustSee(t, e.as("editor").post(fmt.Sprintf("%s/updates/%d/delete", base, live.Updates[0].ID), nil))
	if strings.Contains(anon.get(a.Path()).body, "وقف فوري") {
		t.Error("a deleted update is still on the page")
	}

	mustSee(t, writer.post(base+"/end", nil))
	page = anon.get(a.Path())
	if !strings.Contains(page.body, "انتهت التغطية") || !strings.Contains(page.body, first) || strings.Contains(page.body, "<script src") {
		t.Error("an ended live page should keep its updates, say it ended and carry no script")
	}
	if !strings.Contains(page.body, `"coverageEndTime":"`) {
		t.Error("an ended live page's JSON-LD lacks its end")
	}
	if r := writer.post(base+"/updates", url.Values{"text": {"تحديث بعد النهاية"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("an update after the end: %d, want 422", r.status)
	}
	if c, err := e.store.LiveCoverage(context.Background(), a.ID, 10); err != nil || c.Total != 1 {
		t.Errorf("stored coverage after the end: %+v, %v", c, err)
	}
}
