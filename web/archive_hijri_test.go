package web_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"sahafa/arabic"
	"sahafa/news"
	"sahafa/store/teststores"
	"sahafa/web"
)

const (
	titleShabanEve = "الأسواق تستعد لاستقبال شهر رمضان"
	titleRamadan1  = "ازدحام في الأسواق في أول أيام رمضان"
)

// hijriFixture is the test newsroom in UTC+3 with two more stories on
// either side of the start of Ramadan 1445 (11 March 2024 by Umm al-Qura):
// 23:30 on 29 Sha'ban and 00:30 on 1 Ramadan, local time, both on
// 10 March in UTC.
func hijriFixture(t *testing.T, open teststores.OpenFunc, opts web.Options) *fixture {
	t.Helper()
	opts.Location = utc3
	opts.PageSize = 10
	f := newFixture(t, open, opts)
	recs := []news.ArticleRecord{
		{Article: news.Article{ExternalID: "t-shaban-eve", Slug: "markets-before-ramadan", Title: titleShabanEve,
			Abstract: "استعدادات مبكرة في الأسواق.", Body: "<p>شهدت الأسواق حركة نشطة في آخر أيام شعبان استعدادًا لشهر رمضان.</p>",
			Section: secEconomy, Authors: []news.Author{auKarim}, Dateline: "الرياض", PublishedAt: at(2024, time.March, 10, 20, 30)}},
		{Article: news.Article{ExternalID: "t-ramadan-1", Slug: "markets-first-day", Title: titleRamadan1,
			Abstract: "إقبال على شراء مستلزمات الشهر.", Body: "<p>ازدحمت الأسواق في أول أيام الشهر الكريم بالمتسوقين.</p>",
			Section: secEconomy, Authors: []news.Author{auKarim}, Dateline: "جدة", PublishedAt: at(2024, time.March, 10, 21, 30)}},
	}
	if _, err := f.store.SaveArticles(context.Background(), recs); err != nil {
		t.Fatalf("save articles: %v", err)
	}
	return f
}

func TestHijriArchive(t *testing.T) { teststores.Each(t, testHijriArchive) }

