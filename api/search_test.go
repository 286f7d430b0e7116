package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"sahafa/api"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/search"
	"sahafa/store/teststores"
)

// searchFixture is an API over a store whose records carry search text.
// The stories are written for these tests.
type searchFixture struct {
	*fixture
	byExt  map[string]int64
	engine *search.Engine
}

var riyadh = time.FixedZone("UTC+3", 3*3600)

func newSearchFixture(t *testing.T, open teststores.OpenFunc) *searchFixture {
	t.Helper()
	ctx := context.Background()
	st := open(t)
	world, economy := sections[0], news.Section{Slug: "economy", Name: "اقتصاد"}
	start := time.Date(2024, time.March, 1, 9, 0, 0, 0, time.UTC)
	var recs []news.ArticleRecord
	add := func(ext, title, body string, sec news.Section, au news.Author, at time.Time) {
		recs = append(recs, news.ArticleRecord{Article: news.Article{
			ExternalID: ext, Slug: ext, Title: title, Abstract: "", Body: "<p>" + body + "</p>",
			Section: sec, Authors: []news.Author{au}, PublishedAt: at,
		}})
	}
	// 27 reports on the same story: enough for several pages.
	for i := range 27 {
		add(fmt.Sprintf("harbor-%02d", i), fmt.Sprintf("توسعة الميناء التجاري: المرحلة %d", i+1),
			"تواصل الشركة أعمال توسعة الميناء التجاري وتعميق الأرصفة لاستقبال السفن الكبيرة.",
			sections[i%2], authors[i%2], start.Add(time.Duration(i)*24*time.Hour))
	}
	add("truce", "جهود لتثبيت التهدئة على الحدود", "الوسطاء يواصلون الاتصالات لتثبيت التهدئة ومنع التصعيد.",
		world, authors[0], time.Date(2024, time.May, 1, 8, 0, 0, 0, time.UTC))
	add("calm-markets", "المصارف تطمئن المودعين", "دعا المحافظ إلى التهدئه وعدم الانسياق وراء الشائعات.",
		economy, authors[1], time.Date(2024, time.June, 1, 8, 0, 0, 0, time.UTC))
	// 22:30 UTC on 31 May is 1 June in UTC+3.
	add("late-night", "اتفاق التهدئة يدخل حيز التنفيذ", "بدأ سريان اتفاق التهدئة عند منتصف الليل.",
		world, authors[0], time.Date(2024, time.May, 31, 22, 30, 0, 0, time.UTC))
	for i := range recs {
		recs[i].SearchTitle = publish.SearchTitle(recs[i].Article)
		recs[i].SearchBody = publish.SearchBody(recs[i].Article)
	}
	res, err := st.SaveArticles(ctx, recs)
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	logs := &strings.Builder{}
	f := &fixture{t: t, store: &failing{Store: st}, ids: res.IDs, logs: logs}
	engine := search.New(f.store)
	f.h = api.NewWithOptions(f.store, api.Options{BaseURL: base, Logger: slog.New(slog.NewTextHandler(logs, nil)),
		Search: engine, Location: riyadh})
	sf := &searchFixture{fixture: f, byExt: map[string]int64{}, engine: engine}
	for i, r := range recs {
		sf.byExt[r.ExternalID] = res.IDs[i]
	}
	return sf
}

func searchURL(params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Set(params[i], params[i+1])
	}
	return "/api/v1/search?" + v.Encode()
}

// ids returns the result ids in order.
func ids(res api.SearchResults) []int64 {
	var out []int64
	for _, r := range res.Results {
		out = append(out, r.ID)
	}
	return out
}

func TestSearchFields(t *testing.T) { teststores.Each(t, testSearchFields) }

func testSearchFields(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open)
	var res api.SearchResults
	code, _, raw := f.get(searchURL("q", "التهدئة"), &res)
	if code != 200 || res.Total != 3 || len(res.Results) != 3 || res.NextCursor != "" || res.Partial {
		t.Fatalf("search: %d %s", code, raw)
	}
	// taa marbuta typed either way, highlighted in the article's spelling
	var calm *api.SearchResult
	for i := range res.Results {
		if res.Results[i].ID == f.byExt["calm-markets"] {
			calm = &res.Results[i]
		}
	}
	if calm == nil {
		t.Fatalf("calm-markets not found: %s", raw)
	}
	stored, err := f.store.Store.Article(context.Background(), calm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if calm.ExternalID != "calm-markets" || calm.URL != base+stored.Path() || calm.Section.Slug != "economy" ||
		calm.Section.Name != "اقتصاد" || calm.PublishedAt != "2024-06-01T08:00:00Z" || calm.Title != "المصارف تطمئن المودعين" {
		t.Errorf("fields: %+v", calm)
	}
	if !strings.Contains(calm.Snippet, "<mark>التهدئه</mark>") {
		t.Errorf("snippet not highlighted in the original spelling: %q", calm.Snippet)
	}
	for _, want := range []string{`"title":`, `"url":`, `"snippet":`, `"published_at":`, `"external_id":`, `"section":{"slug":`} {
		if !strings.Contains(raw, want) {
			t.Errorf("body lacks %s: %.300s", want, raw)
		}
	}
	if strings.Contains(raw, `"partial"`) {
		t.Errorf("partial present on a full match: %.300s", raw)
	}
	// title highlight, HTML not escaped into JSON escapes
	code, _, raw = f.get(searchURL("q", "التهدئه الحدود"), &res)
	if code != 200 || len(res.Results) != 1 || res.Results[0].Title != "جهود لتثبيت <mark>التهدئة</mark> على <mark>الحدود</mark>" {
		t.Errorf("title highlight: %s", raw)
	}
}

