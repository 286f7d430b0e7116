package cdn_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"sahafa/cdn"
	"sahafa/news"
)

// TestPurgeShapes: each kind sends what its CDN's API takes: the keys as
// JSON, as Fastly's Surrogate-Key header, as Cloudflare's tags, or one
// request per path with the token; a failing endpoint is tried again with
// backoff until it answers, and a refusal (4xx) is not retried.
func TestPurgeShapes(t *testing.T) {
	var mu sync.Mutex
	var got []string
	fails := 2
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		switch {
		case r.URL.Path == "/flaky" && fails > 0:
			fails--
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		case r.URL.Path == "/refuses":
			w.WriteHeader(http.StatusForbidden)
		}
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+r.Header.Get("Fastly-Key")+
			r.Header.Get(cdn.PurgeHeader)+" "+r.Header.Get("Surrogate-Key")+" "+string(body))
	}))
	defer srv.Close()
	keys := cdn.Purge{Keys: []string{"article-7", "section-world", "home"}, Paths: []string{"/", "/world/"}}
	for _, c := range []struct {
		kind     cdn.Kind
		endpoint string
		want     []string
	}{
		{cdn.Keys, "/purge", []string{`POST /purge Bearer tok  {"keys":["article-7","section-world","home"]}`}},
		{cdn.Fastly, "/service/abc/purge", []string{"POST /service/abc/purge tok article-7 section-world home "}},
		{cdn.Cloudflare, "/zones/z1/purge_cache", []string{`POST /zones/z1/purge_cache Bearer tok  {"tags":["article-7","section-world","home"]}`}},
		{cdn.URLs, "", []string{"GET / tok  ", "GET /world/ tok  "}},
		{cdn.Keys, "/flaky", []string{`POST /flaky Bearer tok  {"keys":["article-7","section-world","home"]}`}},
	} {
		got = nil
		p := cdn.New(cdn.Options{Endpoint: srv.URL + c.endpoint, Kind: c.kind, Token: "tok", Backoff: time.Millisecond})
		p.Add(keys)
		p.Flush(context.Background())
		mu.Lock()
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: sent %q, want %q", c.kind, got, c.want)
		}
		mu.Unlock()
		if sent, failed := p.Stats(); sent != int64(len(c.want)) || failed != 0 {
			t.Errorf("%s: sent %d, failed %d", c.kind, sent, failed)
		}
	}
	p := cdn.New(cdn.Options{Endpoint: srv.URL + "/refuses", Kind: cdn.Keys, Backoff: time.Millisecond})
	got = nil
	p.Add(keys)
	p.Flush(context.Background())
	if sent, failed := p.Stats(); sent != 0 || failed != 1 || len(got) != 1 {
		t.Errorf("a refused purge: sent %d, failed %d, %d requests (want one, not retried)", sent, failed, len(got))
	}
	if _, err := cdn.ParseKind("akamai"); err == nil {
		t.Error("an unknown kind was accepted")
	}
}

// TestForArticle: a write to a draft purges nothing; publishing purges
// the article's pages; moving it to another section purges both
// sections'; unpublishing purges where it was.
func TestForArticle(t *testing.T) {
	a := news.Article{ID: 7, Slug: "قمة-المياه", Status: news.StatusPublished, Section: news.Section{Slug: "world"},
		PublishedAt: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC),
		Tags:        []news.Tag{{Slug: "المياه"}}, Authors: []news.Author{{Slug: "سلمى"}}}
	draft := a
	draft.Status = news.StatusDraft
	if pg := cdn.ForArticle(draft, draft); len(pg.Keys) != 0 || len(pg.Paths) != 0 {
		t.Errorf("a draft's save purges %+v", pg)
	}
	pg := cdn.ForArticle(draft, a)
	want := []string{"article-7", "section-world", "home", "feed", "tag-المياه", "author-سلمى"}
	if !slices.Equal(pg.Keys, want) {
		t.Errorf("publishing purges keys %q, want %q", pg.Keys, want)
	}
	if !slices.Contains(pg.Paths, a.Path()) || !slices.Contains(pg.Paths, "/world/feed/") || !slices.Contains(pg.Paths, news.TagPath("المياه")) {
		t.Errorf("publishing purges paths %q", pg.Paths)
	}
	moved := a
	moved.Section = news.Section{Slug: "economy"}
	if pg := cdn.ForArticle(a, moved); !slices.Contains(pg.Keys, "section-world") || !slices.Contains(pg.Keys, "section-economy") {
		t.Errorf("moving sections purges %q, want both sections", pg.Keys)
	}
	if pg := cdn.ForArticle(a, draft); !slices.Equal(pg.Keys, want) {
		t.Errorf("unpublishing purges %q, want %q", pg.Keys, want)
	}
}
