package websub_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/websub"
)

// TestPing: publishing an article pings the hub with the feeds it is in
// (the site's, its Arabic section's percent-encoded, its author's and
// tag's), once for a burst of writes; a hub that fails is asked again; a
// draft pings nothing.
func TestPing(t *testing.T) {
	var mu sync.Mutex
	var pings [][]string
	fails := 1
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		defer mu.Unlock()
		if r.PostForm.Get("hub.mode") != "publish" {
			http.Error(w, "mode", 400)
			return
		}
		pings = append(pings, r.PostForm["hub.url"])
		if fails > 0 {
			fails--
			http.Error(w, "busy", 503)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hub.Close()
	p := websub.New(websub.Options{Hubs: []string{hub.URL}, BaseURL: "https://news.example/", Every: 20 * time.Millisecond})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	defer func() { stop(); <-done }()

	a := news.Article{ID: 3, Status: news.StatusPublished, Section: news.Section{Slug: "اقتصاد"},
		Authors: []news.Author{{Slug: "salma"}}, Tags: []news.Tag{{Slug: "النفط"}}}
	p.ArticleChanged(news.Article{ID: 9, Status: news.StatusDraft}, news.Article{ID: 9, Status: news.StatusDraft})
	p.ArticleChanged(news.Article{}, a)
	p.ArticleChanged(a, a) // a second write in the same moment
	deadline := time.Now().Add(3 * time.Second)
	for {
		mu.Lock()
		n := len(pings)
		mu.Unlock()
		if n >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(pings) != 2 {
		t.Fatalf("%d pings, want 2 (one failed, then again)", len(pings))
	}
	want := []string{"https://news.example/feed/", "https://news.example/%D8%A7%D9%82%D8%AA%D8%B5%D8%A7%D8%AF/feed/atom/",
		"https://news.example/author/salma/feed/json/", "https://news.example/tag/%D8%A7%D9%84%D9%86%D9%81%D8%B7/feed/"}
	for _, w := range want {
		if !slices.Contains(pings[1], w) {
			t.Errorf("the ping lacks %s: %q", w, pings[1])
		}
	}
	if len(pings[1]) != 12 || !slices.Equal(pings[0], pings[1]) {
		t.Errorf("pings: %q", pings)
	}
}
