package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sahafa/api"
	"sahafa/news"
	"sahafa/pagecache"
	"sahafa/store/teststores"
)

const base = "http://news.example"

// failing wraps the real store and fails while err is set.
type failing struct {
	news.Store
	err atomic.Pointer[error]
}

func (f *failing) fail() error {
	if p := f.err.Load(); p != nil {
		return *p
	}
	return nil
}

func (f *failing) Articles(ctx context.Context, fl news.ArticleFilter) (news.ArticleList, error) {
	if err := f.fail(); err != nil {
		return news.ArticleList{}, err
	}
	return f.Store.Articles(ctx, fl)
}

func (f *failing) Article(ctx context.Context, id int64) (news.Article, error) {
	if err := f.fail(); err != nil {
		return news.Article{}, err
	}
	return f.Store.Article(ctx, id)
}

type fixture struct {
	t     *testing.T
	store *failing
	h     http.Handler
	ids   []int64
	logs  *strings.Builder
}

var sections = []news.Section{
	{Slug: "world", Name: "أخبار العالم"},
	{Slug: "sport", Name: "رياضة"},
	{Slug: "ثقافة", Name: "ثقافة"},
}

var authors = []news.Author{
	{Slug: "salma-youssef", Name: "سلمى يوسف"},
	{Slug: "طارق-نبيل", Name: "طارق نبيل"},
}

const total = 30

func newFixture(t *testing.T, open teststores.OpenFunc) *fixture {
	t.Helper()
	ctx := context.Background()
	st := open(t)
	var recs []news.ArticleRecord
	start := time.Date(2024, time.May, 1, 7, 0, 0, 0, time.UTC)
	for i := range total {
		recs = append(recs, news.ArticleRecord{Article: news.Article{
			ExternalID: fmt.Sprintf("api-%02d", i),
			SourceURL:  fmt.Sprintf("https://source.example/a/%d", i),
			Slug:       fmt.Sprintf("story-%02d", i),
			Title:      fmt.Sprintf("افتتاح معرض الكتاب في دورته رقم %d", i),
			Abstract:   "معرض يجمع الناشرين والقراء.",
			Body:       "<p>افتُتح المعرض بمشاركة واسعة من دور النشر العربية.</p>",
			Section:    sections[i%len(sections)],
			Authors:    []news.Author{authors[i%len(authors)]},
			Dateline:   "عمّان",
			// Some share a timestamp so the cursor must break ties by id.
			PublishedAt: start.Add(time.Duration(i/3) * time.Hour),
		}})
	}
	recs[0].Title = "شركة Apple تطلق iPhone 16 في المنطقة"
	res, err := st.SaveArticles(ctx, recs)
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	logs := &strings.Builder{}
	f := &fixture{t: t, store: &failing{Store: st}, ids: res.IDs, logs: logs}
	f.h = api.NewWithLogger(f.store, base, slog.New(slog.NewTextHandler(logs, nil)))
	return f
}

func (f *fixture) get(target string, into any) (int, http.Header, string) {
	f.t.Helper()
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		f.t.Errorf("GET %s: Content-Type %q", target, ct)
	}
	if into != nil {
		if err := json.Unmarshal(body, into); err != nil {
			f.t.Fatalf("GET %s: decoding %q: %v", target, body, err)
		}
	}
	return rec.Code, rec.Header(), string(body)
}

func TestListDefaultsAndFields(t *testing.T) { teststores.Each(t, testListDefaultsAndFields) }

