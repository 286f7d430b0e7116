package newsroom_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sahafa/editorial"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/teststores"
)

// TestBulkActions: a writer's bulk publish does what the role allows and
// says, article by article, why it left the rest alone.
func TestBulkActions(t *testing.T) { teststores.Each(t, testBulkActions) }

func testBulkActions(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	ctx := context.Background()
	writer := e.as("writer")
	mine := e.articleIn("writer", news.StatusDraft, "مسودتي للنشر")
	theirs := e.articleIn(otherWriter, news.StatusDraft, "مسودة نادية")
	published := e.articleIn("writer", news.StatusPublished, "منشور من قبل")
	_, path, form := bulkReq("publish", nil, mine, theirs, published)
	form.Set("back", "/newsroom/articles/?status=draft")
	r := writer.post(path, form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("bulk publish: %d\n%.800s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, "/newsroom/articles/?") || !strings.Contains(loc, "status=draft") {
		t.Errorf("bulk publish went back to %q, want the list it came from", loc)
	}
	for id, want := range map[int64]news.Status{mine.ID: news.StatusPublished, theirs.ID: news.StatusDraft, published.ID: news.StatusPublished} {
		if a, _ := e.store.EditorialArticle(ctx, id); a.Status != want {
			t.Errorf("article %d is %s after the bulk publish, want %s", id, a.Status, want)
		}
	}
	page := writer.get(loc)
	for _, want := range []string{"نُفّذ الإجراء على 1 ", "«مسودة نادية»: ليست لديك صلاحية", "«منشور من قبل»: منشور من قبل"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the list after the bulk action lacks %q", want)
		}
	}

	// An editor moves two articles to a section and tags them; a revision
	// is kept of each.
	editor := e.as("editor")
	_, path, form = bulkReq("section", url.Values{"bulk_section": {"sport"}}, mine, theirs)
	mustSee(t, editor.post(path, form))
	_, path, form = bulkReq("tag", url.Values{"bulk_tag": {"كأس العالم"}}, mine, theirs)
	mustSee(t, editor.post(path, form))
	for _, id := range []int64{mine.ID, theirs.ID} {
		a, _ := e.store.EditorialArticle(ctx, id)
		var tags []string
		for _, tg := range a.Tags {
			tags = append(tags, tg.Name)
		}
		if a.Section.Slug != "sport" || !strings.Contains(strings.Join(tags, ","), "كأس العالم") {
			t.Errorf("article %d: section %s, tags %v after the bulk edits", id, a.Section.Slug, tags)
		}
	}
	// Tagging again changes nothing and says so.
	r = editor.post(path, form)
	if page := editor.get(r.header.Get("Location")); !strings.Contains(page.body, "نُفّذ الإجراء على 0 ") ||
		!strings.Contains(page.body, "موسوم بـ«كأس العالم» من قبل") {
		t.Errorf("a repeated bulk tag does not say the articles had it:\n%.1500s", page.body)
	}
	// No action, no articles: an error on the list, nothing done.
	_, path, form = bulkReq("", nil, mine)
	r = editor.post(path, form)
	if page := editor.get(r.header.Get("Location")); !strings.Contains(page.body, "اختر إجراءً") {
		t.Errorf("a bulk form without an action: %d, %q", r.status, r.header.Get("Location"))
	}
	// An id that is not a number is a bad request.
	if r := editor.post("/newsroom/articles/bulk", url.Values{"bulk_action": {"trash"}, "ids": {"1 OR 1=1"}}); r.status != http.StatusBadRequest {
		t.Errorf("a bulk form with a bad id: %d, want 400", r.status)
	}
	// The way back never leaves the newsroom.
	_, path, form = bulkReq("trash", nil, theirs)
	form.Set("back", "https://evil.example/")
	if r := editor.post(path, form); !strings.HasPrefix(r.header.Get("Location"), "/newsroom/") {
		t.Errorf("bulk back to %q", r.header.Get("Location"))
	}
}

// TestTrashFlow: a published article sent to the trash is taken down, its
// address answers 410, it cannot be edited until restored, and it is
// deleted for good after 30 days.
func TestTrashFlow(t *testing.T) { teststores.Each(t, testTrashFlow) }

