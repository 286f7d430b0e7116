// Package pagecache owns Sahafa's in-process cache of rendered pages: an
// http.Handler middleware that keeps successful GET/HEAD responses in memory,
// bounded by total bytes with least-recently-used eviction, answers
// conditional requests from the stored ETag, and lets writers drop every
// entry in O(1) with Invalidate, or the entries of one tag (a response's
// Surrogate-Key header, such as one article's page) with InvalidateTag.
//
// A dropped entry is kept as the page's last good copy until it is
// replaced or evicted: when rendering it again fails with a server error
// (the database is down), the last good copy is served instead
// (stale-if-error); while one request renders a page again, others for the
// same page get the last good copy at once rather than wait
// (stale-while-revalidate). Such answers carry "X-Cache: stale".
package pagecache

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"encoding/hex"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// HeaderName is the response header that tells whether a response came from
// the cache ("hit"), was rendered for this request ("miss"), or is the last
// good copy of a page that is being or could not be rendered again
// ("stale").
const HeaderName = "X-Cache"

// TagHeader is the response header whose space-separated values tag a
// stored response for InvalidateTag (the name CDNs use for purge keys).
const TagHeader = "Surrogate-Key"

// FreshForHeader, set by a handler to a number of seconds, keeps the
// response for that long only (then it is rendered again, others being
// served the last copy meanwhile), for pages that show the time passing
// ("منذ 5 دقائق"). The cache removes it from what it serves.
const FreshForHeader = "X-Fresh-For"

// MaxTags bounds the tags kept per entry: a handler tagging a response
// with more should tag it with something broader instead.
const MaxTags = 64

// retryFailedAfter is how long a page whose render failed is served from
// its last good copy before a request tries to render it again, so that
// a database outage costs one failing render per page per interval, not
// one per request.
const retryFailedAfter = 2 * time.Second

// entryOverhead is a rough per-entry cost added to the body and header sizes,
// so that many tiny entries still count against the byte budget.
const entryOverhead = 256

// maxKeyBytes bounds the URL (path and query) of a stored response; longer
// ones are served uncached. The longest real URL — a search for 2,000 bytes
// of Arabic, percent-encoded, with its filters — is about 6 KB.
const maxKeyBytes = 8 << 10

// Cache is a concurrency-safe cache of rendered responses. The zero value is
// not usable; call New.
type Cache struct {
	maxBytes int64
	maxEntry int64 // responses larger than this are passed through, never stored
	gen      atomic.Uint64

	mu      sync.Mutex
	entries map[string]*list.Element // key → element whose Value is *entry
	tags    map[string]map[string]struct{}
	lru     *list.List // front = most recently used
	size    int64
	flights map[flightKey]*flight

	hits, misses, stale, evictions atomic.Int64
}

type entry struct {
	key  string
	gen  uint64
	size int64
	tags []string
	// dropped is set by InvalidateTag; failedAt is when rendering the
	// page again last failed. Both are guarded by Cache.mu.
	dropped  bool
	failedAt time.Time
	expires  time.Time   // zero: kept until dropped (FreshForHeader)
	header   http.Header // stored headers, shared read-only by every hit
	etag     string
	body     []byte

	// The gzip variant, compressed once when the entry is stored, for
	// readers whose browsers accept it (a 10 KB article page travels as
	// about 3 KB); nil when the body is not text or does not shrink.
	gzHeader http.Header
	gzBody   []byte
}

type flightKey struct {
	key string
	gen uint64
}

// flight is one rendering in progress; later requests for the same key wait
// for it instead of rendering again.
type flight struct {
	done  chan struct{}
	entry *entry // nil when the response could not be stored
}

// New returns a cache that holds at most maxBytes of responses (bodies plus
// headers plus a small per-entry overhead). A maxBytes of zero or less makes
// a cache that stores nothing.
func New(maxBytes int64) *Cache {
	c := &Cache{
		maxBytes: maxBytes,
		maxEntry: maxBytes / 4,
		entries:  make(map[string]*list.Element),
		tags:     make(map[string]map[string]struct{}),
		lru:      list.New(),
		flights:  make(map[flightKey]*flight),
	}
	if c.maxEntry < 0 {
		c.maxEntry = 0
	}
	return c
}

// Invalidate drops every cached response. It only bumps a generation
// counter; dropped entries stay as last good copies until replaced or
// evicted.
func (c *Cache) Invalidate() { c.gen.Add(1) }