func testHijriArchive(t *testing.T, open teststores.OpenFunc) {
	f := hijriFixture(t, open, web.Options{})

	// The calendars link to each other.
	contains(t, "archive index", f.mustGet("/archive/", http.StatusOK).body, `<a href="/archive/hijri/">الأرشيف الهجري</a>`)
	idx := f.mustGet("/archive/hijri/", http.StatusOK)
	checkLayout(t, "hijri index", idx.body)
	contains(t, "hijri index", idx.body,
		`<nav class="breadcrumb" aria-label="مسار التصفح"><ol><li><a href="/archive/">الأرشيف</a></li><li><span class="sep" aria-hidden="true">/</span> <a href="/archive/hijri/">الأرشيف الهجري</a></li></ol></nav>`,
		`<title>الأرشيف الهجري - صحافة</title>`, `<link rel="canonical" href="http://news.example/archive/hijri/">`,
		`<a href="/archive/">الأرشيف الميلادي</a>`,
		`<a href="/archive/hijri/1446/">1446 هـ</a> <span class="count">(1)</span>`, // 9 September 2024
		`<a href="/archive/hijri/1446/03/">ربيع الأول</a> <span class="count">(1)</span>`,
		// 1 Jan 2024 (local) to 15 Mar 2024, and the two new stories
		`<a href="/archive/hijri/1445/">1445 هـ</a> <span class="count">(7)</span>`,
		`<a href="/archive/hijri/1445/09/">رمضان</a> <span class="count">(3)</span>`,
		`<a href="/archive/hijri/1445/08/">شعبان</a> <span class="count">(1)</span>`,
		`<a href="/archive/hijri/1445/07/">رجب</a> <span class="count">(2)</span>`,
		`<a href="/archive/hijri/1445/06/">جمادى الآخرة</a> <span class="count">(1)</span>`,
		// 2–24 June 2023: Dhu al-Hijja 1444 began on 19 June
		`<a href="/archive/hijri/1444/">1444 هـ</a> <span class="count">(23)</span>`,
		`<a href="/archive/hijri/1444/11/">ذو القعدة</a> <span class="count">(17)</span>`,
		`<a href="/archive/hijri/1444/12/">ذو الحجة</a> <span class="count">(6)</span>`)
	notContains(t, "hijri index", idx.body, `/archive/hijri/1445/10/`, `/archive/hijri/1443/`)

	year := f.mustGet("/archive/hijri/1445/", http.StatusOK)
	contains(t, "1445", year.body, "<h1>أرشيف سنة 1445 هـ</h1>", `<title>أرشيف 1445 هـ - صحافة</title>`,
		`<link rel="canonical" href="http://news.example/archive/hijri/1445/">`,
		`<li><span class="sep" aria-hidden="true">/</span> <a href="/archive/hijri/1445/">1445 هـ</a></li></ol></nav>`,
		"عدد المقالات: 7", titleGold, titleCoach, titleFinal, titleRockets, titleShabanEve, titleRamadan1,
		`<a href="/archive/hijri/1445/09/">رمضان</a> <span class="count">(3)</span>`,
		`<a href="/archive/hijri/1445/06/">جمادى الآخرة</a> <span class="count">(1)</span>`)
	notContains(t, "1445", year.body, "نشرة الطقس", "Apple")

	ramadan := f.mustGet("/archive/hijri/1445/09/", http.StatusOK)
	contains(t, "Ramadan 1445", ramadan.body, "<h1>أرشيف رمضان 1445 هـ</h1>", `<title>أرشيف رمضان 1445 هـ - صحافة</title>`,
		`<link rel="canonical" href="http://news.example/archive/hijri/1445/09/">`,
		`<nav class="breadcrumb" aria-label="مسار التصفح"><ol><li><a href="/archive/">الأرشيف</a></li>`+
			`<li><span class="sep" aria-hidden="true">/</span> <a href="/archive/hijri/">الأرشيف الهجري</a></li>`+
			`<li><span class="sep" aria-hidden="true">/</span> <a href="/archive/hijri/1445/">1445 هـ</a></li>`+
			`<li><span class="sep" aria-hidden="true">/</span> <a href="/archive/hijri/1445/09/">رمضان</a></li></ol></nav>`,
		"عدد المقالات: 3", titleRockets, titleTalks, titleRamadan1,
		// days by their Hijri number, leading to the Gregorian day pages
		`<a href="/archive/2024/03/11/">1</a> <span class="count">(1)</span>`,
		`<a href="/archive/2024/03/15/">5</a> <span class="count">(1)</span>`)
	// 23:30 on the last day of Sha'ban stays in Sha'ban.
	notContains(t, "Ramadan 1445", ramadan.body, titleShabanEve)
	shaban := f.mustGet("/archive/hijri/1445/08/", http.StatusOK)
	contains(t, "Sha'ban 1445", shaban.body, "عدد المقالات: 1", titleShabanEve,
		`<a href="/archive/2024/03/10/">29</a> <span class="count">(1)</span>`)
	notContains(t, "Sha'ban 1445", shaban.body, titleRamadan1)

	// The same boundary in June 2023: Dhu al-Qa'da 1444 ended on 18 June.
	dhulhijja := f.mustGet("/archive/hijri/1444/12/", http.StatusOK)
	contains(t, "Dhu al-Hijja 1444", dhulhijja.body, "عدد المقالات: 6", "نشرة الطقس رقم 18 للمدن", "نشرة الطقس رقم 23 للمدن")
	notContains(t, "Dhu al-Hijja 1444", dhulhijja.body, "نشرة الطقس رقم 17 للمدن")

	// Pagination, as in the Gregorian archive.
	p1 := f.mustGet("/archive/hijri/1444/11/", http.StatusOK)
	contains(t, "Dhu al-Qa'da p1", p1.body, "عدد المقالات: 17", "صفحة 1 من 2", "نشرة الطقس رقم 17 للمدن",
		`href="/archive/hijri/1444/11/?page=2"`)
	notContains(t, "Dhu al-Qa'da p1", p1.body, "نشرة الطقس رقم 7 للمدن")
	p2 := f.mustGet("/archive/hijri/1444/11/?page=2", http.StatusOK)
	contains(t, "Dhu al-Qa'da p2", p2.body, "صفحة 2 من 2", "نشرة الطقس رقم 1 للمدن", "نشرة الطقس رقم 7 للمدن",
		`<title>أرشيف ذو القعدة 1444 هـ - صفحة 2 - صحافة</title>`,
		`<link rel="canonical" href="http://news.example/archive/hijri/1444/11/?page=2">`)
	notContains(t, "Dhu al-Qa'da p2", p2.body, "نشرة الطقس رقم 8 للمدن")
	if r := f.get("/archive/hijri/1444/11/?page=3"); r.status != http.StatusNotFound {
		t.Errorf("page past the last: %d, want 404", r.status)
	}
	if r := f.get("/archive/hijri/1445/?page=x"); r.status != http.StatusBadRequest {
		t.Errorf("bad page in the Hijri archive: %d, want 400", r.status)
	}

	// A month without articles is a page with the archive's empty message.
	shawwal := f.mustGet("/archive/hijri/1445/10/", http.StatusOK)
	contains(t, "Shawwal 1445", shawwal.body, "<h1>أرشيف شوال 1445 هـ</h1>", "عدد المقالات: 0", "لا توجد مقالات في هذه الفترة.")

	for _, bad := range []string{"/archive/hijri/1445/13/", "/archive/hijri/1445/00/", "/archive/hijri/0000/",
		"/archive/hijri/0000/01/", "/archive/hijri/145/", "/archive/hijri/14450/", "/archive/hijri/abcd/",
		"/archive/hijri/1445/9/", "/archive/hijri/1445/ab/", "/archive/hijri/١٤٤٥/",
		"/archive/hijri/0500/", "/archive/hijri/0500/01/", // before 1582: the calendar cannot place them
		"/archive/hijri/1445/09/05/"} {
		if r := f.get(bad); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, r.status)
		}
	}
}