func testTrashFlow(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	ctx := context.Background()
	writer := e.as("writer")
	a := e.articleIn("writer", news.StatusPublished, "خبر يُحذف")
	anon := e.anonymous()
	if r := anon.get(a.Path()); r.status != http.StatusOK {
		t.Fatalf("the published article: %d", r.status)
	}
	mustSee(t, writer.post(fmt.Sprintf("/newsroom/articles/%d/trash", a.ID), url.Values{"version": {fmt.Sprint(a.Version)}}))
	got, _ := e.store.EditorialArticle(ctx, a.ID)
	if got.Status != news.StatusUnpublished || got.DeletedAt.IsZero() {
		t.Fatalf("after the trash: %s, deleted %v", got.Status, got.DeletedAt)
	}
	if r := anon.get(a.Path()); r.status != http.StatusGone {
		t.Errorf("the trashed article's address: %d, want 410", r.status)
	}
	page := writer.get(fmt.Sprintf("/newsroom/articles/%d", a.ID))
	if !strings.Contains(page.body, "هذا المقال في سلة المحذوفات") || !strings.Contains(page.body, "أعده من السلة") {
		t.Errorf("the editor does not say the article is in the trash:\n%.1500s", page.body)
	}
	if strings.Contains(page.body, "احذفه نهائيًا") {
		t.Error("a writer is offered to delete for good")
	}
	if list := writer.get("/newsroom/trash/"); !strings.Contains(list.body, "خبر يُحذف") {
		t.Error("the trash page does not list the article")
	}
	if list := writer.get("/newsroom/articles/"); strings.Contains(list.body, "خبر يُحذف") {
		t.Error("the article list shows a trashed article")
	}
	edit := articleForm("خبر يُحذف معدل", sampleBody)
	edit.Set("version", fmt.Sprint(got.Version))
	if r := writer.post(fmt.Sprintf("/newsroom/articles/%d", a.ID), edit); r.status != http.StatusConflict ||
		!strings.Contains(r.body, "سلة المحذوفات") {
		t.Errorf("saving a trashed article: %d, want 409 saying it is in the trash", r.status)
	}
	mustSee(t, writer.post(fmt.Sprintf("/newsroom/articles/%d/untrash", a.ID), nil))
	if r := anon.get(a.Path()); r.status != http.StatusNotFound {
		t.Errorf("the restored (unpublished) article's address: %d, want 404", r.status)
	}
	got, _ = e.store.EditorialArticle(ctx, a.ID)
	mustSee(t, writer.post(fmt.Sprintf("/newsroom/articles/%d/trash", a.ID), url.Values{"version": {fmt.Sprint(got.Version)}}))

	// 30 days on, the scheduler's sweep deletes it.
	if n, err := e.ed.PurgeDue(ctx); err != nil || n != 0 {
		t.Errorf("PurgeDue now: %d, %v; want 0", n, err)
	}
	later := newEnvClock(e, time.Now().Add(news.TrashRetention+time.Hour))
	if n, err := later.PurgeDue(ctx); err != nil || n != 1 {
		t.Errorf("PurgeDue after 30 days: %d, %v; want 1", n, err)
	}
	if _, err := e.store.EditorialArticle(ctx, a.ID); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("the article after the sweep: %v", err)
	}
	if r := anon.get(a.Path()); r.status != http.StatusGone {
		t.Errorf("the purged article's address: %d, want 410", r.status)
	}
}

// TestAuthorDirectoryPages: search by any spelling, edit a profile with a
// new address, find duplicates and merge them.
func TestAuthorDirectoryPages(t *testing.T) { teststores.Each(t, testAuthorDirectoryPages) }

