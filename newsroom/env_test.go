package newsroom_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sahafa/accounts"
	"sahafa/api"
	"sahafa/assets"
	"sahafa/comments"
	"sahafa/editorial"
	"sahafa/news"
	"sahafa/newsroom"
	"sahafa/publish"
	"sahafa/seal"
	"sahafa/search"
	"sahafa/store/teststores"
	"sahafa/web"
	"sahafa/webhook"
	"sahafa/wire"
)

// env is a whole site (public pages and newsroom) on a fresh store, served
// by an httptest server, with one user of each role.
type env struct {
	t     testing.TB
	store news.Store
	ed    *editorial.Service
	acc   *accounts.Service
	talk  *comments.Service
	desk  *wire.Desk
	hooks *webhook.Service
	site  *web.Site
	srv   *httptest.Server
	users map[string]news.User // by role name, plus "writer2"
	world news.Section
}

const testPassword = "قهوة-عربية-بالهيل-2026"

func newEnv(t testing.TB, open teststores.OpenFunc) *env {
	t.Helper()
	return newEnvMedia(t, open, true)
}

// newEnvMedia is newEnv with or without the background media worker (a
// test that needs uploads to stay pending runs without it).
func newEnvMedia(t testing.TB, open teststores.OpenFunc, mediaWorker bool) *env {
	t.Helper()
	st := open(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := &env{t: t, store: st, users: map[string]news.User{}}
	pub := publish.New(st, publish.Options{OnChange: func() {
		if e.site != nil {
			e.site.Invalidate()
		}
	}})
	engine := search.New(st)
	e.ed = editorial.New(st, pub, engine, editorial.Options{Location: time.UTC, Logger: logger,
		PageChanged: func(id int64) {
			if e.site != nil {
				e.site.InvalidateArticle(id)
			}
		},
		ArticleChanged: func(before, after news.Article) {
			if e.hooks != nil {
				e.hooks.ArticleChanged(before, after)
			}
		}})
	e.acc = accounts.New(st, accounts.Options{Params: accounts.TestParams, Logger: logger})
	static, err := assets.Load()
	if err != nil {
		t.Fatal(err)
	}
	e.talk = comments.New(comments.Options{Store: st, Logger: logger, PerClient: 1000, PerMinute: 1000, PageChanged: func(id int64) {
		if e.site != nil {
			e.site.InvalidateArticle(id)
		}
	}})
	sealer, err := seal.LoadKey(filepath.Join(t.TempDir(), "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	e.desk = wire.New(wire.Options{Store: st, Sealer: sealer, Logger: logger, AllowPrivate: true})
	e.hooks = webhook.New(webhook.Options{Store: st, Sealer: sealer, Logger: logger, BaseURL: "http://news.example", AllowPrivate: true,
		Tick: 10 * time.Millisecond, Backoff: func(int) time.Duration { return 10 * time.Millisecond }})
	hooksCtx, stopHooks := context.WithCancel(context.Background())
	hooksDone := make(chan struct{})
	go func() { e.hooks.Run(hooksCtx); close(hooksDone) }()
	t.Cleanup(func() { stopHooks(); <-hooksDone })
	nr, err := newsroom.New(newsroom.Options{Store: st, Editorial: e.ed, Accounts: e.acc, Assets: static, Comments: e.talk, Wire: e.desk, Webhooks: e.hooks, Sealer: sealer,
		Logger: logger, Preview: func(w http.ResponseWriter, r *http.Request, a news.Article) { e.site.Preview(w, r, a) },
		CurrentSettings: func(ctx context.Context) map[string]string { return e.site.Settings(ctx) }})
	if err != nil {
		t.Fatal(err)
	}
	e.site, err = web.New(st, web.Options{Logger: logger, Assets: static, Search: engine, Comments: e.talk,
		Mounts: []web.Mount{{Prefix: newsroom.Prefix, Handler: nr}},
		AwaitMedia: func(ctx context.Context, id int64) (news.Media, error) {
			return e.ed.AwaitMedia(ctx, id, 20*time.Second)
		},
		Stats: api.NewStats(st, api.StatsOptions{Logger: logger, Authorize: func(r *http.Request) error {
			_, err := e.acc.TokenFor(r.Context(), r.Header.Get("Authorization"), news.ScopeStatsRead)
			return err
		}})})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.site)
	t.Cleanup(e.srv.Close)
	// Uploads are processed in the background, as by the server.
	if mediaWorker {
		bg, stop := context.WithCancel(context.Background())
		mediaDone := make(chan struct{})
		go func() { e.ed.RunMedia(bg); close(mediaDone) }()
		t.Cleanup(func() { stop(); <-mediaDone })
	}
	ctx := context.Background()
	for _, u := range []struct{ key, role, name string }{
		{"contributor", "contributor", "سلمى المساهمة"}, {"writer", "writer", "كريم الكاتب"},
		{"writer2", "writer", "نادية الكاتبة"}, {"editor", "editor", "هدى المحررة"}, {"admin", "admin", "سامي المدير"},
	} {
		created, err := e.acc.CreateUser(ctx, accounts.UserInput{Email: u.key + "@example.com", Name: u.name,
			Role: u.role, Password: testPassword})
		if err != nil {
			t.Fatalf("create %s: %v", u.key, err)
		}
		e.users[u.key] = created
	}
	if e.world, err = st.SaveSection(ctx, news.Section{Slug: "world", Name: "أخبار العالم"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveSection(ctx, news.Section{Slug: "sport", Name: "رياضة"}); err != nil {
		t.Fatal(err)
	}
	return e
}

// client is a browser signed in as one user: its session cookie and the
// session's CSRF token.
type client struct {
	e      *env
	cookie *http.Cookie
	csrf   string
	user   news.User
}

func (e *env) as(key string) *client {
	e.t.Helper()
	u := e.users[key]
	token, sess, _, err := e.acc.SignIn(context.Background(), u.Email, testPassword, "192.0.2."+fmt.Sprint(u.ID), "test")
	if err != nil {
		e.t.Fatalf("sign in %s: %v", key, err)
	}
	return &client{e: e, cookie: &http.Cookie{Name: "sahafa_session", Value: token}, csrf: sess.CSRFToken, user: u}
}

// anonymous is a browser that is not signed in.
func (e *env) anonymous() *client { return &client{e: e} }

type response struct {
	status int
	header http.Header
	body   string
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (c *client) do(req *http.Request) response {
	c.e.t.Helper()
	if c.cookie != nil {
		req.AddCookie(c.cookie)
	}
	res, err := noRedirects.Do(req)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, string(b)}
}

func (c *client) get(path string) response {
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	return c.do(req)
}

// post sends a form with the session's CSRF token (unless the form sets
// its own "csrf").
func (c *client) post(path string, form url.Values) response {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// upload posts a multipart form with one file.
func (c *client) upload(path string, fields map[string]string, file []byte) response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", c.csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("file", "photo.jpg")
		fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

var fieldErrorRe = regexp.MustCompile(`(?s)class="(?:field-error|alert|problems)"[^>]*>(.*?)</`)

// errors lists the error messages a page shows.
func (r response) errors() []string {
	var out []string
	for _, m := range fieldErrorRe.FindAllStringSubmatch(r.body, -1) {
		out = append(out, m[1])
	}
	return out
}

var idInLocation = regexp.MustCompile(`/newsroom/(?:articles|media)/(\d+)`)

// createdID reads the id from a redirect after a create.
func (r response) createdID(t testing.TB) int64 {
	t.Helper()
	m := idInLocation.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("create: status %d, Location %q, errors: %q", r.status, r.header.Get("Location"), r.errors())
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

// articleForm is a complete editor form.
func articleForm(title, body string) url.Values {
	return url.Values{
		"title":    {title},
		"abstract": {"ملخص قصير للخبر يظهر تحت العنوان."},
		"body":     {body},
		"section":  {"world"},
		"tags":     {"الانتخابات، البرلمان"},
		"authors":  {"ليلى حداد"},
		"dateline": {"بيروت"},
	}
}

const sampleBody = "قال رئيس البرلمان إن الجلسة المقبلة ستخصص لمناقشة قانون الانتخابات الجديد.\n\n## ردود الفعل\n\nرحبت الكتل النيابية **بالقرار** ودعت إلى الإسراع في إقراره."

// newArticle creates an article through the newsroom as c and returns it.
func (c *client) newArticle(title string) news.Article {
	c.e.t.Helper()
	id := c.post("/newsroom/articles/new", articleForm(title, sampleBody)).createdID(c.e.t)
	a, err := c.e.store.EditorialArticle(context.Background(), id)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return a
}

// workflow runs a workflow action on an article as c.
func (c *client) workflow(a news.Article, action, note string) response {
	cur, err := c.e.store.EditorialArticle(context.Background(), a.ID)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return c.post(fmt.Sprintf("/newsroom/articles/%d/workflow", a.ID), url.Values{"action": {action},
		"version": {fmt.Sprint(cur.Version)}, "note": {note}})
}

// articleIn brings an article by owner to a status through the editorial
// service (as the owner, then an editor).
func (e *env) articleIn(ownerKey string, st news.Status, title string) news.Article {
	e.t.Helper()
	ctx := context.Background()
	owner, editor := e.users[ownerKey], e.users["editor"]
	a, err := e.ed.Save(ctx, owner, editorial.ArticleInput{Title: title, Body: sampleBody, Section: "world",
		Authors: owner.Name, Tags: "اختبار"})
	if err != nil {
		e.t.Fatalf("save %q: %v", title, err)
	}
	step := func(u news.User, act editorial.Action) {
		if a, err = e.ed.Transition(ctx, u, a.ID, a.Version, act, ""); err != nil {
			e.t.Fatalf("%s %q: %v", act, title, err)
		}
	}
	switch st {
	case news.StatusDraft:
	case news.StatusReview:
		step(owner, editorial.ActSubmit)
	case news.StatusPublished:
		step(editor, editorial.ActPublish)
	case news.StatusScheduled:
		in := e.ed.InputFrom(a)
		in.PublishAt = time.Now().Add(48 * time.Hour).UTC().Format(editorial.FormTime)
		if a, err = e.ed.Save(ctx, owner, in); err != nil {
			e.t.Fatal(err)
		}
		step(editor, editorial.ActPublish)
	case news.StatusUnpublished:
		step(editor, editorial.ActPublish)
		step(editor, editorial.ActUnpublish)
	}
	if a.Status != st {
		e.t.Fatalf("%q is %s, want %s", title, a.Status, st)
	}
	return a
}

// jpegBytes is a real photo-sized JPEG made in the test.
func jpegBytes(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