func testListDefaultsAndFields(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	var list api.ArticleList
	code, _, raw := f.get("/api/v1/articles", &list)
	if code != 200 || list.Total != total || len(list.Articles) != api.DefaultLimit || list.NextCursor == "" {
		t.Fatalf("default list: %d total %d len %d next %q", code, list.Total, len(list.Articles), list.NextCursor)
	}
	// UTF-8 Arabic, not \u escapes; HTML not escaped either
	if !strings.Contains(raw, "افتتاح معرض الكتاب") || strings.Contains(raw, `\u06`) || !strings.Contains(raw, "<p>") {
		t.Errorf("body is not plain UTF-8 JSON: %.300s", raw)
	}
	// newest first
	for i := 1; i < len(list.Articles); i++ {
		if list.Articles[i-1].PublishedAt < list.Articles[i].PublishedAt {
			t.Errorf("not newest first at %d", i)
		}
	}
	a := list.Articles[0]
	stored, err := f.store.Store.Article(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.URL != base+stored.Path() || a.Slug != stored.Slug || a.ExternalID != stored.ExternalID ||
		a.SourceURL != stored.SourceURL || a.Title != stored.Title || a.Dateline != "عمّان" ||
		a.Section.Slug != stored.Section.Slug || a.Section.Name != stored.Section.Name ||
		len(a.Authors) != 1 || a.Authors[0].Slug != stored.Authors[0].Slug || a.Authors[0].Name != stored.Authors[0].Name {
		t.Errorf("article fields: %+v\nstored: %+v", a, stored)
	}
	if _, err := time.Parse(time.RFC3339, a.PublishedAt); err != nil {
		t.Errorf("published_at %q: %v", a.PublishedAt, err)
	}
	if !strings.HasPrefix(a.URL, "http://news.example/") {
		t.Errorf("url %q is not absolute", a.URL)
	}
}

func TestPaginationWalk(t *testing.T) { teststores.Each(t, testPaginationWalk) }

func testPaginationWalk(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	for _, limit := range []int{1, 7, 10, 30, 100} {
		seen := map[int64]int{}
		cursor := ""
		pages := 0
		for {
			target := fmt.Sprintf("/api/v1/articles?limit=%d", limit)
			if cursor != "" {
				target += "&cursor=" + cursor
			}
			var list api.ArticleList
			if code, _, raw := f.get(target, &list); code != 200 {
				t.Fatalf("GET %s: %d %s", target, code, raw)
			}
			pages++
			if list.Total != total {
				t.Errorf("total %d on page %d", list.Total, pages)
			}
			for _, a := range list.Articles {
				seen[a.ID]++
			}
			if list.NextCursor == "" {
				break
			}
			if pages > total+1 {
				t.Fatal("cursor walk does not end")
			}
			cursor = list.NextCursor
		}
		if len(seen) != total {
			t.Errorf("limit %d: saw %d articles, want %d", limit, len(seen), total)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("limit %d: article %d seen %d times", limit, id, n)
			}
		}
		if want := (total + limit - 1) / limit; pages != want {
			t.Errorf("limit %d: %d pages, want %d", limit, pages, want)
		}
	}
}

func TestFilters(t *testing.T) { teststores.Each(t, testFilters) }

func testFilters(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	var list api.ArticleList
	f.get("/api/v1/articles?section=sport&limit=100", &list)
	if list.Total != total/3 || len(list.Articles) != total/3 {
		t.Errorf("section filter: total %d len %d", list.Total, len(list.Articles))
	}
	for _, a := range list.Articles {
		if a.Section.Slug != "sport" {
			t.Errorf("article %d in section %q", a.ID, a.Section.Slug)
		}
	}
	list = api.ArticleList{}
	f.get("/api/v1/articles?author=%D8%B7%D8%A7%D8%B1%D9%82-%D9%86%D8%A8%D9%8A%D9%84&limit=100", &list) // طارق-نبيل
	if list.Total != total/2 {
		t.Errorf("author filter: total %d", list.Total)
	}
	list = api.ArticleList{}
	f.get("/api/v1/articles?section=nothing", &list)
	if list.Total != 0 || list.Articles == nil || list.NextCursor != "" {
		t.Errorf("empty filter: %+v", list)
	}
}

func TestGetArticle(t *testing.T) { teststores.Each(t, testGetArticle) }

