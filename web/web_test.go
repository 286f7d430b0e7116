package web_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"sahafa/arabic"
	"sahafa/markup"
	"sahafa/news"
	"sahafa/store/teststores"
	"sahafa/web"
)

var utc3 = time.FixedZone("UTC+3", 3*3600)

func checkLayout(t *testing.T, what, body string) {
	t.Helper()
	contains(t, what, body, `<html dir="rtl" lang="ar">`, `<meta charset="utf-8">`, `name="viewport"`,
		`<link rel="stylesheet" href="/static/`, "صحافة", `<footer`)
}

func TestHomePage(t *testing.T) { teststores.Each(t, testHomePage) }

func testHomePage(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	r := f.mustGet("/", http.StatusOK)
	checkLayout(t, "home", r.body)
	if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	// latest first, then a block per section
	contains(t, "home", r.body, "آخر الأخبار", markup.IsolateText(titleApple), titleRockets,
		`<a href="/world/">أخبار العالم</a>`, `<a href="/sport/">رياضة</a>`, titleFinal,
		`<a href="`+news.SectionPath("اقتصاد")+`">اقتصاد</a>`, titleGold,
		`<link rel="canonical" href="http://news.example/">`)
	if strings.Index(r.body, "آخر الأخبار") > strings.Index(r.body, `<section class="section-group">`) {
		t.Error("latest block should come before the section blocks")
	}
	// mixed-direction titles are isolated, right to left even when they
	// open with a Latin word, their Latin runs isolated in turn
	contains(t, "home", r.body, `<bdi dir="rtl">شركة <bdi dir="ltr">Apple</bdi> تطلق <bdi dir="ltr">iPhone 16</bdi></bdi>`)
	notContains(t, "home", r.body, `dir="auto">`+titleApple)
}

// TestStaticAssets serves no store content: SQLite is enough.
func TestStaticAssets(t *testing.T) {
	f := newFixture(t, teststores.SQLite, web.Options{})
	home := f.mustGet("/", http.StatusOK)
	links := regexp.MustCompile(`<link rel="stylesheet" href="(/static/[^"]+\.css)">`).FindAllStringSubmatch(home.body, -1)
	if len(links) != 2 || !strings.HasSuffix(links[0][1], "/css/fonts.css") || !strings.HasSuffix(links[1][1], "/css/site.css") {
		t.Fatalf("stylesheet links on the home page: %v, want fonts.css then site.css", links)
	}
	site := f.mustGet(links[1][1], http.StatusOK)
	contains(t, "site.css", site.body, "line-height: 1.8", "var(--body-font)")
	notContains(t, "site.css", site.body, "https://", "http://")
	m := links[0]
	css := f.mustGet(m[1], http.StatusOK)
	if ct := css.header.Get("Content-Type"); ct != "text/css; charset=utf-8" {
		t.Errorf("css Content-Type = %q", ct)
	}
	if cc := css.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
		t.Errorf("css Cache-Control = %q", cc)
	}
	contains(t, "css", css.body, "@font-face", "font-display: swap", "Noto Naskh Arabic", "Noto Kufi Arabic")
	notContains(t, "css", css.body, "https://", "http://")

	fonts := regexp.MustCompile(`url\("([^"]+\.woff2)"\)`).FindAllStringSubmatch(css.body, -1)
	if len(fonts) < 4 {
		t.Fatalf("found %d woff2 urls in the css", len(fonts))
	}
	for _, fm := range fonts {
		u := path.Join(path.Dir(m[1]), fm[1])
		r := f.mustGet(u, http.StatusOK)
		if ct := r.header.Get("Content-Type"); ct != "font/woff2" {
			t.Errorf("%s: Content-Type = %q", u, ct)
		}
		if !strings.HasPrefix(r.body, "wOF2") {
			t.Errorf("%s: not a woff2 file", u)
		}
	}
	// the licence travels with the fonts
	lic := f.mustGet(path.Join(path.Dir(path.Dir(m[1])), "fonts/noto-naskh-arabic/LICENSE"), http.StatusOK)
	contains(t, "license", lic.body, "SIL Open Font License")

	// conditional request
	etag := css.header.Get("ETag")
	if r := f.do("GET", m[1], "If-None-Match", etag); r.status != http.StatusNotModified {
		t.Errorf("css If-None-Match: status %d, want 304", r.status)
	}
	f.mustGet("/static/x/css/nope.css", http.StatusNotFound)
	f.mustGet("/static/", http.StatusNotFound)
	// an old version still works but is not cached for long
	old := f.mustGet("/static/0000000000/css/site.css", http.StatusOK)
	if strings.Contains(old.header.Get("Cache-Control"), "immutable") {
		t.Error("unversioned asset served as immutable")
	}
}