// The Hijri pages write numbers with the site's digits.
func TestHijriArchiveDigits(t *testing.T) {
	f := hijriFixture(t, teststores.SQLite, web.Options{Digits: arabic.ArabicIndicDigits})
	contains(t, "hijri index", f.mustGet("/archive/hijri/", http.StatusOK).body,
		`<a href="/archive/hijri/1445/">١٤٤٥ هـ</a> <span class="count">(٧)</span>`)
	contains(t, "Ramadan 1445", f.mustGet("/archive/hijri/1445/09/", http.StatusOK).body,
		"<h1>أرشيف رمضان ١٤٤٥ هـ</h1>", "عدد المقالات: ٣",
		`<a href="/archive/2024/03/15/">٥</a> <span class="count">(١)</span>`)
}

// countingStore counts the archive's count queries.
type countingStore struct {
	news.Store
	counts atomic.Int32
}

func (c *countingStore) PublicationCounts(ctx context.Context, from, to time.Time) ([]news.TimeCount, error) {
	c.counts.Add(1)
	return c.Store.PublicationCounts(ctx, from, to)
}

// Each Hijri archive page counts with one query, however many months or
// days it shows.
func TestHijriArchiveQueries(t *testing.T) {
	f := hijriFixture(t, teststores.SQLite, web.Options{})
	cs := &countingStore{Store: f.store}
	site, err := web.New(cs, web.Options{BaseURL: "http://news.example", Location: utc3, PageSize: 10})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	f.site = site
	// The whole archive's first read is two (the months before the last
	// one, then kept; the recent ones); every page after is one.
	f.mustGet("/archive/hijri/", http.StatusOK)
	if n := cs.counts.Load(); n != 2 {
		t.Errorf("the first GET /archive/hijri/: %d count queries, want 2", n)
	}
	for _, p := range []string{"/archive/", "/sitemap.xml", "/archive/hijri/1445/", "/archive/hijri/1445/09/"} {
		before := cs.counts.Load()
		f.mustGet(p, http.StatusOK)
		if n := cs.counts.Load() - before; n != 1 {
			t.Errorf("GET %s: %d count queries, want 1", p, n)
		}
	}
}
