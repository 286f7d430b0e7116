package web_test

import (
	"context"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sahafa/arabic"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/teststores"
	"sahafa/web"
)

// Articles written for the search tests: each carries a spelling the
// analyzer must fold (hamza, taa marbuta, clitics, diacritics, digits,
// Latin words in Arabic text).
const (
	titleNewsroom = "غرفة الأخبار تستعد لتغطية الانتخابات البلدية"
	titleTruce    = "جهود دولية لتثبيت التهدئة على الحدود الشمالية"
	titleMarkets  = "المصارف تطمئن المودعين وتراجع حدة القلق في الأسواق"
	titleInvest   = "وفد من المستثمرين الأمريكيين يزور الميناء الجديد"
	titleNovel    = "مُحَمَّد يفوز بجائزة الرواية العربية"
	titleFair     = "معرض الكتاب يعود في ٢٠١٨ بعد غياب طويل"
	titleCease    = "الوسطاء يعلنون وقف إطلاق النار في المدينة"
	titleFire     = "النار تلتهم مستودعا قديما ووقف العمل في المصنع"
)

func searchRecords() []news.ArticleRecord {
	return []news.ArticleRecord{
		{Article: news.Article{ExternalID: "s-newsroom", Slug: "newsroom-elections", Title: titleNewsroom,
			Abstract: "استعدادات مبكرة لليلة الفرز.", Body: "<p>يعمل فريق التحرير على خطة لتغطية الاقتراع في كل الدوائر.</p>",
			Section: secWorld, Authors: []news.Author{auMona}, Dateline: "تونس", PublishedAt: at(2024, time.April, 2, 9, 0)}},
		{Article: news.Article{ExternalID: "s-truce", Slug: "truce-border", Title: titleTruce,
			Abstract: "وسطاء يسعون إلى تهدئة طويلة.", Body: "<p>قال دبلوماسيون إن الاتصالات مستمرة لتثبيت التهدئة ومنع عودة الاشتباكات على الحدود.</p>",
			Section: secWorld, Authors: []news.Author{auYasser}, Dateline: "بيروت", PublishedAt: at(2024, time.May, 1, 8, 0)}},
		{Article: news.Article{ExternalID: "s-markets", Slug: "banks-calm", Title: titleMarkets,
			Abstract: "البنك المركزي يدعو إلى التهدئة.", Body: "<p>دعا محافظ البنك المركزي المتعاملين إلى التهدئة وعدم الانسياق وراء الشائعات.</p>",
			Section: secEconomy, Authors: []news.Author{auKarim}, Dateline: "عمّان", PublishedAt: at(2024, time.June, 1, 8, 0)}},
		{Article: news.Article{ExternalID: "s-invest", Slug: "us-investors-port", Title: titleInvest,
			Abstract: "زيارة لبحث فرص الاستثمار.", Body: "<p>التقى الوفد مسؤولي الميناء وبحث معهم مشروعات التوسعة.</p>",
			Section: secEconomy, Authors: []news.Author{auKarim}, Dateline: "العقبة", PublishedAt: at(2024, time.February, 11, 10, 0)}},
		{Article: news.Article{ExternalID: "s-novel", Slug: "novel-prize", Title: titleNovel,
			Abstract: "الجائزة تذهب إلى رواية أولى.", Body: "<p>تسلّم مُحَمَّد الجائزة في حفل أقيم مساء أمس بحضور عدد من الكتّاب.</p>",
			Section: secWorld, Authors: []news.Author{auMona}, Dateline: "أبوظبي", PublishedAt: at(2024, time.April, 20, 18, 0)}},
		{Article: news.Article{ExternalID: "s-fair", Slug: "book-fair-returns", Title: titleFair,
			Abstract: "دور النشر تعود إلى المعرض.", Body: "<p>يشارك في دورة ٢٠١٨ أكثر من ثلاثمئة دار نشر.</p>",
			Section: secWorld, Authors: []news.Author{auMona}, Dateline: "الرباط", PublishedAt: at(2018, time.February, 3, 12, 0)}},
		{Article: news.Article{ExternalID: "s-cease", Slug: "ceasefire-city", Title: titleCease,
			Abstract: "الهدنة تبدأ عند منتصف الليل.", Body: "<p>أعلن الوسطاء وقف إطلاق النار اعتبارًا من منتصف الليل.</p>",
			Section: secWorld, Authors: []news.Author{auYasser}, Dateline: "القاهرة", PublishedAt: at(2024, time.March, 20, 22, 0)}},
		{Article: news.Article{ExternalID: "s-fire", Slug: "warehouse-fire", Title: titleFire,
			Abstract: "لا إصابات في الحريق.", Body: "<p>اندلعت النار بعد إطلاق ألعاب نارية قرب المستودع، وقررت الإدارة وقف العمل مؤقتًا.</p>",
			Section: secWorld, Authors: []news.Author{auYasser}, Dateline: "صفاقس", PublishedAt: at(2024, time.March, 22, 7, 0)}},
	}
}

