// Package web owns Sahafa's public site: server-rendered, right-to-left
// HTML pages (home, sections, archive, articles, authors, errors), their
// feeds (feeds.go), robots.txt and sitemaps (seo.go), the embedded static
// assets (CSS and self-hosted Arabic fonts), and the wiring
// that puts the pages behind the in-process page cache and mounts the JSON
// API under /api/v1/. It reads through news.Store only.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sahafa/api"
	"sahafa/arabic"
	"sahafa/assets"
	"sahafa/comments"
	"sahafa/news"
	"sahafa/pagecache"
	"sahafa/search"
)

// DefaultCacheBytes is the page cache budget used when Options.CacheBytes is 0.
const DefaultCacheBytes = 64 << 20

// Options configure the public site.
type Options struct {
	SiteName  string            // default "صحافة"
	BaseURL   string            // e.g. "http://127.0.0.1:8080", for canonical links
	Location  *time.Location    // display time zone, default UTC
	Digits    arabic.DigitStyle // digits of dates and counts
	ShowHijri bool              // show the Hijri date beside the Gregorian one
	Logger    *slog.Logger      // default slog.Default()
	// CacheBytes bounds the page cache: 0 means DefaultCacheBytes, a
	// negative value disables the cache (every page is rendered).
	CacheBytes int64
	// PageSize is the number of articles on list pages; default 20.
	PageSize int
	// LivePoll is how often a live page's script asks for new updates;
	// default 15 s.
	LivePoll time.Duration
	// Viewed, when set, is told of every article page answered with its
	// page (200, or 304 to a reload), from the page cache or not: the
	// readership counter.
	Viewed func(r *http.Request, articleID int64)
	// AdCounted, when set, is told of every ad shown (click false) or
	// clicked in a slot: the readership counter.
	AdCounted func(r *http.Request, adID int64, slot string, click bool)
	// SharedMaxAge, when set, lets shared caches (a CDN in front, which
	// the purger tells of writes) keep pages this long: s-maxage in their
	// Cache-Control. Browsers keep them a minute as before.
	SharedMaxAge time.Duration
	// WebSubHubs are named in every feed (rel="hub"): the hubs the
	// server pings when feeds change (package websub).
	WebSubHubs []string
	// Beacon counts article views by a 1×1 image on the page
	// (/hit/{id}.gif, never cached) rather than by the page's answer, for
	// sites whose pages a CDN answers without asking Sahafa. The
	// referring site is then not known (the image's referrer is the page).
	Beacon bool
	// Stats, when set, answers the stats API (api.StatsPrefix): never
	// cached, within the render limit.
	Stats http.Handler
	// MostRead, when set, gives the most read articles (of a section, or
	// of all when ""), for the "الأكثر قراءة" lists.
	MostRead func(ctx context.Context, section string) ([]news.Article, error)
	// Search runs searches and "you may also read"; default search.New(store).
	Search *search.Engine
	// Assets are the static files; default assets.Load().
	Assets *assets.Set
	// Mounts are other applications served under a path prefix, outside
	// the page cache (the newsroom under /newsroom/).
	Mounts []Mount
	// MaxRenders bounds the pages and API answers rendered at once (what
	// the page cache could not answer); RenderQueue bounds how many wait,
	// and RenderWait for how long, before a 503. Defaults
	// DefaultMaxRenders, DefaultRenderQueue, DefaultRenderWait.
	MaxRenders  int
	RenderQueue int
	RenderWait  time.Duration
	// AwaitMedia returns an image once its upload is processed (waiting
	// a bounded time, processing it if nothing has): /media/{id} of an
	// image uploaded a moment ago answers when it can. Without it, a
	// pending image answers 503.
	AwaitMedia func(ctx context.Context, id int64) (news.Media, error)
	// MediaFile, when set, finds the variant (ratio "") or crop that
	// /media/… names in place of the store: a file kept in a bucket with
	// a public address comes back as that address, where readers are
	// sent, and its bytes are not fetched.
	MediaFile func(ctx context.Context, id int64, ratio string, width int) (f news.MediaFile, publicURL string, err error)
	// Comments, when set, shows readers' comments under articles and
	// takes new ones (/comments/…); without it articles have none.
	Comments *comments.Service
	// ClientAddress is a request's client address for the comment
	// limits (behind a proxy, the address it forwarded); default the peer.
	ClientAddress func(r *http.Request) string
}

