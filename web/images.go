package web

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"sahafa/news"
	"sahafa/pagecache"
)

// shownMedia collects the library images a page is made from, so that
// its cached copy is tagged with them and dropped when one of them is
// processed or cut again, rather than every page after every upload.
type shownMedia struct {
	mu  sync.Mutex
	ids map[int64]bool
}

type shownMediaKey struct{}

// collectShownMedia gives each request a shownMedia for tagShownMedia.
func collectShownMedia(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), shownMediaKey{}, &shownMedia{ids: map[int64]bool{}})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// noteShownMedia records that the page being made shows image id.
func noteShownMedia(ctx context.Context, id int64) {
	if sm, ok := ctx.Value(shownMediaKey{}).(*shownMedia); ok && id != 0 {
		sm.mu.Lock()
		sm.ids[id] = true
		sm.mu.Unlock()
	}
}

// maxMediaTags is how many images a page is tagged with one by one; a
// page with more is tagged news.MediaTagAny.
const maxMediaTags = 48

// tagShownMedia adds the tags of the images the page shows to h.
func tagShownMedia(ctx context.Context, h http.Header) {
	sm, ok := ctx.Value(shownMediaKey{}).(*shownMedia)
	if !ok {
		return
	}
	sm.mu.Lock()
	defer sm.mu.Unlock()
	if len(sm.ids) == 0 {
		return
	}
	if len(sm.ids) > maxMediaTags || len(strings.Fields(h.Get(pagecache.TagHeader)))+len(sm.ids) > pagecache.MaxTags {
		addKeys(h, news.MediaTagAny)
		return
	}
	keys := make([]string, 0, len(sm.ids))
	for id := range sm.ids {
		keys = append(keys, news.MediaTag(id))
	}
	addKeys(h, keys...)
}

// listRatio is the crop lists show beside a headline, and the home page's
// lead story above its own.
const listRatio = "16x9"

// frameLists gives the articles of lists their lead image as the library
// frames it: the wide crop at its sizes, in one query for every list of
// the page. An image of another site (an import) keeps its address, and
// one stored before crops existed its own sizes.
func (s *Site) frameLists(ctx context.Context, lists ...[]news.Article) error {
	var ids []int64
	seen := map[int64]bool{}
	for _, l := range lists {
		for _, a := range l {
			if a.Image != nil && a.Image.MediaID != 0 && !seen[a.Image.MediaID] {
				seen[a.Image.MediaID] = true
				noteShownMedia(ctx, a.Image.MediaID)
				ids = append(ids, a.Image.MediaID)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	found, err := s.store.MediaByIDs(ctx, ids)
	if err != nil {
		return err
	}
	byID := make(map[int64]news.Media, len(found))
	for _, m := range found {
		byID[m.ID] = m
	}
	for _, l := range lists {
		for i := range l {
			a := &l[i]
			if a.Image == nil {
				continue
			}
			img := *a.Image // the list's copy: the article's own is not changed
			if m, ok := byID[img.MediaID]; ok {
				if c, ok := m.Crop(listRatio); ok {
					v := c.Default()
					img.URL, img.Srcset, img.Width, img.Height = m.CropURL(listRatio, v), m.CropSrcset(c), v.Width, v.Height
				}
			}
			a.Image = &img
		}
	}
	return nil
}

// listKeys are the page keys of a list of articles (news.SectionKey …):
// its section's, author's or tag's.
func listKeys(f news.ArticleFilter) []string {
	var keys []string
	if f.SectionSlug != "" {
		keys = append(keys, news.SectionKey(f.SectionSlug))
	}
	if f.AuthorSlug != "" {
		keys = append(keys, news.AuthorKey(f.AuthorSlug))
	}
	if f.TagSlug != "" {
		keys = append(keys, news.TagKey(f.TagSlug))
	}
	return keys
}

// addKeys adds page keys to a response's tags.
func addKeys(h http.Header, keys ...string) {
	if len(keys) == 0 {
		return
	}
	tags := append(strings.Fields(h.Get(pagecache.TagHeader)), keys...)
	h.Set(pagecache.TagHeader, strings.Join(tags, " "))
}
