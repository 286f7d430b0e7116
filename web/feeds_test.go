package web_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"sahafa/news"
	"sahafa/store/teststores"
	"sahafa/web"
)

const (
	testBase       = "http://news.example" // the fixture's BaseURL
	titleDraftFeed = "مسودة سرية عن القاعدة لم تنشر بعد"
	bodyRocketsCue = "قالت مصادر محلية إن عدة صواريخ سقطت"
)

var (
	tagMilitary = news.Tag{Slug: "military", Name: "شؤون عسكرية"}
	tagSecurity = news.Tag{Slug: "امن", Name: "أمن"}
)

// seoFixture is the web fixture with what feeds and search engines look
// at: the rockets story carries two tags and a lead image from the media
// library, and a draft in the same section, by the same author and with
// the same tag, is newer than every published article.
type seoFixture struct {
	*fixture
	rockets  news.Article // as stored after the edit
	mediaURL string       // the lead image's path
}

func newSEOFixture(t *testing.T, open teststores.OpenFunc) *seoFixture {
	t.Helper()
	f := newFixture(t, open, web.Options{})
	ctx := context.Background()
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewRGBA(image.Rect(0, 0, 640, 400)), nil); err != nil {
		t.Fatal(err)
	}
	m, err := f.store.SaveMedia(ctx, news.Media{Alt: "ساحة المدينة عند الغروب", Format: "jpeg", Width: 640, Height: 400},
		[]news.MediaFile{{MediaVariant: news.MediaVariant{Width: 640, Height: 400, ContentType: "image/jpeg", Ext: "jpg"}, Data: jpg.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	rec := news.ArticleRecord{Article: f.byExt["t-rockets"]}
	rec.Tags = []news.Tag{tagSecurity, tagMilitary}
	rec.Image = &news.Image{URL: m.URL(m.Variants[0]), Width: 640, Height: 400, Alt: m.Alt, MediaID: m.ID}
	draft := news.ArticleRecord{Article: news.Article{ExternalID: "t-feed-draft", Slug: "secret-draft", Title: titleDraftFeed,
		Abstract: "لا يراها أحد.", Body: "<p>نص المسودة.</p>", Section: secWorld, Authors: []news.Author{auYasser},
		Tags: []news.Tag{tagMilitary}, Status: news.StatusDraft, PublishedAt: time.Now().Add(-time.Hour)}}
	if _, err := f.store.SaveArticles(ctx, []news.ArticleRecord{rec, draft}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	a, err := f.store.Article(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &seoFixture{fixture: f, rockets: a, mediaURL: m.URL(m.Variants[0])}
}

// resolve fetches an absolute URL of the site from the site and fails
// unless it answers 200.
func (f *fixture) resolve(abs string) response {
	f.t.Helper()
	p, ok := strings.CutPrefix(abs, testBase+"/")
	if !ok {
		f.t.Fatalf("%q is not an absolute URL of the site", abs)
	}
	return f.mustGet("/"+p, http.StatusOK)
}

// feedCase is one list with feeds and what its feeds must hold.
type feedCase struct {
	path   string             // the list's page, percent-encoded
	filter news.ArticleFilter // the same list, from the store
	limit  int
}

func feedCases() []feedCase {
	return []feedCase{
		{path: "/", limit: 50},
		{path: "/world/", filter: news.ArticleFilter{SectionSlug: "world"}, limit: 20},
		{path: "/" + url.PathEscape(secEconomy.Slug) + "/", filter: news.ArticleFilter{SectionSlug: secEconomy.Slug}, limit: 20},
		{path: "/author/yasser-rashad/", filter: news.ArticleFilter{AuthorSlug: auYasser.Slug}, limit: 20},
		{path: "/author/" + url.PathEscape(auKarim.Slug) + "/", filter: news.ArticleFilter{AuthorSlug: auKarim.Slug}, limit: 20},
		{path: "/author/mona-abdallah/", filter: news.ArticleFilter{AuthorSlug: auMona.Slug}, limit: 20},
		{path: "/tag/military/", filter: news.ArticleFilter{TagSlug: tagMilitary.Slug}, limit: 20},
		{path: "/tag/" + url.PathEscape(tagSecurity.Slug) + "/", filter: news.ArticleFilter{TagSlug: tagSecurity.Slug}, limit: 20},
	}
}

var feedKinds = []struct {
	suffix, contentType string
	feedType            gofeed.FeedType
}{
	{"feed/", "application/rss+xml; charset=utf-8", gofeed.FeedTypeRSS},
	{"feed/atom/", "application/atom+xml; charset=utf-8", gofeed.FeedTypeAtom},
	{"feed/json/", "application/feed+json; charset=utf-8", gofeed.FeedTypeJSON},
}

// TestFeeds reads every feed of the site, of sections, authors and tags in
// the three formats with a real parser (gofeed) and checks their items
// against the store: count, order, Arabic titles, absolute links that
// resolve, and no draft (the fixture's draft is newer than every published
// article and belongs to the site, world, Yasser and military lists).
func TestFeeds(t *testing.T) { teststores.Each(t, testFeeds) }

func testFeeds(t *testing.T, open teststores.OpenFunc) {
	f := newSEOFixture(t, open)
	ctx := context.Background()
	resolved := map[string]bool{}
	for _, c := range feedCases() {
		c.filter.Limit = c.limit
		want, err := f.store.Articles(ctx, c.filter)
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Articles) == 0 {
			t.Fatalf("%s: no articles in the fixture", c.path)
		}
		for _, k := range feedKinds {
			target := c.path + k.suffix
			r := f.mustGet(target, http.StatusOK)
			if ct := r.header.Get("Content-Type"); ct != k.contentType {
				t.Errorf("%s: Content-Type %q", target, ct)
			}
			if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") || r.header.Get("ETag") == "" {
				t.Errorf("%s: Cache-Control %q, ETag %q", target, cc, r.header.Get("ETag"))
			}
			fd, err := gofeed.NewParser().ParseString(r.body)
			if err != nil {
				t.Fatalf("%s: %v\n%s", target, err, excerpt(r.body))
			}
			if typ := gofeed.DetectFeedType(strings.NewReader(r.body)); typ != k.feedType || fd.Language != "ar" {
				t.Errorf("%s: type %v, language %q", target, typ, fd.Language)
			}
			if fd.Link != testBase+c.path {
				t.Errorf("%s: link %q", target, fd.Link)
			}
			if !strings.HasSuffix(fd.Title, "صحافة") {
				t.Errorf("%s: title %q", target, fd.Title)
			}
			if len(fd.Items) != min(c.limit, want.Total) || len(fd.Items) != len(want.Articles) {
				t.Fatalf("%s: %d items, want %d of %d", target, len(fd.Items), len(want.Articles), want.Total)
			}
			for i, it := range fd.Items {
				a := want.Articles[i]
				if it.Title != a.Title {
					t.Errorf("%s: item %d title %q, want %q", target, i, it.Title, a.Title)
				}
				if it.Link != testBase+a.Path() {
					t.Errorf("%s: item %d link %q, want %q", target, i, it.Link, testBase+a.Path())
				}
				if it.PublishedParsed == nil || !it.PublishedParsed.Equal(a.PublishedAt.Truncate(time.Second)) {
					t.Errorf("%s: item %d published %v, want %v", target, i, it.PublishedParsed, a.PublishedAt)
				}
				if i > 0 && it.PublishedParsed.After(*fd.Items[i-1].PublishedParsed) {
					t.Errorf("%s: item %d is newer than item %d", target, i, i-1)
				}
				if it.Title == titleDraftFeed {
					t.Errorf("%s: the draft is in the feed", target)
				}
				if !resolved[it.Link] {
					f.resolve(it.Link)
					resolved[it.Link] = true
				}
				for _, au := range it.Authors {
					if au.Name == "" {
						t.Errorf("%s: item %d has an author without a name", target, i)
					}
				}
			}
			if strings.Contains(r.body, titleDraftFeed) || strings.Contains(r.body, "secret-draft") {
				t.Errorf("%s: the draft is in the document", target)
			}
			f.resolve(fd.Link)
			// The second request is a page cache hit.
			if again := f.mustGet(target, http.StatusOK); again.header.Get("X-Cache") != "hit" || again.body != r.body {
				t.Errorf("%s: second request X-Cache %q", target, again.header.Get("X-Cache"))
			}
		}
	}
}

// TestFeedItemDetails checks one item in each format: the rockets story,
// with its two tags, lead image and full text.
func TestFeedItemDetails(t *testing.T) { teststores.Each(t, testFeedItemDetails) }

func testFeedItemDetails(t *testing.T, open teststores.OpenFunc) {
	f := newSEOFixture(t, open)
	for _, k := range feedKinds {
		target := "/tag/military/" + k.suffix
		fd, err := gofeed.NewParser().ParseString(f.mustGet(target, http.StatusOK).body)
		if err != nil {
			t.Fatal(err)
		}
		if len(fd.Items) != 1 {
			t.Fatalf("%s: %d items", target, len(fd.Items))
		}
		it := fd.Items[0]
		if it.Title != titleRockets || !strings.Contains(it.Content, bodyRocketsCue) || it.Description != abstractRockets {
			t.Errorf("%s: title %q, description %q, content %q", target, it.Title, it.Description, it.Content)
		}
		if got := strings.Join(it.Categories, "|"); got != "أخبار العالم|أمن|شؤون عسكرية" {
			t.Errorf("%s: categories %q", target, got)
		}
		if len(it.Authors) != 1 || it.Authors[0].Name != auYasser.Name {
			t.Errorf("%s: authors %+v", target, it.Authors)
		}
		img := ""
		switch {
		case it.Image != nil:
			img = it.Image.URL
		case len(it.Enclosures) > 0:
			img = it.Enclosures[0].URL
		}
		if img != testBase+f.mediaURL {
			t.Errorf("%s: image %q, want %q", target, img, testBase+f.mediaURL)
		} else if r := f.resolve(img); r.header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("%s: image served as %q", target, r.header.Get("Content-Type"))
		}
	}
}

// TestFeedContentSetting: the feed_content setting switches every feed
// between full text and summaries.
func TestFeedContentSetting(t *testing.T) { teststores.Each(t, testFeedContentSetting) }

func testFeedContentSetting(t *testing.T, open teststores.OpenFunc) {
	f := newSEOFixture(t, open)
	ctx := context.Background()
	check := func(full bool) {
		t.Helper()
		for _, k := range feedKinds {
			for _, base := range []string{"/", "/world/", "/author/yasser-rashad/", "/tag/military/"} {
				target := base + k.suffix
				fd, err := gofeed.NewParser().ParseString(f.mustGet(target, http.StatusOK).body)
				if err != nil {
					t.Fatal(err)
				}
				i := slices.IndexFunc(fd.Items, func(it *gofeed.Item) bool { return it.Title == titleRockets })
				if i < 0 {
					t.Fatalf("%s: no rockets story", target)
				}
				it := fd.Items[i]
				if it.Description != abstractRockets {
					t.Errorf("%s (full %v): description %q", target, full, it.Description)
				}
				if has := strings.Contains(it.Content, bodyRocketsCue); has != full {
					t.Errorf("%s (full %v): content %q", target, full, it.Content)
				}
			}
		}
	}
	check(true)
	if err := f.store.SaveSettings(ctx, map[string]string{"feed_content": "summary"}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	check(false)
	if err := f.store.SaveSettings(ctx, map[string]string{"feed_content": "full"}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	check(true)
}

// TestFeedLinksInHead: the home page advertises the site's feeds, and
// section, author and tag pages theirs, with <link rel="alternate">; every
// link answers with its format.
func TestFeedLinksInHead(t *testing.T) { teststores.Each(t, testFeedLinksInHead) }

func testFeedLinksInHead(t *testing.T, open teststores.OpenFunc) {
	f := newSEOFixture(t, open)
	types := map[string]string{"feed/": "application/rss+xml", "feed/atom/": "application/atom+xml", "feed/json/": "application/feed+json"}
	for _, c := range feedCases() {
		for _, page := range []string{c.path, c.path + "?page=2"} {
			r := f.get(page)
			if r.status == http.StatusNotFound && strings.Contains(page, "?page=2") {
				continue // a short list has no second page
			}
			if r.status != http.StatusOK {
				t.Fatalf("GET %s: %d", page, r.status)
			}
			links := parseHead(t, r.body).alternates
			if len(links) != 3 {
				t.Fatalf("%s: %d alternate links: %+v", page, len(links), links)
			}
			for suffix, typ := range types {
				l, ok := links[testBase+c.path+suffix]
				if !ok || l["type"] != typ || !strings.Contains(l["title"], "صحافة") {
					t.Errorf("%s: alternate %s: %v (all: %v)", page, suffix, l, links)
					continue
				}
				fr := f.resolve(testBase + c.path + suffix)
				if ct, _, _ := strings.Cut(fr.header.Get("Content-Type"), ";"); ct != typ {
					t.Errorf("%s: %s answers %q", page, suffix, fr.header.Get("Content-Type"))
				}
			}
		}
	}
	// Articles, archives and error pages advertise no list feed.
	for _, page := range []string{f.rockets.Path(), "/archive/2024/", "/no-such-section/"} {
		if links := parseHead(t, f.get(page).body).alternates; len(links) != 0 {
			t.Errorf("%s: alternate links %v", page, links)
		}
	}
}

// TestFeedURLs: feeds of unknown lists are 404, feeds take no query
// parameter, and the section feed path does not take other paths over.
func TestFeedURLs(t *testing.T) { teststores.Each(t, testFeedURLs) }

func testFeedURLs(t *testing.T, open teststores.OpenFunc) {
	f := newSEOFixture(t, open)
	for _, target := range []string{"/no-such-section/feed/", "/no-such-section/feed/atom/", "/author/nobody/feed/json/",
		"/tag/no-such-tag/feed/", "/world/feed/rss/", "/world/feeds/", "/world/feed/atom/x/", "/a/b/c", "/a/b"} {
		r := f.get(target)
		if r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", target, r.status)
		}
	}
	for target, want := range map[string]string{
		"/feed/?utm_source=x":                 "/feed/",
		"/world/feed/?page=2":                 "/world/feed/",
		"/tag/military/feed/json/?page=1&x=2": "/tag/military/feed/json/",
		"/sitemap.xml?x=1":                    "/sitemap.xml",
		"/sitemaps/news.xml?a=b":              "/sitemaps/news.xml",
		"/robots.txt?page=2":                  "/robots.txt",
	} {
		r := f.get(target)
		if r.status != http.StatusMovedPermanently || r.header.Get("Location") != want {
			t.Errorf("GET %s: %d Location %q, want 301 %q", target, r.status, r.header.Get("Location"), want)
		}
	}
	// An author or tag whose slug is "feed", and a section named
	// "sitemaps", keep their pages and their ?page=N.
	for _, target := range []string{"/author/feed/?page=2", "/tag/feed/?page=2", "/sitemaps/?page=2"} {
		if r := f.get(target); r.status == http.StatusMovedPermanently {
			t.Errorf("%s redirected to %s", target, r.header.Get("Location"))
		}
	}
	// An old URL ending in /feed/ still redirects to its article.
	ctx := context.Background()
	rec := news.ArticleRecord{Article: f.rockets, OldPaths: []string{"/old-site/feed/"}}
	if _, err := f.store.SaveArticles(ctx, []news.ArticleRecord{rec}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	if r := f.get("/old-site/feed/"); r.status != http.StatusMovedPermanently || r.header.Get("Location") != f.rockets.Path() {
		t.Errorf("GET /old-site/feed/: %d %q", r.status, r.header.Get("Location"))
	}
	// HEAD answers like GET without a body; If-None-Match gets a 304.
	r := f.do(http.MethodHead, "/world/feed/atom/")
	if r.status != http.StatusOK || r.body != "" || !strings.HasPrefix(r.header.Get("Content-Type"), "application/atom+xml") {
		t.Errorf("HEAD: %d, %q, %d bytes", r.status, r.header.Get("Content-Type"), len(r.body))
	}
	etag := f.get("/world/feed/atom/").header.Get("ETag")
	if r := f.do(http.MethodGet, "/world/feed/atom/", "If-None-Match", etag); r.status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", r.status)
	}
	if r := f.do(http.MethodPost, "/world/feed/"); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST /world/feed/: %d", r.status)
	}
}
