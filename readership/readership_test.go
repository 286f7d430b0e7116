package readership_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/readership"
	"sahafa/store/sqlite"
	"sahafa/store/teststores"
)

const chromeUA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"

func view(ip, ua string, hdr ...string) *http.Request {
	r := httptest.NewRequest("GET", "http://news.example/world/2026/12/02/x", nil)
	r.RemoteAddr = ip + ":41234"
	if ua != "" {
		r.Header.Set("User-Agent", ua)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	return r
}

// TestReader: browsers count; crawlers, link previewers, monitors,
// scripts, requests without a User-Agent and prefetches do not.
func TestReader(t *testing.T) {
	for _, c := range []struct {
		name string
		r    *http.Request
		want bool
	}{
		{"a phone's Chrome", view("198.51.100.7", chromeUA), true},
		{"desktop Firefox", view("198.51.100.8", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"), true},
		{"Googlebot", view("66.249.66.1", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"), false},
		{"Bingbot", view("40.77.167.1", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"), false},
		{"WhatsApp's link preview", view("31.13.1.1", "WhatsApp/2.23.20.0"), false},
		{"Facebook's preview", view("31.13.1.2", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"), false},
		{"Telegram's preview", view("149.154.1.1", "TelegramBot (like TwitterBot)"), false},
		{"curl", view("203.0.113.5", "curl/8.5.0"), false},
		{"Python", view("203.0.113.6", "python-requests/2.31"), false},
		{"no User-Agent", view("203.0.113.7", ""), false},
		{"headless Chrome", view("203.0.113.8", "Mozilla/5.0 HeadlessChrome/131.0"), false},
		{"a prefetch", view("198.51.100.9", chromeUA, "Sec-Purpose", "prefetch"), false},
		{"a prerender", view("198.51.100.9", chromeUA, "Sec-Purpose", "prefetch;prerender"), false},
		{"Firefox's prefetch", view("198.51.100.9", chromeUA, "X-Moz", "prefetch"), false},
	} {
		if got := readership.Reader(c.r); got != c.want {
			t.Errorf("%s: Reader = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestSketchEstimate: the day's distinct readers are estimated within a
// few per cent from a few to a hundred thousand (seeded hashes, so the
// test gives the same answer every run).
func TestSketchEstimate(t *testing.T) {
	for _, n := range []int{1, 10, 100, 1000, 10_000, 100_000} {
		got := readership.EstimateOf(func(add func(uint64)) {
			for i := range n {
				var b [8]byte
				binary.BigEndian.PutUint64(b[:], uint64(i))
				d := sha256.Sum256(b[:])
				add(readership.Hash(d[:]))
			}
		})
		if err := math.Abs(float64(got-n)) / float64(n); err > 0.03 {
			t.Errorf("%d distinct readers estimated as %d (%.1f %% off)", n, got, 100*err)
		}
	}
}

// TestCounterCounts: views of readers are written per article and hour,
// with their referrers; newsroom users, bots and prefetches are not
// counted; the readers are counted once each however many pages they
// read, and two servers (two counters on one store) share the day's salt,
// so a reader seen by both is one reader.
func TestCounterCounts(t *testing.T) { teststores.Each(t, testCounterCounts) }

func testCounterCounts(t *testing.T, open teststores.OpenFunc) {
	ctx := context.Background()
	st := open(t)
	res, err := st.SaveArticles(ctx, []news.ArticleRecord{
		{Article: news.Article{ExternalID: "v1", Slug: "v1", Title: "افتتاح خط المترو الجديد في العاصمة", Body: "<p>بدأ تشغيل الخط.</p>",
			Section: news.Section{Slug: "local", Name: "محليات"}, PublishedAt: time.Now().Add(-time.Hour), Status: news.StatusPublished}},
		{Article: news.Article{ExternalID: "v2", Slug: "v2", Title: "ارتفاع أسعار الخضار في الأسواق", Body: "<p>ارتفعت الأسعار.</p>",
			Section: news.Section{Slug: "economy", Name: "اقتصاد"}, PublishedAt: time.Now().Add(-time.Hour), Status: news.StatusPublished}},
	})
	if err != nil {
		t.Fatal(err)
	}
	a, b := res.IDs[0], res.IDs[1]
	staff := func(r *http.Request) bool { _, err := r.Cookie("sahafa_session"); return err == nil }
	one := readership.New(readership.Options{Store: st, Staff: staff, Every: time.Hour})
	two := readership.New(readership.Options{Store: st, Staff: staff, Every: time.Hour})
	for _, c := range []*readership.Counter{one, two} {
		c.LearnSalt(ctx)
	}
	for i := range 40 { // 40 readers, each reading a on one server and b on the other
		ip := fmt.Sprintf("198.51.100.%d", i+1)
		r := view(ip, chromeUA, "Referer", "https://www.google.com/search?q=x")
		one.View(r, a)
		two.View(view(ip, chromeUA), b)
	}
	one.View(view("203.0.113.1", "Mozilla/5.0 (compatible; Googlebot/2.1)"), a)
	one.View(view("198.51.100.1", chromeUA, "Sec-Purpose", "prefetch"), a)
	editor := view("198.51.100.200", chromeUA)
	editor.AddCookie(&http.Cookie{Name: "sahafa_session", Value: "x"})
	one.View(editor, a)
	for _, c := range []*readership.Counter{one, two} {
		if err := c.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	since := time.Now().Add(-2 * time.Hour)
	if n, _ := st.ArticleViewTotal(ctx, a, since); n != 40 {
		t.Errorf("views of a: %d, want 40 (bots, prefetches and the editor left out)", n)
	}
	if n, _ := st.ArticleViewTotal(ctx, b, since); n != 40 {
		t.Errorf("views of b: %d, want 40", n)
	}
	if refs, _ := st.TopReferrers(ctx, since, 5); len(refs) != 1 || refs[0].Domain != "google.com" || refs[0].Views != 40 {
		t.Errorf("referrers: %+v, want google.com 40", refs)
	}
	day := time.Now().UTC().Truncate(24 * time.Hour)
	sk, err := st.VisitorSketch(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	// Two of 40 random hashes share one of the 16384 registers in one run
	// of 20, two pairs in one of 900: the sketch then reads 39 or 38.
	if n := readership.Estimate(sk); n < 38 || n > 40 {
		t.Errorf("distinct readers: %d, want 40 (each read two pages, on two servers)", n)
	}
	if counted, skipped := one.Stats(); counted != 40 || skipped != 3 {
		t.Errorf("first counter: counted %d, skipped %d; want 40 and 3", counted, skipped)
	}
}

// TestNothingIdentifiesReaders: after counting, the database holds no
// reader's address and no browser string, in any table or in its log.
func TestNothingIdentifiesReaders(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "sahafa.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.SaveArticles(ctx, []news.ArticleRecord{{Article: news.Article{ExternalID: "p", Slug: "p",
		Title: "جلسة البرلمان الأخيرة", Body: "<p>انعقدت الجلسة.</p>", Section: news.Section{Slug: "politics", Name: "سياسة"},
		PublishedAt: time.Now(), Status: news.StatusPublished}}})
	if err != nil {
		t.Fatal(err)
	}
	c := readership.New(readership.Options{Store: st})
	c.LearnSalt(ctx)
	const ip, ua = "192.0.2.123", "Mozilla/5.0 (X11; Linux) SahafaPrivacyProbe/7.7"
	for range 20 {
		c.View(view(ip, ua, "Referer", "https://news.example.org/"), res.IDs[0])
	}
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.ArticleViewTotal(ctx, res.IDs[0], time.Now().Add(-time.Hour)); n != 20 {
		t.Fatalf("views: %d, want 20 (the probe must be counted to mean anything)", n)
	}
	st.Close()
	files, _ := filepath.Glob(path + "*")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{ip, ua, "SahafaPrivacyProbe"} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s holds %q", filepath.Base(f), secret)
			}
		}
	}
}

// TestMadeUpReferrersAndOutages: the Referer is whatever a client sends;
// a flood of made-up domains is counted one by one up to the hour's
// bound, then as OtherDomains, so that it adds a bounded number of rows.
// While the database is down the counts wait in memory, bounded too:
// views of keys not held already are dropped and counted as dropped.
func TestMadeUpReferrersAndOutages(t *testing.T) {
	ctx := context.Background()
	st := teststores.SQLite(t)
	res, err := st.SaveArticles(ctx, []news.ArticleRecord{{Article: news.Article{ExternalID: "r1", Slug: "r1",
		Title: "حريق في مستودع قرب الميناء", Body: "<p>اندلع حريق.</p>", Section: news.Section{Slug: "local", Name: "محليات"},
		PublishedAt: time.Now().Add(-time.Hour), Status: news.StatusPublished}}})
	if err != nil {
		t.Fatal(err)
	}
	a := res.IDs[0]
	c := readership.New(readership.Options{Store: st, Every: time.Hour})
	for i := range 3000 {
		c.View(view("198.51.100.7", chromeUA, "Referer", fmt.Sprintf("https://spam-%d.example/", i)), a)
	}
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	since := time.Now().Add(-2 * time.Hour)
	refs, err := st.TopReferrers(ctx, since, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) < 2 || refs[0].Domain != readership.OtherDomains || refs[0].Views != 2000 || refs[1].Views != 1 {
		t.Errorf("3,000 made-up referrers: %+v; want %s with 2,000, then domains of one view each", refs[:min(len(refs), 3)], readership.OtherDomains)
	}
	if n, _ := st.ArticleViewTotal(ctx, a, since); n != 3000 {
		t.Errorf("views: %d, want 3,000", n)
	}

	// The database goes away: counts wait, within the bound.
	down := readership.New(readership.Options{Store: failingViews{st}, Every: time.Hour,
		Now: func() time.Time { return time.Now() }})
	for i := range 300_000 {
		down.View(view("198.51.100.8", chromeUA), int64(i+1))
		if i%50_000 == 0 {
			down.Flush(ctx) // fails: everything is kept
		}
	}
	if n := down.Dropped(); n != 100_000 {
		t.Errorf("dropped %d views of 300,000 distinct keys while the database was down, want 100,000 (past 200,000 held)", n)
	}
	down.View(view("198.51.100.8", chromeUA), 1) // a key held still counts
	if counted, _ := down.Stats(); counted != 300_001 {
		t.Errorf("counted %d", counted)
	}
}

// failingViews is a store whose writes of counts fail, as when the
// database is down.
type failingViews struct{ news.Store }

func (failingViews) AddViews(context.Context, news.ViewBatch) error {
	return news.Errorf(news.EUNAVAILABLE, "the database is down")
}