// InvalidateTag drops the responses tagged tag (see TagHeader); they stay
// as last good copies until replaced or evicted.
func (c *Cache) InvalidateTag(tag string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key := range c.tags[tag] {
		if el, ok := c.entries[key]; ok {
			el.Value.(*entry).dropped = true
		}
	}
}

// Stats is what the cache holds and has done.
type Stats struct {
	Bytes     int64 // stored, bodies and headers, last good copies included
	Entries   int
	Hits      int64 // answered from a live entry
	Misses    int64 // rendered
	Stale     int64 // answered from a last good copy
	Evictions int64 // entries removed to make room
}

// Stats reports the cache's size and counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	bytes, entries := c.size, c.lru.Len()
	c.mu.Unlock()
	return Stats{Bytes: bytes, Entries: entries, Hits: c.hits.Load(), Misses: c.misses.Load(),
		Stale: c.stale.Load(), Evictions: c.evictions.Load()}
}

// Middleware serves GET and HEAD requests from the cache when it can and
// stores next's response when it is cacheable: status 200, no Set-Cookie,
// and no Cache-Control no-store or private. Other methods pass through.
func (c *Cache) Middleware(next http.Handler) http.Handler {
	return c.MiddlewareWithKey(next, Key)
}

// MiddlewareWithKey is Middleware with the caller's cache key: requests
// with the same key must get the same response (a key that drops
// parameters the handler ignores keeps the cache from filling with
// copies).
func (c *Cache) MiddlewareWithKey(next http.Handler, keyOf func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || c.maxBytes <= 0 {
			next.ServeHTTP(w, r)
			return
		}
		key := keyOf(r)
		if len(key) > maxKeyBytes {
			// No page of the site has such a URL: storing it would let a
			// few huge made-up query strings evict every real page.
			next.ServeHTTP(w, r)
			return
		}
		gen := c.gen.Load()

		c.mu.Lock()
		e, last := c.lookupLocked(key, gen)
		if e != nil {
			c.mu.Unlock()
			c.hits.Add(1)
			serveEntry(w, r, e, "hit")
			return
		}
		if last != nil && !last.failedAt.IsZero() && time.Since(last.failedAt) < retryFailedAfter {
			// Rendering this page failed a moment ago: do not try again
			// for every reader while the database is down.
			c.mu.Unlock()
			c.serveStale(w, r, last)
			return
		}
		fk := flightKey{key, gen}
		if f, ok := c.flights[fk]; ok {
			c.mu.Unlock()
			if last != nil {
				c.serveStale(w, r, last) // another request is rendering it
				return
			}
			select {
			case <-f.done:
			case <-r.Context().Done():
				return
			}
			if f.entry != nil {
				c.hits.Add(1)
				serveEntry(w, r, f.entry, "hit")
				return
			}
			// The leader's response was not cacheable: render our own.
			c.misses.Add(1)
			w.Header().Set(HeaderName, "miss")
			next.ServeHTTP(w, r)
			return
		}
		f := &flight{done: make(chan struct{})}
		c.flights[fk] = f
		c.mu.Unlock()
		c.misses.Add(1)

		defer func() {
			c.mu.Lock()
			if c.flights[fk] == f {
				delete(c.flights, fk)
			}
			c.mu.Unlock()
			close(f.done)
		}()

		rr := r
		if r.Method == http.MethodHead {
			// Render a full GET so the stored body serves later GETs too.
			rr = r.Clone(r.Context())
			rr.Method = http.MethodGet
		}
		rec := &recorder{dst: w, header: make(http.Header), max: c.maxEntry, head: r.Method == http.MethodHead,
			holdErrors: last != nil}
		rec.header.Set(HeaderName, "miss")
		next.ServeHTTP(rec, rr)
		if rec.failed {
			c.mu.Lock()
			last.failedAt = time.Now()
			c.mu.Unlock()
			c.serveStale(w, r, last)
			return
		}
		if rec.passthrough {
			c.forget(key, last)
			return
		}
		e = rec.entry(key, gen)
		if e != nil {
			c.store(e)
			f.entry = e
			serveEntry(w, r, e, "miss")
			return
		}
		c.forget(key, last)
		rec.flushTo(w)
	})
}

// forget removes a page's last good copy once rendering it again gave
// another answer than a server error: a page that is now a 404 or a
// redirect (an article taken down) must not be served from its old copy,
// not even to requests that arrive while it renders.
func (c *Cache) forget(key string, last *entry) {
	if last == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok && el.Value.(*entry) == last {
		c.removeLocked(el)
	}
}

