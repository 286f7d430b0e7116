package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"sahafa/comments"
	"sahafa/news"
	"sahafa/store/teststores"
	"sahafa/web"
)

// commentFixture is the test site with comments, its service telling the
// site of the pages comments change (as serve wires them).
func commentFixture(t *testing.T, open teststores.OpenFunc, copts comments.Options) (*fixture, *comments.Service) {
	t.Helper()
	f := newFixture(t, open, web.Options{})
	copts.Store = f.store
	copts.PageChanged = func(id int64) { f.site.InvalidateArticle(id) }
	svc := comments.New(copts)
	var err error
	if f.site, err = web.New(f.store, web.Options{BaseURL: "http://news.example", Comments: svc}); err != nil {
		t.Fatal(err)
	}
	return f, svc
}

// postComment sends the article page's form as a browser on the site
// would (same origin).
func (f *fixture) postComment(articleID int64, form url.Values, hdr ...string) response {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/comments/%d/", articleID), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = "192.0.2.44:5555"
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	f.site.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(body)}
}

func editorOf(t *testing.T, st news.Store) news.User {
	t.Helper()
	u, err := st.CreateUser(context.Background(), news.User{Email: "editor@news.example", Name: "سلمى المحررة", Role: news.RoleEditor, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestReaderComments(t *testing.T) { teststores.Each(t, testReaderComments) }

// testReaderComments: a reader comments from the article page; the
// comment waits without touching any cached page; once approved it is on
// its article's page (that page dropped from the cache, no other), and an
// answer to it is threaded under it.
func testReaderComments(t *testing.T, open teststores.OpenFunc) {
	f, svc := commentFixture(t, open, comments.Options{})
	a, other := f.byExt["t-rockets"], f.byExt["t-talks"]
	page := f.mustGet(a.Path(), http.StatusOK)
	contains(t, "article page", page.body, `id="comments"`, fmt.Sprintf(`action="/comments/%d/"`, a.ID), `name="website"`,
		"لا تعليقات بعد")
	f.mustGet(other.Path(), http.StatusOK)
	if h := f.get(a.Path()).header.Get("X-Cache"); h != "hit" {
		t.Fatalf("second view: X-Cache %q, want hit", h)
	}

	r := f.postComment(a.ID, url.Values{"name": {"هدى من الإسكندرية"}, "email": {"huda@example.org"},
		"text": {"متابعة ممتازة للأحداث في سيناء.\nشكرًا لياسر رشاد."}})
	if r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("post: %d (Cache-Control %q)\n%s", r.status, r.header.Get("Cache-Control"), excerpt(r.body))
	}
	contains(t, "after posting", r.body, "وصل تعليقك", "بعد أن يراجعه")
	if h := f.get(a.Path()).header.Get("X-Cache"); h != "hit" {
		t.Errorf("a held comment dropped the cached page: X-Cache %q", h)
	}

	ctx := context.Background()
	editor := editorOf(t, f.store)
	list, _, err := svc.Queue(ctx, editor, news.CommentFilter{Status: news.CommentPending})
	if err != nil || list.Total != 1 {
		t.Fatalf("pending: %d, %v", list.Total, err)
	}
	first := list.Comments[0]
	if err := svc.Moderate(ctx, editor, []int64{first.ID}, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	page = f.get(a.Path())
	if page.header.Get("X-Cache") == "hit" {
		t.Error("the approved comment's article page still came from the cache")
	}
	contains(t, "article with a comment", page.body, "هدى من الإسكندرية", "متابعة ممتازة للأحداث في سيناء.<br>شكرًا لياسر رشاد.",
		fmt.Sprintf(`id="comment-%d"`, first.ID), fmt.Sprintf(`href="/comments/%d/reply/%d/"`, a.ID, first.ID))
	notContains(t, "article with a comment", page.body, "huda@example.org")
	if h := f.get(other.Path()).header.Get("X-Cache"); h != "hit" {
		t.Errorf("another article's page was dropped too: X-Cache %q", h)
	}

	// The reply form needs no script: its own page, the comment above it.
	reply := f.mustGet(fmt.Sprintf("/comments/%d/reply/%d/", a.ID, first.ID), http.StatusOK)
	contains(t, "reply page", reply.body, "ردّك على", "هدى من الإسكندرية", fmt.Sprintf(`name="parent" value="%d"`, first.ID), `noindex`)
	f.mustGet(fmt.Sprintf("/comments/%d/reply/%d/", a.ID, first.ID+99), http.StatusNotFound)
	f.mustGet(fmt.Sprintf("/comments/%d/reply/%d/", other.ID, first.ID), http.StatusNotFound)

	r = f.postComment(a.ID, url.Values{"name": {"Karim"}, "text": {"I agree — أوافقك الرأي"}, "parent": {fmt.Sprint(first.ID)}})
	if r.status != http.StatusOK {
		t.Fatalf("reply: %d", r.status)
	}
	list, _, _ = svc.Queue(ctx, editor, news.CommentFilter{Status: news.CommentPending})
	if err := svc.Moderate(ctx, editor, []int64{list.Comments[0].ID}, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	page = f.get(a.Path())
	contains(t, "thread", page.body, `class="comment depth-1"`, "ردًا على", "<bdi class=\"comment-author\">Karim</bdi>",
		`<p dir="auto">I agree — أوافقك الرأي</p>`, "التعليقات <span class=\"comments-count\">(2)</span>")
	if strings.Index(page.body, "هدى من الإسكندرية") > strings.Index(page.body, "Karim") {
		t.Error("the answer comes before the comment it answers")
	}

	// Trusted readers go straight to the page, which the form's answer
	// redirects to at the comment.
	if err := f.store.SaveSettings(ctx, map[string]string{news.SettingCommentsModeration: "known"}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	r = f.postComment(a.ID, url.Values{"name": {"هدى"}, "email": {"huda@example.org"}, "text": {"وأضيف أن الطريق مغلق منذ الصباح."}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), a.Path()+"#comment-") {
		t.Fatalf("a trusted reader's comment: %d to %q", r.status, r.header.Get("Location"))
	}
	contains(t, "after a trusted comment", f.get(a.Path()).body, "وأضيف أن الطريق مغلق منذ الصباح.")
}

func TestCommentFormRefusals(t *testing.T) { teststores.Each(t, testCommentFormRefusals) }

// testCommentFormRefusals: what a reader must correct comes back in the
// form with their text; other sites, oversized forms, closed articles and
// a client over its limit are refused promptly, and nothing is stored.
func testCommentFormRefusals(t *testing.T, open teststores.OpenFunc) {
	f, _ := commentFixture(t, open, comments.Options{PerClient: 2})
	a := f.byExt["t-rockets"]
	stored := func() int {
		t.Helper()
		all, err := f.store.Comments(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(all)
	}

	r := f.postComment(a.ID, url.Values{"name": {""}, "email": {"huda at example"}, "text": {"تعليقي الطويل الذي لا أريد أن أفقده"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid form: %d", r.status)
	}
	contains(t, "form sent back", r.body, "اكتب اسمك", "البريد الإلكتروني غير صالح", "تعليقي الطويل الذي لا أريد أن أفقده",
		`value="huda at example"`, `aria-invalid="true"`)

	r = f.postComment(a.ID, url.Values{"name": {"هدى"}, "text": {"من موقع آخر"}}, "Sec-Fetch-Site", "cross-site")
	if r.status != http.StatusForbidden {
		t.Errorf("cross-site post: %d, want 403", r.status)
	}
	big := url.Values{"name": {"هدى"}, "text": {strings.Repeat("نص طويل ", 20000)}}
	if r = f.postComment(a.ID, big); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 300 KB form: %d, want 413", r.status)
	}
	if r = f.postComment(a.ID+1000, url.Values{"name": {"هدى"}, "text": {"نص"}}); r.status != http.StatusNotFound {
		t.Errorf("no such article: %d, want 404", r.status)
	}
	if n := stored(); n != 0 {
		t.Fatalf("%d comments stored by refused posts", n)
	}

	for i := range 2 {
		if r = f.postComment(a.ID, url.Values{"name": {"قارئ"}, "text": {fmt.Sprintf("تعليق رقم %d", i)}}); r.status != http.StatusOK {
			t.Fatalf("comment %d: %d", i, r.status)
		}
	}
	r = f.postComment(a.ID, url.Values{"name": {"قارئ"}, "text": {"تعليق ثالث لا يضيع"}})
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("over the limit: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	contains(t, "over the limit", r.body, "تعليق ثالث لا يضيع", "أرسلت تعليقات كثيرة")

	ctx := context.Background()
	if err := f.store.SetCommentMode(ctx, a.ID, news.CommentsClosed); err != nil {
		t.Fatal(err)
	}
	f.site.InvalidateArticle(a.ID)
	page := f.mustGet(a.Path(), http.StatusOK)
	contains(t, "closed article", page.body, "التعليق مغلق على هذا المقال")
	notContains(t, "closed article", page.body, `class="comment-form"`)
	if r = f.postComment(a.ID, url.Values{"name": {"هدى"}, "text": {"بعد الإغلاق"}}); r.status != http.StatusForbidden {
		t.Errorf("post on a closed article: %d, want 403", r.status)
	}
	if err := f.store.SetCommentMode(ctx, a.ID, news.CommentsOff); err != nil {
		t.Fatal(err)
	}
	f.site.InvalidateArticle(a.ID)
	notContains(t, "comments off", f.mustGet(a.Path(), http.StatusOK).body, `id="comments"`)
	if n := stored(); n != 2 {
		t.Errorf("%d comments stored, want the 2 within the limit", n)
	}
}

func TestCommentXSS(t *testing.T) { teststores.Each(t, testCommentXSS) }

// testCommentXSS: markup in every field a reader fills comes out as text,
// on the article page, in the form sent back and in the newsroom's
// rendering of it.
func testCommentXSS(t *testing.T, open teststores.OpenFunc) {
	f, svc := commentFixture(t, open, comments.Options{PerClient: 100})
	a := f.byExt["t-rockets"]
	payloads := []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `javascript:alert(1)`,
		`<a href="javascript:alert(1)">اضغط</a>`, "\u202eعكس النص", `<svg onload=alert(1)>`}
	ctx := context.Background()
	editor := editorOf(t, f.store)
	for i, p := range payloads {
		// Sent back: the email is invalid, so every field is echoed.
		r := f.postComment(a.ID, url.Values{"name": {p}, "email": {p}, "text": {p}, "parent": {p}})
		checkNoMarkup(t, fmt.Sprintf("form sent back (%d)", i), r.body)
		r = f.postComment(a.ID, url.Values{"name": {"قارئ " + p}, "text": {fmt.Sprintf("تعليق %d: %s", i, p)}})
		if r.status != http.StatusOK {
			t.Fatalf("payload %d: %d\n%s", i, r.status, excerpt(r.body))
		}
	}
	list, _, err := svc.Queue(ctx, editor, news.CommentFilter{Status: news.CommentPending})
	if err != nil || list.Total == 0 {
		t.Fatalf("queue: %d, %v", list.Total, err)
	}
	var ids []int64
	for _, c := range list.Comments {
		ids = append(ids, c.ID)
		checkNoMarkup(t, "newsroom rendering", string(comments.Render(c.Comment)))
		if strings.ContainsRune(c.Author+c.Text, '\u202e') {
			t.Errorf("a bidi override was stored: %q", c.Author)
		}
	}
	if err := svc.Moderate(ctx, editor, ids, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	page := f.mustGet(a.Path(), http.StatusOK)
	checkNoMarkup(t, "article page", page.body)
	contains(t, "article page", page.body, "&lt;script&gt;alert(1)&lt;/script&gt;")
}

// checkNoMarkup fails when a payload's markup made it into body as markup.
func checkNoMarkup(t *testing.T, what, body string) {
	t.Helper()
	for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload", `href="javascript:`, "onerror=alert(1)>"} {
		if strings.Contains(body, bad) {
			t.Errorf("%s: %q in the page", what, bad)
		}
	}
}

func TestDateArchiveLinks(t *testing.T) { teststores.Each(t, testDateArchiveLinks) }

// testDateArchiveLinks: a moved WordPress site's date archives lead to
// the archive's pages; addresses that are not dates stay 404.
func testDateArchiveLinks(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	for from, to := range map[string]string{"/2024/": "/archive/2024/", "/2024/03/": "/archive/2024/03/", "/2024/03/15/": "/archive/2024/03/15/"} {
		r := f.get(from)
		if r.status != http.StatusMovedPermanently || r.header.Get("Location") != to {
			t.Errorf("GET %s: %d to %q, want 301 to %s", from, r.status, r.header.Get("Location"), to)
			continue
		}
		f.mustGet(to, http.StatusOK)
	}
	for _, p := range []string{"/2024/13/", "/2024/02/30/", "/24/03/", "/2024/03/15/16/"} {
		if r := f.get(p); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.status)
		}
	}
}