func TestSearchPartialAndEmpty(t *testing.T) { teststores.Each(t, testSearchPartialAndEmpty) }

func testSearchPartialAndEmpty(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open)
	var res api.SearchResults
	code, _, raw := f.get(searchURL("q", "التهدئة زلزال"), &res)
	if code != 200 || !res.Partial || res.Total != 3 || !strings.Contains(raw, `"partial":true`) {
		t.Errorf("partial: %d %s", code, raw)
	}
	for _, q := range []string{"", "   ", "في من", "؟!..", `"`, strings.Repeat("في ", 900)} {
		code, _, raw := f.get(searchURL("q", q), &res)
		if code != 200 || res.Total != 0 || res.Results == nil || len(res.Results) != 0 || !strings.Contains(raw, `"results":[]`) {
			t.Errorf("q=%.20q: %d %s", q, code, raw)
		}
	}
}

func TestSearchFiltersAndSort(t *testing.T) { teststores.Each(t, testSearchFiltersAndSort) }

func testSearchFiltersAndSort(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open)
	var res api.SearchResults
	check := func(target string, want ...string) {
		t.Helper()
		if code, _, raw := f.get(target, &res); code != 200 {
			t.Fatalf("GET %s: %d %s", target, code, raw)
		}
		got := ids(res)
		if len(got) != len(want) || res.Total != len(want) {
			t.Errorf("GET %s: ids %v total %d, want %v", target, got, res.Total, want)
			return
		}
		for i, ext := range want {
			if got[i] != f.byExt[ext] {
				t.Errorf("GET %s: result %d is %d, want %s (%d)", target, i, got[i], ext, f.byExt[ext])
			}
		}
	}
	check(searchURL("q", "التهدئة", "sort", "date"), "calm-markets", "late-night", "truce")
	check(searchURL("q", "التهدئة", "section", "economy"), "calm-markets")
	check(searchURL("q", "التهدئة", "author", authors[0].Slug, "sort", "date"), "late-night", "truce")
	// Date-only bounds are whole days in the site's zone (UTC+3), inclusive.
	check(searchURL("q", "التهدئة", "from", "2024-06-01", "to", "2024-06-01", "sort", "date"), "calm-markets", "late-night")
	check(searchURL("q", "التهدئة", "to", "2024-05-31", "sort", "date"), "truce")
	// RFC 3339 bounds are instants, both included.
	check(searchURL("q", "التهدئة", "from", "2024-05-31T22:30:00Z", "to", "2024-06-01T08:00:00Z", "sort", "date"), "calm-markets", "late-night")
	check(searchURL("q", "التهدئة", "to", "2024-05-31T22:29:59Z"), "truce")
	// Exclusion and phrase
	check(searchURL("q", "التهدئة -الحدود", "sort", "date"), "calm-markets", "late-night")
	check(searchURL("q", `"اتفاق التهدئة"`), "late-night")
}

func TestSearchCursorWalk(t *testing.T) { teststores.Each(t, testSearchCursorWalk) }

func testSearchCursorWalk(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open)
	for _, sort := range []string{"relevance", "date"} {
		for _, limit := range []int{1, 4, 10, 50} {
			seen := map[int64]int{}
			cursor, pages := "", 0
			var lastDate string
			for {
				params := []string{"q", "الميناء", "sort", sort, "limit", fmt.Sprint(limit)}
				if cursor != "" {
					params = append(params, "cursor", cursor)
				}
				var res api.SearchResults
				if code, _, raw := f.get(searchURL(params...), &res); code != 200 {
					t.Fatalf("%v: %d %s", params, code, raw)
				}
				pages++
				if res.Total != 27 {
					t.Errorf("%s/%d: total %d on page %d", sort, limit, res.Total, pages)
				}
				for _, r := range res.Results {
					seen[r.ID]++
					if sort == "date" && lastDate != "" && r.PublishedAt > lastDate {
						t.Errorf("%s/%d: not newest first at %d", sort, limit, r.ID)
					}
					lastDate = r.PublishedAt
				}
				if res.NextCursor == "" {
					break
				}
				if pages > 30 {
					t.Fatal("cursor walk does not end")
				}
				cursor = res.NextCursor
			}
			if len(seen) != 27 {
				t.Errorf("%s/%d: saw %d results, want 27", sort, limit, len(seen))
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("%s/%d: %d seen %d times", sort, limit, id, n)
				}
			}
			if want := (27 + limit - 1) / limit; pages != want {
				t.Errorf("%s/%d: %d pages, want %d", sort, limit, pages, want)
			}
		}
	}
}