func TestArticlePage(t *testing.T) { teststores.Each(t, testArticlePage) }

func testArticlePage(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	a := f.byExt["t-rockets"]
	if !strings.Contains(a.Path(), "%D8") {
		t.Fatalf("fixture path %q should be percent-encoded Arabic", a.Path())
	}
	r := f.mustGet(a.Path(), http.StatusOK)
	b := r.body
	checkLayout(t, "article", b)
	date := arabic.FormatDate(a.PublishedAt, arabic.Gregorian, arabic.LatinDigits)
	contains(t, "article", b,
		"<title>"+titleRockets+" - صحافة</title>",
		`<meta name="description" content="`+abstractRockets+`">`,
		`<link rel="canonical" href="http://news.example`+a.Path()+`">`,
		// breadcrumb: الأرشيف / أخبار العالم, each a link
		`<nav class="breadcrumb" aria-label="مسار التصفح"><ol><li><a href="/archive/">الأرشيف</a></li><li><span class="sep" aria-hidden="true">/</span> <a href="/world/">أخبار العالم</a></li></ol></nav>`,
		`<h1 class="headline">`+titleRockets+`</h1>`,
		`<a rel="author" href="/author/yasser-rashad/">ياسر رشاد</a> - <span class="dateline">القاهرة</span>`,
		`<time datetime="2024-03-15T10:00:00Z">`+date+` <span class="clock">10:00</span></time>`,
		`<span class="reading-time">قراءة في دقيقة</span>`,
		// share links: plain links, the article's own address in each
		`<a class="share-whatsapp" href="https://wa.me/?text=`, `<a class="share-x" href="https://x.com/intent/post?url=http%3A%2F%2Fnews.example`+url.QueryEscape(a.Path())+`&amp;text=`,
		bodyRockets, // sanitized HTML from the store, unescaped
		`<h2 id="related-title">قد تقرأ أيضا</h2>`,
		`<bdi dir="rtl">`+titleTalks+"</bdi>", `<bdi dir="rtl">`+markup.IsolateText(titleApple)+"</bdi>",
	)
	if strings.Contains(b, "ad-slot") {
		t.Error("an ad slot on a site without ads") // slots come with ads (TestAds)
	}
	// the Hijri date only when asked for
	notContains(t, "article", b, `class="hijri"`)
	if r.header.Get("ETag") == "" || !strings.Contains(r.header.Get("Cache-Control"), "max-age=60") ||
		!strings.Contains(r.header.Get("Cache-Control"), "stale-while-revalidate") {
		t.Errorf("article headers: ETag %q Cache-Control %q", r.header.Get("ETag"), r.header.Get("Cache-Control"))
	}

	// several authors, Latin slug
	talks := f.mustGet(f.byExt["t-talks"].Path(), http.StatusOK)
	contains(t, "talks", talks.body, `<a rel="author" href="/author/yasser-rashad/">ياسر رشاد</a>، <a rel="author" href="/author/mona-abdallah/">منى عبد الله</a> - <span class="dateline">جنيف</span>`)

	// mixed Latin/Arabic headline
	apple := f.mustGet(f.byExt["t-apple"].Path(), http.StatusOK)
	contains(t, "apple", apple.body, `<h1 class="headline">`+markup.IsolateText(titleApple)+`</h1>`, `<a href="/tech/">تقنية</a>`)
}

