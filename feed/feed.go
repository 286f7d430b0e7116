// Package feed writes Sahafa's syndication and search-engine files: RSS
// 2.0, Atom 1.0 and JSON Feed 1.1 documents of a list of articles, sitemap
// indexes, URL-set and Google News sitemaps, and robots.txt.
//
// It only formats what it is given: it knows nothing of HTTP or storage.
// Every URL it writes is absolute, built from a base URL and the article's
// Path (already percent-encoded UTF-8). Text (titles, names, summaries) is
// written as text, with the characters XML cannot carry removed; bodies are
// the store's sanitized HTML, with their site-relative links made absolute
// so that they still work in a feed reader.
package feed

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"sahafa/news"
)

// Content types of the documents, as served.
const (
	RSSContentType     = "application/rss+xml; charset=utf-8"
	AtomContentType    = "application/atom+xml; charset=utf-8"
	JSONContentType    = "application/feed+json; charset=utf-8"
	SitemapContentType = "application/xml; charset=utf-8"
	RobotsContentType  = "text/plain; charset=utf-8"
)

// DefaultLanguage is the language of Sahafa's feeds and sitemaps.
const DefaultLanguage = "ar"

// generator names the software in RSS and Atom.
const generator = "Sahafa"

// Feed describes one feed: the whole site, a section, an author or a tag.
type Feed struct {
	Title       string // "أخبار العالم - صحافة"
	Description string
	// BaseURL is the site's absolute URL without a trailing slash
	// ("https://news.example"); article, author and image URLs are built
	// on it.
	BaseURL string
	Link    string // absolute URL of the HTML page the feed follows (home, section page)
	Self    string // absolute URL of the document being written
	// Language is the feed's language tag; default DefaultLanguage.
	Language string
	// Publisher is the site's name: the feed's author in Atom and JSON
	// Feed, so that an article without a byline still has one.
	Publisher string
	// Full puts each article's whole body in the feed (content:encoded,
	// Atom content, content_html); otherwise only its summary.
	Full bool
	// Updated is the feed's time; default the latest modification of its
	// items (or now, for an empty feed).
	Updated time.Time
	// Hubs are the WebSub hubs the site pings when the feed changes, which
	// readers' and partners' feed services may subscribe to.
	Hubs []string
}

func (f *Feed) language() string {
	if f.Language == "" {
		return DefaultLanguage
	}
	return f.Language
}

func (f *Feed) updated(items []item) time.Time {
	if !f.Updated.IsZero() {
		return f.Updated.UTC()
	}
	var t time.Time
	for _, it := range items {
		if it.updated.After(t) {
			t = it.updated
		}
	}
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Second)
}

// item is an article as every feed format needs it.
type item struct {
	url        string
	title      string
	summary    string // plain text
	content    string // HTML, empty unless Full
	published  time.Time
	updated    time.Time
	authors    []person
	categories []string // section name, then tag names
	image      *image
}

type person struct{ name, url string }

type image struct {
	url, typ, alt string
	width, height int
}

func (f *Feed) items(articles []news.Article) []item {
	out := make([]item, 0, len(articles))
	for _, a := range articles {
		it := item{
			url:       f.BaseURL + a.Path(),
			title:     Text(a.Title),
			summary:   Summary(a),
			published: a.PublishedAt.UTC(),
			updated:   Modified(a).UTC(),
		}
		if f.Full {
			it.content = Text(AbsoluteHTML(f.BaseURL, a.Body))
		}
		for _, au := range a.Authors {
			it.authors = append(it.authors, person{name: Text(au.Name), url: f.BaseURL + news.AuthorPath(au.Slug)})
		}
		if name := Text(a.Section.Name); name != "" {
			it.categories = append(it.categories, name)
		}
		for _, t := range a.Tags {
			if name := Text(t.Name); name != "" {
				it.categories = append(it.categories, name)
			}
		}
		if a.Image != nil {
			if u := AbsURL(f.BaseURL, a.Image.URL); u != "" {
				it.image = &image{url: u, typ: ImageType(u), alt: Text(a.Image.Alt), width: a.Image.Width, height: a.Image.Height}
			}
		}
		out = append(out, it)
	}
	return out
}

// Modified is when an article last changed as readers see it: its
// UpdatedAt, but never before its publication (an article scheduled ahead
// was last saved before it went out).
func Modified(a news.Article) time.Time {
	if a.UpdatedAt.After(a.PublishedAt) {
		return a.UpdatedAt
	}
	return a.PublishedAt
}

// summaryRunes bounds a summary made from an article's body.
const summaryRunes = 300

