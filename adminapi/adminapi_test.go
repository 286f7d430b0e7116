package adminapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"sahafa/accounts"
	"sahafa/adminapi"
	"sahafa/editorial"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/search"
	"sahafa/store/teststores"
)

type env struct {
	t     *testing.T
	store news.Store
	h     http.Handler
	logs  *bytes.Buffer
	acc   *accounts.Service
	admin news.User
}

func newEnv(t *testing.T, open teststores.OpenFunc) *env {
	st := open(t)
	ctx := context.Background()
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	ed := editorial.New(st, publish.New(st, publish.Options{}), search.New(st), editorial.Options{Location: time.UTC, Logger: logger})
	bg, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { ed.RunMedia(bg); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	acc := accounts.New(st, accounts.Options{Params: accounts.TestParams, Logger: logger})
	admin, err := acc.CreateUser(ctx, accounts.UserInput{Email: "admin@example.com", Name: "سامي المدير", Role: "admin", Password: "كلمة-مرور-طويلة-للمدير-2026"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveSection(ctx, news.Section{Slug: "world", Name: "أخبار العالم"}); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, store: st, logs: logs, acc: acc, admin: admin,
		h: adminapi.New(adminapi.Options{Store: st, Editorial: ed, Accounts: acc, BaseURL: "https://news.example", Logger: logger})}
}

func (e *env) token(scopes ...string) string {
	e.t.Helper()
	secret, _, err := e.acc.CreateToken(context.Background(), e.admin, "روبوت الوارد", scopes)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(method, path, token, ctype string, body []byte) answer {
	e.t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return answer{rec.Code, rec.Header(), string(b)}
}

func (e *env) json(method, path, token string, v any) answer {
	b, _ := json.Marshal(v)
	return e.do(method, path, token, "application/json", b)
}

func decode[T any](t *testing.T, a answer) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(a.body), &v); err != nil {
		t.Fatalf("%d %s: %v", a.status, a.body, err)
	}
	return v
}

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		img.Set(x, x%48, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAuthorization(t *testing.T) { teststores.Each(t, testAuthorization) }

// testAuthorization: the matrix of tokens and scopes over every endpoint:
// none, not a token, a revoked one and another scope's are refused (401,
// 401, 401, 403) before anything is done; the right scope passes; the
// token appears in no log line.
func testAuthorization(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	articles, media, stats := e.token(news.ScopeArticlesWrite), e.token(news.ScopeMediaWrite), e.token(news.ScopeStatsRead)
	revoked, rt, err := e.acc.CreateToken(context.Background(), e.admin, "قديم", []string{news.ScopeArticlesWrite, news.ScopeMediaWrite})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.acc.RevokeToken(context.Background(), e.admin, rt.ID); err != nil {
		t.Fatal(err)
	}
	endpoints := []struct {
		method, path, scope string
	}{
		{"POST", "/api/v1/admin/articles", news.ScopeArticlesWrite},
		{"GET", "/api/v1/admin/articles/1", news.ScopeArticlesWrite},
		{"PUT", "/api/v1/admin/articles/1", news.ScopeArticlesWrite},
		{"POST", "/api/v1/admin/articles/1/publish", news.ScopeArticlesWrite},
		{"POST", "/api/v1/admin/articles/1/unpublish", news.ScopeArticlesWrite},
		{"POST", "/api/v1/admin/media", news.ScopeMediaWrite},
	}
	for _, ep := range endpoints {
		right, wrong := articles, media
		if ep.scope == news.ScopeMediaWrite {
			right, wrong = media, articles
		}
		for _, c := range []struct {
			name, token string
			want        int
		}{
			{"no token", "", 401}, {"not a token", "sahafa_nonsense", 401}, {"revoked", revoked, 401},
			{"another scope", wrong, 403}, {"stats only", stats, 403},
		} {
			if a := e.do(ep.method, ep.path, c.token, "application/json", []byte(`{}`)); a.status != c.want {
				t.Errorf("%s %s with %s: %d %s, want %d", ep.method, ep.path, c.name, a.status, a.body, c.want)
			}
		}
		if a := e.do(ep.method, ep.path, right, "application/json", []byte(`{}`)); a.status == 401 || a.status == 403 {
			t.Errorf("%s %s with its scope: %d %s", ep.method, ep.path, a.status, a.body)
		}
	}
	if list, _ := e.store.Articles(context.Background(), news.ArticleFilter{Limit: 5}); list.Total != 0 {
		t.Errorf("refused requests stored %d articles", list.Total)
	}
	for _, secret := range []string{articles, media, stats, revoked} {
		if strings.Contains(e.logs.String(), secret) || strings.Contains(e.logs.String(), secret[len(secret)-12:]) {
			t.Errorf("a token reached the logs:\n%s", e.logs.String())
		}
	}
}

func TestArticles(t *testing.T) { teststores.Each(t, testArticles) }

// testArticles: create, read, update (a stale version is 409), publish
// and unpublish through the API, with the newsroom's checks: bad JSON and
// unknown fields are 400 with where, a missing title 422 with the field,
// script in an HTML body is removed, an oversized body 413; images are
// checked by content.
func testArticles(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	ctx := context.Background()
	tok, media := e.token(news.ScopeArticlesWrite), e.token(news.ScopeMediaWrite)
	if a := e.do("POST", "/api/v1/admin/articles", tok, "application/json", []byte(`{"title": "خبر",`)); a.status != 400 || !strings.Contains(a.body, "ends early") {
		t.Errorf("broken JSON: %d %s", a.status, a.body)
	}
	if a := e.json("POST", "/api/v1/admin/articles", tok, map[string]any{"title": "خبر", "colour": "أحمر"}); a.status != 400 || !strings.Contains(a.body, "colour") {
		t.Errorf("an unknown field: %d %s", a.status, a.body)
	}
	if a := e.json("POST", "/api/v1/admin/articles", tok, map[string]any{"section": "world", "body": "نص"}); a.status != 422 || decode[adminapi.Error](t, a).Fields["title"] == "" {
		t.Errorf("no title: %d %s", a.status, a.body)
	}
	if a := e.do("POST", "/api/v1/admin/articles", tok, "application/json", bytes.Repeat([]byte(" "), adminapi.MaxJSONBytes+10)); a.status != 413 {
		t.Errorf("an oversized body: %d", a.status)
	}
	a := e.json("POST", "/api/v1/admin/articles", tok, adminapi.ArticleInput{Title: "وزراء الخارجية العرب يجتمعون في القاهرة", Section: "world",
		BodyFormat: "html", Body: `<p>اجتمع الوزراء اليوم.</p><script>alert(1)</script><p onclick="x()">وبحثوا الأزمة.</p>`,
		Tags: []string{"السودان", "الجامعة العربية"}, Dateline: "القاهرة"})
	if a.status != 201 || !strings.HasPrefix(a.header.Get("Location"), "/api/v1/admin/articles/") {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	created := decode[adminapi.Article](t, a)
	if created.Status != "draft" || strings.Contains(created.Body, "script") || strings.Contains(created.Body, "onclick") ||
		len(created.Tags) != 2 || created.Authors[0] != "سامي المدير" || created.Dateline != "القاهرة" {
		t.Errorf("created: %+v", created)
	}
	path := "/api/v1/admin/articles/" + itoa(created.ID)
	if got := decode[adminapi.Article](t, e.do("GET", path, tok, "", nil)); got.ID != created.ID || got.Version != created.Version {
		t.Errorf("get: %+v", got)
	}
	upd := adminapi.ArticleInput{Version: created.Version, Title: created.Title + " لبحث الأزمة", Section: "world", Body: "اجتمع الوزراء اليوم وبحثوا الأزمة.", Tags: created.Tags}
	if a := e.json("PUT", path, tok, upd); a.status != 200 {
		t.Fatalf("update: %d %s", a.status, a.body)
	}
	if a := e.json("PUT", path, tok, upd); a.status != 409 {
		t.Errorf("an update from a stale version: %d %s", a.status, a.body)
	}
	if a := e.do("POST", path+"/publish", tok, "", nil); a.status != 200 || decode[adminapi.Article](t, a).Status != "published" {
		t.Fatalf("publish: %d %s", a.status, a.body)
	}
	if pub, err := e.store.Article(ctx, created.ID); err != nil || pub.Title != upd.Title {
		t.Errorf("the published article: %+v %v", pub, err)
	}
	if a := e.do("POST", path+"/unpublish", tok, "application/json", []byte(`{}`)); a.status != 200 || decode[adminapi.Article](t, a).Status != "unpublished" {
		t.Errorf("unpublish: %d %s", a.status, a.body)
	}
	if a := e.do("GET", "/api/v1/admin/articles/999999", tok, "", nil); a.status != 404 {
		t.Errorf("a missing article: %d", a.status)
	}

	// Images are checked by what they are, not what they say.
	if a := e.do("POST", "/api/v1/admin/media?alt="+"صورة", media, "image/png", []byte("not a picture at all")); a.status != 422 {
		t.Errorf("text sent as an image: %d %s", a.status, a.body)
	}
	a = e.do("POST", "/api/v1/admin/media?alt=%D8%B4%D8%B9%D8%A7%D8%B1", media, "image/png", pngBytes(t))
	if a.status != 201 || decode[adminapi.Media](t, a).ID == 0 {
		t.Errorf("upload: %d %s", a.status, a.body)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestOpenAPIListsEveryPath: docs/openapi.yaml describes each path the
// handler serves.
func TestOpenAPIListsEveryPath(t *testing.T) {
	doc, err := os.ReadFile("../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/v1/admin/articles", "/api/v1/admin/articles/{id}", "/api/v1/admin/articles/{id}/publish",
		"/api/v1/admin/articles/{id}/unpublish", "/api/v1/admin/media", "/api/v1/articles/{id}.ninjs", "/api/v1/articles/{id}.newsml"} {
		if !strings.Contains(string(doc), "\n  "+p+":\n") {
			t.Errorf("docs/openapi.yaml does not describe %s", p)
		}
	}
}

// TestTokenRateLimit: one token's burst of writes is cut with 429 and a
// Retry-After once its allowance is spent; another token still writes.
func TestTokenRateLimit(t *testing.T) {
	e := newEnv(t, teststores.SQLite)
	busy, other := e.token(news.ScopeArticlesWrite), e.token(news.ScopeArticlesWrite)
	limited := 0
	for i := 0; i < adminapi.TokenBurst+10; i++ {
		a := e.do("POST", "/api/v1/admin/articles/999999/publish", busy, "", nil)
		if a.status == http.StatusTooManyRequests {
			limited++
			if a.header.Get("Retry-After") == "" {
				t.Fatal("a 429 without Retry-After")
			}
		} else if a.status != http.StatusNotFound {
			t.Fatalf("write %d: %d %s", i, a.status, a.body)
		}
	}
	if limited < 5 {
		t.Errorf("%d of %d rapid writes refused, want at least 5", limited, adminapi.TokenBurst+10)
	}
	if a := e.do("POST", "/api/v1/admin/articles/999999/publish", other, "", nil); a.status != http.StatusNotFound {
		t.Errorf("another token: %d", a.status)
	}
	if a := e.do("GET", "/api/v1/admin/articles/999999", busy, "", nil); a.status != http.StatusNotFound {
		t.Errorf("reads are not limited: %d", a.status)
	}
}