func TestArticleURLRoundTrip(t *testing.T) { teststores.Each(t, testArticleURLRoundTrip) }

func testArticleURLRoundTrip(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	for ext, a := range f.byExt {
		r := f.get(a.Path())
		if r.status != http.StatusOK {
			t.Errorf("%s: GET %s: status %d", ext, a.Path(), r.status)
			continue
		}
		if !strings.Contains(r.body, a.Title) {
			t.Errorf("%s: page lacks its title", ext)
		}
	}
	// Through a real server and client, which encode the URL themselves.
	srv := httptest.NewServer(f.site)
	defer srv.Close()
	gold := f.byExt["t-gold"] // Arabic section slug and Arabic article slug
	u, err := url.Parse(srv.URL + gold.Path())
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET %s over HTTP: %d", u, res.StatusCode)
	}
	// a non-canonical date form redirects to the canonical URL
	apple := f.byExt["t-apple"] // 2024-09-09
	d := apple.URLDate()
	alt := fmt.Sprintf("/%s/%d/%d/%d/%s", apple.Section.Slug, d.Year(), int(d.Month()), d.Day(), apple.Slug)
	r := f.get(alt)
	if r.status != http.StatusMovedPermanently || r.header.Get("Location") != apple.Path() {
		t.Errorf("GET %s: %d Location %q, want 301 to %s", alt, r.status, r.header.Get("Location"), apple.Path())
	}
}

func TestSectionPagination(t *testing.T) { teststores.Each(t, testSectionPagination) }

func testSectionPagination(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{PageSize: 10})
	total := numberedArticles + 2 // weather reports + rockets + talks
	seen := map[string]int{}
	re := regexp.MustCompile(`<bdi dir="rtl">([^<]+)</bdi>`)
	for page := 1; page <= 3; page++ {
		target := "/world/"
		if page > 1 {
			target += fmt.Sprintf("?page=%d", page)
		}
		r := f.mustGet(target, http.StatusOK)
		contains(t, target, r.body, "<h1>أخبار العالم</h1>", fmt.Sprintf("عدد المقالات: %d", total),
			fmt.Sprintf("صفحة %d من 3", page))
		if page < 3 {
			contains(t, target, r.body, fmt.Sprintf(`<a rel="next" href="/world/?page=%d">`, page+1))
		}
		if page > 1 {
			contains(t, target, r.body, `<a rel="prev" href="/world/`)
		}
		for _, m := range re.FindAllStringSubmatch(r.body, -1) {
			seen[m[1]]++
		}
	}
	if len(seen) != total {
		t.Errorf("saw %d distinct titles over 3 pages, want %d", len(seen), total)
	}
	for title, n := range seen {
		if n != 1 {
			t.Errorf("%q listed %d times", title, n)
		}
	}
	for _, bad := range []string{"?page=0", "?page=-1", "?page=abc", "?page=1e3", "?page=99999999999999999999"} {
		r := f.get("/world/" + bad)
		if r.status != http.StatusBadRequest {
			t.Errorf("GET /world/%s: status %d, want 400", bad, r.status)
		}
		contains(t, bad, r.body, "طلب غير صالح", `dir="rtl"`)
	}
	if r := f.get("/world/?page=4"); r.status != http.StatusNotFound {
		t.Errorf("page past the end: %d, want 404", r.status)
	}
	// Arabic section slug
	r := f.mustGet(news.SectionPath("اقتصاد"), http.StatusOK)
	contains(t, "economy", r.body, titleGold)
	// without the trailing slash
	if r := f.get("/world"); r.status != http.StatusMovedPermanently || r.header.Get("Location") != "/world/" {
		t.Errorf("/world: %d %q", r.status, r.header.Get("Location"))
	}
}

