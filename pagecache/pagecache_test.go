package pagecache_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sahafa/pagecache"
)

// counter is a handler that renders "<path> #<n>" and counts its calls.
type counter struct {
	calls atomic.Int64
	// configure responses per path
	status map[string]int
	header map[string][2]string
	size   map[string]int
	delay  time.Duration
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := c.calls.Add(1)
	if c.delay > 0 {
		time.Sleep(c.delay)
	}
	if h, ok := c.header[r.URL.Path]; ok {
		w.Header().Set(h[0], h[1])
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s, ok := c.status[r.URL.Path]; ok {
		w.WriteHeader(s)
	}
	if sz, ok := c.size[r.URL.Path]; ok {
		w.Write([]byte(strings.Repeat("ب", sz/2)))
		return
	}
	fmt.Fprintf(w, "%s?%s #%d", r.URL.Path, r.URL.RawQuery, n)
}

type result struct {
	status int
	cache  string
	etag   string
	body   string
	header http.Header
}

func get(h http.Handler, method, target string, hdr ...string) result {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return result{rec.Code, rec.Header().Get(pagecache.HeaderName), rec.Header().Get("ETag"), string(body), rec.Header()}
}

func TestHitMiss(t *testing.T) {
	c := pagecache.New(1 << 20)
	next := &counter{}
	h := c.Middleware(next)

	a := get(h, "GET", "/مقال?x=1")
	b := get(h, "GET", "/مقال?x=1")
	if a.cache != "miss" || b.cache != "hit" {
		t.Errorf("X-Cache: %q then %q, want miss then hit", a.cache, b.cache)
	}
	if a.body != b.body || next.calls.Load() != 1 {
		t.Errorf("second response rendered again: %q vs %q, %d calls", a.body, b.body, next.calls.Load())
	}
	if a.etag == "" || a.etag != b.etag {
		t.Errorf("ETag %q / %q", a.etag, b.etag)
	}
	if b.header.Get("Content-Type") != "text/plain; charset=utf-8" || b.header.Get("Content-Length") != fmt.Sprint(len(b.body)) {
		t.Errorf("stored headers: %v", b.header)
	}
	// a different query is a different page
	if r := get(h, "GET", "/مقال?x=2"); r.cache != "miss" || next.calls.Load() != 2 {
		t.Errorf("other query: %q, %d calls", r.cache, next.calls.Load())
	}
	// HEAD shares the GET entry and has no body
	if r := get(h, "HEAD", "/مقال?x=1"); r.cache != "hit" || r.body != "" || r.status != 200 {
		t.Errorf("HEAD: %+v", r)
	}
	// HEAD first stores a full body for later GETs
	get(h, "HEAD", "/head-first")
	if r := get(h, "GET", "/head-first"); r.cache != "hit" || !strings.HasPrefix(r.body, "/head-first") {
		t.Errorf("GET after HEAD: %+v", r)
	}
	// other methods pass through
	calls := next.calls.Load()
	if r := get(h, "POST", "/مقال?x=1"); r.cache != "" || next.calls.Load() != calls+1 {
		t.Errorf("POST: X-Cache %q", r.cache)
	}
	st := c.Stats()
	entries, hits, misses := st.Entries, st.Hits, st.Misses
	if entries != 3 || hits != 3 || misses != 3 {
		t.Errorf("stats: %d entries, %d hits, %d misses", entries, hits, misses)
	}
}

func TestInvalidate(t *testing.T) {
	c := pagecache.New(1 << 20)
	next := &counter{}
	h := c.Middleware(next)
	first := get(h, "GET", "/a")
	get(h, "GET", "/a")
	c.Invalidate()
	r := get(h, "GET", "/a")
	if r.cache != "miss" || r.body == first.body || next.calls.Load() != 2 {
		t.Errorf("after Invalidate: %q %q, %d calls", r.cache, r.body, next.calls.Load())
	}
	if r := get(h, "GET", "/a"); r.cache != "hit" || r.body != "/a? #2" {
		t.Errorf("re-cached: %q %q", r.cache, r.body)
	}
}

func TestEvictionBySize(t *testing.T) {
	// Each entry is about 1000 bytes of body plus overhead; 3.5 fit.
	c := pagecache.New(4500)
	next := &counter{size: map[string]int{"/1": 1000, "/2": 1000, "/3": 1000, "/4": 1000, "/big": 4000}}
	h := c.Middleware(next)
	for _, p := range []string{"/1", "/2", "/3"} {
		get(h, "GET", p)
	}
	get(h, "GET", "/1") // touch /1: /2 is now least recently used
	get(h, "GET", "/4") // evicts /2
	st := c.Stats()
	size, entries := st.Bytes, st.Entries
	if size > 4500 || entries != 3 || st.Evictions != 1 {
		t.Errorf("size %d entries %d", size, entries)
	}
	// in this order: the miss on /2 stores it again and evicts another
	for _, c := range []struct{ path, want string }{{"/1", "hit"}, {"/3", "hit"}, {"/4", "hit"}, {"/2", "miss"}} {
		if r := get(h, "GET", c.path); r.cache != c.want {
			t.Errorf("%s: %q, want %q", c.path, r.cache, c.want)
		}
	}
	// a response bigger than a quarter of the budget is served, never stored
	calls := next.calls.Load()
	r1 := get(h, "GET", "/big")
	r2 := get(h, "GET", "/big")
	if r1.status != 200 || len(r1.body) != 4000 || r2.cache == "hit" || next.calls.Load() != calls+2 {
		t.Errorf("big response: %d %d bytes, second %q", r1.status, len(r1.body), r2.cache)
	}
}

func TestConditional(t *testing.T) {
	c := pagecache.New(1 << 20)
	next := &counter{header: map[string][2]string{"/tagged": {"ETag", `"v1"`}}}
	h := c.Middleware(next)
	r := get(h, "GET", "/tagged")
	if r.etag != `"v1"` {
		t.Fatalf("handler ETag not kept: %q", r.etag)
	}
	for _, inm := range []string{`"v1"`, `W/"v1"`, `"x", "v1"`, `*`} {
		nm := get(h, "GET", "/tagged", "If-None-Match", inm)
		if nm.status != http.StatusNotModified || nm.body != "" || nm.etag != `"v1"` {
			t.Errorf("If-None-Match %s: %d %q etag %q", inm, nm.status, nm.body, nm.etag)
		}
	}
	if r := get(h, "GET", "/tagged", "If-None-Match", `"v0"`); r.status != 200 || r.body == "" {
		t.Errorf("stale If-None-Match: %d", r.status)
	}
	// a generated ETag works the same way, even on the miss that stores it
	first := get(h, "GET", "/plain")
	if r := get(h, "GET", "/plain", "If-None-Match", first.etag); r.status != http.StatusNotModified {
		t.Errorf("generated ETag: %d", r.status)
	}
	c.Invalidate()
	if r := get(h, "GET", "/other", "If-None-Match", `"nope"`); r.status != 200 {
		t.Errorf("miss with non-matching If-None-Match: %d", r.status)
	}
}

func TestNotStored(t *testing.T) {
	c := pagecache.New(1 << 20)
	next := &counter{
		status: map[string]int{"/missing": 404, "/broken": 500, "/moved": 301},
		header: map[string][2]string{
			"/cookie":  {"Set-Cookie", "session=1"},
			"/private": {"Cache-Control", "private, max-age=60"},
			"/nostore": {"Cache-Control", "no-store"},
		},
	}
	h := c.Middleware(next)
	for _, p := range []string{"/missing", "/broken", "/moved", "/cookie", "/private", "/nostore"} {
		first := get(h, "GET", p)
		before := next.calls.Load()
		second := get(h, "GET", p)
		if second.cache == "hit" || next.calls.Load() != before+1 {
			t.Errorf("%s was cached", p)
		}
		if first.status != second.status || first.status == 0 {
			t.Errorf("%s: statuses %d, %d", p, first.status, second.status)
		}
		if p == "/cookie" && second.header.Get("Set-Cookie") == "" {
			t.Error("Set-Cookie lost on pass-through")
		}
	}
	if r := get(h, "GET", "/missing"); r.status != 404 || !strings.HasPrefix(r.body, "/missing") {
		t.Errorf("404 body: %d %q", r.status, r.body)
	}
	if entries := c.Stats().Entries; entries != 0 {
		t.Errorf("%d entries stored", entries)
	}
}

func TestEmptyResponseNotStored(t *testing.T) {
	c := pagecache.New(1 << 20)
	var calls atomic.Int64
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1) // e.g. the request was cancelled and the handler gave up
	}))
	get(h, "GET", "/gave-up")
	if r := get(h, "GET", "/gave-up"); r.cache == "hit" || calls.Load() != 2 {
		t.Error("an empty response was stored")
	}
}

