package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"sahafa/feed"
	"sahafa/news"
)

// Search engines:
//
//	/robots.txt             every crawler may fetch everything but the newsroom, search and the API
//	/sitemap.xml            sitemap index: /sitemaps/pages.xml and one sitemap per UTC month with articles
//	/sitemaps/pages.xml     home, archive, sections and tags
//	/sitemaps/YYYY-MM.xml   that month's published articles (by UTC publication time), with lastmod
//	/sitemaps/news.xml      Google News sitemap: articles published in the last 48 hours
//
// Article pages carry schema.org NewsArticle JSON-LD, and every indexable
// page Open Graph and Twitter card tags (addHeadMeta).

const (
	sitemapsPrefix  = "/sitemaps/"
	newsSitemapPath = "/sitemaps/news.xml"
	// newsWindow is how far back the news sitemap reaches: Google News
	// takes articles of the last two days.
	newsWindow = 48 * time.Hour
)

// robotsDisallow are the paths crawlers are asked to leave alone: the
// newsroom is private, search results are endless, the API is data and
// the comment forms are forms.
var robotsDisallow = []string{"/newsroom/", "/search/", "/api/", commentsPrefix}

func (s *Site) seoRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /robots.txt", s.handleRobots)
	mux.HandleFunc("GET /ads.txt", s.handleAdsTxt)
	mux.HandleFunc("GET /sitemap.xml", s.handleSitemapIndex)
	mux.HandleFunc("GET /sitemaps/{file}", s.handleSitemap)
}

// isSEOPath reports whether a path is robots.txt or a sitemap, which take
// no query parameters. ("/sitemaps/" itself is the front page of a section
// of that name in sites older than the reservation of the slug.)
func isSEOPath(p string) bool {
	if p == "/robots.txt" || p == "/sitemap.xml" || p == "/ads.txt" {
		return true
	}
	file, ok := strings.CutPrefix(p, sitemapsPrefix)
	return ok && file != "" && !strings.Contains(file, "/")
}

func (s *Site) handleRobots(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	feed.WriteRobots(&b, feed.Robots{
		Disallow: robotsDisallow,
		Sitemaps: []string{s.canonical("/sitemap.xml"), s.canonical(newsSitemapPath)},
	})
	writeBody(w, r, http.StatusOK, feed.RobotsContentType, b.Bytes())
}

// handleAdsTxt serves the authorized sellers of the site's ads as the
// administrators wrote them in the settings (404 when they wrote none),
// for ad networks and buyers that check it.
func (s *Site) handleAdsTxt(w http.ResponseWriter, r *http.Request) {
	text := s.cfg(r.Context()).AdsTxt
	if text == "" {
		s.notFound(w, r)
		return
	}
	writeBody(w, r, http.StatusOK, "text/plain; charset=utf-8", []byte(text+"\n"))
}

// sitemapMonths returns the UTC months that have published articles,
// newest first, from the store's quarter-hour counts.
func (s *Site) sitemapMonths(r *http.Request) ([]time.Time, error) {
	buckets, err := s.allCounts(r.Context())
	if err != nil {
		return nil, err
	}
	seen := map[time.Time]bool{}
	var months []time.Time
	for _, b := range buckets {
		if b.Count == 0 {
			continue
		}
		m := monthStart(b.Start.UTC())
		if !seen[m] {
			seen[m] = true
			months = append(months, m)
		}
	}
	slices.SortFunc(months, func(a, b time.Time) int { return b.Compare(a) })
	return months, nil
}

func monthSitemapPath(m time.Time) string {
	return fmt.Sprintf("%s%04d-%02d.xml", sitemapsPrefix, m.Year(), int(m.Month()))
}

func (s *Site) handleSitemapIndex(w http.ResponseWriter, r *http.Request) {
	months, err := s.sitemapMonths(r)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	maps := []feed.Sitemap{{Loc: s.canonical(sitemapsPrefix + "pages.xml")}}
	for _, m := range months {
		maps = append(maps, feed.Sitemap{Loc: s.canonical(monthSitemapPath(m))})
	}
	if len(maps) > feed.MaxSitemapURLs {
		maps = maps[:feed.MaxSitemapURLs] // 4,000 years of news
	}
	s.writeXML(w, r, func(b *bytes.Buffer) error { return feed.WriteSitemapIndex(b, maps) })
}

