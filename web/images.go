package web

import (
	"context"

	"sahafa/news"
)

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