// newSearchFixture is newFixture with the search index filled: the records
// carry the analyzed text the publish service would give them.
func newSearchFixture(t testing.TB, open teststores.OpenFunc, opts web.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	st := open(t)
	recs := append(fixtureRecords(), searchRecords()...)
	for i := range recs {
		recs[i].SearchTitle = publish.SearchTitle(recs[i].Article)
		recs[i].SearchBody = publish.SearchBody(recs[i].Article)
	}
	res, err := st.SaveArticles(ctx, recs)
	if err != nil {
		t.Fatalf("save articles: %v", err)
	}
	f := &fixture{t: t, store: &failingStore{Store: st}, ids: map[string]int64{}, byExt: map[string]news.Article{}, logBuf: &syncBuffer{}}
	for i, r := range recs {
		f.ids[r.ExternalID] = res.IDs[i]
		a, err := st.Article(ctx, res.IDs[i])
		if err != nil {
			t.Fatalf("article %d: %v", res.IDs[i], err)
		}
		f.byExt[r.ExternalID] = a
	}
	opts.BaseURL = "http://news.example"
	opts.Logger = slog.New(slog.NewTextHandler(f.logBuf, nil))
	if f.site, err = web.New(f.store, opts); err != nil {
		t.Fatalf("web.New: %v", err)
	}
	return f
}

var resultLink = regexp.MustCompile(`<h2 class="item-title"><a href="([^"]+)">`)

// resultPaths returns the article paths of a search page, in order.
func resultPaths(body string) []string {
	var out []string
	for _, m := range resultLink.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

func searchPath(params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Set(params[i], params[i+1])
	}
	return "/search/?" + v.Encode()
}

// wantResults fails unless the page lists exactly the articles with these
// external ids, in any order.
func (f *fixture) wantResults(target string, ext ...string) response {
	f.t.Helper()
	r := f.mustGet(target, http.StatusOK)
	got := map[string]bool{}
	for _, p := range resultPaths(r.body) {
		got[p] = true
	}
	want := map[string]bool{}
	for _, e := range ext {
		want[f.byExt[e].Path()] = true
	}
	if len(got) != len(want) {
		f.t.Errorf("GET %s: %d results %v, want %v", target, len(got), resultPaths(r.body), ext)
		return r
	}
	for p := range want {
		if !got[p] {
			f.t.Errorf("GET %s: missing %s; got %v", target, p, resultPaths(r.body))
		}
	}
	return r
}

func TestSearchFormOnEveryPage(t *testing.T) { teststores.Each(t, testSearchFormOnEveryPage) }

func testSearchFormOnEveryPage(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open, web.Options{})
	for _, target := range []string{"/", "/world/", "/archive/", "/author/yasser-rashad/", f.byExt["t-rockets"].Path(), "/no-such-section/", "/search/"} {
		r := f.get(target)
		form := `<form class="site-search" role="search" action="/search/" method="get">`
		if target == "/search/" { // the page's own form is its search landmark
			form = `<form class="site-search" action="/search/" method="get">`
		}
		contains(t, target, r.body, form,
			`type="search" name="q"`, `placeholder="ابحث في الأرشيف"`, `<label for="site-q" class="visually-hidden">ابحث في الأرشيف</label>`)
	}
	// The header box keeps the query on the results page.
	r := f.mustGet(searchPath("q", "الطقس"), http.StatusOK)
	contains(t, "results", r.body, `id="site-q" type="search" name="q" value="الطقس"`)
}

func TestSearchEmptyQueryHint(t *testing.T) { teststores.Each(t, testSearchEmptyQueryHint) }