// Summary is an article's summary as plain text: its abstract, or else the
// beginning of its body, cut at a word.
func Summary(a news.Article) string {
	if s := collapse(Text(a.Abstract)); s != "" {
		return s
	}
	s := collapse(Text(news.PlainText(a.Body)))
	if utf8.RuneCountInString(s) <= summaryRunes {
		return s
	}
	cut := 0
	for i := range s {
		if cut++; cut > summaryRunes {
			s = s[:i]
			break
		}
	}
	if j := strings.LastIndexByte(s, ' '); j > len(s)/2 {
		s = s[:j]
	}
	return strings.TrimRight(s, " ،,.؛:") + "…"
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// Text returns s as XML can carry it: valid UTF-8 without the control
// characters and non-characters XML 1.0 forbids (U+0000–U+0008, U+000B,
// U+000C, U+000E–U+001F, U+FFFE, U+FFFF).
func Text(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	for _, r := range s {
		if !xmlChar(r) {
			return strings.Map(func(r rune) rune {
				if xmlChar(r) {
					return r
				}
				return -1
			}, s)
		}
	}
	return s
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// AbsURL makes a link absolute against base (the site's URL without a
// trailing slash): "/media/1/640.jpg" becomes base + "/media/1/640.jpg", a
// protocol-relative "//cdn…" takes base's scheme, and an http or https URL
// is kept. Anything else (javascript:, data:) gives "".
func AbsURL(base, ref string) string {
	ref = strings.TrimSpace(ref)
	switch {
	case ref == "":
		return ""
	case strings.HasPrefix(ref, "//"):
		return scheme(base) + ":" + ref
	case strings.HasPrefix(ref, "/"):
		return base + ref
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if u.IsAbs() {
		if s := strings.ToLower(u.Scheme); s == "http" || s == "https" {
			return ref
		}
		return ""
	}
	return base + "/" + ref
}

func scheme(base string) string {
	if i := strings.Index(base, "://"); i > 0 {
		return base[:i]
	}
	return "https"
}

// ImageType guesses an image's media type from its URL's extension, or
// returns "".
func ImageType(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	u = strings.ToLower(u)
	switch {
	case strings.HasSuffix(u, ".jpg"), strings.HasSuffix(u, ".jpeg"):
		return "image/jpeg"
	case strings.HasSuffix(u, ".png"):
		return "image/png"
	case strings.HasSuffix(u, ".webp"):
		return "image/webp"
	case strings.HasSuffix(u, ".gif"):
		return "image/gif"
	case strings.HasSuffix(u, ".avif"):
		return "image/avif"
	}
	return ""
}

// urlAttrs are the attributes whose site-relative URLs AbsoluteHTML
// rewrites.
var urlAttrs = map[string]bool{"href": true, "src": true, "srcset": true, "poster": true, "cite": true}

// AbsoluteHTML rewrites the site-relative URLs of an HTML fragment ("/media/
// 42/640.jpg", "//cdn…") in href, src, srcset, poster and cite attributes
// into absolute ones, leaving every other byte as it was: a feed reader
// has no page to resolve them against.
func AbsoluteHTML(base, body string) string {
	if !strings.Contains(body, "/") {
		return body
	}
	var b strings.Builder
	b.Grow(len(body) + 256)
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			b.Write(raw)
			continue
		}
		rawCopy := string(raw)
		tok := z.Token()
		changed := false
		for i, a := range tok.Attr {
			if a.Namespace != "" || !urlAttrs[a.Key] {
				continue
			}
			var v string
			if a.Key == "srcset" {
				v = absSrcset(base, a.Val)
			} else {
				v = absRef(base, a.Val)
			}
			if v != a.Val {
				tok.Attr[i].Val = v
				changed = true
			}
		}
		if changed {
			b.WriteString(tok.String())
		} else {
			b.WriteString(rawCopy)
		}
	}
	return b.String()
}

// absRef makes a site-relative or protocol-relative reference absolute and
// leaves every other one (fragments, mailto:, other sites) alone.
func absRef(base, ref string) string {
	r := strings.TrimSpace(ref)
	switch {
	case strings.HasPrefix(r, "//"):
		return scheme(base) + ":" + r
	case strings.HasPrefix(r, "/"):
		return base + r
	}
	return ref
}

func absSrcset(base, v string) string {
	parts := strings.Split(v, ",")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		u, desc, _ := strings.Cut(p, " ")
		if desc != "" {
			parts[i] = absRef(base, u) + " " + strings.TrimSpace(desc)
		} else {
			parts[i] = absRef(base, u)
		}
	}
	return strings.Join(parts, ", ")
}
