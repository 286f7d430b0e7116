package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/pagecache"
	"sahafa/store/teststores"
	"sahafa/web"
)

// TestViewsCountedFromTheCache: every answer of an article page is told
// to the counter, from the page cache or rendered, and a 304 to a
// reload; other pages, redirects and 404s are not. The most read list is
// on the home page and in an article's side column (without the article
// itself).
func TestViewsCountedFromTheCache(t *testing.T) { teststores.Each(t, testViewsCountedFromTheCache) }

func testViewsCountedFromTheCache(t *testing.T, open teststores.OpenFunc) {
	var mu sync.Mutex
	seen := map[int64]int{}
	var asked []string // the sections whose most read were asked for
	var f *fixture
	f = newFixture(t, open, web.Options{
		Viewed: func(r *http.Request, id int64) { mu.Lock(); seen[id]++; mu.Unlock() },
		MostRead: func(ctx context.Context, section string) ([]news.Article, error) {
			mu.Lock()
			asked = append(asked, section)
			mu.Unlock()
			return []news.Article{f.byExt["t-gold"], f.byExt["t-rockets"]}, nil
		}})
	rockets := f.byExt["t-rockets"]
	first := f.mustGet(rockets.Path(), http.StatusOK)
	if first.header.Get(pagecache.HeaderName) != "miss" {
		t.Fatalf("first view: %q", first.header.Get(pagecache.HeaderName))
	}
	if hit := f.mustGet(rockets.Path(), http.StatusOK); hit.header.Get(pagecache.HeaderName) != "hit" {
		t.Fatalf("second view: %q", hit.header.Get(pagecache.HeaderName))
	}
	if r := f.do("GET", rockets.Path(), "If-None-Match", first.header.Get("ETag")); r.status != http.StatusNotModified {
		t.Fatalf("a reload: %d", r.status)
	}
	f.mustGet("/", http.StatusOK)
	f.mustGet("/archive/", http.StatusOK)
	f.get("/world/2024/03/15/no-such-article")
	mu.Lock()
	if len(seen) != 1 || seen[rockets.ID] != 3 {
		t.Errorf("views told: %v, want article %d three times (rendered, cached, 304) and nothing else", seen, rockets.ID)
	}
	mu.Unlock()
	side := first.body[strings.Index(first.body, `class="article-side"`):]
	if !strings.Contains(side, "الأكثر قراءة") || !strings.Contains(side, titleGold) || strings.Contains(side, `href="`+rockets.Path()+`"><bdi`) {
		t.Error("the article's side column should list the most read, without the article itself")
	}
	home := f.mustGet("/", http.StatusOK)
	if !strings.Contains(home.body, `<h2 id="most-read-title">الأكثر قراءة</h2>`) || !strings.Contains(home.body, titleRockets) {
		t.Error("the home page lacks the most read list")
	}
	if sec := f.mustGet("/world/", http.StatusOK); !strings.Contains(sec.body, `<h2 id="most-read-title">`) {
		t.Error("the section's first page lacks its most read list")
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(asked, "world") || !slices.Contains(asked, "") {
		t.Errorf("most read asked for %q, want the site's (\"\") and the section's (world)", asked)
	}
}

// TestBeacon: behind a CDN, article pages carry a 1×1 image that counts
// the view (never cached: every view asks again), and the page's own
// answer counts nothing, so a view is counted once wherever the page
// came from; made-up or unpublished ids count nothing; previews carry no
// beacon.
func TestBeacon(t *testing.T) { teststores.Each(t, testBeacon) }

func testBeacon(t *testing.T, open teststores.OpenFunc) {
	var mu sync.Mutex
	seen := map[int64]int{}
	f := newFixture(t, open, web.Options{Beacon: true,
		Viewed: func(r *http.Request, id int64) { mu.Lock(); seen[id]++; mu.Unlock() }})
	rockets := f.byExt["t-rockets"]
	page := f.mustGet(rockets.Path(), http.StatusOK)
	beacon := fmt.Sprintf(`<img class="beacon" src="/hit/%d.gif" width="1" height="1" alt=""`, rockets.ID)
	if !strings.Contains(page.body, beacon) {
		t.Fatalf("the article page lacks its beacon %s", beacon)
	}
	f.mustGet(rockets.Path(), http.StatusOK) // from the page cache: counts nothing either
	for range 3 {
		hit := f.mustGet(fmt.Sprintf("/hit/%d.gif", rockets.ID), http.StatusOK)
		if hit.header.Get("Content-Type") != "image/gif" || hit.header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(hit.body, "GIF89a") {
			t.Errorf("the beacon answers %q, %q", hit.header.Get("Content-Type"), hit.header.Get("Cache-Control"))
		}
	}
	f.get("/hit/999999.gif")
	f.get("/hit/abc.gif")
	mu.Lock()
	if len(seen) != 1 || seen[rockets.ID] != 3 {
		t.Errorf("views told: %v, want article %d three times (the beacons) and nothing else", seen, rockets.ID)
	}
	mu.Unlock()
	if r := f.get("/hit/999999.gif"); r.status != http.StatusNotFound {
		t.Errorf("a made-up id: %d, want 404", r.status)
	}
	rec := httptest.NewRecorder()
	f.site.Preview(rec, httptest.NewRequest("GET", "/newsroom/preview", nil), rockets)
	if strings.Contains(rec.Body.String(), `class="beacon"`) {
		t.Error("a newsroom preview carries the beacon")
	}
}

// TestPageKeys: every list page and feed carries the keys a CDN purges
// by (Surrogate-Key, and Cache-Tag in Cloudflare's commas): the home
// page "home", a section's pages and feeds its section, an author's the
// author, the site's feeds "feed"; an article its own. With SharedMaxAge
// shared caches may keep pages longer (s-maxage); browsers still a minute.
func TestPageKeys(t *testing.T) {
	f := newFixture(t, teststores.SQLite, web.Options{SharedMaxAge: time.Hour})
	rockets := f.byExt["t-rockets"]
	for path, key := range map[string]string{
		"/": news.HomeKey, "/world/": news.SectionKey("world"), "/world/feed/": news.SectionKey("world"),
		"/author/mona-abdallah/": news.AuthorKey("mona-abdallah"), "/feed/": news.FeedKey, "/feed/atom/": news.FeedKey,
		rockets.Path(): news.CacheTag(rockets.ID),
	} {
		r := f.mustGet(path, http.StatusOK)
		if tags := strings.Fields(r.header.Get("Surrogate-Key")); !slices.Contains(tags, key) {
			t.Errorf("%s: Surrogate-Key %q lacks %q", path, tags, key)
		}
		if tags := strings.Split(r.header.Get("Cache-Tag"), ","); !slices.Contains(tags, key) {
			t.Errorf("%s: Cache-Tag %q lacks %q", path, tags, key)
		}
		if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=60") || !strings.Contains(cc, "s-maxage=3600") {
			t.Errorf("%s: Cache-Control %q", path, cc)
		}
	}
}