func TestSearchBadParameters(t *testing.T) { teststores.Each(t, testSearchBadParameters) }

func testSearchBadParameters(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open)
	var first api.SearchResults
	f.get(searchURL("q", "الميناء", "limit", "5"), &first)
	if first.NextCursor == "" {
		t.Fatal("no next cursor")
	}
	raw, _ := base64.RawURLEncoding.DecodeString(first.NextCursor)
	tampered := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), ".5.", ".6.", 1)))
	if tampered == first.NextCursor {
		t.Fatalf("cursor %q does not hold the offset as expected", raw)
	}
	cases := []struct{ target, field string }{
		{searchURL("q", "الميناء", "limit", "0"), "limit"},
		{searchURL("q", "الميناء", "limit", "51"), "limit"},
		{searchURL("q", "الميناء", "limit", "ten"), "limit"},
		{searchURL("q", "الميناء", "sort", "popular"), "sort"},
		{searchURL("q", "الميناء", "from", "2024-02-30"), "from"},
		{searchURL("q", "الميناء", "from", "yesterday"), "from"},
		{searchURL("q", "الميناء", "to", "2024/05/01"), "to"},
		{searchURL("q", "الميناء", "from", "2024-05-02", "to", "2024-05-01"), "to"},
		{searchURL("q", "الميناء", "cursor", "!!!"), "cursor"},
		{searchURL("q", "الميناء", "cursor", tampered), "cursor"},
		{searchURL("q", "الميناء", "cursor", api.EncodeCursor(news.Cursor{ID: 3})), "cursor"},
		// a cursor of another search
		{searchURL("q", "التهدئة", "limit", "5", "cursor", first.NextCursor), "cursor"},
		{searchURL("q", "الميناء", "limit", "5", "sort", "date", "cursor", first.NextCursor), "cursor"},
	}
	for _, c := range cases {
		var e api.Error
		code, _, raw := f.get(c.target, &e)
		if code != 400 || e.Field != c.field || e.Error == "" {
			t.Errorf("GET %s: %d %s, want 400 field %q", c.target, code, raw, c.field)
		}
	}
	// The cursor is bound to the search, not the page size.
	var res api.SearchResults
	if code, _, raw := f.get(searchURL("q", "الميناء", "limit", "7", "cursor", first.NextCursor), &res); code != 200 || len(res.Results) != 7 {
		t.Errorf("cursor with another limit: %d %s", code, raw)
	}
	for _, r := range res.Results {
		for _, p := range first.Results {
			if r.ID == p.ID {
				t.Errorf("second page repeats %d", r.ID)
			}
		}
	}
}

func TestRelatedEndpoint(t *testing.T) { teststores.Each(t, testRelatedEndpoint) }

func testRelatedEndpoint(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open)
	id := f.byExt["truce"]
	var list api.RelatedList
	// The first request answers at once with the section's neighbours and
	// queues the article; the refresher stores its list.
	if code, _, raw := f.get(fmt.Sprintf("/api/v1/articles/%d/related", id), &list); code != 200 || len(list.Articles) == 0 {
		t.Fatalf("related before its list is computed: %d %s", code, raw)
	}
	if n, err := f.engine.RefreshQueued(context.Background()); err != nil || n != 1 {
		t.Fatalf("RefreshQueued = %d, %v; want 1", n, err)
	}
	code, _, raw := f.get(fmt.Sprintf("/api/v1/articles/%d/related", id), &list)
	if code != 200 || len(list.Articles) == 0 || len(list.Articles) > 6 {
		t.Fatalf("related: %d %s", code, raw)
	}
	related := map[int64]bool{}
	for _, a := range list.Articles {
		if a.ID == id {
			t.Errorf("article related to itself")
		}
		if a.URL == "" || a.Title == "" || a.Section.Slug == "" || a.PublishedAt == "" {
			t.Errorf("related article fields: %+v", a)
		}
		related[a.ID] = true
	}
	// The other truce stories share its telling words.
	if !related[f.byExt["late-night"]] || !related[f.byExt["calm-markets"]] {
		t.Errorf("related of truce: %s", raw)
	}
	for _, c := range []struct {
		target string
		code   int
	}{
		{"/api/v1/articles/999999/related", 404},
		{"/api/v1/articles/abc/related", 400},
		{"/api/v1/articles/0/related", 400},
	} {
		var e api.Error
		if code, _, raw := f.get(c.target, &e); code != c.code || e.Error == "" {
			t.Errorf("GET %s: %d %s, want %d", c.target, code, raw, c.code)
		}
	}
}

// TestNewKeepsWorking checks that handlers built without Options still
// serve search (with an engine of their own).
func TestNewKeepsWorking(t *testing.T) { teststores.Each(t, testNewKeepsWorking) }

func testNewKeepsWorking(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open)
	h := api.New(f.store, base)
	f.h = h
	var res api.SearchResults
	if code, _, raw := f.get(searchURL("q", "الميناء"), &res); code != 200 || res.Total != 27 {
		t.Errorf("api.New search: %d %s", code, raw)
	}
}