// handleSitemap serves /sitemaps/pages.xml, /sitemaps/news.xml and the
// monthly /sitemaps/YYYY-MM.xml.
func (s *Site) handleSitemap(w http.ResponseWriter, r *http.Request) {
	switch file := r.PathValue("file"); file {
	case "pages.xml":
		s.pagesSitemap(w, r)
	case "news.xml":
		s.newsSitemap(w, r)
	default:
		month, ok := parseSitemapMonth(file)
		if !ok {
			s.renderError(w, r, http.StatusNotFound, nil)
			return
		}
		s.monthSitemap(w, r, month)
	}
}

// parseSitemapMonth reads "YYYY-MM.xml".
func parseSitemapMonth(file string) (time.Time, bool) {
	name, ok := strings.CutSuffix(file, ".xml")
	if !ok || len(name) != 7 || name[4] != '-' {
		return time.Time{}, false
	}
	y, ok1 := parseUint(name[:4], 4, 4)
	m, ok2 := parseUint(name[5:], 2, 2)
	if !ok1 || !ok2 || y < 1 || m < 1 || m > 12 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC), true
}

func (s *Site) pagesSitemap(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sections, err := s.store.Sections(ctx)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	tags, err := s.store.Tags(ctx)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	urls := []feed.URL{{Loc: s.canonical("/")}, {Loc: s.canonical("/archive/")}, {Loc: s.canonical("/archive/hijri/")}}
	for _, sec := range sections {
		if sec.Articles > 0 {
			urls = append(urls, feed.URL{Loc: s.canonical(news.SectionPath(sec.Slug))})
		}
	}
	for _, t := range tags {
		if t.Articles > 0 && len(urls) < feed.MaxSitemapURLs {
			urls = append(urls, feed.URL{Loc: s.canonical(news.TagPath(t.Slug))})
		}
	}
	pages, err := s.store.Pages(ctx)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	for _, pg := range pages {
		if len(urls) < feed.MaxSitemapURLs {
			urls = append(urls, feed.URL{Loc: s.canonical(news.PagePath(pg.Slug))})
		}
	}
	s.writeXML(w, r, func(b *bytes.Buffer) error { return feed.WriteURLSet(b, urls) })
}

// monthSitemap lists the articles published in a UTC month, newest first,
// paging through the store with its cursor; a month with more than
// feed.MaxSitemapURLs articles is cut there. A month without articles is
// not in the index and answers 404.
func (s *Site) monthSitemap(w http.ResponseWriter, r *http.Request, month time.Time) {
	f := news.ArticleFilter{From: month, To: month.AddDate(0, 1, 0), Limit: news.MaxListLimit, NoTotal: true}
	var urls []feed.URL
	for len(urls) < feed.MaxSitemapURLs {
		list, err := s.store.Articles(r.Context(), f)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		for _, a := range list.Articles {
			if len(urls) < feed.MaxSitemapURLs {
				urls = append(urls, feed.ArticleURL(s.opts.BaseURL, a))
			}
		}
		if list.Next == nil || len(list.Articles) == 0 {
			break
		}
		f.After = list.Next
	}
	if len(urls) == 0 {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	s.writeXML(w, r, func(b *bytes.Buffer) error { return feed.WriteURLSet(b, urls) })
}

// newsSitemap lists the articles published in the last newsWindow, newest
// first. It depends on the clock, so ServeHTTP serves it around the page
// cache (which keeps a response until the next write).
func (s *Site) newsSitemap(w http.ResponseWriter, r *http.Request) {
	f := news.ArticleFilter{From: time.Now().Add(-newsWindow), Limit: news.MaxListLimit, NoTotal: true}
	var articles []news.Article
	for len(articles) < feed.MaxNewsSitemapURLs {
		list, err := s.store.Articles(r.Context(), f)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		articles = append(articles, list.Articles...)
		if list.Next == nil || len(list.Articles) == 0 {
			break
		}
		f.After = list.Next
	}
	if len(articles) > feed.MaxNewsSitemapURLs {
		articles = articles[:feed.MaxNewsSitemapURLs]
	}
	pub := feed.Publication{Name: s.cfg(r.Context()).SiteName}
	s.writeXML(w, r, func(b *bytes.Buffer) error { return feed.WriteNewsSitemap(b, s.opts.BaseURL, pub, articles) })
}

// writeXML writes a sitemap that write produces into a pooled buffer.
func (s *Site) writeXML(w http.ResponseWriter, r *http.Request, write func(*bytes.Buffer) error) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer putBuf(buf)
	if err := write(buf); err != nil {
		s.renderError(w, r, http.StatusInternalServerError, err)
		return
	}
	writeBody(w, r, http.StatusOK, feed.SitemapContentType, buf.Bytes())
}

