// Package mediafetch brings an imported archive's pictures home: the lead
// images and the body images (<img>) of stored articles that still point
// at another site are fetched (bounded in size and time, a few at once,
// never from this machine or its private network unless allowed, retried
// when the failure is temporary), checked and processed as uploads are,
// put in the library with their alt text, and the articles rewritten to
// the library's variants with srcset. Each address is fetched once: the
// library remembers where its images came from, so a run cut short and
// run again carries on, and a picture shown by many articles is one
// image. What could not be fetched is reported with its address and why,
// and its articles keep the old address.
package mediafetch

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	xhtml "golang.org/x/net/html"

	"sahafa/editorial"
	"sahafa/fetch"
	"sahafa/news"
)

// Options configure a run.
type Options struct {
	Store     news.Store
	Editorial *editorial.Service
	Fetch     *fetch.Client
	// Concurrency is how many images are fetched at once (default 4; the
	// fetch client's own limit applies too). Retries is how many more
	// times a temporary failure is tried, waiting Backoff, then twice
	// that (default 1 s).
	Concurrency int
	Retries     int
	Backoff     time.Duration
	// Articles, when set, limits the run to these articles (those an
	// import just stored); otherwise every stored article is looked at.
	Articles []int64
	// Progress is told of each article looked at.
	Progress func(n int)
	Logger   *slog.Logger
}

// Report is what a run did.
type Report struct {
	Articles  int // looked at
	Rewritten int // changed to show library images
	Images    int // distinct addresses of other sites' images seen
	Fetched   int // put in the library by this run
	Reused    int // already in the library from an earlier run
	NoAlt     int // images that came without alt text (their article's headline stands in): for editors to write
	Failures  []Failure
}

// Failure is an address that could not be brought home.
type Failure struct {
	URL      string
	Reason   string
	Articles []int64
}

const batchSize = 100

