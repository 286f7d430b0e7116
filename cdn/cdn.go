// Package cdn tells a CDN (or a caching proxy in front of Sahafa) which
// cached pages a write made stale, so that it can keep pages long and
// still show a correction within seconds. Pages carry their keys in the
// Surrogate-Key and Cache-Tag headers (see news.PageKeys); after a write
// the Purger sends the affected keys — or, for proxies that purge by
// address such as nginx or Varnish, the affected paths — to a configured
// endpoint, off the request path, with retries.
package cdn

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sahafa/news"
)

// Kind is the shape of a purge request.
type Kind string

const (
	// Keys POSTs {"keys": [...]} to the endpoint (a generic purge hook).
	Keys Kind = "keys"
	// Fastly POSTs to the endpoint (…/service/{id}/purge) with the keys in
	// a Surrogate-Key header and the token as Fastly-Key.
	Fastly Kind = "fastly"
	// Cloudflare POSTs {"tags": [...]} to the endpoint
	// (…/zones/{id}/purge_cache) with the token as a Bearer.
	Cloudflare Kind = "cloudflare"
	// URLs sends, for each affected path, a GET of endpoint+path with the
	// header X-Sahafa-Purge: token, which the proxy answers by fetching
	// the page again (nginx: proxy_cache_bypass) or purging it (Varnish).
	URLs Kind = "urls"
)

// PurgeHeader carries the token of a URLs purge.
const PurgeHeader = "X-Sahafa-Purge"

// ParseKind reads a kind's name.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case Keys, Fastly, Cloudflare, URLs:
		return k, nil
	}
	return "", fmt.Errorf("unknown CDN purge kind %q (want keys, fastly, cloudflare or urls)", s)
}

// Options configure a Purger.
type Options struct {
	Endpoint string // the purge API, or for URLs the proxy's base URL
	Kind     Kind
	Token    string
	Client   *http.Client // default: 10 s timeout
	Logger   *slog.Logger
	// Retries is how many times a failed purge is tried again (default
	// 5), waiting 1, 2, 4 … s (Backoff doubles from it).
	Retries int
	Backoff time.Duration
}

// Purge is what one write made stale: its keys and the paths that show
// them (for URLs).
type Purge struct {
	Keys  []string
	Paths []string
}

// Purger sends purges in the background, one batch at a time, merging
// what accumulated meanwhile.
type Purger struct {
	opts Options

	mu      sync.Mutex
	pending Purge
	wake    chan struct{}

	sent, failed atomic.Int64
}

// maxPending bounds the keys and paths waiting; past it the oldest are
// dropped (their pages expire by their lifetime) and counted as failed.
const maxPending = 10_000

// New returns a Purger; Run sends its purges.
func New(opts Options) *Purger {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Retries <= 0 {
		opts.Retries = 5
	}
	if opts.Backoff <= 0 {
		opts.Backoff = time.Second
	}
	return &Purger{opts: opts, wake: make(chan struct{}, 1)}
}

// Stats are the purge requests sent and those that failed for good.
func (p *Purger) Stats() (sent, failed int64) { return p.sent.Load(), p.failed.Load() }

// Add queues a purge; it returns at once.
func (p *Purger) Add(pg Purge) {
	if len(pg.Keys) == 0 && len(pg.Paths) == 0 {
		return
	}
	p.mu.Lock()
	p.pending.Keys = appendNew(p.pending.Keys, pg.Keys)
	p.pending.Paths = appendNew(p.pending.Paths, pg.Paths)
	if n := len(p.pending.Keys) - maxPending; n > 0 {
		p.pending.Keys = p.pending.Keys[n:]
		p.failed.Add(int64(n))
	}
	if n := len(p.pending.Paths) - maxPending; n > 0 {
		p.pending.Paths = p.pending.Paths[n:]
		p.failed.Add(int64(n))
	}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func appendNew(to, from []string) []string {
	for _, s := range from {
		if !slices.Contains(to, s) {
			to = append(to, s)
		}
	}
	return to
}

// Run sends queued purges until ctx ends.
func (p *Purger) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		}
		p.Flush(ctx)
	}
}

// Flush sends what is queued now (Run, and tests).
func (p *Purger) Flush(ctx context.Context) {
	p.mu.Lock()
	pg := p.pending
	p.pending = Purge{}
	p.mu.Unlock()
	p.send(ctx, pg)
}

func (p *Purger) send(ctx context.Context, pg Purge) {
	var reqs []func() (*http.Request, error)
	switch p.opts.Kind {
	case URLs:
		for _, path := range pg.Paths {
			reqs = append(reqs, func() (*http.Request, error) {
				r, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(p.opts.Endpoint, "/")+path, nil)
				if err == nil {
					r.Header.Set(PurgeHeader, p.opts.Token)
				}
				return r, err
			})
		}
	default:
		// APIs take a few hundred keys a call at most.
		for keys := range slices.Chunk(pg.Keys, 200) {
			reqs = append(reqs, func() (*http.Request, error) { return p.keysRequest(ctx, keys) })
		}
	}
	for _, build := range reqs {
		p.sendOne(ctx, build)
	}
}

func (p *Purger) keysRequest(ctx context.Context, keys []string) (*http.Request, error) {
	var body []byte
	switch p.opts.Kind {
	case Cloudflare:
		body, _ = json.Marshal(map[string][]string{"tags": keys})
	case Fastly:
	default:
		body, _ = json.Marshal(map[string][]string{"keys": keys})
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, p.opts.Endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	switch p.opts.Kind {
	case Fastly:
		r.Header.Set("Surrogate-Key", strings.Join(keys, " "))
		r.Header.Set("Fastly-Key", p.opts.Token)
	default:
		r.Header.Set("Content-Type", "application/json")
		if p.opts.Token != "" {
			r.Header.Set("Authorization", "Bearer "+p.opts.Token)
		}
	}
	return r, nil
}

// sendOne sends one request, trying again with backoff on errors and on
// 429 and 5xx answers.
func (p *Purger) sendOne(ctx context.Context, build func() (*http.Request, error)) {
	wait := p.opts.Backoff
	for try := 0; ; try++ {
		req, err := build()
		if err != nil {
			p.failed.Add(1)
			p.opts.Logger.Warn("cdn: purge request", "err", err)
			return
		}
		resp, err := p.opts.Client.Do(req)
		if err == nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			switch {
			case resp.StatusCode < 300:
				p.sent.Add(1)
				return
			case resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500:
				p.failed.Add(1)
				p.opts.Logger.Warn("cdn: purge refused", "url", req.URL.Redacted(), "status", resp.StatusCode)
				return
			}
			err = fmt.Errorf("answered %s", resp.Status)
		}
		if try >= p.opts.Retries || ctx.Err() != nil {
			p.failed.Add(1)
			p.opts.Logger.Warn("cdn: purge failed", "url", req.URL.Redacted(), "tries", try+1, "err", err)
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
		wait *= 2
	}
}

// ForArticle is the purge of a write to an article: the pages it was on
// before (when it was published) and those it is on now, nothing when it
// was and is not public.
func ForArticle(before, after news.Article) Purge {
	var pg Purge
	for _, a := range []news.Article{before, after} {
		if a.ID == 0 || a.Status != news.StatusPublished || !a.DeletedAt.IsZero() {
			continue
		}
		pg.Keys = appendNew(pg.Keys, news.ArticleKeys(a))
		pg.Paths = appendNew(pg.Paths, news.ArticlePaths(a))
	}
	return pg
}
