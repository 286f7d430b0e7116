package web

import (
	"bytes"
	"net/http"
	"path"
	"strings"

	"sahafa/feed"
	"sahafa/news"
)

// Feeds. Every list of the site has three, under the list's own path:
//
//	/feed/                  RSS 2.0 of the whole site
//	/feed/atom/             Atom 1.0
//	/feed/json/             JSON Feed 1.1
//	/{section}/feed/        … of a section (/{section}/feed/atom/, /{section}/feed/json/)
//	/author/{slug}/feed/    … of an author
//	/tag/{slug}/feed/       … of a tag
//
// Each holds the newest published articles (siteFeedItems for the whole
// site, feedItems for the others), with their full text or their summary
// as the site's feed_content setting says. Feeds are served by the page
// handler (feedRoutes, withSectionFeeds), so they go through the page
// cache like pages.

// Feed sizes.
const (
	siteFeedItems = 50
	feedItems     = 20
)

// feedFormat is one of the three feed formats.
type feedFormat int

const (
	formatRSS feedFormat = iota
	formatAtom
	formatJSON
)

var feedFormats = []feedFormat{formatRSS, formatAtom, formatJSON}

// suffix is the format's path under a list's path.
func (f feedFormat) suffix() string {
	switch f {
	case formatAtom:
		return "feed/atom/"
	case formatJSON:
		return "feed/json/"
	}
	return "feed/"
}

func (f feedFormat) contentType() string {
	switch f {
	case formatAtom:
		return feed.AtomContentType
	case formatJSON:
		return feed.JSONContentType
	}
	return feed.RSSContentType
}

// name is the format's name in a feedLink.
func (f feedFormat) name() string {
	switch f {
	case formatAtom:
		return "atom"
	case formatJSON:
		return "json"
	}
	return "rss"
}

// label names the format in the title of a <link rel="alternate">.
func (f feedFormat) label() string {
	switch f {
	case formatAtom:
		return "Atom"
	case formatJSON:
		return "JSON Feed"
	}
	return "RSS"
}

// feedPath is the path of a list's feed: base is the list's path
// ("/", "/world/", "/author/x/"), percent-encoded, with its trailing slash.
func feedPath(base string, f feedFormat) string { return base + f.suffix() }

