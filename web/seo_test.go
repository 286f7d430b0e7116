package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"sahafa/news"
	"sahafa/store/teststores"
)

// head is what a page's <head> (and body) tells machines.
type head struct {
	metas      map[string][]string          // meta property= or name= → content, in order
	alternates map[string]map[string]string // <link rel="alternate"> href → attributes
	canonical  string
	scripts    []script // every <script> of the page
}

type script struct {
	typ, text string
}

func attrs(n *html.Node) map[string]string {
	m := map[string]string{}
	for _, a := range n.Attr {
		m[a.Key] = a.Val
	}
	return m
}

// parseHead parses a page with an HTML5 parser, as a crawler would.
func parseHead(t testing.TB, body string) head {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	h := head{metas: map[string][]string{}, alternates: map[string]map[string]string{}}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		a := attrs(n)
		switch n.Data {
		case "meta":
			key := a["property"]
			if key == "" {
				key = a["name"]
			}
			if key != "" {
				h.metas[key] = append(h.metas[key], a["content"])
			}
		case "link":
			switch a["rel"] {
			case "alternate":
				h.alternates[a["href"]] = a
			case "canonical":
				h.canonical = a["href"]
			}
		case "script":
			var text strings.Builder
			for c := range n.ChildNodes() {
				if c.Type == html.TextNode {
					text.WriteString(c.Data)
				}
			}
			h.scripts = append(h.scripts, script{typ: a["type"], text: text.String()})
		}
	}
	return h
}

// meta returns the single value of a meta tag, failing when there is not
// exactly one.
func (h head) meta(t testing.TB, page, key string) string {
	t.Helper()
	v := h.metas[key]
	if len(v) != 1 {
		t.Errorf("%s: %d <meta> %s: %q", page, len(v), key, v)
		return ""
	}
	return v[0]
}

// jsonLD returns the page's one application/ld+json block, decoded.
func (h head) jsonLD(t testing.TB, page string) map[string]any {
	t.Helper()
	var blocks []string
	for _, s := range h.scripts {
		if s.typ == "application/ld+json" {
			blocks = append(blocks, s.text)
		}
	}
	if len(blocks) != 1 {
		t.Fatalf("%s: %d ld+json blocks", page, len(blocks))
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(blocks[0]), &ld); err != nil {
		t.Fatalf("%s: JSON-LD does not parse: %v\n%s", page, err, blocks[0])
	}
	return ld
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func parseW3C(t testing.TB, what, v string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, v)
	if err != nil {
		t.Errorf("%s: %q is not a W3C datetime: %v", what, v, err)
	}
	return tm
}

// TestArticleJSONLD: an article page carries one schema.org NewsArticle
// with every field Google's article rich results read.
func TestArticleJSONLD(t *testing.T) { teststores.Each(t, testArticleJSONLD) }

