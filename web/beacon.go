package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"

	"sahafa/news"
)

// beaconPrefix is the path of the readership beacon: /hit/{id}.gif.
const beaconPrefix = "/hit/"

// beaconGIF is a transparent 1×1 GIF.
var beaconGIF = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// beaconArticles remembers the published articles beacons were asked
// for, so that a view costs a store read once per article, not per view,
// and made-up ids count nothing. Bounded: forgotten all at once when full.
type beaconArticles struct {
	mu    sync.Mutex
	known map[int64]bool
}

const maxBeaconArticles = 20_000

// serveBeacon counts a view of the article its path names, when it is a
// published article, and answers a 1×1 image nobody keeps.
func (s *Site) serveBeacon(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, beaconPrefix), ".gif")
	id, err := strconv.ParseInt(name, 10, 64)
	if !ok || err != nil || id <= 0 {
		http.NotFound(w, r)
		return
	}
	if !s.beaconIDs.has(id) {
		a, err := s.store.Article(r.Context(), id)
		if news.ErrorCode(err) == news.ENOTFOUND || (err == nil && a.Status != news.StatusPublished) {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		s.beaconIDs.add(id)
	}
	s.opts.Viewed(r, id)
	h := w.Header()
	h.Set("Content-Type", "image/gif")
	h.Set("Cache-Control", "no-store") // every view asks again, through any CDN
	h.Set("Content-Length", strconv.Itoa(len(beaconGIF)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(beaconGIF)
}

func (b *beaconArticles) has(id int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.known[id]
}

func (b *beaconArticles) add(id int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.known == nil || len(b.known) >= maxBeaconArticles {
		b.known = map[int64]bool{}
	}
	b.known[id] = true
}

func (b *beaconArticles) forget() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.known = nil
}