func testSearchEmptyQueryHint(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open, web.Options{})
	for _, target := range []string{"/search/", "/search/?q=", "/search/?q=%20%20", "/search/?section=world"} {
		r := f.mustGet(target, http.StatusOK)
		contains(t, target, r.body, `class="search-hint"`, `<meta name="robots" content="noindex">`,
			`<title>البحث في الأرشيف - صحافة</title>`, `<select id="search-section" name="section">`)
		if len(resultPaths(r.body)) != 0 {
			t.Errorf("%s: results for an empty query", target)
		}
	}
	// /search without the slash keeps the query.
	r := f.get("/search?q=x")
	if r.status != http.StatusMovedPermanently || r.header.Get("Location") != "/search/?q=x" {
		t.Errorf("/search?q=x: %d %q", r.status, r.header.Get("Location"))
	}
}

func TestSearchSpellingVariants(t *testing.T) { teststores.Each(t, testSearchSpellingVariants) }

func testSearchSpellingVariants(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open, web.Options{})
	cases := []struct {
		query, ext, mark string
	}{
		{"اخبار", "s-newsroom", "<mark>الأخبار</mark>"},                   // hamza and article
		{"التهدئه", "s-truce", "<mark>التهدئة</mark>"},                    // taa marbuta typed as haa
		{"أمريكي", "s-invest", "<mark>الأمريكيين</mark>"},                 // singular finds the plural
		{"محمد", "s-novel", "<mark>مُحَمَّد</mark>"},                      // diacritics kept in the highlight
		{"iphone", "t-apple", `<mark><bdi dir="ltr">iPhone</bdi></mark>`}, // Latin, case folded
		{"2018", "s-fair", "<mark>٢٠١٨</mark>"},                           // Arabic-Indic digits
	}
	for _, c := range cases {
		target := searchPath("q", c.query)
		r := f.mustGet(target, http.StatusOK)
		paths := resultPaths(r.body)
		found := false
		for _, p := range paths {
			found = found || p == f.byExt[c.ext].Path()
		}
		if !found {
			t.Errorf("%q: %s not among %v", c.query, c.ext, paths)
		}
		contains(t, c.query, r.body, c.mark)
	}
	// The title tag names the query.
	r := f.mustGet(searchPath("q", "اخبار"), http.StatusOK)
	contains(t, "title", r.body, "<title>بحث: اخبار - صحافة</title>", `<meta name="robots" content="noindex">`)
}

func TestSearchPhraseAndExclusion(t *testing.T) { teststores.Each(t, testSearchPhraseAndExclusion) }

func testSearchPhraseAndExclusion(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open, web.Options{})
	// All three words: both stories; as a phrase: only the ceasefire.
	f.wantResults(searchPath("q", "وقف إطلاق النار"), "s-cease", "s-fire")
	f.wantResults(searchPath("q", `"وقف إطلاق النار"`), "s-cease")
	f.wantResults(searchPath("q", "«وقف إطلاق النار»"), "s-cease")
	// Exclusion.
	f.wantResults(searchPath("q", "التهدئة"), "s-truce", "s-markets")
	f.wantResults(searchPath("q", "التهدئة -الحدود"), "s-markets")
}

func TestSearchFilters(t *testing.T) { teststores.Each(t, testSearchFilters) }

func testSearchFilters(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open, web.Options{Location: utc3})
	f.wantResults(searchPath("q", "التهدئة", "section", "اقتصاد"), "s-markets")
	f.wantResults(searchPath("q", "التهدئة", "section", "world"), "s-truce")
	f.wantResults(searchPath("q", "التهدئة", "author", "yasser-rashad"), "s-truce")
	r := f.wantResults(searchPath("q", "التهدئة", "author", "كريم-حسن"), "s-markets")
	contains(t, "author filter", r.body, `<option value="كريم-حسن" selected>كريم حسن</option>`)
	r = f.mustGet(searchPath("q", "التهدئة", "section", "اقتصاد"), http.StatusOK)
	contains(t, "section select", r.body, `<option value="اقتصاد" selected>اقتصاد</option>`)

	// Date range, inclusive, in the display time zone (UTC+3). The weather
	// reports are at 09:00 UTC from 2 to 24 June 2023.
	want := []string{"t-weather-9", "t-weather-10", "t-weather-11"}
	f.wantResults(searchPath("q", "الطقس", "from", "2023-06-10", "to", "2023-06-12"), want...)
	f.wantResults(searchPath("q", "الطقس", "from", "٢٠٢٣-٠٦-١٠", "to", "٢٠٢٣-٠٦-١٢"), want...)
	// The final was 23:30 UTC on 31 January: 1 February in UTC+3.
	f.wantResults(searchPath("q", "المنتخب", "to", "2024-01-31"))
	f.wantResults(searchPath("q", "المنتخب", "from", "2024-02-01", "to", "2024-02-01"), "t-final")
	r = f.mustGet(searchPath("q", "المنتخب", "from", "2024-02-01", "to", "2024-02-01"), http.StatusOK)
	contains(t, "date inputs", r.body, `name="from" value="2024-02-01"`, `name="to" value="2024-02-01"`)
}