func testAuthorDirectoryPages(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	ctx := context.Background()
	editor := e.as("editor")
	a := editor.newArticle("خبر بتوقيع فاطمة")
	in := e.ed.InputFrom(a)
	in.Authors = "فاطمة الزهراء"
	if _, err := e.ed.Save(ctx, e.users["editor"], in); err != nil {
		t.Fatal(err)
	}
	b := editor.newArticle("خبر بتوقيع آخر")
	in = e.ed.InputFrom(b)
	in.Authors = "فاطمه الزهراء" // taa marbuta typed as ha: the same person
	if _, err := e.ed.Save(ctx, e.users["editor"], in); err != nil {
		t.Fatal(err)
	}
	list := editor.get("/newsroom/authors/?q=" + url.QueryEscape("فاطمه"))
	if n := strings.Count(list.body, "الزهراء</bdi>"); n != 1 {
		t.Errorf("the directory lists %d authors for فاطمه, want one:\n%.2000s", n, list.body)
	}
	fatima := e.author("فاطمة الزهراء")
	if fatima.Name != "فاطمة الزهراء" {
		t.Errorf("the author is named %q", fatima.Name)
	}
	r := editor.get("/newsroom/authors.json?q=" + url.QueryEscape("الزهرا"))
	if !strings.Contains(r.body, `"name":"فاطمة الزهراء","articles":2`) {
		t.Errorf("authors.json: %s", r.body)
	}

	// A legacy duplicate (a byline stored another way before the
	// directory): renamed to the same name, it shows among duplicates.
	c := editor.newArticle("خبر ثالث")
	in = e.ed.InputFrom(c)
	in.Authors = "ف. الزهراء"
	if _, err := e.ed.Save(ctx, e.users["editor"], in); err != nil {
		t.Fatal(err)
	}
	dup := e.author("ف. الزهراء")
	mustSee(t, editor.post(fmt.Sprintf("/newsroom/authors/%d", dup.ID), url.Values{"name": {"فاطمة الزهراء"}, "slug": {dup.Slug}}))
	dups := editor.get("/newsroom/authors/?duplicates=1")
	if n := strings.Count(dups.body, "فاطمة الزهراء</bdi>"); n != 2 {
		t.Errorf("the duplicates view shows %d, want both:\n%.2000s", n, dups.body)
	}
	page := editor.get(fmt.Sprintf("/newsroom/authors/%d", fatima.ID))
	if !strings.Contains(page.body, fmt.Sprintf(`name="from" value="%d"`, dup.ID)) {
		t.Errorf("the author page does not offer to merge the duplicate")
	}
	mustSee(t, editor.post(fmt.Sprintf("/newsroom/authors/%d/merge", fatima.ID), url.Values{"from": {fmt.Sprint(dup.ID)}}))
	got, _ := e.store.EditorialArticle(ctx, c.ID)
	if len(got.Authors) != 1 || got.Authors[0].ID != fatima.ID {
		t.Errorf("the duplicate's article credits %+v after the merge", got.Authors)
	}
	if r := e.anonymous().get("/author/" + url.PathEscape(dup.Slug) + "/"); r.status != http.StatusMovedPermanently {
		t.Errorf("the merged author's page: %d, want 301", r.status)
	}

	// A profile with a bio and links; a bad link is refused with the field.
	r = editor.post(fmt.Sprintf("/newsroom/authors/%d", fatima.ID), url.Values{"name": {fatima.Name}, "slug": {"fatima"},
		"bio": {"مراسلة الشؤون الثقافية."}, "links": {"https://example.org/fatima\nftp://example.org/x"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(strings.Join(r.errors(), " "), "ftp://example.org/x") {
		t.Errorf("a bad link: %d, errors %q", r.status, r.errors())
	}
	mustSee(t, editor.post(fmt.Sprintf("/newsroom/authors/%d", fatima.ID), url.Values{"name": {fatima.Name}, "slug": {"fatima"},
		"bio": {"مراسلة الشؤون الثقافية."}, "links": {"https://example.org/fatima"}}))
	pub := e.anonymous().get("/author/fatima/")
	if pub.status != http.StatusOK || !strings.Contains(pub.body, "مراسلة الشؤون الثقافية.") {
		t.Errorf("the public author page: %d", pub.status)
	}
}

// newEnvClock is the env's editorial service on a clock stopped at now.
func newEnvClock(e *env, now time.Time) *editorial.Service {
	return editorial.New(e.store, publish.New(e.store, publish.Options{}), nil,
		editorial.Options{Location: time.UTC, Now: func() time.Time { return now }})
}

// TestBreakingNews: an editor's breaking line is on every public page and
// in the API at once, refused when malformed, and gone when taken down.
func TestBreakingNews(t *testing.T) { teststores.Each(t, testBreakingNews) }

func testBreakingNews(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	a := e.articleIn("writer", news.StatusPublished, "حريق في سوق المدينة القديم")
	editor := e.as("editor")
	anon := e.anonymous()
	anon.get("/") // cached before the item
	const text = "عاجل: إخلاء السوق القديم بعد حريق كبير"
	r := editor.post("/newsroom/breaking", url.Values{"text": {text}, "url": {"javascript:alert(1)"}, "minutes": {"30"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("a javascript: link: %d, want 422", r.status)
	}
	if r := editor.post("/newsroom/breaking", url.Values{"text": {text}, "minutes": {"2"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("two minutes: %d, want 422", r.status)
	}
	mustSee(t, editor.post("/newsroom/breaking", url.Values{"text": {text}, "url": {a.Path()}, "minutes": {"30"}}))
	for _, p := range []string{"/", a.Path(), "/archive/"} {
		if body := anon.get(p).body; !strings.Contains(body, `<strong class="breaking-label">عاجل</strong> <a href="`+a.Path()+`">`+text+`</a>`) {
			t.Errorf("%s does not show the breaking line", p)
		}
	}
	if body := anon.get("/api/v1/breaking").body; !strings.Contains(body, `"text":"`+text+`"`) || !strings.Contains(body, a.Path()) {
		t.Errorf("/api/v1/breaking: %s", body)
	}
	mustSee(t, editor.post("/newsroom/breaking/end", nil))
	if body := anon.get("/").body; strings.Contains(body, text) {
		t.Error("the breaking line is still on the home page after it was taken down")
	}
	if body := anon.get("/api/v1/breaking").body; !strings.Contains(body, `"breaking":null`) {
		t.Errorf("/api/v1/breaking after: %s", body)
	}
}

// TestStaticPages: an editor writes "من نحن" in the newsroom; it is on
// the site at its Arabic address, linked from every page's footer, its
// Markdown sanitized; addresses of the site's own paths and sections are
// refused.
func TestStaticPages(t *testing.T) { teststores.Each(t, testStaticPages) }

func testStaticPages(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	editor := e.as("editor")
	anon := e.anonymous()
	anon.get("/") // cached before the page exists
	r := editor.post("/newsroom/pages/new", url.Values{"title": {"من نحن"}, "footer": {"1"}, "position": {"1"},
		"body": {"## قصتنا\n\nصحيفة مستقلة تأسست في Beirut عام 2010.\n\n<script>alert(1)</script>"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save page: %d %q", r.status, r.errors())
	}
	pg := anon.get("/" + url.PathEscape("من-نحن") + "/")
	if pg.status != http.StatusOK || !strings.Contains(pg.body, `<h1 class="headline">من نحن</h1>`) ||
		!strings.Contains(pg.body, "<h2") || !strings.Contains(pg.body, `<bdi dir="ltr">Beirut</bdi>`) || strings.Contains(pg.body, "<script>alert") {
		t.Errorf("the page: %d\n%.2000s", pg.status, pg.body)
	}
	if home := anon.get("/"); !strings.Contains(home.body, `<a href="/`+url.PathEscape("من-نحن")+`/">من نحن</a>`) {
		t.Error("the home page's footer does not link the page")
	}
	if r := anon.get("/" + url.PathEscape("من-نحن")); r.status != http.StatusMovedPermanently {
		t.Errorf("the page without its slash: %d, want 301", r.status)
	}
	for slug, why := range map[string]string{"archive": "لصفحات الموقع", "world": "لقسم"} {
		r := editor.post("/newsroom/pages/new", url.Values{"title": {"صفحة"}, "slug": {slug}, "body": {"نص."}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(strings.Join(r.errors(), " "), why) {
			t.Errorf("slug %q: %d %q", slug, r.status, r.errors())
		}
	}
	if list := editor.get("/newsroom/pages/"); !strings.Contains(list.body, "من نحن") {
		t.Error("the newsroom's pages list lacks the page")
	}
}