func TestArchive(t *testing.T) { teststores.Each(t, testArchive) }

func testArchive(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{Location: utc3, PageSize: 10})

	idx := f.mustGet("/archive/", http.StatusOK)
	checkLayout(t, "archive", idx.body)
	contains(t, "archive index", idx.body, `<nav class="breadcrumb" aria-label="مسار التصفح"><ol><li><a href="/archive/">الأرشيف</a>`,
		`<a href="/archive/2024/">2024</a> <span class="count">(6)</span>`,
		// 22:00 UTC on 31 Dec 2023 is 1 Jan 2024 in UTC+3
		`<a href="/archive/2024/01/">يناير</a> <span class="count">(2)</span>`,
		`<a href="/archive/2024/02/">فبراير</a> <span class="count">(1)</span>`,
		`<a href="/archive/2023/">2023</a> <span class="count">(23)</span>`,
		`<a href="/archive/2023/06/">يونيو</a> <span class="count">(23)</span>`)
	notContains(t, "archive index", idx.body, `/archive/2023/12/`)

	year := f.mustGet("/archive/2024/", http.StatusOK)
	contains(t, "2024", year.body, "عدد المقالات: 6", markup.IsolateText(titleApple), titleGold, titleFinal,
		`<a href="/archive/2024/">2024</a>`, `<a href="/archive/2024/09/">سبتمبر</a>`)
	notContains(t, "2024", year.body, "نشرة الطقس")

	jan := f.mustGet("/archive/2024/01/", http.StatusOK)
	contains(t, "2024/01", jan.body, titleCoach, titleGold, "عدد المقالات: 2",
		`<a href="/archive/2024/01/01/">1</a>`, `<a href="/archive/2024/01/30/">30</a>`)
	notContains(t, "2024/01", jan.body, titleFinal)

	// day boundaries in the display time zone
	feb1 := f.mustGet("/archive/2024/02/01/", http.StatusOK)
	contains(t, "2024/02/01", feb1.body, titleFinal, "عدد المقالات: 1",
		`<li><span class="sep" aria-hidden="true">/</span> <a href="/archive/2024/02/">فبراير</a></li>`)
	jan31 := f.mustGet("/archive/2024/01/31/", http.StatusOK)
	notContains(t, "2024/01/31", jan31.body, titleFinal)
	contains(t, "2024/01/31", jan31.body, "عدد المقالات: 0", "لا توجد مقالات في هذه الفترة.")

	// pagination inside the archive
	june := f.mustGet("/archive/2023/06/?page=3", http.StatusOK)
	contains(t, "2023/06 p3", june.body, "صفحة 3 من 3", "نشرة الطقس رقم 1 للمدن")

	for _, bad := range []string{"/archive/2024/13/", "/archive/2024/00/", "/archive/2023/02/29/", "/archive/24/",
		"/archive/abcd/", "/archive/2024/1/", "/archive/2024/01/1/"} {
		if r := f.get(bad); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, r.status)
		}
	}
	if r := f.get("/archive/2024/?page=x"); r.status != http.StatusBadRequest {
		t.Errorf("bad page in archive: %d", r.status)
	}
}

func TestAuthorPage(t *testing.T) { teststores.Each(t, testAuthorPage) }

func testAuthorPage(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	r := f.mustGet("/author/yasser-rashad/", http.StatusOK)
	checkLayout(t, "author", r.body)
	contains(t, "author", r.body, "<h1>ياسر رشاد</h1>", titleRockets, titleTalks, "عدد المقالات: 2")
	notContains(t, "author", r.body, titleApple)
	// Arabic author slug
	r = f.mustGet(news.AuthorPath("كريم-حسن"), http.StatusOK)
	contains(t, "karim", r.body, titleFinal, titleCoach, titleGold)
	f.mustGet("/author/nobody/", http.StatusNotFound)
}