func TestSearchSortByDate(t *testing.T) { teststores.Each(t, testSearchSortByDate) }

func testSearchSortByDate(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open, web.Options{})
	truce, markets := f.byExt["s-truce"].Path(), f.byExt["s-markets"].Path()
	// By relevance the headline match comes first; by date the newer story.
	got := resultPaths(f.mustGet(searchPath("q", "التهدئة"), http.StatusOK).body)
	if len(got) != 2 || got[0] != truce || got[1] != markets {
		t.Errorf("relevance order: %v", got)
	}
	got = resultPaths(f.mustGet(searchPath("q", "التهدئة", "sort", "date"), http.StatusOK).body)
	if len(got) != 2 || got[0] != markets || got[1] != truce {
		t.Errorf("date order: %v", got)
	}
	// A whole page by date: strictly newest first.
	r := f.mustGet(searchPath("q", "الطقس", "sort", "date"), http.StatusOK)
	contains(t, "sort select", r.body, `<option value="date" selected>`)
	paths := resultPaths(r.body)
	if len(paths) != 10 || paths[0] != f.byExt["t-weather-23"].Path() || paths[9] != f.byExt["t-weather-14"].Path() {
		t.Errorf("date order of weather reports: %v", paths)
	}
}

func TestSearchPagination(t *testing.T) { teststores.Each(t, testSearchPagination) }

func testSearchPagination(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open, web.Options{})
	seen := map[string]int{}
	var pages [][]string
	for page := 1; page <= 3; page++ {
		target := searchPath("q", "الطقس", "sort", "date", "section", "world")
		if page > 1 {
			target += "&page=" + string(rune('0'+page))
		}
		r := f.mustGet(target, http.StatusOK)
		contains(t, target, r.body, "23 نتيجة")
		paths := resultPaths(r.body)
		pages = append(pages, paths)
		for _, p := range paths {
			seen[p]++
		}
		if page == 1 {
			// Links to other pages keep the query, filter and order.
			contains(t, "pager", r.body, `rel="next"`, `aria-current="page">1<`)
			m := regexp.MustCompile(`<a rel="next" href="([^"]+)">`).FindStringSubmatch(r.body)
			if m == nil {
				t.Fatal("no next link")
			}
			next, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil {
				t.Fatal(err)
			}
			q := next.Query()
			if next.Path != "/search/" || q.Get("q") != "الطقس" || q.Get("sort") != "date" || q.Get("section") != "world" || q.Get("page") != "2" {
				t.Errorf("next link %q", m[1])
			}
		}
	}
	if len(pages[0]) != 10 || len(pages[1]) != 10 || len(pages[2]) != 3 {
		t.Errorf("page sizes %d %d %d", len(pages[0]), len(pages[1]), len(pages[2]))
	}
	if len(seen) != 23 {
		t.Errorf("%d distinct results over three pages, want 23", len(seen))
	}
	for p, n := range seen {
		if n != 1 {
			t.Errorf("%s on %d pages", p, n)
		}
	}
	// Arabic digits in the count and pager.
	f = newSearchFixture(t, open, web.Options{Digits: arabic.ArabicIndicDigits})
	r := f.mustGet(searchPath("q", "الطقس"), http.StatusOK)
	contains(t, "arabic digits", r.body, "٢٣ نتيجة", `aria-current="page">١<`)
	r = f.mustGet(searchPath("q", "التهدئة"), http.StatusOK)
	contains(t, "two results", r.body, "نتيجتان")
}

func TestSearchBadInput(t *testing.T) { teststores.Each(t, testSearchBadInput) }