func testArticleJSONLD(t *testing.T, open teststores.OpenFunc) {
	f := newSEOFixture(t, open)
	a := f.rockets
	page := a.Path()
	h := parseHead(t, f.mustGet(page, http.StatusOK).body)
	ld := h.jsonLD(t, page)
	canonical := testBase + a.Path()
	if h.canonical != canonical {
		t.Errorf("canonical %q", h.canonical)
	}
	for key, want := range map[string]string{
		"@context": "https://schema.org", "@type": "NewsArticle", "headline": titleRockets,
		"description": abstractRockets, "articleSection": secWorld.Name, "inLanguage": "ar",
		"url": canonical, "dateline": "القاهرة",
	} {
		if got := str(ld[key]); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if !parseW3C(t, "datePublished", str(ld["datePublished"])).Equal(a.PublishedAt) {
		t.Errorf("datePublished %v, want %v", ld["datePublished"], a.PublishedAt)
	}
	if mod := parseW3C(t, "dateModified", str(ld["dateModified"])); !mod.Equal(a.UpdatedAt.Truncate(time.Second)) {
		t.Errorf("dateModified %v, want UpdatedAt %v", mod, a.UpdatedAt)
	}
	if main, _ := ld["mainEntityOfPage"].(map[string]any); str(main["@id"]) != canonical || str(main["@type"]) != "WebPage" {
		t.Errorf("mainEntityOfPage %v", ld["mainEntityOfPage"])
	}
	authors, _ := ld["author"].([]any)
	if len(authors) != 1 {
		t.Fatalf("author %v", ld["author"])
	}
	au, _ := authors[0].(map[string]any)
	if str(au["@type"]) != "Person" || str(au["name"]) != auYasser.Name || str(au["url"]) != testBase+"/author/yasser-rashad/" {
		t.Errorf("author %v", au)
	}
	f.resolve(str(au["url"]))
	pub, _ := ld["publisher"].(map[string]any)
	if str(pub["@type"]) != "Organization" || str(pub["name"]) != "صحافة" {
		t.Errorf("publisher %v", pub)
	}
	images, _ := ld["image"].([]any)
	if len(images) != 1 || str(images[0]) != testBase+f.mediaURL {
		t.Errorf("image %v", ld["image"])
	} else {
		f.resolve(str(images[0]))
	}
	if kw, _ := ld["keywords"].([]any); len(kw) != 2 || str(kw[0]) != tagSecurity.Name || str(kw[1]) != tagMilitary.Name {
		t.Errorf("keywords %v", ld["keywords"])
	}

	// A story without authors, image or tags: the site is its author.
	ctx := context.Background()
	rec := news.ArticleRecord{Article: news.Article{ExternalID: "t-no-byline", Slug: "no-byline", Title: "خبر بلا كاتب",
		Body: "<p>نص قصير بلا ملخص.</p>", Section: secTech, PublishedAt: at(2024, time.May, 2, 9, 0), Status: news.StatusPublished}}
	res, err := f.store.SaveArticles(ctx, []news.ArticleRecord{rec})
	if err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	plain, _ := f.store.Article(ctx, res.IDs[0])
	ld = parseHead(t, f.mustGet(plain.Path(), http.StatusOK).body).jsonLD(t, plain.Path())
	authors, _ = ld["author"].([]any)
	if len(authors) != 1 || str(authors[0].(map[string]any)["@type"]) != "Organization" {
		t.Errorf("author of an article without a byline: %v", ld["author"])
	}
	if _, ok := ld["image"]; ok {
		t.Errorf("image of an article without one: %v", ld["image"])
	}
	if str(ld["description"]) != "نص قصير بلا ملخص." {
		t.Errorf("description from the body: %v", ld["description"])
	}
}

// TestJSONLDCannotCloseScript: a headline that tries to close the JSON-LD
// <script> stays inside the JSON, and the page still has one script: the
// data block.
func TestJSONLDCannotCloseScript(t *testing.T) { teststores.Each(t, testJSONLDCannotCloseScript) }

func testJSONLDCannotCloseScript(t *testing.T, open teststores.OpenFunc) {
	f := newSEOFixture(t, open)
	ctx := context.Background()
	evil := `خبر </script><script>alert(1)</script> <!-- عاجل & "مقتبس" \u2028` + "\u2028" + `</SCRIPT >`
	rec := news.ArticleRecord{Article: news.Article{ExternalID: "t-evil", Slug: "evil", Title: evil, Abstract: evil,
		Body: "<p>نص.</p>", Section: secWorld, Authors: []news.Author{{Slug: "evil", Name: evil}},
		Tags: []news.Tag{{Slug: "evil", Name: evil}}, PublishedAt: at(2024, time.April, 1, 9, 0), Status: news.StatusPublished}}
	res, err := f.store.SaveArticles(ctx, []news.ArticleRecord{rec})
	if err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	a, _ := f.store.Article(ctx, res.IDs[0])
	body := f.mustGet(a.Path(), http.StatusOK).body
	h := parseHead(t, body)
	if len(h.scripts) != 1 {
		t.Fatalf("%d <script> elements: %+v", len(h.scripts), h.scripts)
	}
	ld := h.jsonLD(t, a.Path())
	if str(ld["headline"]) != evil || str(ld["description"]) != evil {
		t.Errorf("headline %q, want %q", ld["headline"], evil)
	}
	if kw, _ := ld["keywords"].([]any); len(kw) != 1 || str(kw[0]) != evil {
		t.Errorf("keywords %v", ld["keywords"])
	}
	if got := h.meta(t, a.Path(), "og:title"); got != evil {
		t.Errorf("og:title %q", got)
	}
	if strings.Contains(strings.ToLower(body), "<script>alert") {
		t.Error("the page holds a live <script>alert")
	}
	// Feeds carry the same headline as text.
	for _, k := range []string{"feed/", "feed/atom/", "feed/json/"} {
		r := f.mustGet("/world/"+k, http.StatusOK)
		if !strings.Contains(r.body, "alert(1)") {
			t.Errorf("%s: the headline is missing", k)
		}
	}
}

// TestSocialTags: Open Graph and Twitter card tags of articles (with and
// without a lead image) and of list pages.
func TestSocialTags(t *testing.T) { teststores.Each(t, testSocialTags) }

func testSocialTags(t *testing.T, open teststores.OpenFunc) {
	f := newSEOFixture(t, open)
	a := f.rockets
	page := a.Path()
	h := parseHead(t, f.mustGet(page, http.StatusOK).body)
	for key, want := range map[string]string{
		"og:type": "article", "og:title": titleRockets, "og:description": abstractRockets,
		"og:url": testBase + a.Path(), "og:image": testBase + f.mediaURL, "og:image:width": "640",
		"og:image:height": "400", "og:image:alt": "ساحة المدينة عند الغروب", "og:image:type": "image/jpeg",
		"og:locale": "ar_AR", "og:site_name": "صحافة", "article:section": secWorld.Name,
		"article:author": testBase + "/author/yasser-rashad/", "twitter:card": "summary_large_image",
		"twitter:title": titleRockets, "twitter:image": testBase + f.mediaURL,
	} {
		if got := h.meta(t, page, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if got := parseW3C(t, "article:published_time", h.meta(t, page, "article:published_time")); !got.Equal(a.PublishedAt) {
		t.Errorf("article:published_time %v", got)
	}
	parseW3C(t, "article:modified_time", h.meta(t, page, "article:modified_time"))
	if tags := h.metas["article:tag"]; !slices.Equal(tags, []string{tagSecurity.Name, tagMilitary.Name}) {
		t.Errorf("article:tag %q", tags)
	}
	f.resolve(h.meta(t, page, "og:image"))
	f.resolve(h.meta(t, page, "og:url"))

	// Without a lead image: a summary card and no og:image.
	talks := f.byExt["t-talks"]
	h = parseHead(t, f.mustGet(talks.Path(), http.StatusOK).body)
	if h.meta(t, talks.Path(), "twitter:card") != "summary" || len(h.metas["og:image"]) != 0 {
		t.Errorf("article without an image: %v", h.metas)
	}
	if got := h.metas["article:author"]; len(got) != 2 {
		t.Errorf("two authors: %q", got)
	}

	// Home and list pages are websites.
	for _, p := range []string{"/", "/world/", "/author/yasser-rashad/", "/tag/military/", "/archive/"} {
		h := parseHead(t, f.mustGet(p, http.StatusOK).body)
		if h.meta(t, p, "og:type") != "website" || h.meta(t, p, "og:url") != testBase+p || h.meta(t, p, "twitter:card") != "summary" ||
			h.meta(t, p, "og:title") == "" {
			t.Errorf("%s: %v", p, h.metas)
		}
		if len(h.scripts) != 0 {
			t.Errorf("%s: scripts %+v", p, h.scripts)
		}
	}
	// Pages that are not indexed have none.
	for _, p := range []string{"/no-such-section/", "/search/?q=" + url.QueryEscape("صواريخ")} {
		h := parseHead(t, f.get(p).body)
		if len(h.metas["og:type"]) != 0 || len(h.scripts) != 0 {
			t.Errorf("%s: %v", p, h.metas)
		}
	}
}

// Sitemaps as encoding/xml reads them.
type sitemapIndexDoc struct {
	XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

type urlSetDoc struct {
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

func (f *fixture) getXML(target string, v any) response {
	f.t.Helper()
	r := f.mustGet(target, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "application/xml; charset=utf-8" {
		f.t.Errorf("%s: Content-Type %q", target, ct)
	}
	if err := xml.Unmarshal([]byte(r.body), v); err != nil {
		f.t.Fatalf("%s: %v\n%s", target, err, excerpt(r.body))
	}
	return r
}

// TestSitemaps reads the sitemap index and every sitemap it lists: every
// published article is in exactly one monthly sitemap, with an absolute URL
// that resolves and a valid lastmod; no draft is.
func TestSitemaps(t *testing.T) { teststores.Each(t, testSitemaps) }

func testSitemaps(t *testing.T, open teststores.OpenFunc) {
	f := newSEOFixture(t, open)
	ctx := context.Background()
	// A busy month: more articles than one store call returns.
	var recs []news.ArticleRecord
	for i := range 130 {
		recs = append(recs, news.ArticleRecord{Article: news.Article{ExternalID: fmt.Sprintf("t-busy-%d", i),
			Slug: fmt.Sprintf("busy-%d", i), Title: fmt.Sprintf("خبر رقم %d من شهر مزدحم", i), Body: "<p>نص.</p>",
			Section: secEconomy, Authors: []news.Author{auKarim}, Status: news.StatusPublished,
			PublishedAt: at(2022, time.February, 1+i%28, i%24, i%60)}})
	}
	if _, err := f.store.SaveArticles(ctx, recs); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()

	// Every published article, from the store.
	want := map[string]news.Article{}
	for fl := (news.ArticleFilter{Limit: news.MaxListLimit}); ; {
		list, err := f.store.Articles(ctx, fl)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list.Articles {
			want[testBase+a.Path()] = a
		}
		if list.Next == nil {
			break
		}
		fl.After = list.Next
	}
	if len(want) != len(fixtureRecords())+130 {
		t.Fatalf("%d published articles", len(want))
	}

	var idx sitemapIndexDoc
	f.getXML("/sitemap.xml", &idx)
	var months []string
	seen := map[string]int{}
	for i, s := range idx.Sitemaps {
		p, ok := strings.CutPrefix(s.Loc, testBase+"/sitemaps/")
		if !ok {
			t.Fatalf("index entry %q", s.Loc)
		}
		if i == 0 {
			if p != "pages.xml" {
				t.Errorf("first entry %q", p)
			}
			continue
		}
		months = append(months, p)
		var set urlSetDoc
		f.getXML("/sitemaps/"+p, &set)
		for _, u := range set.URLs {
			seen[u.Loc]++
			a, ok := want[u.Loc]
			if !ok {
				t.Errorf("%s: %q is no published article", p, u.Loc)
				continue
			}
			if got := a.PublishedAt.UTC().Format("2006-01") + ".xml"; got != p {
				t.Errorf("%s lists an article of %s", p, got)
			}
			lm := parseW3C(t, p+" lastmod", u.LastMod)
			if lm.Before(a.PublishedAt) || lm.After(time.Now().Add(time.Minute)) {
				t.Errorf("%s: lastmod %v of an article published %v", p, lm, a.PublishedAt)
			}
			if (a.Image != nil) != (len(u.Images) == 1) {
				t.Errorf("%s: images %v", p, u.Images)
			}
		}
	}
	if wantMonths := []string{"2024-09.xml", "2024-03.xml", "2024-01.xml", "2023-12.xml", "2023-06.xml", "2022-02.xml"}; !slices.Equal(months, wantMonths) {
		t.Errorf("months %v, want %v", months, wantMonths)
	}
	for u := range want {
		if seen[u] != 1 {
			t.Errorf("%s is in %d sitemaps", u, seen[u])
		}
	}
	// Every URL resolves (a sample of the busy month, all the others).
	n := 0
	for u, a := range want {
		if a.Section.Slug != secEconomy.Slug || n < 5 {
			f.resolve(u)
			n++
		}
	}

	// The pages sitemap.
	var pages urlSetDoc
	f.getXML("/sitemaps/pages.xml", &pages)
	var locs []string
	for _, u := range pages.URLs {
		locs = append(locs, u.Loc)
		f.resolve(u.Loc)
	}
	for _, w := range []string{testBase + "/", testBase + "/archive/", testBase + "/world/", testBase + "/tag/military/",
		testBase + "/%D8%A7%D9%82%D8%AA%D8%B5%D8%A7%D8%AF/", testBase + "/tag/%D8%A7%D9%85%D9%86/"} {
		if !slices.Contains(locs, w) {
			t.Errorf("pages.xml lacks %s: %v", w, locs)
		}
	}

	for _, p := range []string{"/sitemaps/2021-01.xml", "/sitemaps/2024-13.xml", "/sitemaps/2024-1.xml", "/sitemaps/x.xml", "/sitemaps/2024-03"} {
		f.mustGet(p, http.StatusNotFound)
	}
}

// TestNewsSitemap: the Google News sitemap lists the articles of the last
// 48 hours only, and is not kept by the page cache (it moves with the
// clock).
func TestNewsSitemap(t *testing.T) { teststores.Each(t, testNewsSitemap) }

func testNewsSitemap(t *testing.T, open teststores.OpenFunc) {
	f := newSEOFixture(t, open)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	recs := []news.ArticleRecord{
		{Article: news.Article{ExternalID: "t-fresh", Slug: "fresh", Title: "خبر عاجل قبل ساعة", Body: "<p>نص.</p>",
			Section: secWorld, Authors: []news.Author{auMona}, Status: news.StatusPublished, PublishedAt: now.Add(-time.Hour)}},
		{Article: news.Article{ExternalID: "t-stale", Slug: "stale", Title: "خبر قبل ثلاثة أيام", Body: "<p>نص.</p>",
			Section: secWorld, Authors: []news.Author{auMona}, Status: news.StatusPublished, PublishedAt: now.Add(-72 * time.Hour)}},
	}
	res, err := f.store.SaveArticles(ctx, recs)
	if err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	fresh, _ := f.store.Article(ctx, res.IDs[0])

	var set urlSetDoc
	r := f.getXML("/sitemaps/news.xml", &set)
	if len(set.URLs) != 1 {
		t.Fatalf("%d URLs (the draft of an hour ago and the story of 3 days ago must not be there):\n%s", len(set.URLs), r.body)
	}
	u := set.URLs[0]
	if u.Loc != testBase+fresh.Path() || u.News == nil {
		t.Fatalf("entry %+v", u)
	}
	if u.News.Name != "صحافة" || u.News.Language != "ar" || u.News.Title != "خبر عاجل قبل ساعة" {
		t.Errorf("news:news %+v", u.News)
	}
	if d := parseW3C(t, "publication_date", u.News.Date); !d.Equal(fresh.PublishedAt) {
		t.Errorf("publication_date %v, want %v", d, fresh.PublishedAt)
	}
	f.resolve(u.Loc)
	if r.header.Get("X-Cache") != "" {
		t.Errorf("the news sitemap went through the page cache: X-Cache %q", r.header.Get("X-Cache"))
	}
}

// TestRobotsTxt: crawlers may fetch everything but the newsroom, search
// and the API, and are told where the sitemaps are.
func TestRobotsTxt(t *testing.T) { teststores.Each(t, testRobotsTxt) }

func testRobotsTxt(t *testing.T, open teststores.OpenFunc) {
	f := newSEOFixture(t, open)
	r := f.mustGet("/robots.txt", http.StatusOK)
	if r.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
	}
	rules := map[string][]string{}
	for line := range strings.Lines(r.body) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			t.Errorf("line %q", line)
			continue
		}
		rules[strings.ToLower(k)] = append(rules[strings.ToLower(k)], strings.TrimSpace(v))
	}
	for k, want := range map[string][]string{
		"user-agent": {"*"},
		"allow":      {"/"},
		"disallow":   {"/newsroom/", "/search/", "/api/", "/comments/"},
		"sitemap":    {testBase + "/sitemap.xml", testBase + "/sitemaps/news.xml"},
	} {
		if !slices.Equal(rules[k], want) {
			t.Errorf("%s: %q, want %q", k, rules[k], want)
		}
	}
	for _, s := range rules["sitemap"] {
		f.resolve(s)
	}
}