// Head metadata of pages.

// feedLink is a <link rel="alternate"> to one of a page's feeds.
type feedLink struct {
	Format string // "rss", "atom" or "json"; layout.html writes the media type
	Title  string
	URL    string // absolute
}

// socialMeta is what Open Graph and Twitter cards say of a page.
type socialMeta struct {
	Type        string // "website" or "article"
	Title       string
	Description string
	URL         string
	Image       *socialImage
	Card        string // twitter:card: summary_large_image with an image, else summary

	// articles
	Published string // RFC 3339
	Modified  string
	Section   string
	Tags      []string
	Authors   []string // author pages
}

type socialImage struct {
	URL           string
	Type          string
	Alt           string
	Width, Height int
}

// addHeadMeta fills the head of a page that search engines may index:
// the alternate links to the feeds of the home page and of section,
// author and tag pages, Open Graph and Twitter tags, and an article's
// JSON-LD. render calls it, so the handlers need not know.
func (s *Site) addHeadMeta(name string, p *page) {
	if p.NoIndex || p.Status >= 400 || p.Canonical == "" {
		return
	}
	base := strings.TrimRight(s.opts.BaseURL, "/")
	switch name {
	case "home":
		p.Feeds = s.feedLinks(p.SiteName, "/")
	case "list":
		// The canonical URL of a section's, author's or tag's page (less
		// its ?page=N) is the path its feeds are under.
		path, _, _ := strings.Cut(strings.TrimPrefix(p.Canonical, base), "?")
		if strings.HasPrefix(path, "/") && strings.HasSuffix(path, "/") {
			p.Feeds = s.feedLinks(p.Heading+" - "+p.SiteName, path)
		}
	}
	if a := p.Article; name == "article" && a != nil {
		if p.Description == "" {
			p.Description = feed.Summary(*a)
		}
		p.Social = s.articleSocial(p, a)
		p.JSONLD = s.articleJSONLD(p, a)
		return
	}
	title := p.Title
	if title == "" {
		title = p.SiteName
	}
	p.Social = &socialMeta{Type: "website", Title: title, Description: p.Description, URL: p.Canonical, Card: "summary"}
}

func (s *Site) articleSocial(p *page, a *news.Article) *socialMeta {
	m := &socialMeta{
		Type:        "article",
		Title:       cmp.Or(a.SEO.SocialTitle, a.SEO.Title, a.Title),
		Description: cmp.Or(a.SEO.SocialDescription, p.Description),
		URL:         p.Canonical,
		Card:        "summary",
		Published:   feed.W3CTime(a.PublishedAt),
		Modified:    feed.W3CTime(feed.Modified(*a)),
		Section:     a.Section.Name,
	}
	for _, t := range a.Tags {
		m.Tags = append(m.Tags, t.Name)
	}
	for _, au := range a.Authors {
		m.Authors = append(m.Authors, s.canonical(news.AuthorPath(au.Slug)))
	}
	img := a.Image
	if p.ShareImage != nil {
		img = p.ShareImage
	}
	if img != nil {
		if u := feed.AbsURL(s.opts.BaseURL, img.URL); u != "" {
			m.Image = &socialImage{URL: u, Type: feed.ImageType(u), Alt: img.Alt, Width: img.Width, Height: img.Height}
			if img.Width <= 0 || img.Height <= 0 {
				m.Image.Width, m.Image.Height = 0, 0
			}
			m.Card = "summary_large_image"
		}
	}
	return m
}

// schema.org NewsArticle, as Google's article rich results read it.
type ldArticle struct {
	Context          string    `json:"@context"`
	Type             string    `json:"@type"`
	MainEntityOfPage ldPage    `json:"mainEntityOfPage"`
	URL              string    `json:"url"`
	Headline         string    `json:"headline"`
	Description      string    `json:"description,omitempty"`
	Image            []any     `json:"image,omitempty"` // URLs, or an ImageObject with its credit
	DatePublished    string    `json:"datePublished"`
	DateModified     string    `json:"dateModified"`
	Author           []ldAgent `json:"author"`
	Publisher        ldAgent   `json:"publisher"`
	ArticleSection   string    `json:"articleSection,omitempty"`
	Keywords         []string  `json:"keywords,omitempty"`
	InLanguage       string    `json:"inLanguage"`
	Dateline         string    `json:"dateline,omitempty"`
	// A live page (LiveBlogPosting): when its coverage started and ended,
	// and its newest updates.
	CoverageStartTime string         `json:"coverageStartTime,omitempty"`
	CoverageEndTime   string         `json:"coverageEndTime,omitempty"`
	LiveBlogUpdate    []ldBlogUpdate `json:"liveBlogUpdate,omitempty"`
}