func testSearchBadInput(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open, web.Options{})
	long := strings.Repeat("الطقس ", 500) // 3,000+ bytes
	cases := []struct {
		target string
		wants  []string
	}{
		{searchPath("q", long), []string{"نتيجة"}},
		{searchPath("q", `"غزة`), []string{"لم نجد مقالات"}},
		{searchPath("q", `"الطقس`), []string{"23 نتيجة"}},
		{searchPath("q", "في من"), []string{"لم نجد في عبارة البحث كلمات يمكن البحث عنها"}},
		{searchPath("q", "في من على"), nil},
		{searchPath("q", "؟!.."), []string{"لم نجد في عبارة البحث كلمات يمكن البحث عنها"}},
		{searchPath("q", "iPhone ١٦ سعر"), []string{"لا توجد مقالات تحوي كل كلمات البحث؛ هذه مقالات تحوي بعضها.", `<mark><bdi dir="ltr">iPhone</bdi></mark>`}},
		{searchPath("q", "الطقس", "page", "abc"), []string{"رقم الصفحة غير صالح", "23 نتيجة"}},
		{searchPath("q", "الطقس", "page", "0"), []string{"رقم الصفحة غير صالح"}},
		{searchPath("q", "الطقس", "page", "-3"), []string{"رقم الصفحة غير صالح"}},
		{searchPath("q", "الطقس", "page", "99999999999999999999"), []string{"رقم الصفحة غير صالح"}},
		{searchPath("q", "الطقس", "page", "4"), []string{"لا توجد نتائج في هذه الصفحة"}},
		{searchPath("q", "الطقس", "page", "500"), []string{"لا توجد نتائج في هذه الصفحة"}},
		{searchPath("q", "الطقس", "section", "no-such-desk"), []string{"القسم المطلوب غير موجود", "23 نتيجة"}},
		{searchPath("q", "الطقس", "author", "nobody"), []string{"الكاتب المطلوب غير موجود", "23 نتيجة"}},
		{searchPath("q", "الطقس", "from", "2023-13-45"), []string{"تاريخ البداية غير صالح", "23 نتيجة"}},
		{searchPath("q", "الطقس", "to", "yesterday"), []string{"تاريخ النهاية غير صالح", "23 نتيجة"}},
		{searchPath("q", "الطقس", "from", "2023-06-20", "to", "2023-06-01"), []string{"تاريخ النهاية يسبق تاريخ البداية", "23 نتيجة"}},
		{searchPath("q", "الطقس", "sort", "random"), []string{"ترتيب غير معروف", "23 نتيجة"}},
		{searchPath("q", "زلزال"), []string{"لم نجد مقالات تطابق بحثك"}},
		{searchPath("q", "زلزال", "section", "world"), []string{"ابحث دون عوامل التصفية"}},
		{"/search/?q=%ZZ", nil},
		{"/search/?q=" + url.QueryEscape("\x00\xff<>"), nil},
	}
	for _, c := range cases {
		r := f.get(c.target)
		if r.status != http.StatusOK {
			t.Errorf("GET %.120s: status %d, want 200", c.target, r.status)
			continue
		}
		contains(t, c.target[:min(len(c.target), 120)], r.body, append(c.wants, `<meta name="robots" content="noindex">`)...)
	}
	if logs := f.logBuf.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("errors logged:\n%s", logs)
	}
}

func TestSearchEscapesQuery(t *testing.T) { teststores.Each(t, testSearchEscapesQuery) }

func testSearchEscapesQuery(t *testing.T, open teststores.OpenFunc) {
	f := newSearchFixture(t, open, web.Options{})
	r := f.mustGet(searchPath("q", `<script>alert(1)</script> "الطقس`), http.StatusOK)
	notContains(t, "escaped query", r.body, "<script>alert")
	contains(t, "escaped query", r.body, "&lt;script&gt;alert(1)&lt;/script&gt;")
}

// A query with bytes that are not UTF-8 is echoed as U+FFFD, never raw, and
// one such byte at the start of a long query no longer empties the query.
func TestSearchQueryInvalidUTF8(t *testing.T) {
	f := newSearchFixture(t, teststores.SQLite, web.Options{})
	r := f.mustGet("/search/?q="+url.QueryEscape("\xff"+strings.Repeat("الطقس ", 500)), http.StatusOK)
	if !utf8.ValidString(r.body) {
		t.Error("page is not valid UTF-8")
	}
	contains(t, "invalid byte", r.body, "\uFFFDالطقس", "نتيجة")
}

// TestSearchTitleDropsBidiOverrides: a query carrying U+202E must not
// reverse the page title or heading that echo it.
func TestSearchTitleDropsBidiOverrides(t *testing.T) {
	f := newSearchFixture(t, teststores.SQLite, web.Options{})
	body := f.mustGet("/search/?q="+url.QueryEscape("\u202eالنفط"), http.StatusOK).body
	title := body[strings.Index(body, "<title>"):strings.Index(body, "</title>")]
	if strings.ContainsRune(title, '\u202e') || !strings.Contains(title, "النفط") {
		t.Errorf("title %q", title)
	}
}