func TestNotFound(t *testing.T) { teststores.Each(t, testNotFound) }

func testNotFound(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	rockets := f.byExt["t-rockets"]
	for _, target := range []string{
		"/no-such-section/",
		"/world/2024/03/15/no-such-story",
		"/world/2024/03/16/" + url.PathEscape(slugRockets), // right slug, wrong date
		"/world/2024/02/30/x",
		"/world/20x4/03/15/x",
		"/a/b/c",
		"/author/",
		rockets.Path() + "/",
		"/api/v1/nothing",
	} {
		r := f.get(target)
		if r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", target, r.status)
			continue
		}
		if strings.HasPrefix(target, "/api/") {
			contains(t, target, r.body, `"error"`)
			continue
		}
		checkLayout(t, target, r.body)
		contains(t, target, r.body, "الصفحة غير موجودة", "لم نجد الصفحة")
		if r.header.Get("X-Cache") == "hit" {
			t.Errorf("%s: 404 served from cache", target)
		}
	}
	if r := f.do(http.MethodPost, "/"); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d, want 405", r.status)
	}
}

func TestStoreErrors(t *testing.T) { teststores.Each(t, testStoreErrors) }

func testStoreErrors(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	a := f.byExt["t-talks"]

	f.store.setFail(news.Errorf(news.EUNAVAILABLE, "database is locked"))
	for _, target := range []string{"/", a.Path(), "/world/", "/archive/2024/"} {
		r := f.get(target)
		if r.status != http.StatusServiceUnavailable {
			t.Errorf("GET %s with store unavailable: %d, want 503", target, r.status)
			continue
		}
		if r.header.Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", target)
		}
		checkLayout(t, target, r.body)
		contains(t, target, r.body, "الموقع غير متاح مؤقتًا")
		notContains(t, target, r.body, "database is locked")
	}

	f.store.setFail(errors.New("disk I/O error: secret detail"))
	r := f.get(a.Path())
	if r.status != http.StatusInternalServerError {
		t.Fatalf("internal error: %d, want 500", r.status)
	}
	checkLayout(t, "500", r.body)
	contains(t, "500", r.body, "خطأ في الخادم")
	notContains(t, "500", r.body, "secret detail", "disk I/O")
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("500 Cache-Control = %q", cc)
	}
	if !strings.Contains(f.logBuf.String(), "secret detail") {
		t.Error("the internal error was not logged")
	}

	// once the store recovers, the page renders (the error was not cached)
	f.store.setFail(nil)
	f.mustGet(a.Path(), http.StatusOK)
}

func TestDigitsAndHijri(t *testing.T) { teststores.Each(t, testDigitsAndHijri) }

func testDigitsAndHijri(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{Digits: arabic.ArabicIndicDigits, ShowHijri: true, PageSize: 10})
	a := f.byExt["t-rockets"]
	r := f.mustGet(a.Path(), http.StatusOK)
	greg := arabic.FormatDate(a.PublishedAt, arabic.Gregorian, arabic.ArabicIndicDigits)
	hijri := arabic.FormatDate(a.PublishedAt, arabic.Hijri, arabic.ArabicIndicDigits)
	if greg == hijri {
		t.Fatalf("Gregorian and Hijri dates are the same: %q", greg)
	}
	contains(t, "article", r.body, greg, `<span class="hijri">`+hijri+`</span>`, "٢٠٢٤")
	// the machine-readable date keeps ASCII digits
	contains(t, "article", r.body, `datetime="2024-03-15T10:00:00Z"`)

	list := f.mustGet("/world/?page=2", http.StatusOK)
	contains(t, "section", list.body, "عدد المقالات: ٢٥", "صفحة ٢ من ٣")
	idx := f.mustGet("/archive/", http.StatusOK)
	contains(t, "archive", idx.body, `<a href="/archive/2024/">٢٠٢٤</a>`)
}