// Mount is an application served under Prefix ("/newsroom/"); the path
// without its trailing slash is sent there too.
type Mount struct {
	Prefix  string
	Handler http.Handler
}

// Site is the public web site. It is an http.Handler for every path:
// /static/… (embedded assets), /api/v1/… (the JSON API) and the pages.
type Site struct {
	store  news.Store
	search *search.Engine
	opts   Options
	log    *slog.Logger
	cache  *pagecache.Cache
	tmpl   *templates
	assets *assets.Set

	settings settings

	pages  http.Handler // the page routes, uncached
	cached http.Handler // pages behind the render limit and the cache
	api    http.Handler // the JSON API behind the render limit and the cache
	// adFrame and adClick answer ad frames and clicks behind the render
	// limit (never cached: every view picks its ad and reads its image).
	adFrame, adClick http.Handler
	stats            http.Handler // the stats API, or nil
	beacon           http.Handler // the readership beacon
	commentPosts     http.Handler // /comments/…
	beaconIDs        beaconArticles
	counts           allTimeCounts // the archive's, see allCounts
	sharedMaxAge     string        // ", s-maxage=N" (Options.SharedMaxAge), or empty
	renders          renderGate
}

// New builds the site: it parses every template and indexes the static
// assets once, so that New fails early on a broken template.
func New(store news.Store, opts Options) (*Site, error) {
	if store == nil {
		return nil, errors.New("web: nil store")
	}
	if opts.SiteName == "" {
		opts.SiteName = "صحافة"
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.LivePoll <= 0 {
		opts.LivePoll = 15 * time.Second
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 20
	}
	if opts.PageSize > news.MaxListLimit {
		opts.PageSize = news.MaxListLimit
	}
	if opts.CacheBytes == 0 {
		opts.CacheBytes = DefaultCacheBytes
	}
	if opts.Search == nil {
		opts.Search = search.New(store)
	}
	s := &Site{store: store, search: opts.Search, opts: opts, log: opts.Logger}
	var err error
	if s.assets = opts.Assets; s.assets == nil {
		if s.assets, err = assets.Load(); err != nil {
			return nil, err
		}
	}
	if s.tmpl, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	s.cache = pagecache.New(max(opts.CacheBytes, 0))

	pages := http.NewServeMux()
	s.routes(pages)
	s.pages = collectShownMedia(s.withSectionFeeds(pages))
	s.renders = newRenderGate(opts.MaxRenders, opts.RenderQueue, opts.RenderWait)
	s.cached = s.cache.MiddlewareWithKey(s.renders.wrap(s.pages, s.busy), pageCacheKey)
	s.api = s.cache.Middleware(s.renders.wrap(api.NewWithOptions(store, api.Options{
		BaseURL: opts.BaseURL, Logger: opts.Logger, Search: opts.Search, Location: opts.Location, SiteName: s.SiteName,
	}), s.busy))
	s.adFrame = s.renders.wrap(http.HandlerFunc(s.serveAdFrame), s.busy)
	if opts.Stats != nil {
		s.stats = s.renders.wrap(opts.Stats, s.busy)
	}
	s.beacon = s.renders.wrap(http.HandlerFunc(s.serveBeacon), s.busy)
	if opts.SharedMaxAge > 0 {
		s.sharedMaxAge = ", s-maxage=" + strconv.Itoa(int(opts.SharedMaxAge.Seconds()))
	}
	s.adClick = s.renders.wrap(http.HandlerFunc(s.serveAdClick), s.busy)
	s.commentPosts = s.commentsHandler()
	return s, nil
}

// routes registers the page patterns. "GET /search/{$}" is more specific
// than "/{section}/", so a section can never shadow the search page; the
// same holds for the feeds, robots.txt and the sitemaps (feeds.go, seo.go;
// the feeds of sections are served in front of the mux, withSectionFeeds).
func (s *Site) routes(mux *http.ServeMux) {
	s.feedRoutes(mux)
	s.seoRoutes(mux)
	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /archive/{$}", s.handleArchiveIndex)
	mux.HandleFunc("GET /archive/{yyyy}/{$}", s.handleArchiveYear)
	mux.HandleFunc("GET /archive/{yyyy}/{mm}/{$}", s.handleArchiveMonth)
	mux.HandleFunc("GET /archive/{yyyy}/{mm}/{dd}/{$}", s.handleArchiveDay)
	mux.HandleFunc("GET /archive/hijri/{$}", s.handleHijriArchiveIndex) // more specific than /archive/{yyyy}/
	mux.HandleFunc("GET /archive/hijri/{yyyy}/{$}", s.handleHijriArchiveYear)
	mux.HandleFunc("GET /archive/hijri/{yyyy}/{mm}/{$}", s.handleHijriArchiveMonth)
	mux.HandleFunc("GET /author/{slug}/{$}", s.handleAuthor)
	mux.HandleFunc("GET /tag/{slug}/{$}", s.handleTag)
	mux.HandleFunc("GET /search/{$}", s.handleSearch)
	mux.HandleFunc("GET /search", s.handleSearchNoSlash)
	mux.HandleFunc("GET /{section}/{$}", s.handleSection)
	mux.HandleFunc("GET /{section}", s.handleSectionNoSlash)
	mux.HandleFunc("GET /{section}/{yyyy}/{mm}/{dd}/{slug}", s.handleArticle)
	mux.HandleFunc("/", s.handleNotFound)
}

// ServeHTTP serves the whole site: /static/… from the embedded assets,
// /api/v1/… from the API and everything else from the page routes, the last
// two behind the page cache. Dispatching on the prefix here (rather than in
// one ServeMux) keeps a cache hit free of routing work, and avoids pattern
// conflicts between "/static/" and "/{section}/".
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if strings.Contains(p, "//") {
		// An old link such as https://host//greek/page/ (WordPress writes
		// them): one 301 to the path with single slashes, its escapes kept
		// (net/http's own cleaning answers 307 and escapes them again).
		single := func(path string) string {
			clean := "/" + strings.Join(strings.FieldsFunc(path, func(c rune) bool { return c == '/' }), "/")
			if strings.HasSuffix(path, "/") && clean != "/" {
				clean += "/"
			}
			return clean
		}
		u := *r.URL
		u.Path, u.RawPath = single(r.URL.Path), single(r.URL.EscapedPath())
		cleaned := r.WithContext(r.Context())
		cleaned.URL = &u
		target, ok := canonicalQuery(cleaned) // the query's junk goes in the same hop
		if ok {
			target = u.EscapedPath()
			if u.RawQuery != "" {
				target += "?" + u.RawQuery
			}
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	for _, m := range s.opts.Mounts {
		if strings.HasPrefix(p, m.Prefix) || p == strings.TrimSuffix(m.Prefix, "/") {
			m.Handler.ServeHTTP(w, r)
			return
		}
	}
	switch {
	case strings.HasPrefix(p, "/static/"):
		s.assets.ServeHTTP(w, r)
	case strings.HasPrefix(p, "/media/"):
		s.serveMedia(w, r)
	case strings.HasPrefix(p, api.StatsPrefix) && s.stats != nil:
		s.stats.ServeHTTP(w, r)
	case strings.HasPrefix(p, api.Prefix):
		s.api.ServeHTTP(w, r)
	case strings.HasPrefix(p, adFramePrefix):
		s.adFrame.ServeHTTP(w, r)
	case strings.HasPrefix(p, adClickPrefix):
		s.adClick.ServeHTTP(w, r)
	case strings.HasPrefix(p, commentsPrefix):
		s.commentPosts.ServeHTTP(w, r)
	case strings.HasPrefix(p, beaconPrefix) && s.opts.Beacon && s.opts.Viewed != nil:
		s.beacon.ServeHTTP(w, r)
	case wordPressKey(r) != "":
		// A WordPress link (/?p=123, /?page_id=2) of an imported article
		// or page.
		s.notFound(w, r)
	default:
		if target, ok := canonicalQuery(r); !ok {
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		if p == newsSitemapPath {
			// Its content moves with the clock, not only with writes.
			s.renders.wrap(s.pages, s.busy).ServeHTTP(w, r)
			return
		}
		if s.sharedMaxAge != "" {
			w = &sharedMaxAgeWriter{ResponseWriter: w, directive: s.sharedMaxAge}
		}
		if s.opts.Viewed == nil || s.opts.Beacon {
			s.cached.ServeHTTP(w, r)
			return
		}
		sw := &statusWriter{ResponseWriter: w}
		s.cached.ServeHTTP(sw, r)
		if sw.status == http.StatusOK || sw.status == http.StatusNotModified {
			for _, tag := range strings.Fields(w.Header().Get(pagecache.TagHeader)) {
				if id, ok := news.TagArticle(tag); ok {
					s.opts.Viewed(r, id)
					break
				}
			}
		}
	}
}

// statusWriter notes the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// canonicalQuery reports whether a page request's query string is the one
// the page uses, and otherwise the URL without the rest. Pages other than
// search read only "page": a link with tracking or junk parameters
// (?utm_source=…, ?x=1, ?x=2 …) is sent to its canonical URL, so it neither
// fills the page cache with copies nor splits a page's links. Feeds,
// sitemaps and robots.txt read no parameter at all.
func canonicalQuery(r *http.Request) (string, bool) {
	if r.URL.RawQuery == "" || strings.HasPrefix(r.URL.Path, "/search") {
		return "", true
	}
	clean := url.Values{}
	if v := r.URL.Query().Get("page"); v != "" && !isFeedPath(r.URL.Path) && !isSEOPath(r.URL.Path) {
		// ?page=01, ?page=001 … are page 1 and would each fill the cache:
		// a valid number is sent to its one spelling (page 1 to none); any
		// other value is left for the page to refuse with a 400.
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= maxPage {
			if n > 1 {
				clean.Set("page", strconv.Itoa(n))
			}
		} else {
			clean.Set("page", v)
		}
	}
	q := clean.Encode()
	if q == r.URL.RawQuery {
		return "", true
	}
	// One leading slash: "//host/…" in a Location is another site.
	target := "/" + strings.TrimLeft(r.URL.EscapedPath(), "/")
	if q != "" {
		target += "?" + q
	}
	return target, false
}

// Invalidate drops every cached page and API response; call it after every
// write to the store.
func (s *Site) Invalidate() {
	s.settings.cur.Store(nil)
	s.cache.Invalidate()
	s.beaconIDs.forget() // an article taken down is counted no more
}

// InvalidateArticle drops the cached responses of article id's own page
// (its page and API resources), as when its related list was stored.
func (s *Site) InvalidateArticle(id int64) { s.cache.InvalidateTag(news.CacheTag(id)) }

// Changed applies a change a store's watcher reported (news.ChangeWatcher).
func (s *Site) Changed(c news.Change) {
	if c.All {
		s.Invalidate()
		return
	}
	for _, id := range c.Related {
		s.InvalidateArticle(id)
	}
	for _, id := range c.Media {
		s.InvalidateMedia(id)
	}
}

// InvalidateMedia drops the cached pages that show library image id.
func (s *Site) InvalidateMedia(id int64) {
	s.cache.InvalidateTag(news.MediaTag(id))
	s.cache.InvalidateTag(news.MediaTagAny)
}

// Uncached returns the page handler without the page cache (benchmarks,
// debugging). Static assets and the API are not included.
func (s *Site) Uncached() http.Handler { return s.pages }

// Assets returns the site's static files (the newsroom links them too).
func (s *Site) Assets() *assets.Set { return s.assets }

// Cache returns the site's page cache, for stats.
func (s *Site) Cache() *pagecache.Cache { return s.cache }

// sharedMaxAgeWriter adds s-maxage to the Cache-Control of pages public
// caches may keep (Options.SharedMaxAge).
type sharedMaxAgeWriter struct {
	http.ResponseWriter
	directive   string
	wroteHeader bool
}

func (w *sharedMaxAgeWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.wroteHeader = true
		h := w.Header()
		if cc := h.Get("Cache-Control"); strings.HasPrefix(cc, "public") && !strings.Contains(cc, "s-maxage") {
			h.Set("Cache-Control", cc+w.directive)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *sharedMaxAgeWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}