// serveStale answers with a page's last good copy.
func (c *Cache) serveStale(w http.ResponseWriter, r *http.Request, e *entry) {
	c.stale.Add(1)
	serveEntry(w, r, e, "stale")
}

// Key is the default cache key: the decoded path and the raw query. A
// path whose encoding carries meaning (an escaped "/", say) keeps its raw
// form, marked so it cannot collide with a decoded one; this avoids
// re-escaping every path.
func Key(r *http.Request) string {
	u := r.URL
	p := u.Path
	if u.RawPath != "" {
		p = "~" + u.RawPath
	}
	if u.RawQuery == "" {
		return p
	}
	return p + "?" + u.RawQuery
}

// lookupLocked returns the live entry for key, or else the dropped one
// kept as its last good copy (or neither).
func (c *Cache) lookupLocked(key string, gen uint64) (live, last *entry) {
	el, ok := c.entries[key]
	if !ok {
		return nil, nil
	}
	e := el.Value.(*entry)
	if e.gen != gen || e.dropped || (!e.expires.IsZero() && time.Now().After(e.expires)) {
		return nil, e
	}
	c.lru.MoveToFront(el)
	return e, nil
}

func (c *Cache) removeLocked(el *list.Element) {
	e := el.Value.(*entry)
	c.lru.Remove(el)
	delete(c.entries, e.key)
	c.size -= e.size
	for _, t := range e.tags {
		if keys := c.tags[t]; keys != nil {
			delete(keys, e.key)
			if len(keys) == 0 {
				delete(c.tags, t)
			}
		}
	}
}

func (c *Cache) store(e *entry) {
	if e.size > c.maxBytes || e.gen != c.gen.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[e.key]; ok {
		c.removeLocked(old)
	}
	c.entries[e.key] = c.lru.PushFront(e)
	c.size += e.size
	for _, t := range e.tags {
		keys := c.tags[t]
		if keys == nil {
			keys = make(map[string]struct{}, 1)
			c.tags[t] = keys
		}
		keys[e.key] = struct{}{}
	}
	for c.size > c.maxBytes {
		back := c.lru.Back()
		if back == nil {
			break
		}
		c.removeLocked(back)
		c.evictions.Add(1)
	}
}