func testGetArticle(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	var a api.Article
	code, _, raw := f.get(fmt.Sprintf("/api/v1/articles/%d", f.ids[0]), &a)
	if code != 200 || a.ID != f.ids[0] || a.Title != "شركة Apple تطلق iPhone 16 في المنطقة" || a.ExternalID != "api-00" {
		t.Errorf("get: %d %+v", code, a)
	}
	for _, key := range []string{`"id":`, `"external_id":`, `"source_url":`, `"slug":`, `"url":`, `"title":`, `"abstract":`,
		`"body":`, `"section":{"slug":`, `"authors":[{"name":`, `"dateline":`, `"published_at":`, `"updated_at":`} {
		if !strings.Contains(raw, key) {
			t.Errorf("article JSON lacks %s: %s", key, raw)
		}
	}
}

func TestErrors(t *testing.T) { teststores.Each(t, testErrors) }

func testErrors(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	cases := []struct {
		target string
		status int
		field  string
		msg    string
	}{
		{"/api/v1/articles?limit=abc", 400, "limit", "limit must be"},
		{"/api/v1/articles?limit=0", 400, "limit", "between 1 and 100"},
		{"/api/v1/articles?limit=101", 400, "limit", "between 1 and 100"},
		{"/api/v1/articles?limit=-5", 400, "limit", "between 1 and 100"},
		{"/api/v1/articles?cursor=!!!", 400, "cursor", "cursor"},
		{"/api/v1/articles?cursor=" + "bm90LWEtY3Vyc29y", 400, "cursor", "cursor"}, // base64 of "not-a-cursor"
		{"/api/v1/articles/abc", 400, "id", "positive whole number"},
		{"/api/v1/articles/-3", 400, "id", "positive whole number"},
		{"/api/v1/articles/99999", 404, "", "not found"},
		{"/api/v1/nothing", 404, "", "no such API endpoint"},
	}
	for _, c := range cases {
		var e api.Error
		code, h, raw := f.get(c.target, &e)
		if code != c.status || e.Field != c.field || !strings.Contains(e.Error, c.msg) {
			t.Errorf("GET %s: %d %s, want %d field %q message containing %q", c.target, code, raw, c.status, c.field, c.msg)
		}
		if h.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: error Cache-Control %q", c.target, h.Get("Cache-Control"))
		}
	}

	unavailable := error(news.Errorf(news.EUNAVAILABLE, "store down"))
	f.store.err.Store(&unavailable)
	var e api.Error
	code, h, _ := f.get("/api/v1/articles", &e)
	if code != 503 || h.Get("Retry-After") == "" || e.Error == "" {
		t.Errorf("unavailable: %d %q %+v", code, h.Get("Retry-After"), e)
	}
	internal := errors.New("secret: disk on fire")
	f.store.err.Store(&internal)
	code, _, raw := f.get(fmt.Sprintf("/api/v1/articles/%d", f.ids[1]), &e)
	if code != 500 || strings.Contains(raw, "secret") || e.Error != "internal error" {
		t.Errorf("internal: %d %s", code, raw)
	}
	if !strings.Contains(f.logs.String(), "disk on fire") {
		t.Error("internal error not logged")
	}
}

func TestSections(t *testing.T) { teststores.Each(t, testSections) }

