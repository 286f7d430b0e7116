package editorial

import (
	"context"
	"errors"
	"time"

	"sahafa/media"
	"sahafa/news"
)

// Pictures of an imported archive brought into the library ("sahafa media
// fetch"): the command is trusted as an administrator's, so these take no
// user, but the images go through the checks and processing of uploads.

// importWait bounds how long ImportImage waits for the image gate.
const importWait = 5 * time.Minute

// ImportImage puts an image fetched from another site into the library:
// checked from its header as an upload is (format, size, dimensions,
// memory), then processed at once, so that the articles showing it can
// point at its variants. A file that is not a usable image is EINVALID
// with the reason, and nothing stays in the library.
func (s *Service) ImportImage(ctx context.Context, data []byte, alt, caption, credit string) (news.Media, error) {
	limits := media.Limits{MaxBytes: MaxUploadBytes, MaxMemory: s.opts.Images.Budget()}
	info, err := media.Inspect(data, limits)
	if err != nil {
		return news.Media{}, err
	}
	m, err := s.store.SaveUpload(ctx, news.Media{CreatedAt: s.opts.Now(), Alt: oneLine(alt), Caption: oneLine(caption),
		Credit: oneLine(credit), Format: info.Format, Width: info.Width, Height: info.Height}, data)
	if err != nil {
		return news.Media{}, err
	}
	done, err := s.AwaitMedia(ctx, m.ID, importWait)
	if err != nil {
		return news.Media{}, err
	}
	switch done.State {
	case news.MediaReady:
		return done, nil
	case news.MediaFailed:
		now := s.opts.Now()
		if err := s.store.TrashMedia(ctx, m.ID, now); err != nil {
			return news.Media{}, err
		}
		if _, err := s.store.PurgeMedia(ctx, []int64{m.ID}, now); err != nil {
			return news.Media{}, err
		}
		return news.Media{}, news.Errorf(news.EINVALID, "%s", done.Problem)
	}
	return news.Media{}, &news.LimitedError{Busy: true, RetryAfter: 10 * time.Second, Message: "the image is still waiting to be processed"}
}

// ReplaceImages rewrites article id to show library images in place of
// other sites' (by their address: its lead image and its body's <img>
// elements), keeping everything else; changed is false when it showed
// none of them. An edit made meanwhile is ECONFLICT: run it again.
func (s *Service) ReplaceImages(ctx context.Context, id int64, images map[string]news.Media, rewrite func(body string) (string, bool)) (bool, error) {
	a, err := s.store.EditorialArticle(ctx, id)
	if err != nil {
		return false, err
	}
	d := draftFrom(a)
	changed := false
	if img := d.Image; img != nil && img.MediaID == 0 {
		if m, ok := images[img.URL]; ok && len(m.Variants) > 0 {
			v := m.Default()
			lead := *img
			lead.MediaID, lead.URL, lead.Srcset, lead.Width, lead.Height = m.ID, m.URL(v), m.Srcset(), v.Width, v.Height
			if lead.Alt == "" {
				lead.Alt = m.Alt
			}
			d.Image, changed = &lead, true
		}
	}
	if body, ok := rewrite(d.Body); ok {
		d.Body, changed = body, true
	}
	if !changed {
		return false, nil
	}
	if _, err := s.save(ctx, d); err != nil {
		var fe news.FieldErrors
		if errors.As(err, &fe) {
			return false, news.Errorf(news.EINVALID, "%s", fe.Error())
		}
		return false, err
	}
	return true, nil
}
