// Package websub tells WebSub hubs when the site's feeds change, so that
// feed readers and partners subscribed through a hub get new articles in
// seconds instead of at their next poll. A publish, update or unpublish
// marks the feeds the article is in (the site's, its section's, its
// authors' and tags', in RSS, Atom and JSON Feed); marked feeds are sent
// to every hub a few seconds later, together, and a hub that fails is
// asked again twice.
package websub

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"sahafa/news"
)

// Options configure a Pinger.
type Options struct {
	Hubs    []string
	BaseURL string
	Logger  *slog.Logger
	// Every is how often marked feeds are sent (default 3 s); Timeout
	// bounds one ping (default 10 s).
	Every   time.Duration
	Timeout time.Duration
	Client  *http.Client
}

// Pinger pings the hubs.
type Pinger struct {
	opts    Options
	mu      sync.Mutex
	pending map[string]int // feed URL → attempts made
}

// New returns a Pinger; with no hubs it does nothing.
func New(o Options) *Pinger {
	if o.Every <= 0 {
		o.Every = 3 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.Timeout}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	return &Pinger{opts: o, pending: map[string]int{}}
}

// Feeds are the feed addresses an article is listed in.
func (p *Pinger) Feeds(a news.Article) []string {
	bases := []string{"/"}
	if a.Section.Slug != "" {
		bases = append(bases, news.SectionPath(a.Section.Slug))
	}
	for _, au := range a.Authors {
		bases = append(bases, news.AuthorPath(au.Slug))
	}
	for _, t := range a.Tags {
		bases = append(bases, "/tag/"+url.PathEscape(t.Slug)+"/")
	}
	var out []string
	for _, b := range bases {
		for _, f := range []string{"feed/", "feed/atom/", "feed/json/"} {
			out = append(out, p.opts.BaseURL+b+f)
		}
	}
	return out
}

// ArticleChanged marks the feeds a write changed: those the article is in
// before and after, when readers see it in either.
func (p *Pinger) ArticleChanged(before, after news.Article) {
	if len(p.opts.Hubs) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, a := range []news.Article{before, after} {
		if a.ID == 0 || a.Status != news.StatusPublished {
			continue
		}
		for _, f := range p.Feeds(a) {
			if _, ok := p.pending[f]; !ok {
				p.pending[f] = 0
			}
		}
	}
}

const maxAttempts = 3

// Run sends the marked feeds until ctx ends.
func (p *Pinger) Run(ctx context.Context) {
	if len(p.opts.Hubs) == 0 {
		return
	}
	t := time.NewTicker(p.opts.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.mu.Lock()
		batch := p.pending
		p.pending = map[string]int{}
		p.mu.Unlock()
		if len(batch) == 0 {
			continue
		}
		feeds := make([]string, 0, len(batch))
		for f := range batch {
			feeds = append(feeds, f)
		}
		sort.Strings(feeds)
		for _, hub := range p.opts.Hubs {
			if err := p.ping(ctx, hub, feeds); err != nil {
				p.opts.Logger.Warn("websub: ping", "hub", hub, "feeds", len(feeds), "err", err)
				p.retry(batch)
			}
		}
	}
}

// retry marks again the feeds of a failed ping that have attempts left.
func (p *Pinger) retry(batch map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for f, n := range batch {
		if n+1 < maxAttempts {
			if cur, ok := p.pending[f]; !ok || cur < n+1 {
				p.pending[f] = n + 1
			}
		}
	}
}

// ping is the publish notification hubs take: a form of hub.mode=publish
// and one hub.url per feed.
func (p *Pinger) ping(ctx context.Context, hub string, feeds []string) error {
	form := url.Values{"hub.mode": {"publish"}, "hub.url": feeds}
	ctx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "Sahafa WebSub publisher")
	res, err := p.opts.Client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 16<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("the hub answered %d", res.StatusCode)
	}
	return nil
}
