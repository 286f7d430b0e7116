package feed_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	atomparser "github.com/mmcdole/gofeed/atom"
	jsonparser "github.com/mmcdole/gofeed/json"
	rssparser "github.com/mmcdole/gofeed/rss"

	"sahafa/feed"
	"sahafa/news"
)

const base = "https://news.example"

// articles are two stories, newest first; the first has Arabic slugs, a
// lead image, tags, two authors and characters XML cannot carry.
func articles() []news.Article {
	return []news.Article{
		{ID: 2, Slug: "سقوط-صواريخ", Title: "سقوط صواريخ\x00 قرب «القاعدة» & <المطار>\x1b",
			Abstract:    "صواريخ تسقط قرب قاعدة عسكرية\uFFFE ولا إصابات.",
			Body:        `<p>قالت مصادر <a href="/world/">محلية</a> إن صواريخ سقطت.</p><figure><img src="/media/7/640.jpg" srcset="/media/7/320.jpg 320w, /media/7/640.jpg 640w" alt="ساحة"></figure><p><a href="https://other.example/x">رابط</a> <a href="#n">حاشية</a></p>`,
			Section:     news.Section{Slug: "اقتصاد", Name: "اقتصاد"},
			Authors:     []news.Author{{Slug: "ياسر-رشاد", Name: "ياسر رشاد"}, {Slug: "mona", Name: "منى عبد الله"}},
			Tags:        []news.Tag{{Slug: "امن", Name: "أمن"}, {Slug: "military", Name: "شؤون عسكرية"}},
			Image:       &news.Image{URL: "/media/7/640.jpg", Width: 640, Height: 400, Alt: "ساحة المدينة"},
			PublishedAt: time.Date(2024, 3, 15, 10, 0, 0, 0, time.UTC),
			UpdatedAt:   time.Date(2024, 3, 16, 8, 30, 0, 0, time.UTC)},
		{ID: 1, Slug: "talks", Title: "استئناف المحادثات",
			Body:        "<p>" + strings.Repeat("عاد الوفدان إلى طاولة التفاوض بعد توقف. ", 30) + "</p>",
			Section:     news.Section{Slug: "world", Name: "أخبار العالم"},
			PublishedAt: time.Date(2024, 3, 14, 8, 30, 0, 0, time.UTC),
			UpdatedAt:   time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}, // saved before it went out
	}
}

func testFeed(full bool, self string) feed.Feed {
	return feed.Feed{Title: "صحافة", Description: "آخر الأخبار", BaseURL: base, Link: base + "/",
		Self: self, Publisher: "صحافة", Full: full}
}

var cleanTitle = "سقوط صواريخ قرب «القاعدة» & <المطار>"