func testSections(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	var out struct {
		Sections []api.SectionStats `json:"sections"`
	}
	code, _, _ := f.get("/api/v1/sections", &out)
	if code != 200 || len(out.Sections) != len(sections) {
		t.Fatalf("sections: %d %+v", code, out)
	}
	sum := 0
	for _, s := range out.Sections {
		sum += s.Count
		if s.Name == "" || s.Slug == "" {
			t.Errorf("section %+v", s)
		}
	}
	if sum != total {
		t.Errorf("section counts add up to %d", sum)
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := news.Cursor{PublishedAt: time.Date(2024, 5, 1, 7, 0, 0, 0, time.UTC), ID: 42}
	tok := api.EncodeCursor(c)
	got, err := api.DecodeCursor(tok)
	if err != nil || !got.PublishedAt.Equal(c.PublishedAt) || got.ID != 42 {
		t.Errorf("round trip: %v %v", got, err)
	}
	if strings.ContainsAny(tok, "+/=") {
		t.Errorf("token %q is not base64url without padding", tok)
	}
	for _, bad := range []string{"", "x", strings.Repeat("A", 500), "YzE6YWJjOjE"} { // c1:abc:1
		if _, err := api.DecodeCursor(bad); err == nil {
			t.Errorf("DecodeCursor(%q) accepted", bad)
		}
	}
}

func TestComments(t *testing.T) { teststores.Each(t, testComments) }

// testComments: an article's approved comments in reading order, with
// their sanitized text and never their authors' addresses; its count on
// the article; none when the article has them off.
func testComments(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	ctx := context.Background()
	id := f.ids[3]
	add := func(author, text, parent string, st news.CommentStatus, userID int64, minutes int) news.Comment {
		c, err := f.store.AddComment(ctx, news.Comment{ArticleID: id, Author: author, AuthorEmail: "reader@example.org", Text: text,
			ParentID: parent, Status: st, UserID: userID, At: time.Date(2024, 5, 2, 9, minutes, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := add("هدى", "هل المعرض مفتوح يوم الجمعة؟ <b>سؤال</b>", "", news.CommentApproved, 0, 0)
	add("زائر", "تعليق ينتظر", "", news.CommentPending, 0, 1)
	editor, err := f.store.CreateUser(ctx, news.User{Email: "ed@example.org", Name: "المحرر", Role: news.RoleEditor, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	last := add("كريم", "تعليق آخر", "", news.CommentApproved, 0, 2)
	reply := add("المحرر", "نعم، من العاشرة صباحًا.", first.ExternalID, news.CommentApproved, editor.ID, 5)

	var got api.Comments
	code, hdr, raw := f.get(fmt.Sprintf("/api/v1/articles/%d/comments", id), &got)
	if code != 200 || got.Count != 3 || !got.Open || len(got.Comments) != 3 {
		t.Fatalf("comments: %d %+v", code, got)
	}
	if c := got.Comments; c[0].ID != first.ID || c[1].ID != reply.ID || c[1].ReplyTo != first.ID || !c[1].Staff || c[2].ID != last.ID {
		t.Errorf("order: %+v", c)
	}
	if h := got.Comments[0].HTML; h != `<p dir="auto">هل المعرض مفتوح يوم الجمعة؟ &lt;b&gt;سؤال&lt;/b&gt;</p>` {
		t.Errorf("html %q", h)
	}
	if strings.Contains(raw, "reader@example.org") || strings.Contains(raw, "تعليق ينتظر") {
		t.Errorf("an address or a pending comment in %s", raw)
	}
	if hdr.Get(pagecache.TagHeader) != news.CacheTag(id) {
		t.Errorf("comments not tagged with the article: %q", hdr.Get(pagecache.TagHeader))
	}
	var a api.Article
	if f.get(fmt.Sprintf("/api/v1/articles/%d", id), &a); a.CommentCount == nil || *a.CommentCount != 3 {
		t.Errorf("comment_count %v, want 3", a.CommentCount)
	}
	if err := f.store.SetCommentMode(ctx, id, news.CommentsOff); err != nil {
		t.Fatal(err)
	}
	if f.get(fmt.Sprintf("/api/v1/articles/%d/comments", id), &got); got.Count != 0 || got.Open || len(got.Comments) != 0 {
		t.Errorf("comments off: %+v", got)
	}
	if code, _, _ := f.get(fmt.Sprintf("/api/v1/articles/%d/comments", id+1000), nil); code != 404 {
		t.Errorf("no such article: %d", code)
	}
}
