package newsroom_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sahafa/editorial"
	"sahafa/news"
	"sahafa/store/teststores"
)

func TestSignInAndSessions(t *testing.T) { teststores.Each(t, testSignInAndSessions) }

func testSignInAndSessions(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	anon := e.anonymous()

	// Signed out: pages send to the sign-in page, actions are refused.
	r := anon.get("/newsroom/articles/new")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/newsroom/login?next=") {
		t.Fatalf("signed-out GET: %d to %q", r.status, r.header.Get("Location"))
	}
	if r := anon.post("/newsroom/articles/new", articleForm("عنوان", sampleBody)); r.status != http.StatusUnauthorized {
		t.Errorf("signed-out POST: %d, want 401", r.status)
	}
	login := anon.get("/newsroom/login")
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "Cache-Control"} {
		if login.header.Get(h) == "" {
			t.Errorf("newsroom page without %s", h)
		}
	}
	if !strings.Contains(login.header.Get("Content-Security-Policy"), "script-src 'self'") || login.header.Get("Cache-Control") != "no-store" {
		t.Errorf("newsroom headers: CSP %q, Cache-Control %q", login.header.Get("Content-Security-Policy"), login.header.Get("Cache-Control"))
	}

	// A wrong password: 401, the email kept, an Arabic message.
	bad := anon.post("/newsroom/login", url.Values{"email": {"editor@example.com"}, "password": {"خطأ خطأ خطأ"}})
	if bad.status != http.StatusUnauthorized || !strings.Contains(bad.body, `value="editor@example.com"`) ||
		!strings.Contains(bad.body, "كلمة المرور غير صحيحة") {
		t.Errorf("wrong password: %d %q", bad.status, bad.errors())
	}
	// The right one: a session cookie, HttpOnly and SameSite, and a
	// redirect to where the user was going (never off the newsroom).
	ok := anon.post("/newsroom/login", url.Values{"email": {"Editor@Example.com"}, "password": {testPassword},
		"next": {"/newsroom/articles/?status=review"}})
	if ok.status != http.StatusSeeOther || ok.header.Get("Location") != "/newsroom/articles/?status=review" {
		t.Fatalf("sign in: %d to %q", ok.status, ok.header.Get("Location"))
	}
	cookie := ok.header.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") || !strings.HasPrefix(cookie, "sahafa_session=") {
		t.Errorf("session cookie %q", cookie)
	}
	for _, next := range []string{"https://evil.example/", "//evil.example/newsroom/", "/search/", `/\evil.example`} {
		r := anon.post("/newsroom/login", url.Values{"email": {"editor@example.com"}, "password": {testPassword}, "next": {next}})
		if r.header.Get("Location") != "/newsroom/" {
			t.Errorf("next=%q redirected to %q", next, r.header.Get("Location"))
		}
	}
	token := regexp.MustCompile(`sahafa_session=([^;]+)`).FindStringSubmatch(cookie)[1]
	browser := &client{e: e, cookie: &http.Cookie{Name: "sahafa_session", Value: token}}
	page := browser.get("/newsroom/")
	if page.status != http.StatusOK || !strings.Contains(page.body, "هدى المحررة") {
		t.Fatalf("dashboard after sign-in: %d", page.status)
	}
	browser.csrf = regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page.body)[1]

	// CSRF: a form without the token, with another session's, or sent
	// from another site is refused and stores nothing.
	before := e.snapshot()
	noToken := browser.post("/newsroom/articles/new", url.Values{"csrf": {""}, "title": {"بلا رمز"}, "body": {"نص"}, "section": {"world"}})
	other := e.as("admin")
	wrongToken := browser.post("/newsroom/articles/new", url.Values{"csrf": {other.csrf}, "title": {"رمز آخر"}, "body": {"نص"}, "section": {"world"}})
	req, _ := http.NewRequest("POST", e.srv.URL+"/newsroom/articles/new", strings.NewReader(
		url.Values{"csrf": {browser.csrf}, "title": {"من موقع آخر"}, "body": {"نص"}, "section": {"world"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	crossSite := browser.do(req)
	for name, r := range map[string]response{"no token": noToken, "another session's token": wrongToken, "cross-site": crossSite} {
		if r.status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, r.status)
		}
	}
	if after := e.snapshot(); after != before {
		t.Errorf("refused forms changed the store")
	}

	// Sessions survive a restart: a new handler on the same store knows
	// the cookie.
	restarted := newEnvOn(t, e.store)
	if r := (&client{e: restarted, cookie: browser.cookie}).get("/newsroom/"); r.status != http.StatusOK {
		t.Errorf("after a restart: %d", r.status)
	}

	// Sign out everywhere ends the other sessions; sign out ends this one.
	second := e.as("editor")
	if r := browser.post("/newsroom/account/sessions", nil); r.status != http.StatusSeeOther {
		t.Fatalf("sign out elsewhere: %d", r.status)
	}
	if r := second.get("/newsroom/"); r.status != http.StatusSeeOther {
		t.Errorf("another session after sign-out everywhere: %d, want a redirect to sign in", r.status)
	}
	if r := browser.get("/newsroom/"); r.status != http.StatusOK {
		t.Errorf("the session that signed the others out: %d", r.status)
	}
	if r := browser.post("/newsroom/logout", nil); r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("sign out: %d, cookie %q", r.status, r.header.Get("Set-Cookie"))
	}
	if r := browser.get("/newsroom/"); r.status != http.StatusSeeOther {
		t.Errorf("after sign-out: %d", r.status)
	}
}