// serveEntry writes a stored response, or 304 when the request's
// If-None-Match matches its ETag.
func serveEntry(w http.ResponseWriter, r *http.Request, e *entry, state string) {
	header, body, etag := e.header, e.body, e.etag
	if e.gzBody != nil && AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		header, body, etag = e.gzHeader, e.gzBody, e.gzHeader.Get("ETag")
	}
	h := w.Header()
	for k, v := range header {
		h[k] = v
	}
	h[HeaderName] = headerValue(state)
	if etag != "" && etagMatches(r.Header.Get("If-None-Match"), etag) {
		delete(h, "Content-Length")
		delete(h, "Content-Type")
		delete(h, "Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// AcceptsGzip reports whether an Accept-Encoding value allows gzip (and
// does not refuse it with q=0).
func AcceptsGzip(ae string) bool {
	for part := range strings.SplitSeq(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// minGzipBytes is the smallest body worth compressing.
const minGzipBytes = 1024

// addGzip gives e a gzip variant when its body is text that shrinks.
func (e *entry) addGzip() {
	ct := e.header.Get("Content-Type")
	if len(e.body) < minGzipBytes || e.header.Get("Content-Encoding") != "" ||
		!(strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "application/json") ||
			strings.HasPrefix(ct, "application/xml") || strings.Contains(ct, "+xml") || strings.Contains(ct, "+json")) {
		return
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return
	}
	zw.Write(e.body)
	if zw.Close() != nil || buf.Len() >= len(e.body) {
		return
	}
	e.gzBody = buf.Bytes()
	e.gzHeader = e.header.Clone()
	e.gzHeader.Set("Content-Encoding", "gzip")
	e.gzHeader.Set("Content-Length", strconv.Itoa(len(e.gzBody)))
	// A different representation needs a different validator.
	if etag := e.etag; strings.HasSuffix(etag, `"`) {
		e.gzHeader.Set("ETag", etag[:len(etag)-1]+`-gz"`)
	}
	vary := "Accept-Encoding"
	if v := e.header.Get("Vary"); v != "" {
		vary = v + ", Accept-Encoding"
	}
	e.header.Set("Vary", vary)
	e.gzHeader.Set("Vary", vary)
	e.size += int64(len(e.gzBody)) + 64
}

var (
	hitValue   = []string{"hit"}
	missValue  = []string{"miss"}
	staleValue = []string{"stale"}
)

func headerValue(state string) []string {
	switch state {
	case "hit":
		return hitValue
	case "stale":
		return staleValue
	}
	return missValue
}

// etagMatches implements the weak comparison of If-None-Match (RFC 9110
// 13.1.2) against one stored ETag.
func etagMatches(inm, etag string) bool {
	if inm == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for part := range strings.SplitSeq(inm, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == want {
			return true
		}
	}
	return false
}

// recorder buffers a response so it can be stored. A response that grows
// past max is written through to dst as it comes and never stored. With
// holdErrors (there is a last good copy to fall back on), a server error
// is not passed through: failed is set and the body dropped.
type recorder struct {
	dst         http.ResponseWriter
	header      http.Header
	status      int
	buf         bytes.Buffer
	max         int64
	head        bool // the client asked for HEAD: write no body to it
	passthrough bool
	holdErrors  bool
	failed      bool
}

func (r *recorder) Header() http.Header {
	if r.passthrough {
		return r.dst.Header()
	}
	return r.header
}

func (r *recorder) WriteHeader(status int) {
	if r.status != 0 {
		return
	}
	if status >= 100 && status < 200 {
		// Informational responses are forwarded, not recorded.
		copyHeader(r.dst.Header(), r.header)
		r.dst.WriteHeader(status)
		return
	}
	r.status = status
	if status >= 500 && r.holdErrors {
		r.failed = true
		return
	}
	if status != http.StatusOK {
		r.startPassthrough()
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	if r.failed {
		return len(p), nil
	}
	if r.passthrough {
		if r.head {
			return len(p), nil
		}
		return r.dst.Write(p)
	}
	if int64(r.buf.Len()+len(p)) > r.max {
		r.startPassthrough()
		if r.head {
			return len(p), nil
		}
		return r.dst.Write(p)
	}
	return r.buf.Write(p)
}

// startPassthrough sends what was recorded so far and streams the rest.
func (r *recorder) startPassthrough() {
	if r.passthrough {
		return
	}
	r.passthrough = true
	copyHeader(r.dst.Header(), r.header)
	r.dst.WriteHeader(r.status)
	if r.buf.Len() > 0 && !r.head {
		r.dst.Write(r.buf.Bytes())
	}
	r.buf = bytes.Buffer{}
}

// flushTo writes a complete buffered response that is not being stored.
func (r *recorder) flushTo(w http.ResponseWriter) {
	copyHeader(w.Header(), r.header)
	status := r.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if !r.head {
		w.Write(r.buf.Bytes())
	}
}

// entry turns a buffered response into a cache entry, or returns nil when
// it must not be stored.
func (r *recorder) entry(key string, gen uint64) *entry {
	// A handler that wrote nothing (status 0) may have given up on a
	// cancelled request: never store that as an empty page.
	if r.status != http.StatusOK || !storable(r.header) {
		return nil
	}
	h := r.header.Clone()
	delete(h, HeaderName)
	var expires time.Time
	if v := h.Get(FreshForHeader); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			expires = time.Now().Add(time.Duration(n) * time.Second)
		}
		delete(h, FreshForHeader)
	}
	body := bytes.Clone(r.buf.Bytes())
	etag := h.Get("ETag")
	if etag == "" {
		sum := fnv.New64a()
		sum.Write(body)
		etag = `"` + hex.EncodeToString(sum.Sum(nil)) + `"`
		h.Set("ETag", etag)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	size := int64(len(body)) + int64(len(key)) + entryOverhead
	for k, vs := range h {
		size += int64(len(k))
		for _, v := range vs {
			size += int64(len(v))
		}
	}
	e := &entry{key: key, gen: gen, size: size, header: h, etag: etag, body: body, expires: expires}
	if tags := strings.Fields(h.Get(TagHeader)); len(tags) > 0 {
		e.tags = tags[:min(len(tags), MaxTags)]
	}
	e.addGzip()
	return e
}

// storable reports whether response headers allow a shared cache to keep it.
func storable(h http.Header) bool {
	if len(h.Values("Set-Cookie")) > 0 {
		return false
	}
	for _, v := range h.Values("Cache-Control") {
		for d := range strings.SplitSeq(v, ",") {
			d = strings.ToLower(strings.TrimSpace(d))
			if d == "no-store" || d == "private" || strings.HasPrefix(d, "private=") || d == "no-cache" {
				return false
			}
		}
	}
	if strings.TrimSpace(h.Get("Vary")) == "*" {
		return false
	}
	return true
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[k] = v
	}
}
