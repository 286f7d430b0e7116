package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/teststores"
	"sahafa/web"
)

// Sections, authors and articles of the test newsroom. The text is written
// for these tests.
var (
	secWorld   = news.Section{Slug: "world", Name: "أخبار العالم"}
	secSport   = news.Section{Slug: "sport", Name: "رياضة"}
	secTech    = news.Section{Slug: "tech", Name: "تقنية"}
	secEconomy = news.Section{Slug: "اقتصاد", Name: "اقتصاد"}

	auYasser = news.Author{Slug: "yasser-rashad", Name: "ياسر رشاد"}
	auMona   = news.Author{Slug: "mona-abdallah", Name: "منى عبد الله"}
	auKarim  = news.Author{Slug: "كريم-حسن", Name: "كريم حسن"}
)

const (
	titleRockets = "سقوط صواريخ قرب قاعدة عسكرية شمال البلاد"
	slugRockets  = "سقوط-صواريخ-قرب-قاعدة-عسكرية"
	titleTalks   = "استئناف المحادثات بين الوفدين بعد توقف دام أسبوعين"
	titleApple   = "شركة Apple تطلق iPhone 16"
	titleFinal   = "المنتخب يتأهل إلى نهائي البطولة بعد فوز مثير"
	titleCoach   = "المدرب الجديد يعلن قائمة اللاعبين للمعسكر"
	titleGold    = "ارتفاع أسعار الذهب إلى مستوى قياسي"

	bodyRockets = `<p>قالت مصادر محلية إن عدة صواريخ سقطت صباح اليوم في محيط قاعدة عسكرية شمال البلاد، من دون أن تُسجَّل خسائر بشرية.</p>
<p>وأضافت المصادر أن فرق الدفاع المدني توجهت إلى المكان لتقييم الأضرار، فيما فتحت السلطات تحقيقًا لمعرفة الجهة التي تقف وراء الهجوم.</p>`
	abstractRockets  = "صواريخ تسقط قرب قاعدة عسكرية ولا إصابات حتى الآن."
	numberedArticles = 23
)

func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
}

func fixtureRecords() []news.ArticleRecord {
	recs := []news.ArticleRecord{
		{Article: news.Article{ExternalID: "t-rockets", Slug: slugRockets, Title: titleRockets,
			Abstract: abstractRockets, Body: bodyRockets, Section: secWorld,
			Authors: []news.Author{auYasser}, Dateline: "القاهرة", PublishedAt: at(2024, time.March, 15, 10, 0)}},
		{Article: news.Article{ExternalID: "t-talks", Slug: "talks-resume", Title: titleTalks,
			Abstract: "الوفدان يعودان إلى طاولة التفاوض.", Body: "<p>عاد الوفدان إلى طاولة التفاوض بعد أسبوعين من التوقف، وسط آمال بالتوصل إلى اتفاق.</p>",
			Section: secWorld, Authors: []news.Author{auYasser, auMona}, Dateline: "جنيف", PublishedAt: at(2024, time.March, 14, 8, 30)}},
		{Article: news.Article{ExternalID: "t-apple", Slug: "apple-iphone-16", Title: titleApple,
			Abstract: "الهاتف الجديد يصل إلى الأسواق الشهر المقبل.", Body: "<p>أعلنت شركة Apple عن هاتفها الجديد iPhone 16 في مؤتمر صحفي، مع تحسينات في الكاميرا والبطارية.</p>",
			Section: secTech, Authors: []news.Author{auMona}, Dateline: "كوبرتينو", PublishedAt: at(2024, time.September, 9, 17, 0)}},
		// 23:30 UTC on 31 January is 02:30 on 1 February in UTC+3.
		{Article: news.Article{ExternalID: "t-final", Slug: "team-reaches-final", Title: titleFinal,
			Abstract: "فوز في الدقائق الأخيرة.", Body: "<p>حسم المنتخب المباراة في الدقائق الأخيرة وتأهل إلى النهائي.</p>",
			Section: secSport, Authors: []news.Author{auKarim}, Dateline: "الدوحة", PublishedAt: at(2024, time.January, 31, 23, 30)}},
		{Article: news.Article{ExternalID: "t-coach", Slug: "coach-squad", Title: titleCoach,
			Abstract: "قائمة تضم وجوهًا جديدة.", Body: "<p>أعلن المدرب قائمة تضم عددًا من اللاعبين الشباب استعدادًا للمعسكر المقبل.</p>",
			Section: secSport, Authors: []news.Author{auKarim}, Dateline: "الرياض", PublishedAt: at(2024, time.January, 30, 12, 0)}},
		{Article: news.Article{ExternalID: "t-gold", Slug: "ارتفاع-الذهب", Title: titleGold,
			Abstract: "الذهب يواصل الصعود.", Body: "<p>واصلت أسعار الذهب صعودها مع تزايد الإقبال على الملاذات الآمنة.</p>",
			Section: secEconomy, Authors: []news.Author{auKarim}, Dateline: "دبي", PublishedAt: at(2023, time.December, 31, 22, 0)}},
	}
	// A run of world stories in June 2023 to page through.
	for i := 1; i <= numberedArticles; i++ {
		recs = append(recs, news.ArticleRecord{Article: news.Article{
			ExternalID:  fmt.Sprintf("t-weather-%d", i),
			Slug:        fmt.Sprintf("weather-report-%d", i),
			Title:       fmt.Sprintf("نشرة الطقس رقم %d للمدن الساحلية", i),
			Abstract:    "أجواء حارة ورطبة على السواحل.",
			Body:        "<p>تتوقع الأرصاد أجواء حارة ورطبة على المدن الساحلية مع رياح خفيفة.</p>",
			Section:     secWorld,
			Authors:     []news.Author{auMona},
			Dateline:    "جدة",
			PublishedAt: at(2023, time.June, 1+i, 9, 0),
		}})
	}
	return recs
}

