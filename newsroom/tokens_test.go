package newsroom_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sahafa/accounts"
	"sahafa/news"
	"sahafa/store/teststores"
)

func TestTokensAndStatsAPI(t *testing.T) { teststores.Each(t, testTokensAndStatsAPI) }

// testTokensAndStatsAPI: an administrator makes a token for a dashboard
// (its secret shown once, only its hash kept); with it, the stats API
// answers the numbers the newsroom shows, never cached; without it, with
// a wrong one, one without the scope or one revoked, it refuses (401/403),
// and bad parameters are 400 naming the parameter. Editors cannot manage
// tokens.
func testTokensAndStatsAPI(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	ctx := context.Background()
	a := e.articleIn("writer", news.StatusPublished, "افتتاح معرض الكتاب في الرياض")
	hour := time.Now().UTC().Truncate(time.Hour)
	if err := e.store.AddViews(ctx, news.ViewBatch{Articles: map[news.HourKey]int{{Hour: hour, ArticleID: a.ID}: 42},
		Referrers: map[news.HourDomain]int{{Hour: hour, Domain: "news.google.com"}: 7}}); err != nil {
		t.Fatal(err)
	}

	if res := e.as("editor").get("/newsroom/tokens/"); res.status != http.StatusForbidden {
		t.Errorf("an editor's tokens page: %d, want 403", res.status)
	}
	admin := e.as("admin")
	res := admin.post("/newsroom/tokens/", url.Values{"name": {""}, "scopes": {news.ScopeStatsRead}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "اكتب اسمًا") {
		t.Errorf("a token without a name: %d %q", res.status, res.errors())
	}
	res = admin.post("/newsroom/tokens/", url.Values{"name": {"لوحة أرقام التحرير"}, "scopes": {news.ScopeStatsRead}})
	secret := regexp.MustCompile(`value="(sahafa_[A-Za-z0-9_-]{43})"`).FindStringSubmatch(res.body)
	if res.status != http.StatusCreated || secret == nil || res.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("making a token: %d, Cache-Control %q, secret found %v", res.status, res.header.Get("Cache-Control"), secret != nil)
	}
	if page := admin.get("/newsroom/tokens/"); strings.Contains(page.body, secret[1]) || !strings.Contains(page.body, "لوحة أرقام التحرير") {
		t.Error("the tokens page shows the secret again, or not the token")
	}
	list, _ := e.store.Tokens(ctx)
	if len(list) != 1 || bytes.Contains(list[0].Hash, []byte(secret[1])) || list[0].Prefix != secret[1][:13] {
		t.Fatalf("stored tokens: %+v", list)
	}

	call := func(token, path string) (int, http.Header, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, resp.Header, body
	}
	if st, h, _ := call("", "/api/v1/stats/summary"); st != http.StatusUnauthorized || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("no token: %d, WWW-Authenticate %q", st, h.Get("WWW-Authenticate"))
	}
	if st, _, _ := call("sahafa_"+strings.Repeat("x", 43), "/api/v1/stats/summary"); st != http.StatusUnauthorized {
		t.Errorf("a made-up token: %d, want 401", st)
	}
	st, h, body := call(secret[1], "/api/v1/stats/summary")
	if st != http.StatusOK || h.Get("Cache-Control") != "no-store" || body["views_today"] == nil {
		t.Errorf("summary: %d, Cache-Control %q, %v", st, h.Get("Cache-Control"), body)
	}
	st, _, body = call(secret[1], "/api/v1/stats/articles?days=7")
	arts, _ := body["articles"].([]any)
	if st != http.StatusOK || len(arts) != 1 {
		t.Fatalf("most read: %d %v", st, body)
	}
	if top := arts[0].(map[string]any); top["title"] != "افتتاح معرض الكتاب في الرياض" || top["views"] != float64(42) {
		t.Errorf("most read: %v", top)
	}
	st, _, body = call(secret[1], "/api/v1/stats/referrers")
	if refs, _ := body["referrers"].([]any); st != http.StatusOK || len(refs) != 1 || refs[0].(map[string]any)["name"] != "news.google.com" {
		t.Errorf("referrers: %d %v", st, body)
	}
	for _, p := range []string{"/api/v1/stats/articles?days=0", "/api/v1/stats/articles?days=91", "/api/v1/stats/hours?hours=abc",
		"/api/v1/stats/authors?limit=1000"} {
		field := regexp.MustCompile(`[?&](\w+)=`).FindStringSubmatch(p)[1]
		if st, _, body := call(secret[1], p); st != http.StatusBadRequest || body["field"] != field {
			t.Errorf("%s: %d %v, want 400 naming %s", p, st, body, field)
		}
	}
	// A token without the scope (made by another system's admin page in
	// the future: articles:write) is refused here.
	if _, err := e.store.CreateToken(ctx, news.APIToken{Name: "نظام النشر", Prefix: "sahafa_zzzzzz", Hash: tokenHash("sahafa_" + strings.Repeat("z", 43)),
		Scopes: []string{"articles:write"}, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := call("sahafa_"+strings.Repeat("z", 43), "/api/v1/stats/summary"); st != http.StatusForbidden {
		t.Errorf("a token without stats:read: %d, want 403", st)
	}
	if res := admin.post("/newsroom/tokens/"+itoa(list[0].ID)+"/revoke", nil); res.status != http.StatusSeeOther {
		t.Errorf("revoking: %d", res.status)
	}
	if st, _, _ := call(secret[1], "/api/v1/stats/summary"); st != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d, want 401", st)
	}
	if got, _ := e.store.TokenByHash(ctx, tokenHash(secret[1])); got.LastUsed.IsZero() {
		t.Error("the token's last use was not recorded")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func tokenHash(secret string) []byte { return accounts.TokenHash(secret) }