func TestPageCache(t *testing.T) { teststores.Each(t, testPageCache) }

func testPageCache(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	a := f.byExt["t-apple"]
	first := f.mustGet(a.Path(), http.StatusOK)
	if got := first.header.Get("X-Cache"); got != "miss" {
		t.Errorf("first request X-Cache = %q, want miss", got)
	}
	second := f.mustGet(a.Path(), http.StatusOK)
	if got := second.header.Get("X-Cache"); got != "hit" {
		t.Errorf("second request X-Cache = %q, want hit", got)
	}
	if first.body != second.body || first.header.Get("ETag") != second.header.Get("ETag") {
		t.Error("cached response differs from the rendered one")
	}
	notMod := f.do(http.MethodGet, a.Path(), "If-None-Match", second.header.Get("ETag"))
	if notMod.status != http.StatusNotModified || notMod.body != "" {
		t.Errorf("If-None-Match: %d with %d bytes, want empty 304", notMod.status, len(notMod.body))
	}
	head := f.do(http.MethodHead, a.Path())
	if head.status != http.StatusOK || head.body != "" {
		t.Errorf("HEAD: %d with %d bytes", head.status, len(head.body))
	}

	// A write followed by Invalidate shows up at once.
	ctx := t.Context()
	changed := a
	changed.Title = "شركة Apple تؤجل إطلاق iPhone 16"
	if _, err := f.store.SaveArticles(ctx, []news.ArticleRecord{{Article: changed}}); err != nil {
		t.Fatal(err)
	}
	if r := f.get(a.Path()); strings.Contains(r.body, changed.Title) {
		t.Error("cache served the new title before Invalidate (test is not exercising the cache)")
	}
	f.site.Invalidate()
	r := f.mustGet(a.Path(), http.StatusOK)
	if r.header.Get("X-Cache") != "miss" || !strings.Contains(r.body, changed.Title) {
		t.Errorf("after Invalidate: X-Cache %q, new title shown: %v", r.header.Get("X-Cache"), strings.Contains(r.body, changed.Title))
	}

	// With the cache disabled every request renders.
	g := newFixture(t, open, web.Options{CacheBytes: -1})
	g.mustGet("/", http.StatusOK)
	if r := g.mustGet("/", http.StatusOK); r.header.Get("X-Cache") == "hit" {
		t.Error("disabled cache served a hit")
	}
}

func TestAPIMounted(t *testing.T) { teststores.Each(t, testAPIMounted) }

func testAPIMounted(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	r := f.mustGet("/api/v1/articles?limit=2", http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("API Content-Type = %q", ct)
	}
	contains(t, "api", r.body, `"total":29`, titleApple)
}

func benchmarkArticle(b *testing.B, cached bool) {
	f := newFixture(b, teststores.SQLite, web.Options{CacheBytes: map[bool]int64{true: 0, false: -1}[cached]})
	var h http.Handler = f.site
	if !cached {
		h = f.site.Uncached()
	}
	target := f.byExt["t-rockets"].Path()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d", rec.Code)
	}
	b.SetBytes(int64(rec.Body.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		for pb.Next() {
			w := &discardWriter{h: make(http.Header)}
			h.ServeHTTP(w, req)
			if w.status != http.StatusOK {
				b.Errorf("status %d", w.status)
				return
			}
		}
	})
}

// discardWriter is a minimal ResponseWriter that keeps only the status.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}

func BenchmarkArticlePage(b *testing.B)       { benchmarkArticle(b, false) }
func BenchmarkArticlePageCached(b *testing.B) { benchmarkArticle(b, true) }