// newEnvOn builds a second site on an existing store: a restarted server.
func newEnvOn(t *testing.T, st news.Store) *env {
	return newEnv(t, func(testing.TB) news.Store { return reusable{st} })
}

// reusable lets a second env share a store: its users and sections exist
// already, so creating them again is ignored.
type reusable struct{ news.Store }

func (r reusable) CreateUser(ctx context.Context, u news.User) (news.User, error) {
	if got, err := r.Store.UserByEmail(ctx, u.Email); err == nil {
		return got, nil
	}
	return r.Store.CreateUser(ctx, u)
}

func (r reusable) SaveSection(ctx context.Context, sec news.Section) (news.Section, error) {
	if got, err := r.Store.SectionBySlug(ctx, sec.Slug); err == nil {
		return got, nil
	}
	return r.Store.SaveSection(ctx, sec)
}

func (r reusable) Close() error { return nil }

func TestSignInRateLimit(t *testing.T) { teststores.Each(t, testSignInRateLimit) }

func testSignInRateLimit(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	anon := e.anonymous()
	var last response
	for i := 0; i < 6; i++ {
		last = anon.post("/newsroom/login", url.Values{"email": {"writer@example.com"}, "password": {fmt.Sprintf("تخمين %d خاطئ", i)}})
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" || !strings.Contains(last.body, "محاولات كثيرة") {
		t.Errorf("sixth failed sign-in: %d, Retry-After %q", last.status, last.header.Get("Retry-After"))
	}
	if r := anon.post("/newsroom/login", url.Values{"email": {"writer@example.com"}, "password": {testPassword}}); r.status != http.StatusTooManyRequests {
		t.Errorf("the right password while locked: %d, want 429", r.status)
	}
}

func TestEditorFormKeepsInput(t *testing.T) { teststores.Each(t, testEditorFormKeepsInput) }

func testEditorFormKeepsInput(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	w := e.as("writer")
	form := articleForm("", "نص بصورة بلا وصف:\n\n![](/media/9)")
	form.Set("section", "no-such-desk")
	form.Set("publish_at", "غدا صباحا")
	form.Set("dateline", "الإسكندرية")
	form.Set("tags", "الطقس، البحر")
	r := w.post("/newsroom/articles/new", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid form: %d", r.status)
	}
	msgs := strings.Join(r.errors(), "\n")
	for _, want := range []string{"اكتب عنوان المقال", "بلا نص بديل", "القسم غير موجود", "الموعد"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("errors %q lack %q", msgs, want)
		}
	}
	for _, kept := range []string{`value="الإسكندرية"`, `value="الطقس، البحر"`, `value="غدا صباحا"`, "نص بصورة بلا وصف:"} {
		if !strings.Contains(r.body, kept) {
			t.Errorf("the refused form lost %s", kept)
		}
	}
	if !strings.Contains(r.body, `aria-invalid="true"`) {
		t.Error("no field is marked invalid")
	}

	// A save over a version someone else changed: 409, the text kept,
	// the other edit intact.
	a := w.newArticle("خبر عن الطقس")
	ed := e.as("editor")
	mine := editForm(e, a)
	theirs := editForm(e, a)
	theirs.Set("title", "خبر عن الطقس بعد تدقيق المحرر")
	if r := ed.post(fmt.Sprintf("/newsroom/articles/%d", a.ID), theirs); r.status != http.StatusSeeOther {
		t.Fatalf("editor's save: %d %q", r.status, r.errors())
	}
	mine.Set("body", sampleBody+"\n\nفقرة كتبها الكاتب في الوقت نفسه.")
	r = w.post(fmt.Sprintf("/newsroom/articles/%d", a.ID), mine)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "فقرة كتبها الكاتب في الوقت نفسه.") {
		t.Errorf("stale save: %d; kept text: %v", r.status, strings.Contains(r.body, "فقرة كتبها الكاتب"))
	}
	got, _ := e.store.EditorialArticle(context.Background(), a.ID)
	if got.Title != "خبر عن الطقس بعد تدقيق المحرر" {
		t.Errorf("the editor's edit was overwritten: %q", got.Title)
	}
}