func write(t *testing.T, fn func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := fn(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkCommon checks what every format must carry, through gofeed's
// format-neutral model.
func checkCommon(t *testing.T, kind string, doc []byte, full bool) {
	t.Helper()
	fd, err := gofeed.NewParser().Parse(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("%s: gofeed: %v\n%s", kind, err, doc)
	}
	if fd.Title != "صحافة" || fd.Language != "ar" || fd.Link != base+"/" {
		t.Errorf("%s: title %q, language %q, link %q", kind, fd.Title, fd.Language, fd.Link)
	}
	if len(fd.Items) != 2 {
		t.Fatalf("%s: %d items", kind, len(fd.Items))
	}
	it := fd.Items[0]
	wantLink := base + "/%D8%A7%D9%82%D8%AA%D8%B5%D8%A7%D8%AF/2024/03/15/%D8%B3%D9%82%D9%88%D8%B7-%D8%B5%D9%88%D8%A7%D8%B1%D9%8A%D8%AE"
	if it.Title != cleanTitle || it.Link != wantLink {
		t.Errorf("%s: item title %q link %q", kind, it.Title, it.Link)
	}
	if it.PublishedParsed == nil || !it.PublishedParsed.Equal(time.Date(2024, 3, 15, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("%s: published %v", kind, it.PublishedParsed)
	}
	if !fd.Items[1].PublishedParsed.Before(*it.PublishedParsed) {
		t.Errorf("%s: items not newest first", kind)
	}
	cats := strings.Join(it.Categories, "|")
	if cats != "اقتصاد|أمن|شؤون عسكرية" {
		t.Errorf("%s: categories %q", kind, cats)
	}
	if len(it.Authors) == 0 || it.Authors[0].Name != "ياسر رشاد" {
		t.Errorf("%s: authors %+v", kind, it.Authors)
	}
	if kind == "atom" {
		// Atom has no item image: the lead image is an enclosure link.
		if len(it.Enclosures) != 1 || it.Enclosures[0].URL != base+"/media/7/640.jpg" || it.Enclosures[0].Type != "image/jpeg" {
			t.Errorf("%s: enclosures %+v", kind, it.Enclosures)
		}
	} else if it.Image == nil || it.Image.URL != base+"/media/7/640.jpg" {
		t.Errorf("%s: image %+v", kind, it.Image)
	}
	if full {
		for _, want := range []string{`href="` + base + `/world/"`, `src="` + base + `/media/7/640.jpg"`,
			base + "/media/7/320.jpg 320w", `href="https://other.example/x"`, `href="#n"`} {
			if !strings.Contains(it.Content, want) {
				t.Errorf("%s: content lacks %s:\n%s", kind, want, it.Content)
			}
		}
	} else if strings.Contains(it.Content, "قالت مصادر") {
		t.Errorf("%s: summary feed carries the body: %q", kind, it.Content)
	}
	// The second article has no abstract: its summary is the start of its
	// body, cut at a word.
	sum := fd.Items[1].Description
	if !strings.HasPrefix(sum, "عاد الوفدان") || !strings.HasSuffix(sum, "…") || len([]rune(sum)) > 301 {
		t.Errorf("%s: summary of a body: %q", kind, sum)
	}
}

func TestRSS(t *testing.T) {
	for _, full := range []bool{true, false} {
		doc := write(t, func(b *bytes.Buffer) error { return feed.WriteRSS(b, testFeed(full, base+"/feed/"), articles()) })
		checkCommon(t, "rss", doc, full)
		rss, err := (&rssparser.Parser{}).Parse(bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if rss.Version != "2.0" || rss.Language != "ar" {
			t.Errorf("version %q language %q", rss.Version, rss.Language)
		}
		if self := rss.Extensions["atom"]["link"]; len(self) != 1 || self[0].Attrs["rel"] != "self" ||
			self[0].Attrs["href"] != base+"/feed/" || self[0].Attrs["type"] != "application/rss+xml" {
			t.Errorf("atom:link %+v", self)
		}
		it := rss.Items[0]
		if it.GUID == nil || it.GUID.Value != it.Link || it.GUID.IsPermalink != "true" {
			t.Errorf("guid %+v", it.GUID)
		}
		if it.Description != "صواريخ تسقط قرب قاعدة عسكرية ولا إصابات." {
			t.Errorf("description %q", it.Description)
		}
		if it.DublinCoreExt == nil || strings.Join(it.DublinCoreExt.Creator, "|") != "ياسر رشاد|منى عبد الله" {
			t.Errorf("dc:creator %+v", it.DublinCoreExt)
		}
		if full != (it.Content != "") {
			t.Errorf("full %v: content:encoded %q", full, it.Content)
		}
		mc := it.Extensions["media"]["content"]
		if len(mc) != 1 || mc[0].Attrs["width"] != "640" || mc[0].Attrs["type"] != "image/jpeg" {
			t.Errorf("media:content %+v", mc)
		}
		if _, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil {
			t.Errorf("pubDate %q: %v", it.PubDate, err)
		}
		if rss.LastBuildDate != "Sat, 16 Mar 2024 08:30:00 +0000" {
			t.Errorf("lastBuildDate %q", rss.LastBuildDate)
		}
		checkWellFormed(t, doc)
	}
}

func TestAtom(t *testing.T) {
	for _, full := range []bool{true, false} {
		doc := write(t, func(b *bytes.Buffer) error { return feed.WriteAtom(b, testFeed(full, base+"/feed/atom/"), articles()) })
		checkCommon(t, "atom", doc, full)
		a, err := (&atomparser.Parser{}).Parse(bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if a.Language != "ar" || a.ID != base+"/feed/atom/" || a.Updated != "2024-03-16T08:30:00Z" {
			t.Errorf("xml:lang %q id %q updated %q", a.Language, a.ID, a.Updated)
		}
		if len(a.Authors) != 1 || a.Authors[0].Name != "صحافة" {
			t.Errorf("feed author %+v", a.Authors)
		}
		var self string
		for _, l := range a.Links {
			if l.Rel == "self" {
				self = l.Href
			}
		}
		if self != base+"/feed/atom/" {
			t.Errorf("rel=self %q", self)
		}
		e := a.Entries[0]
		if e.ID != e.Links[0].Href || !strings.HasPrefix(e.ID, base+"/") {
			t.Errorf("entry id %q links %+v", e.ID, e.Links)
		}
		if len(e.Authors) != 2 || e.Authors[1].Name != "منى عبد الله" || e.Authors[0].URI != base+"/author/%D9%8A%D8%A7%D8%B3%D8%B1-%D8%B1%D8%B4%D8%A7%D8%AF/" {
			t.Errorf("entry authors %+v", e.Authors)
		}
		if e.Summary == "" || (e.Content != nil) != full {
			t.Errorf("full %v: summary %q content %+v", full, e.Summary, e.Content)
		}
		if full && e.Content.Type != "html" {
			t.Errorf("content type %q", e.Content.Type)
		}
		// The second entry was saved before publication: updated is its
		// publication time, not earlier.
		if a.Entries[1].Updated != a.Entries[1].Published {
			t.Errorf("updated %q before published %q", a.Entries[1].Updated, a.Entries[1].Published)
		}
		checkWellFormed(t, doc)
	}
}

func TestJSONFeed(t *testing.T) {
	for _, full := range []bool{true, false} {
		doc := write(t, func(b *bytes.Buffer) error { return feed.WriteJSON(b, testFeed(full, base+"/feed/json/"), articles()) })
		checkCommon(t, "json", doc, full)
		j, err := (&jsonparser.Parser{}).Parse(bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if j.Version != "https://jsonfeed.org/version/1.1" || j.Language != "ar" || j.FeedURL != base+"/feed/json/" {
			t.Errorf("version %q language %q feed_url %q", j.Version, j.Language, j.FeedURL)
		}
		it := j.Items[0]
		if it.ID != it.URL || len(it.Authors) != 2 || it.Image != base+"/media/7/640.jpg" {
			t.Errorf("item %+v", it)
		}
		if full != (it.ContentHTML != "") || full == (it.ContentText != "") {
			t.Errorf("full %v: content_html %q content_text %q", full, it.ContentHTML, it.ContentText)
		}
		// Every item has content_html or content_text (required).
		var raw struct {
			Items []map[string]any `json:"items"`
		}
		if err := json.Unmarshal(doc, &raw); err != nil {
			t.Fatal(err)
		}
		for i, it := range raw.Items {
			if it["content_html"] == nil && it["content_text"] == nil {
				t.Errorf("item %d has no content", i)
			}
		}
	}
	// An empty feed has an empty items array, not null.
	doc := write(t, func(b *bytes.Buffer) error { return feed.WriteJSON(b, testFeed(true, ""), nil) })
	if !bytes.Contains(doc, []byte(`"items": []`)) {
		t.Errorf("empty feed: %s", doc)
	}
}

// checkWellFormed decodes every token of an XML document.
func checkWellFormed(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("not well-formed: %v", err)
		}
	}
}

type sitemapIndex struct {
	XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

type urlSet struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc     string   `xml:"loc"`
		LastMod string   `xml:"lastmod"`
		Images  []string `xml:"http://www.google.com/schemas/sitemap-image/1.1 image>loc"`
		News    *struct {
			Name     string `xml:"publication>name"`
			Language string `xml:"publication>language"`
			Date     string `xml:"publication_date"`
			Title    string `xml:"title"`
		} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
	} `xml:"url"`
}

func TestSitemaps(t *testing.T) {
	doc := write(t, func(b *bytes.Buffer) error {
		return feed.WriteSitemapIndex(b, []feed.Sitemap{{Loc: base + "/sitemaps/2024-03.xml",
			LastMod: time.Date(2024, 3, 16, 11, 30, 0, 0, time.FixedZone("AST", 3*3600))}, {Loc: base + "/sitemaps/pages.xml"}})
	})
	var idx sitemapIndex
	if err := xml.Unmarshal(doc, &idx); err != nil {
		t.Fatalf("index: %v\n%s", err, doc)
	}
	if len(idx.Sitemaps) != 2 || idx.Sitemaps[0].LastMod != "2024-03-16T08:30:00Z" || idx.Sitemaps[1].LastMod != "" {
		t.Errorf("index %+v", idx)
	}

	var urls []feed.URL
	for _, a := range articles() {
		urls = append(urls, feed.ArticleURL(base, a))
	}
	doc = write(t, func(b *bytes.Buffer) error { return feed.WriteURLSet(b, urls) })
	var set urlSet
	if err := xml.Unmarshal(doc, &set); err != nil {
		t.Fatalf("urlset: %v\n%s", err, doc)
	}
	if len(set.URLs) != 2 || set.URLs[0].Loc != base+articles()[0].Path() ||
		set.URLs[0].LastMod != "2024-03-16T08:30:00Z" || set.URLs[1].LastMod != "2024-03-14T08:30:00Z" {
		t.Errorf("urlset %+v", set)
	}
	if len(set.URLs[0].Images) != 1 || set.URLs[0].Images[0] != base+"/media/7/640.jpg" || len(set.URLs[1].Images) != 0 {
		t.Errorf("images %+v", set.URLs)
	}
	for _, u := range set.URLs {
		if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil {
			t.Errorf("lastmod %q: %v", u.LastMod, err)
		}
	}

	doc = write(t, func(b *bytes.Buffer) error {
		return feed.WriteNewsSitemap(b, base, feed.Publication{Name: "صحافة"}, articles()[:1])
	})
	set = urlSet{}
	if err := xml.Unmarshal(doc, &set); err != nil {
		t.Fatalf("news: %v\n%s", err, doc)
	}
	if len(set.URLs) != 1 || set.URLs[0].News == nil {
		t.Fatalf("news sitemap %s", doc)
	}
	n := set.URLs[0].News
	if n.Name != "صحافة" || n.Language != "ar" || n.Date != "2024-03-15T10:00:00Z" || n.Title != cleanTitle {
		t.Errorf("news:news %+v", n)
	}
	checkWellFormed(t, doc)

	if err := feed.WriteURLSet(&bytes.Buffer{}, make([]feed.URL, feed.MaxSitemapURLs+1)); err == nil {
		t.Error("a sitemap of 50,001 URLs was written")
	}
}

func TestRobots(t *testing.T) {
	doc := write(t, func(b *bytes.Buffer) error {
		return feed.WriteRobots(b, feed.Robots{Disallow: []string{"/newsroom/", "/api/\nAllow: /x"},
			Sitemaps: []string{base + "/sitemap.xml"}})
	})
	want := "User-agent: *\nAllow: /\nDisallow: /newsroom/\nDisallow: /api/Allow: /x\n\nSitemap: " + base + "/sitemap.xml\n"
	if string(doc) != want {
		t.Errorf("robots.txt:\n%s\nwant:\n%s", doc, want)
	}
}

func TestAbsURL(t *testing.T) {
	for ref, want := range map[string]string{
		"/media/1/640.jpg":             base + "/media/1/640.jpg",
		"//cdn.example/a.png":          "https://cdn.example/a.png",
		"http://other.example/a.jpg":   "http://other.example/a.jpg",
		"media/1.jpg":                  base + "/media/1.jpg",
		"javascript:alert(1)":          "",
		"data:image/png;base64,iVBORw": "",
		"":                             "",
	} {
		if got := feed.AbsURL(base, ref); got != want {
			t.Errorf("AbsURL(%q) = %q, want %q", ref, got, want)
		}
	}
}

func TestAbsoluteHTMLKeepsTheRest(t *testing.T) {
	body := `<p dir="rtl">نص &amp; <em>مائل</em> <a href="https://x.example/">خارج</a></p>`
	if got := feed.AbsoluteHTML(base, body); got != body {
		t.Errorf("changed a body without relative links:\n%s", got)
	}
}

// TestHubs: a feed with WebSub hubs names each, as the format says: an
// atom:link (RSS) or link (Atom) with rel="hub", JSON Feed's "hubs"; a
// feed without names none.
func TestHubs(t *testing.T) {
	const hub = "https://hub.example/"
	f := testFeed(true, base+"/feed/")
	f.Hubs = []string{hub}
	for name, w := range map[string]func(*bytes.Buffer, feed.Feed) error{
		"rss":  func(b *bytes.Buffer, f feed.Feed) error { return feed.WriteRSS(b, f, articles()) },
		"atom": func(b *bytes.Buffer, f feed.Feed) error { return feed.WriteAtom(b, f, articles()) },
		"json": func(b *bytes.Buffer, f feed.Feed) error { return feed.WriteJSON(b, f, articles()) },
	} {
		with := string(write(t, func(b *bytes.Buffer) error { return w(b, f) }))
		without := string(write(t, func(b *bytes.Buffer) error { return w(b, testFeed(true, base+"/feed/")) }))
		want := `href="` + hub + `" rel="hub"`
		if name == "json" {
			want = `"hubs":[{"type":"WebSub","url":"` + hub + `"}]`
			with = strings.Join(strings.Fields(with), "")
		}
		if !strings.Contains(with, want) || strings.Contains(without, hub) {
			t.Errorf("%s: hub link %q missing (or present without hubs):\n%.600s", name, want, with)
		}
	}
}