func TestDisabled(t *testing.T) {
	c := pagecache.New(0)
	next := &counter{}
	h := c.Middleware(next)
	get(h, "GET", "/a")
	if r := get(h, "GET", "/a"); r.cache == "hit" || next.calls.Load() != 2 {
		t.Error("a zero-byte cache stored a page")
	}
}

func TestConcurrentMissesRenderOnce(t *testing.T) {
	c := pagecache.New(1 << 20)
	next := &counter{delay: 50 * time.Millisecond}
	h := c.Middleware(next)
	var wg sync.WaitGroup
	bodies := make([]string, 32)
	for i := range bodies {
		wg.Go(func() { bodies[i] = get(h, "GET", "/hot").body })
	}
	wg.Wait()
	if n := next.calls.Load(); n != 1 {
		t.Errorf("%d renders for concurrent misses, want 1", n)
	}
	for i, b := range bodies {
		if b != bodies[0] {
			t.Errorf("response %d differs: %q", i, b)
		}
	}
}

func TestConcurrentMixed(t *testing.T) {
	c := pagecache.New(8 << 10) // small: forces evictions
	next := &counter{}
	h := c.Middleware(next)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				p := fmt.Sprintf("/p%d", (i*7+g)%40)
				r := get(h, "GET", p)
				if r.status != 200 || !strings.HasPrefix(r.body, p+"?") {
					t.Errorf("%s: %d %q", p, r.status, r.body)
					return
				}
				if i%100 == 0 {
					c.Invalidate()
				}
			}
		})
	}
	wg.Wait()
	if size := c.Stats().Bytes; size > 8<<10 {
		t.Errorf("size %d over budget", size)
	}
}

