// Package readership counts who reads what without cookies and without
// keeping who read: a page view adds one to its article's count for the
// hour and to its referring site's, and a salted hash of the reader's
// address and browser goes into the day's sketch of distinct readers; the
// address, the browser string and the hash themselves are never stored,
// and the day's salt is deleted when the day is over. Views are counted in
// memory on the request path (a map increment under a lock) and written
// in batches every few seconds off it, and once more when the server stops:
// a crash loses at most the last interval.
package readership

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sahafa/news"
)

// Options configures a Counter.
type Options struct {
	Store news.ViewStore
	// Every is how often counts are written; default 5 s.
	Every time.Duration
	// Client is the reader's address (behind a trusted proxy, the one it
	// forwarded); default the connection's.
	Client func(*http.Request) string
	// Staff reports a newsroom user's request: their own views are not
	// counted. Default: nobody is.
	Staff func(*http.Request) bool
	// KeepHourly is how long counts are kept per hour; older ones are
	// kept per day (default 30 days).
	KeepHourly time.Duration
	Now        func() time.Time
	Logger     *slog.Logger
}

// Counter counts page views. Its methods are safe for concurrent use.
type Counter struct {
	opts Options
	kick chan struct{}

	mu        sync.Mutex
	articles  map[news.HourKey]int
	referrers map[news.HourDomain]int
	ads       map[news.AdKey]news.AdCount
	day       time.Time // the day of salt and visitors
	salt      []byte    // nil until the day's shared salt is known
	visitors  sketch
	changed   bool // visitors has changed since it was last written
	// domains are the referring domains of refHour counted so far, at
	// most maxDomainsPerHour; the rest of the hour's go to OtherDomains.
	refHour time.Time
	domains map[string]bool

	counted, skipped, dropped atomic.Int64
}

// maxPending bounds the distinct keys held between writes: past it a
// write is asked for at once.
const maxPending = 50_000

// maxHeld bounds the distinct keys held while writes fail (the database
// is down): past it, views of keys not held already are dropped and
// counted as such, so that memory stays bounded (tens of MB).
const maxHeld = 4 * maxPending

// maxDomainsPerHour bounds the referring domains counted one by one in an
// hour: a Referer is whatever the client sends, and a flood of made-up
// ones would otherwise add a stored row each.
const maxDomainsPerHour = 1000

// rollUpEvery is how often a server turns counts older than KeepHourly
// into one row per day.
const rollUpEvery = 6 * time.Hour

// OtherDomains is the "domain" that counts, in an hour past
// maxDomainsPerHour, the views referred by domains not counted yet.
const OtherDomains = "(others)"

// New returns a counter; Run writes what it counts.
func New(opts Options) *Counter {
	if opts.Every <= 0 {
		opts.Every = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.KeepHourly <= 0 {
		opts.KeepHourly = 30 * 24 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Client == nil {
		opts.Client = func(r *http.Request) string {
			host := r.RemoteAddr
			if i := strings.LastIndexByte(host, ':'); i > 0 {
				host = host[:i]
			}
			return host
		}
	}
	return &Counter{opts: opts, kick: make(chan struct{}, 1),
		articles: map[news.HourKey]int{}, referrers: map[news.HourDomain]int{}, ads: map[news.AdKey]news.AdCount{}}
}

// Stats are the views counted and the requests not counted (bots,
// prefetches, newsroom users) since start.
func (c *Counter) Stats() (counted, skipped int64) { return c.counted.Load(), c.skipped.Load() }

// Dropped is how many views were lost since start because writes had
// failed for so long that maxHeld keys were waiting.
func (c *Counter) Dropped() int64 { return c.dropped.Load() }

// View counts a reader's view of an article page: r is the request the
// page answered (from the page cache or not).
func (c *Counter) View(r *http.Request, articleID int64) {
	if r.Method != http.MethodGet || !Reader(r) || (c.opts.Staff != nil && c.opts.Staff(r)) {
		c.skipped.Add(1)
		return
	}
	now := c.opts.Now().UTC()
	hour := now.Truncate(time.Hour)
	domain := referrerDomain(r)
	client, agent := c.opts.Client(r), r.UserAgent()
	c.mu.Lock()
	held := len(c.articles)+len(c.referrers) >= maxHeld
	if k := (news.HourKey{Hour: hour, ArticleID: articleID}); !held || c.articles[k] > 0 {
		c.articles[k]++
	} else {
		c.dropped.Add(1)
	}
	if domain != "" {
		if !hour.Equal(c.refHour) {
			c.refHour, c.domains = hour, map[string]bool{}
		}
		if !c.domains[domain] {
			if len(c.domains) < maxDomainsPerHour {
				c.domains[domain] = true
			} else {
				domain = OtherDomains
			}
		}
		if k := (news.HourDomain{Hour: hour, Domain: domain}); !held || c.referrers[k] > 0 {
			c.referrers[k]++
		}
	}
	// Past midnight the reader is counted again once the new day's salt is
	// known (Run learns it within an interval).
	if c.salt != nil && now.Truncate(24*time.Hour).Equal(c.day) {
		h := sha256.New()
		h.Write(c.salt)
		h.Write([]byte(client))
		h.Write([]byte{0})
		h.Write([]byte(agent))
		var digest [sha256.Size]byte
		if c.visitors.add(hash64(h.Sum(digest[:0]))) {
			c.changed = true
		}
	}
	full := len(c.articles)+len(c.referrers) >= maxPending
	c.mu.Unlock()
	c.counted.Add(1)
	if full {
		select {
		case c.kick <- struct{}{}:
		default:
		}
	}
}

// Ad counts an ad shown in a slot (click false) or clicked (click true)
// by a reader: bots, prefetches and newsroom users are not counted, as
// for page views.
func (c *Counter) Ad(r *http.Request, adID int64, slot string, click bool) {
	if !Reader(r) || (c.opts.Staff != nil && c.opts.Staff(r)) {
		c.skipped.Add(1)
		return
	}
	k := news.AdKey{Hour: c.opts.Now().UTC().Truncate(time.Hour), AdID: adID, Slot: slot}
	c.mu.Lock()
	if _, ok := c.ads[k]; !ok && len(c.ads) >= maxHeld {
		c.mu.Unlock()
		c.dropped.Add(1)
		return
	}
	n := c.ads[k]
	if click {
		n.Clicks++
	} else {
		n.Impressions++
	}
	c.ads[k] = n
	c.mu.Unlock()
}

// Run writes the counts every Options.Every until ctx ends, then once
// more (with a few seconds to do it).
func (c *Counter) Run(ctx context.Context) {
	t := time.NewTicker(c.opts.Every)
	defer t.Stop()
	c.LearnSalt(ctx)
	var rolledUp time.Time
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := c.Flush(final); err != nil {
				c.opts.Logger.Warn("readership: writing the last counts", "err", err)
			}
			return
		case <-t.C:
		case <-c.kick:
		}
		if err := c.Flush(ctx); err != nil && ctx.Err() == nil {
			c.opts.Logger.Warn("readership: writing counts", "err", err, "views_dropped_since_start", c.dropped.Load())
		}
		c.LearnSalt(ctx)
		if now := c.opts.Now(); now.Sub(rolledUp) >= rollUpEvery {
			if err := c.opts.Store.RollUpViews(ctx, now.Add(-c.opts.KeepHourly)); err != nil && ctx.Err() == nil {
				c.opts.Logger.Warn("readership: keeping old counts per day", "err", err)
			} else {
				rolledUp = now
			}
		}
	}
}