// TestSecurityHeaders: every page, cached or not and errors too, carries a
// strict Content-Security-Policy (the site runs no script) and a
// Referrer-Policy that keeps a reader's search out of other sites' logs.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, teststores.SQLite, web.Options{})
	for _, target := range []string{"/", "/", "/search/?q=x", "/no-such-section/", "/world/?page=x"} {
		r := f.get(target)
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "style-src 'self'", "font-src 'self'", "base-uri 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s (%d, X-Cache %s): Content-Security-Policy %q lacks %q", target, r.status, r.header.Get("X-Cache"), csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") {
			t.Errorf("GET %s: Content-Security-Policy %q allows scripts", target, csp)
		}
		if rp := r.header.Get("Referrer-Policy"); rp != "strict-origin-when-cross-origin" {
			t.Errorf("GET %s: Referrer-Policy %q", target, rp)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", target)
		}
	}
}

// TestJunkQueryRedirects: pages other than search answer a query string
// they do not use with a redirect to their canonical URL, never to another
// site, so junk parameters cannot fill the page cache.
func TestJunkQueryRedirects(t *testing.T) {
	f := newFixture(t, teststores.SQLite, web.Options{})
	for target, want := range map[string]string{
		"/?utm_source=x":            "/",
		"/world/?page=2&x=1":        "/world/?page=2",
		"//evil.example/?x=1":       "/evil.example/",
		"/archive/2024/?a=1&page=3": "/archive/2024/?page=3",
	} {
		r := f.get(target)
		if r.status != http.StatusMovedPermanently || r.header.Get("Location") != want {
			t.Errorf("GET %s: %d Location %q, want 301 %q", target, r.status, r.header.Get("Location"), want)
		}
	}
	for _, target := range []string{"/world/?page=2", "/search/?q=x&y=1", "/api/v1/articles?limit=1&x=2"} {
		if r := f.get(target); r.status == http.StatusMovedPermanently {
			t.Errorf("GET %s: redirected to %s", target, r.header.Get("Location"))
		}
	}
}

// TestPageNumbersHaveOneSpelling: ?page=01, ?page=001 … were cached as
// pages of their own, a way to fill the cache with copies of page 1. A
// valid number is now redirected to its one spelling; search pages, which
// are not redirected, share one cache entry for every spelling of the
// same search.
func TestPageNumbersHaveOneSpelling(t *testing.T) {
	f := newFixture(t, teststores.SQLite, web.Options{})
	for target, want := range map[string]string{
		"/world/?page=01":          "/world/",
		"/world/?page=1":           "/world/",
		"/world/?page=002":         "/world/?page=2",
		"/archive/2024/?page=%2B3": "/archive/2024/?page=3",
		"/world/?page=0002&x":      "/world/?page=2",
	} {
		r := f.get(target)
		if r.status != http.StatusMovedPermanently || r.header.Get("Location") != want {
			t.Errorf("GET %s: %d Location %q, want 301 %q", target, r.status, r.header.Get("Location"), want)
		}
	}
	if r := f.get("/world/?page=abc"); r.status != http.StatusBadRequest {
		t.Errorf("GET /world/?page=abc: %d, want 400", r.status)
	}
	q := "q=" + url.QueryEscape("الطقس")
	if r := f.get("/search/?" + q + "&page=01"); r.status != http.StatusOK || r.header.Get("X-Cache") != "miss" {
		t.Fatalf("first search: %d %q", r.status, r.header.Get("X-Cache"))
	}
	for _, target := range []string{"/search/?" + q, "/search/?" + q + "&page=1&utm_source=x",
		"/search/?section=&author=&sort=&" + q + "&page=%D9%A1"} {
		if r := f.get(target); r.status != http.StatusOK || r.header.Get("X-Cache") != "hit" {
			t.Errorf("GET %s: %d X-Cache %q, want the same search's entry", target, r.status, r.header.Get("X-Cache"))
		}
	}
	if r := f.get("/search/?" + q + "&page=2"); r.header.Get("X-Cache") != "miss" {
		t.Errorf("page 2 of the search: X-Cache %q, want an entry of its own", r.header.Get("X-Cache"))
	}
}