// TestWorkflowThroughTheNewsroom follows an article from a contributor's
// draft to the public site, with a rejection, an approval, a correction,
// revisions compared and restored, and unpublishing.
func TestWorkflowThroughTheNewsroom(t *testing.T) { teststores.Each(t, testWorkflowThroughTheNewsroom) }

func testWorkflowThroughTheNewsroom(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	ctx := context.Background()
	contrib, editor := e.as("contributor"), e.as("editor")
	a := contrib.newArticle("افتتاح معرض الكتاب في الرياض")
	if a.Status != news.StatusDraft || a.CreatedBy != contrib.user.ID {
		t.Fatalf("new article: %s by %d", a.Status, a.CreatedBy)
	}
	anon := e.anonymous()
	if r := anon.get(a.Path()); r.status != http.StatusNotFound {
		t.Errorf("a draft on the public site: %d", r.status)
	}
	mustSee(t, contrib.workflow(a, "submit", ""))
	// Rejection needs a reason.
	if r := editor.workflow(a, "reject", ""); r.status != http.StatusUnprocessableEntity {
		t.Errorf("reject without a note: %d", r.status)
	}
	mustSee(t, editor.workflow(a, "reject", "أضف عدد دور النشر المشاركة"))
	in := e.ed.InputFrom(mustArticle(t, e, a.ID))
	form := articleForm(in.Title, in.Body+"\n\nتشارك في المعرض أكثر من ألف دار نشر.")
	form.Set("version", fmt.Sprint(in.Version))
	form.Set("note", "أضفت عدد دور النشر")
	mustSee(t, contrib.post(fmt.Sprintf("/newsroom/articles/%d", a.ID), form))
	mustSee(t, contrib.workflow(a, "submit", ""))
	mustSee(t, editor.workflow(a, "approve", ""))
	a = mustArticle(t, e, a.ID)
	if a.Status != news.StatusPublished || a.PublishedAt.IsZero() {
		t.Fatalf("approved: %s at %v", a.Status, a.PublishedAt)
	}
	pub := anon.get(a.Path())
	if pub.status != http.StatusOK || !strings.Contains(pub.body, "أكثر من ألف دار نشر") ||
		!strings.Contains(pub.body, `href="/tag/`) {
		t.Fatalf("public article: %d", pub.status)
	}
	// A correction, shown to readers with its date.
	mustSee(t, editor.post(fmt.Sprintf("/newsroom/articles/%d/corrections", a.ID),
		url.Values{"correction": {"صُحّح اسم المدينة المضيفة."}}))
	if r := anon.get(a.Path()); !strings.Contains(r.body, "صُحّح اسم المدينة المضيفة.") || !strings.Contains(r.body, `class="corrections"`) {
		t.Error("the correction is not on the public page")
	}
	// History: who did what.
	h := editor.get(fmt.Sprintf("/newsroom/articles/%d/history", a.ID))
	for _, want := range []string{"أنشأ المقال", "أرسله للمراجعة", "أعاده إلى الكاتب", "وافق عليه", "أضاف تصحيحًا",
		"سلمى المساهمة", "هدى المحررة", "أضف عدد دور النشر المشاركة"} {
		if !strings.Contains(h.body, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	// Compare revisions 1 and 2: the added sentence is marked inserted.
	c := editor.get(fmt.Sprintf("/newsroom/articles/%d/compare?from=1&to=2", a.ID))
	if c.status != http.StatusOK || !regexp.MustCompile(`<ins>[^<]*ألف دار نشر`).MatchString(c.body) {
		t.Errorf("compare: %d", c.status)
	}
	// Restore revision 1: the sentence is gone from the public page, as a
	// new revision.
	a = mustArticle(t, e, a.ID)
	mustSee(t, editor.post(fmt.Sprintf("/newsroom/articles/%d/restore", a.ID), url.Values{"revision": {"1"}, "version": {fmt.Sprint(a.Version)}}))
	if r := anon.get(a.Path()); strings.Contains(r.body, "أكثر من ألف دار نشر") {
		t.Error("the restored revision still shows the later sentence")
	}
	revs, _ := e.store.Revisions(ctx, a.ID)
	if len(revs) != 3 || !strings.Contains(revs[0].Note, "استعادة النسخة 1") {
		t.Errorf("revisions after restore: %d, newest note %q", len(revs), revs[0].Note)
	}
	// Unpublish: gone from the public site.
	mustSee(t, editor.workflow(a, "unpublish", ""))
	if r := anon.get(a.Path()); r.status != http.StatusNotFound {
		t.Errorf("unpublished article: %d", r.status)
	}
}

func mustArticle(t *testing.T, e *env, id int64) news.Article {
	t.Helper()
	a, err := e.store.EditorialArticle(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestScheduledGoesLive: an article scheduled a moment ahead appears on
// the public site at its time, with no restart: the scheduler runs as it
// does in "sahafa serve".
func TestScheduledGoesLive(t *testing.T) { teststores.Each(t, testScheduledGoesLive) }

func testScheduledGoesLive(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.ed.RunScheduler(ctx)
	w := e.as("writer")
	a := w.newArticle("نتائج الانتخابات البلدية تعلن مساء اليوم")
	in := e.ed.InputFrom(a)
	// Three seconds ahead (the form takes seconds, as datetime-local with
	// step="1" sends them).
	at := time.Now().UTC().Truncate(time.Second).Add(3 * time.Second)
	form := articleForm(in.Title, in.Body)
	form.Set("version", fmt.Sprint(in.Version))
	form.Set("publish_at", at.Format(editorial.FormTime+":05"))
	mustSee(t, w.post(fmt.Sprintf("/newsroom/articles/%d", a.ID), form))
	mustSee(t, w.workflow(a, "publish", ""))
	a = mustArticle(t, e, a.ID)
	if a.Status != news.StatusScheduled || !a.PublishedAt.Equal(at) {
		t.Fatalf("scheduled: %s at %v, want %v", a.Status, a.PublishedAt, at)
	}
	anon := e.anonymous()
	if r := anon.get(a.Path()); r.status != http.StatusNotFound {
		t.Fatalf("before its time: %d", r.status)
	}
	deadline := at.Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if r := anon.get(a.Path()); r.status == http.StatusOK {
			live := time.Now()
			if live.Before(at) {
				t.Errorf("went live at %v, before %v", live, at)
			}
			evs, _ := e.store.Events(context.Background(), a.ID)
			if last := evs[len(evs)-1]; last.Action != news.ActionGoLive || last.To != news.StatusPublished {
				t.Errorf("last event %+v", last)
			}
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("not live 5 s after %v", at)
}

// TestListsFilter: an editor narrows the lists to one writer and one
// section; a writer's lists hold only their own unpublished articles.
func TestListsFilter(t *testing.T) { teststores.Each(t, testListsFilter) }

func testListsFilter(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	e.articleIn("writer", news.StatusReview, "مراجعة الكاتب الأول")
	e.articleIn("writer2", news.StatusReview, "مراجعة الكاتبة الثانية")
	ed := e.as("editor")
	all := ed.get("/newsroom/")
	if !strings.Contains(all.body, "مراجعة الكاتب الأول") || !strings.Contains(all.body, "مراجعة الكاتبة الثانية") {
		t.Fatal("the editor's dashboard lacks an article in review")
	}
	one := ed.get(fmt.Sprintf("/newsroom/?user=%d", e.users["writer2"].ID))
	if strings.Contains(one.body, "مراجعة الكاتب الأول") || !strings.Contains(one.body, "مراجعة الكاتبة الثانية") ||
		!strings.Contains(one.body, `selected>نادية الكاتبة`) {
		t.Errorf("filtered by writer2: wrong articles or the choice not kept")
	}
	list := ed.get(fmt.Sprintf("/newsroom/articles/?status=review&user=%d", e.users["writer"].ID))
	if !strings.Contains(list.body, "مراجعة الكاتب الأول") || strings.Contains(list.body, "مراجعة الكاتبة الثانية") {
		t.Errorf("the article list filtered by writer shows the wrong articles")
	}
	if r := ed.get("/newsroom/?section=sport"); strings.Contains(r.body, "مراجعة الكاتب الأول") {
		t.Error("a world article in the sport filter")
	}
	// A writer sees only their own article in review, whatever they ask.
	w := e.as("writer")
	mine := w.get(fmt.Sprintf("/newsroom/?user=%d", e.users["writer2"].ID))
	if strings.Contains(mine.body, "مراجعة الكاتبة الثانية") || strings.Contains(mine.body, `id="f-user"`) {
		t.Error("a writer sees another writer's article in review, or the writer filter")
	}
}