// LearnSalt learns the day's salt shared by every server, when the day
// has changed since it last did (Run calls it after every write): until
// it has, views are counted but readers are not.
func (c *Counter) LearnSalt(ctx context.Context) {
	day := c.opts.Now().UTC().Truncate(24 * time.Hour)
	c.mu.Lock()
	known := c.salt != nil && day.Equal(c.day)
	c.mu.Unlock()
	if known {
		return
	}
	fresh := make([]byte, 32)
	rand.Read(fresh)
	salt, err := c.opts.Store.DaySalt(ctx, day, fresh)
	if err != nil {
		if ctx.Err() == nil {
			c.opts.Logger.Warn("readership: the day's salt", "err", err)
		}
		return
	}
	c.mu.Lock()
	if !day.Equal(c.day) {
		c.day, c.visitors = day, newSketch()
	}
	c.salt = salt
	c.mu.Unlock()
}

// Flush writes what was counted since the last write. On failure the
// counts are kept for the next one.
func (c *Counter) Flush(ctx context.Context) error {
	c.mu.Lock()
	b := news.ViewBatch{Articles: c.articles, Referrers: c.referrers, Ads: c.ads}
	if c.changed {
		b.Visitors = map[time.Time][]byte{c.day: append([]byte(nil), c.visitors...)}
		c.changed = false
	}
	c.articles, c.referrers, c.ads = map[news.HourKey]int{}, map[news.HourDomain]int{}, map[news.AdKey]news.AdCount{}
	c.mu.Unlock()
	if b.Empty() {
		return nil
	}
	if err := c.opts.Store.AddViews(ctx, b); err != nil {
		c.mu.Lock()
		for k, n := range b.Articles {
			c.articles[k] += n
		}
		for k, n := range b.Referrers {
			c.referrers[k] += n
		}
		for k, n := range b.Ads {
			cur := c.ads[k]
			cur.Impressions, cur.Clicks = cur.Impressions+n.Impressions, cur.Clicks+n.Clicks
			c.ads[k] = cur
		}
		if b.Visitors != nil {
			c.changed = true
		}
		c.mu.Unlock()
		return err
	}
	return nil
}

// Reader reports whether a request is a person's view of a page: not a
// crawler, link previewer, monitor or script (by its User-Agent; none
// sent counts as a script), and not a prefetch or prerender the reader
// may never look at.
func Reader(r *http.Request) bool {
	for _, h := range []string{"Sec-Purpose", "Purpose", "X-Purpose", "X-Moz"} {
		if v := strings.ToLower(r.Header.Get(h)); strings.Contains(v, "prefetch") || strings.Contains(v, "preview") {
			return false
		}
	}
	ua := strings.ToLower(r.UserAgent())
	if ua == "" {
		return false
	}
	for _, w := range botWords {
		if strings.Contains(ua, w) {
			return false
		}
	}
	return true
}

// botWords are in the User-Agent of crawlers, link previewers (which
// fetch a page when a link is shared), monitors and HTTP libraries.
var botWords = []string{"bot", "crawl", "spider", "slurp", "facebookexternalhit", "whatsapp", "telegram", "preview",
	"headless", "lighthouse", "pingdom", "uptime", "monitor", "curl/", "wget/", "python-", "go-http-client", "java/",
	"okhttp", "httpclient", "libwww", "scrapy", "feedfetcher", "wordpress/"}

// referrerDomain is the site a reader came from ("google.com"), "" when
// none or this site itself.
func referrerDomain(r *http.Request) string {
	ref := r.Referer()
	if ref == "" || len(ref) > 2048 {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if own := r.Host; own != "" {
		if h, _, ok := strings.Cut(own, ":"); ok {
			own = h
		}
		if strings.EqualFold(host, own) {
			return ""
		}
	}
	host = strings.TrimPrefix(host, "www.")
	if len(host) > 100 {
		return ""
	}
	return host
}