// Run fetches the pictures and rewrites the articles. It stops between
// articles when ctx ends; what is done stays done.
func Run(ctx context.Context, opts Options) (Report, error) {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	opts.Retries = max(opts.Retries, 0)
	if opts.Backoff <= 0 {
		opts.Backoff = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	r := &runner{opts: opts, failed: map[string]*Failure{}, seen: map[string]bool{}, ids: map[string]int64{}}
	var err error
	if opts.Articles != nil {
		for start := 0; start < len(opts.Articles) && err == nil; start += batchSize {
			var batch []news.Article
			for _, id := range opts.Articles[start:min(len(opts.Articles), start+batchSize)] {
				a, aerr := opts.Store.EditorialArticle(ctx, id)
				if aerr != nil {
					err = aerr
					break
				}
				batch = append(batch, a)
			}
			if err == nil {
				err = r.batch(ctx, batch)
			}
		}
	} else {
		var after int64
		for err == nil {
			var list []news.Article
			if list, err = opts.Store.ScanArticles(ctx, after, batchSize); err != nil || len(list) == 0 {
				break
			}
			after = list[len(list)-1].ID
			err = r.batch(ctx, list)
		}
	}
	for _, f := range r.failed {
		r.rep.Failures = append(r.rep.Failures, *f)
	}
	sort.Slice(r.rep.Failures, func(i, j int) bool { return r.rep.Failures[i].URL < r.rep.Failures[j].URL })
	r.rep.Images = len(r.seen)
	return r.rep, err
}

type runner struct {
	opts   Options
	rep    Report
	seen   map[string]bool     // addresses met so far
	ids    map[string]int64    // the library image of each address brought home
	failed map[string]*Failure // those that could not be
}

// wanted is one article's images of other sites: their absolute
// addresses, and the alt text each is shown with.
type wanted struct {
	article news.Article
	urls    []string
	alt     map[string]string
}

func (r *runner) batch(ctx context.Context, list []news.Article) error {
	var ws []wanted
	alts := map[string]string{}
	var need []string
	for _, a := range list {
		w := remoteImages(a)
		ws = append(ws, w)
		for _, u := range w.urls {
			if !r.seen[u] {
				r.seen[u] = true
				need = append(need, u)
			}
			if alts[u] == "" {
				alts[u] = w.alt[u]
			}
		}
	}
	// The library needs alt text; a picture that came without any gets
	// its article's headline, and is counted for editors to write it.
	lacking := map[string]bool{}
	for _, w := range ws {
		for _, u := range w.urls {
			if alts[u] == "" {
				alts[u], lacking[u] = w.article.Title, true
			}
		}
	}
	known, err := r.opts.Store.MediaOrigins(ctx, need)
	if err != nil {
		return err
	}
	var todo []string
	for _, u := range need {
		if id, ok := known[u]; ok {
			if m, err := r.opts.Store.Media(ctx, id); err == nil && m.State == news.MediaReady && m.DeletedAt.IsZero() {
				r.ids[u] = id
				r.rep.Reused++
				continue
			}
		}
		todo = append(todo, u)
	}
	if err := r.fetchAll(ctx, todo, alts, lacking); err != nil {
		return err
	}
	for _, w := range ws {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.rep.Articles++
		if r.opts.Progress != nil {
			r.opts.Progress(1)
		}
		images := map[string]news.Media{}
		for _, u := range w.urls {
			if f, ok := r.failed[u]; ok {
				f.Articles = append(f.Articles, w.article.ID)
			} else if id, ok := r.ids[u]; ok {
				m, err := r.opts.Store.Media(ctx, id)
				if err != nil {
					return err
				}
				images[u] = m
			}
		}
		if len(images) == 0 {
			continue
		}
		base := w.article.SourceURL
		// The lead image is found by its address as stored (an Arabic
		// file name is stored unescaped; its resolved form is escaped).
		if img := w.article.Image; img != nil {
			if u, ok := absolute(img.URL, base); ok {
				if m, ok := images[u]; ok {
					images[img.URL] = m
				}
			}
		}
		changed, err := r.opts.Editorial.ReplaceImages(ctx, w.article.ID, images, func(body string) (string, bool) {
			return Rewrite(body, base, images)
		})
		switch {
		case err == nil && changed:
			r.rep.Rewritten++
		case err == nil:
		case news.ErrorCode(err) == news.ECONFLICT:
			r.opts.Logger.WarnContext(ctx, "media fetch: the article was edited meanwhile; run again to rewrite it", "article", w.article.ID)
		case news.ErrorCode(err) == news.EINVALID:
			r.opts.Logger.WarnContext(ctx, "media fetch: the article could not be saved", "article", w.article.ID, "err", err)
		default:
			return fmt.Errorf("rewrite article %d: %w", w.article.ID, err)
		}
	}
	return nil
}

// fetchAll fetches and imports urls, Concurrency at once, into r.ids
// (or r.failed).
func (r *runner) fetchAll(ctx context.Context, urls []string, alts map[string]string, lacking map[string]bool) error {
	var mu sync.Mutex
	var fatal error
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(r.opts.Concurrency, max(len(urls), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				m, why, err := r.one(ctx, u, alts[u])
				mu.Lock()
				switch {
				case err != nil:
					if fatal == nil {
						fatal = err
					}
				case why != "":
					r.failed[u] = &Failure{URL: u, Reason: why}
				default:
					r.ids[u] = m.ID
					r.rep.Fetched++
					if lacking[u] {
						r.rep.NoAlt++
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, u := range urls {
		if ctx.Err() != nil {
			break
		}
		work <- u
	}
	close(work)
	wg.Wait()
	if fatal == nil {
		fatal = ctx.Err()
	}
	return fatal
}

// one fetches one image and puts it in the library; why says what went
// wrong with the image, err what stops the run (the store).
func (r *runner) one(ctx context.Context, u, alt string) (news.Media, string, error) {
	var body []byte
	var err error
	wait := r.opts.Backoff
	for attempt := 0; ; attempt++ {
		body, _, err = r.opts.Fetch.Get(ctx, u)
		var busy *news.LimitedError
		retry := fetch.Temporary(err) || errors.As(err, &busy)
		if err == nil || !retry || attempt >= r.opts.Retries {
			break
		}
		select {
		case <-ctx.Done():
			return news.Media{}, "", ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
	if err != nil {
		if ctx.Err() != nil {
			return news.Media{}, "", ctx.Err()
		}
		return news.Media{}, news.ErrorMessage(err), nil
	}
	m, err := r.opts.Editorial.ImportImage(ctx, body, alt, "", "")
	if err != nil {
		if news.ErrorCode(err) == news.EINVALID {
			return news.Media{}, news.ErrorMessage(err), nil
		}
		return news.Media{}, "", err
	}
	if err := r.opts.Store.SaveMediaOrigin(ctx, u, m.ID); err != nil {
		return news.Media{}, "", err
	}
	return m, "", nil
}

// remoteImages lists the images of other sites an article shows.
func remoteImages(a news.Article) wanted {
	w := wanted{article: a, alt: map[string]string{}}
	add := func(u, alt string) {
		if _, ok := w.alt[u]; !ok {
			w.urls = append(w.urls, u)
			w.alt[u] = alt
		} else if w.alt[u] == "" {
			w.alt[u] = alt
		}
	}
	if img := a.Image; img != nil && img.MediaID == 0 {
		if u, ok := absolute(img.URL, a.SourceURL); ok {
			add(u, img.Alt)
		}
	}
	z := xhtml.NewTokenizer(strings.NewReader(a.Body))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		t := z.Token()
		if t.Data != "img" {
			continue
		}
		if u, ok := absolute(attr(t, "src"), a.SourceURL); ok {
			add(u, attr(t, "alt"))
		}
	}
	return w
}

func attr(t xhtml.Token, name string) string {
	for _, a := range t.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// absolute is src as an absolute http(s) address of another site,
// resolved against the article's old address; the site's own images
// ("/media/…") and data: URLs are not.
func absolute(src, base string) (string, bool) {
	src = strings.TrimSpace(src)
	if src == "" || strings.HasPrefix(src, "/media/") || strings.HasPrefix(src, "data:") {
		return "", false
	}
	u, err := url.Parse(src)
	if err != nil {
		return "", false
	}
	if !u.IsAbs() {
		b, err := url.Parse(base)
		if err != nil || !b.IsAbs() {
			return "", false
		}
		u = b.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", false
	}
	u.Fragment = ""
	return u.String(), true
}

// Rewrite points the <img> elements of body that show one of images (by
// their absolute address, resolved against base) at the library's
// variants: src, srcset, sizes, width and height; the alt text and the
// rest of the body are kept as they were. ok is false when nothing
// changed.
func Rewrite(body, base string, images map[string]news.Media) (string, bool) {
	z := xhtml.NewTokenizer(strings.NewReader(body))
	var b strings.Builder
	changed := false
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		raw := z.Raw()
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			b.Write(raw)
			continue
		}
		rawCopy := append([]byte(nil), raw...)
		t := z.Token()
		if t.Data != "img" {
			b.Write(rawCopy)
			continue
		}
		u, ok := absolute(attr(t, "src"), base)
		m, found := images[u]
		if !ok || !found || len(m.Variants) == 0 {
			b.Write(rawCopy)
			continue
		}
		v := m.Default()
		b.WriteString(`<img src="` + html.EscapeString(m.URL(v)) + `" srcset="` + html.EscapeString(m.Srcset()) +
			`" sizes="` + html.EscapeString(news.MediaSizes) + fmt.Sprintf(`" width="%d" height="%d"`, v.Width, v.Height) +
			` alt="` + html.EscapeString(attr(t, "alt")) + `"`)
		for _, a := range t.Attr {
			switch a.Key {
			case "src", "srcset", "sizes", "width", "height", "alt":
			default:
				b.WriteString(" " + a.Key + `="` + html.EscapeString(a.Val) + `"`)
			}
		}
		b.WriteString(">")
		changed = true
	}
	if !changed {
		return body, false
	}
	return b.String(), true
}