// failingStore wraps a real store and fails the reads the site makes while
// fail holds an error.
type failingStore struct {
	news.Store
	fail atomic.Pointer[error]
}

func (f *failingStore) err() error {
	if p := f.fail.Load(); p != nil {
		return *p
	}
	return nil
}

func (f *failingStore) setFail(err error) {
	if err == nil {
		f.fail.Store(nil)
		return
	}
	f.fail.Store(&err)
}

func (f *failingStore) Articles(ctx context.Context, fl news.ArticleFilter) (news.ArticleList, error) {
	if err := f.err(); err != nil {
		return news.ArticleList{}, err
	}
	return f.Store.Articles(ctx, fl)
}

func (f *failingStore) Sections(ctx context.Context) ([]news.SectionStats, error) {
	if err := f.err(); err != nil {
		return nil, err
	}
	return f.Store.Sections(ctx)
}

func (f *failingStore) ArticleByPath(ctx context.Context, s string, d time.Time, slug string) (news.Article, error) {
	if err := f.err(); err != nil {
		return news.Article{}, err
	}
	return f.Store.ArticleByPath(ctx, s, d, slug)
}

func (f *failingStore) SectionBySlug(ctx context.Context, slug string) (news.Section, error) {
	if err := f.err(); err != nil {
		return news.Section{}, err
	}
	return f.Store.SectionBySlug(ctx, slug)
}

// fixture is a site over a freshly filled store.
type fixture struct {
	t      testing.TB
	store  *failingStore
	site   *web.Site
	ids    map[string]int64 // external id → article id
	byExt  map[string]news.Article
	logBuf *syncBuffer
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// newFixture fills a store that open makes with the test newsroom.
func newFixture(t testing.TB, open teststores.OpenFunc, opts web.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	st := open(t)
	recs := fixtureRecords()
	res, err := st.SaveArticles(ctx, recs)
	if err != nil {
		t.Fatalf("save articles: %v", err)
	}
	f := &fixture{t: t, store: &failingStore{Store: st}, ids: map[string]int64{}, byExt: map[string]news.Article{},
		logBuf: &syncBuffer{}}
	for i, r := range recs {
		f.ids[r.ExternalID] = res.IDs[i]
		a, err := st.Article(ctx, res.IDs[i])
		if err != nil {
			t.Fatalf("article %d: %v", res.IDs[i], err)
		}
		f.byExt[r.ExternalID] = a
	}
	if err := st.SetRelated(ctx, f.ids["t-rockets"], []int64{f.ids["t-talks"], f.ids["t-apple"]}); err != nil {
		t.Fatalf("set related: %v", err)
	}
	if opts.BaseURL == "" {
		opts.BaseURL = "http://news.example"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(f.logBuf, nil))
	}
	f.site, err = web.New(f.store, opts)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	return f
}

type response struct {
	status int
	header http.Header
	body   string
}

func (f *fixture) do(method, target string, hdr ...string) response {
	f.t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	f.site.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(body)}
}

func (f *fixture) get(target string) response {
	f.t.Helper()
	return f.do(http.MethodGet, target)
}

// mustGet fetches target and fails unless the status is want.
func (f *fixture) mustGet(target string, want int) response {
	f.t.Helper()
	r := f.get(target)
	if r.status != want {
		f.t.Fatalf("GET %s: status %d, want %d\n%s", target, r.status, want, excerpt(r.body))
	}
	return r
}

func excerpt(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

func contains(t testing.TB, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func notContains(t testing.TB, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s: unexpectedly contains %q", what, w)
		}
	}
}
