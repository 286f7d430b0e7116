package feed

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"sahafa/news"
)

// Sitemaps (https://www.sitemaps.org/protocol.html), with Google's image
// and news extensions.
const (
	nsSitemapImage = "http://www.google.com/schemas/sitemap-image/1.1"
	nsSitemapNews  = "http://www.google.com/schemas/sitemap-news/0.9"
)

// Limits of the sitemap protocol and of Google News sitemaps.
const (
	MaxSitemapURLs     = 50000 // URLs in one sitemap, sitemaps in one index
	MaxNewsSitemapURLs = 1000
)

// W3CTime formats t as a W3C datetime (to the second, in UTC), the form
// of <lastmod> and <news:publication_date>.
func W3CTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Sitemap is one entry of a sitemap index.
type Sitemap struct {
	Loc     string    // absolute URL
	LastMod time.Time // zero: left out
}

type sitemapIndex struct {
	XMLName  xml.Name       `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapEntry `xml:"sitemap"`
}

type sitemapEntry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// WriteSitemapIndex writes a sitemap index of at most MaxSitemapURLs
// sitemaps.
func WriteSitemapIndex(w io.Writer, maps []Sitemap) error {
	if len(maps) > MaxSitemapURLs {
		return fmt.Errorf("feed: %d sitemaps in one index (at most %d)", len(maps), MaxSitemapURLs)
	}
	doc := sitemapIndex{Sitemaps: make([]sitemapEntry, 0, len(maps))}
	for _, m := range maps {
		e := sitemapEntry{Loc: Text(m.Loc)}
		if !m.LastMod.IsZero() {
			e.LastMod = W3CTime(m.LastMod)
		}
		doc.Sitemaps = append(doc.Sitemaps, e)
	}
	return writeXML(w, doc)
}

// URL is one page of a URL-set sitemap.
type URL struct {
	Loc     string    // absolute URL
	LastMod time.Time // zero: left out
	Images  []string  // absolute URLs of the page's images (Google's image extension)
}

// ArticleURL is an article's sitemap entry: its canonical URL, the time it
// last changed and its lead image.
func ArticleURL(base string, a news.Article) URL {
	u := URL{Loc: base + a.Path(), LastMod: Modified(a)}
	if a.Image != nil {
		if img := AbsURL(base, a.Image.URL); img != "" {
			u.Images = []string{img}
		}
	}
	return u
}

type urlSet struct {
	XMLName xml.Name   `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	NSImage string     `xml:"xmlns:image,attr,omitempty"`
	NSNews  string     `xml:"xmlns:news,attr,omitempty"`
	URLs    []urlEntry `xml:"url"`
}

type urlEntry struct {
	Loc     string       `xml:"loc"`
	LastMod string       `xml:"lastmod,omitempty"`
	Images  []imageEntry `xml:"image:image"`
	News    *newsEntry   `xml:"news:news"`
}

type imageEntry struct {
	Loc string `xml:"image:loc"`
}

type newsEntry struct {
	Publication     newsPublication `xml:"news:publication"`
	PublicationDate string          `xml:"news:publication_date"`
	Title           string          `xml:"news:title"`
}

type newsPublication struct {
	Name     string `xml:"news:name"`
	Language string `xml:"news:language"`
}

// WriteURLSet writes a sitemap of at most MaxSitemapURLs pages.
func WriteURLSet(w io.Writer, urls []URL) error {
	if len(urls) > MaxSitemapURLs {
		return fmt.Errorf("feed: %d URLs in one sitemap (at most %d)", len(urls), MaxSitemapURLs)
	}
	doc := urlSet{URLs: make([]urlEntry, 0, len(urls))}
	for _, u := range urls {
		e := urlEntry{Loc: Text(u.Loc)}
		if !u.LastMod.IsZero() {
			e.LastMod = W3CTime(u.LastMod)
		}
		for _, img := range u.Images {
			e.Images = append(e.Images, imageEntry{Loc: Text(img)})
			doc.NSImage = nsSitemapImage
		}
		doc.URLs = append(doc.URLs, e)
	}
	return writeXML(w, doc)
}

// Publication names the site in a Google News sitemap.
type Publication struct {
	Name     string // as Google News knows it: the site name
	Language string // default DefaultLanguage
}

// WriteNewsSitemap writes a Google News sitemap of articles (those of the
// last two days; the caller chooses them), at most MaxNewsSitemapURLs.
func WriteNewsSitemap(w io.Writer, base string, pub Publication, articles []news.Article) error {
	if len(articles) > MaxNewsSitemapURLs {
		return fmt.Errorf("feed: %d articles in a news sitemap (at most %d)", len(articles), MaxNewsSitemapURLs)
	}
	lang := pub.Language
	if lang == "" {
		lang = DefaultLanguage
	}
	p := newsPublication{Name: strings.TrimSpace(Text(pub.Name)), Language: lang}
	doc := urlSet{NSNews: nsSitemapNews, URLs: make([]urlEntry, 0, len(articles))}
	for _, a := range articles {
		u := ArticleURL(base, a)
		e := urlEntry{Loc: u.Loc, LastMod: W3CTime(u.LastMod), News: &newsEntry{
			Publication:     p,
			PublicationDate: W3CTime(a.PublishedAt),
			Title:           Text(a.Title),
		}}
		for _, img := range u.Images {
			e.Images = append(e.Images, imageEntry{Loc: img})
			doc.NSImage = nsSitemapImage
		}
		doc.URLs = append(doc.URLs, e)
	}
	return writeXML(w, doc)
}

// Robots is what robots.txt says: every crawler may fetch everything but
// the Disallow paths, and the sitemaps are listed.
type Robots struct {
	Disallow []string // path prefixes ("/newsroom/")
	Sitemaps []string // absolute URLs
}

// WriteRobots writes robots.txt (RFC 9309).
func WriteRobots(w io.Writer, r Robots) error {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	b.WriteString("Allow: /\n")
	for _, p := range r.Disallow {
		b.WriteString("Disallow: " + oneLine(p) + "\n")
	}
	if len(r.Sitemaps) > 0 {
		b.WriteString("\n")
	}
	for _, s := range r.Sitemaps {
		b.WriteString("Sitemap: " + oneLine(s) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
}