// parseFeedPath reads a (decoded) request path as a feed's: base is the
// path segments of the list it follows (none for the whole site, one for a
// section, "author" or "tag" and a slug for the others). "/author/feed/"
// and "/tag/feed/" are the pages of an author and a tag whose slug is
// "feed", not feeds.
func parseFeedPath(p string) (base []string, f feedFormat, ok bool) {
	if !strings.HasSuffix(p, "/") || path.Clean(p)+"/" != p {
		return nil, 0, false
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	n := len(segs)
	switch {
	case segs[n-1] == "feed":
		base, f = segs[:n-1], formatRSS
	case n >= 2 && segs[n-2] == "feed" && segs[n-1] == "atom":
		base, f = segs[:n-2], formatAtom
	case n >= 2 && segs[n-2] == "feed" && segs[n-1] == "json":
		base, f = segs[:n-2], formatJSON
	default:
		return nil, 0, false
	}
	switch len(base) {
	case 0:
		return base, f, true
	case 1:
		return base, f, base[0] != "author" && base[0] != "tag"
	case 2:
		return base, f, base[0] == "author" || base[0] == "tag"
	}
	return nil, 0, false
}

// isFeedPath reports whether a (decoded) request path is a feed's. Feeds
// take no query parameters (canonicalQuery drops them all).
func isFeedPath(p string) bool {
	_, _, ok := parseFeedPath(p)
	return ok
}

// feedRoutes registers the feeds of the site, of authors and of tags.
func (s *Site) feedRoutes(mux *http.ServeMux) {
	for _, f := range feedFormats {
		mux.HandleFunc("GET /"+f.suffix()+"{$}", s.feedHandler(f, s.siteFeedSource))
		mux.HandleFunc("GET /author/{slug}/"+f.suffix()+"{$}", s.feedHandler(f, s.authorFeedSource))
		mux.HandleFunc("GET /tag/{slug}/"+f.suffix()+"{$}", s.feedHandler(f, s.tagFeedSource))
	}
}

// withSectionFeeds serves the feeds of sections in front of the page mux.
// They cannot have patterns of their own: "/{section}/feed/" and
// "/archive/{yyyy}/" both match "/archive/feed/" and neither is more
// specific, which ServeMux refuses; and a catch-all "/{section}/{sub}/{$}"
// would make the mux redirect every "/a/b" to "/a/b/".
func (s *Site) withSectionFeeds(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if base, f, ok := parseFeedPath(r.URL.Path); ok && len(base) == 1 {
				s.sectionFeed(w, r, base[0], f)
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// feedSource is what a feed follows.
type feedSource struct {
	title       string
	description string
	path        string // the list's page, percent-encoded; its feeds are under it
	filter      news.ArticleFilter
}

type sourceFunc func(r *http.Request) (feedSource, error)

func (s *Site) siteFeedSource(r *http.Request) (feedSource, error) {
	name := s.cfg(r.Context()).SiteName
	return feedSource{title: name, description: siteDescription(name), path: "/",
		filter: news.ArticleFilter{Limit: siteFeedItems}}, nil
}

func (s *Site) authorFeedSource(r *http.Request) (feedSource, error) {
	au, err := s.store.AuthorBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return feedSource{}, err
	}
	name := s.cfg(r.Context()).SiteName
	return feedSource{title: au.Name + " - " + name, description: "مقالات " + au.Name + " في " + name,
		path: news.AuthorPath(au.Slug), filter: news.ArticleFilter{AuthorSlug: au.Slug, Limit: feedItems}}, nil
}

func (s *Site) tagFeedSource(r *http.Request) (feedSource, error) {
	t, err := s.store.TagBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return feedSource{}, err
	}
	name := s.cfg(r.Context()).SiteName
	return feedSource{title: t.Name + " - " + name, description: "مقالات عن " + t.Name + " في " + name,
		path: news.TagPath(t.Slug), filter: news.ArticleFilter{TagSlug: t.Slug, Limit: feedItems}}, nil
}

// siteDescription is the home page's description, and the site feed's.
func siteDescription(siteName string) string {
	return siteName + ": آخر الأخبار والتقارير من كل الأقسام"
}

func (s *Site) feedHandler(f feedFormat, source sourceFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		src, err := source(r)
		if news.ErrorCode(err) == news.ENOTFOUND {
			s.notFound(w, r) // perhaps a moved site's feed of a tag or author
			return
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		s.serveFeed(w, r, f, src)
	}
}

// sectionFeed serves /{section}/feed/, /{section}/feed/atom/ and
// /{section}/feed/json/; a path whose first segment is no section is the
// 404 page (or the redirect of an old URL, as the catch-all would answer).
func (s *Site) sectionFeed(w http.ResponseWriter, r *http.Request, slug string, f feedFormat) {
	sec, err := s.store.SectionBySlug(r.Context(), slug)
	if news.ErrorCode(err) == news.ENOTFOUND {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	name := s.cfg(r.Context()).SiteName
	s.serveFeed(w, r, f, feedSource{title: sec.Name + " - " + name, description: "آخر أخبار " + sec.Name + " في " + name,
		path: news.SectionPath(sec.Slug), filter: news.ArticleFilter{SectionSlug: sec.Slug, Limit: feedItems}})
}

// serveFeed writes the feed of src's newest articles in format f.
func (s *Site) serveFeed(w http.ResponseWriter, r *http.Request, f feedFormat, src feedSource) {
	ctx := r.Context()
	filter := src.filter
	filter.NoTotal = true // a feed shows no count
	list, err := s.store.Articles(ctx, filter)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	c := s.cfg(ctx)
	fd := feed.Feed{
		Title:       src.title,
		Description: src.description,
		BaseURL:     s.opts.BaseURL,
		Link:        s.canonical(src.path),
		Self:        s.canonical(feedPath(src.path, f)),
		Publisher:   c.SiteName,
		Full:        c.FeedFull,
		Hubs:        s.opts.WebSubHubs,
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer putBuf(buf)
	switch f {
	case formatAtom:
		err = feed.WriteAtom(buf, fd, list.Articles)
	case formatJSON:
		err = feed.WriteJSON(buf, fd, list.Articles)
	default:
		err = feed.WriteRSS(buf, fd, list.Articles)
	}
	if err != nil {
		s.renderError(w, r, http.StatusInternalServerError, err)
		return
	}
	keys := listKeys(src.filter)
	if len(keys) == 0 {
		keys = []string{news.FeedKey}
	}
	addKeys(w.Header(), keys...)
	writeBody(w, r, http.StatusOK, f.contentType(), buf.Bytes())
}

// feedLinks are the <link rel="alternate"> of a list's feeds.
func (s *Site) feedLinks(title, base string) []feedLink {
	out := make([]feedLink, 0, len(feedFormats))
	for _, f := range feedFormats {
		out = append(out, feedLink{Format: f.name(), Title: title + " (" + f.label() + ")", URL: s.canonical(feedPath(base, f))})
	}
	return out
}