// ldBlogUpdate is one update of a LiveBlogPosting.
type ldBlogUpdate struct {
	Type          string `json:"@type"`
	Headline      string `json:"headline"`
	URL           string `json:"url"`
	DatePublished string `json:"datePublished"`
	ArticleBody   string `json:"articleBody"`
}

// ldLiveUpdates is how many of the newest updates a live page's JSON-LD
// carries: enough for search engines, without doubling the page.
const ldLiveUpdates = 20

type ldPage struct {
	Type string `json:"@type"`
	ID   string `json:"@id"`
}

type ldAgent struct {
	Type string   `json:"@type"`
	Name string   `json:"name"`
	URL  string   `json:"url,omitempty"`
	Logo *ldImage `json:"logo,omitempty"`
}

type ldImage struct {
	Type       string `json:"@type"`
	URL        string `json:"url"`
	Caption    string `json:"caption,omitempty"`
	CreditText string `json:"creditText,omitempty"`
	Width      int    `json:"width,omitempty"`
	Height     int    `json:"height,omitempty"`
}

// articleJSONLD is an article's NewsArticle object. It is marshalled by
// encoding/json, which writes <, > and & as \u003c, \u003e and \u0026 (and
// U+2028/U+2029 escaped), so nothing in it can close the <script> element
// it goes in: html/template inserts a template.JS as it is.
func (s *Site) articleJSONLD(p *page, a *news.Article) template.JS {
	home := s.canonical("/")
	publisher := ldAgent{Type: "Organization", Name: p.SiteName, URL: home}
	ld := ldArticle{
		Context:          "https://schema.org",
		Type:             "NewsArticle",
		MainEntityOfPage: ldPage{Type: "WebPage", ID: p.Canonical},
		URL:              p.Canonical,
		Headline:         a.Title,
		Description:      p.Description,
		DatePublished:    feed.W3CTime(a.PublishedAt),
		DateModified:     feed.W3CTime(feed.Modified(*a)),
		Publisher:        publisher,
		ArticleSection:   a.Section.Name,
		InLanguage:       cmp.Or(p.Lang, "ar"), // the article's, not the site's
		Dateline:         a.Dateline,
	}
	if c := p.Live; c != nil {
		ld.Type = "LiveBlogPosting"
		ld.CoverageStartTime = feed.W3CTime(c.Started)
		if !c.Running() {
			ld.CoverageEndTime = feed.W3CTime(c.Ended)
		}
		for _, u := range c.Updates[:min(len(c.Updates), ldLiveUpdates)] {
			text := strings.Join(strings.Fields(news.PlainText(u.Body)), " ")
			ld.LiveBlogUpdate = append(ld.LiveBlogUpdate, ldBlogUpdate{Type: "BlogPosting", Headline: shorten(text, 110),
				URL: p.Canonical + "#update-" + strconv.FormatInt(u.ID, 10), DatePublished: feed.W3CTime(u.At), ArticleBody: text})
		}
	}
	if img := a.Image; img != nil {
		if u := feed.AbsURL(s.opts.BaseURL, img.URL); u != "" {
			if img.Credit == "" && img.Caption == "" {
				ld.Image = []any{u}
			} else {
				ld.Image = []any{ldImage{Type: "ImageObject", URL: u, Caption: img.Caption, CreditText: img.Credit,
					Width: max(img.Width, 0), Height: max(img.Height, 0)}}
			}
		}
	}
	for _, au := range a.Authors {
		ld.Author = append(ld.Author, ldAgent{Type: "Person", Name: au.Name, URL: s.canonical(news.AuthorPath(au.Slug))})
	}
	if len(ld.Author) == 0 {
		ld.Author = []ldAgent{publisher} // an imported article without a byline
	}
	for _, t := range a.Tags {
		ld.Keywords = append(ld.Keywords, t.Name)
	}
	b, err := json.Marshal(ld)
	if err != nil {
		return ""
	}
	return template.JS(b)
}