func BenchmarkHit(b *testing.B) {
	c := pagecache.New(64 << 20)
	body := []byte(strings.Repeat("نص عربي ", 2000))
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	}))
	paths := make([]string, 64)
	for i := range paths {
		paths[i] = fmt.Sprintf("/section/2024/01/02/story-%d", i)
		get(h, "GET", paths[i])
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		reqs := make([]*http.Request, len(paths))
		for i, p := range paths {
			reqs[i] = httptest.NewRequest("GET", p, nil)
		}
		w := &nopWriter{h: make(http.Header)}
		i := 0
		for pb.Next() {
			clear(w.h)
			h.ServeHTTP(w, reqs[i%len(reqs)])
			i++
		}
	})
}

type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) WriteHeader(int)             {}
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }

// A response to an overlong URL is served but not stored: made-up query
// strings of hundreds of kilobytes must not evict the real pages.
func TestLongKeyNotStored(t *testing.T) {
	c := pagecache.New(1 << 20)
	next := &counter{}
	h := c.Middleware(next)
	target := "/search/?q=" + strings.Repeat("x", 10<<10)
	a, b := get(h, "GET", target), get(h, "GET", target)
	if a.status != 200 || b.status != 200 || a.cache != "" || b.cache != "" || next.calls.Load() != 2 {
		t.Errorf("long URL: %d/%q then %d/%q, %d calls", a.status, a.cache, b.status, b.cache, next.calls.Load())
	}
	if entries := c.Stats().Entries; entries != 0 {
		t.Errorf("%d entries stored", entries)
	}
}
