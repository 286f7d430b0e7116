package editorial

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sahafa/news"
)

// FrontPin is a pin with the article it pins, for the newsroom's page.
type FrontPin struct {
	news.Pin
	Article news.Article
	Missing bool // the article is no longer published: readers do not see it
}

// Front returns a front's pins in force, in order, with their articles.
// front is news.HomeFront or a section's slug.
func (s *Service) Front(ctx context.Context, u news.User, front string) ([]FrontPin, error) {
	if !Can(u, ActCurate, nil) {
		return nil, forbidden()
	}
	if err := s.checkFront(ctx, front); err != nil {
		return nil, err
	}
	stored, err := s.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	pins := news.DecodePins(stored[news.FrontSetting(front)], s.opts.Now())
	out := make([]FrontPin, 0, len(pins))
	for _, p := range pins {
		fp := FrontPin{Pin: p}
		a, err := s.store.EditorialArticle(ctx, p.ArticleID)
		switch {
		case news.ErrorCode(err) == news.ENOTFOUND:
			fp.Missing = true
		case err != nil:
			return nil, err
		default:
			fp.Article, fp.Missing = a, a.Status != news.StatusPublished || !a.DeletedAt.IsZero()
		}
		out = append(out, fp)
	}
	return out, nil
}

// checkFront refuses a front that is neither the home page's nor an
// existing section's.
func (s *Service) checkFront(ctx context.Context, front string) error {
	if front == news.HomeFront {
		return nil
	}
	if _, err := s.store.SectionBySlug(ctx, front); err != nil {
		if news.ErrorCode(err) == news.ENOTFOUND {
			return news.Errorf(news.ENOTFOUND, "لا يوجد قسم بالاسم %q", front)
		}
		return err
	}
	return nil
}

// PinArticle adds an article to a front at position (0 first; past the end
// appends), until a time typed as in <input type="datetime-local"> in the
// newsroom's zone (empty: until unpinned). ref is the article's number or
// its address on the site, as an editor pastes it. Pinning an article
// already there moves it.
func (s *Service) PinArticle(ctx context.Context, u news.User, front, ref string, position int, untilText string) (news.Article, error) {
	if !Can(u, ActCurate, nil) {
		return news.Article{}, forbidden()
	}
	if err := s.checkFront(ctx, front); err != nil {
		return news.Article{}, err
	}
	a, err := s.resolveArticle(ctx, ref)
	if err != nil {
		return news.Article{}, err
	}
	var until time.Time
	if t := strings.TrimSpace(untilText); t != "" {
		until, err = time.ParseInLocation(FormTime, t, s.opts.Location)
		if err != nil {
			until, err = time.ParseInLocation(FormTime+":05", t, s.opts.Location)
		}
		if err != nil {
			return news.Article{}, news.FieldErrors{"until": "اكتب وقت الانتهاء بالشكل 2026-12-01T18:00، أو اتركه فارغًا"}
		}
		if !until.After(s.opts.Now()) {
			return news.Article{}, news.FieldErrors{"until": "وقت انتهاء التثبيت مضى؛ اختر وقتًا قادمًا أو اتركه فارغًا"}
		}
	}
	err = s.editFront(ctx, front, func(pins []news.Pin) ([]news.Pin, error) {
		pins = removePin(pins, a.ID)
		if len(pins) >= news.MaxPins {
			return nil, news.FieldErrors{"article": fmt.Sprintf("في الواجهة %d مقالًا مثبتًا، وهو الحد؛ ألغِ تثبيت أحدها أولًا", news.MaxPins)}
		}
		position = min(max(position, 0), len(pins))
		pins = append(pins[:position], append([]news.Pin{{ArticleID: a.ID, Until: until.UTC().Truncate(time.Second)}}, pins[position:]...)...)
		return pins, nil
	})
	return a, err
}

// UnpinArticle takes an article off a front.
func (s *Service) UnpinArticle(ctx context.Context, u news.User, front string, articleID int64) error {
	if !Can(u, ActCurate, nil) {
		return forbidden()
	}
	if err := s.checkFront(ctx, front); err != nil {
		return err
	}
	return s.editFront(ctx, front, func(pins []news.Pin) ([]news.Pin, error) { return removePin(pins, articleID), nil })
}

// MovePin moves a pinned article by delta places (-1 up, +1 down).
func (s *Service) MovePin(ctx context.Context, u news.User, front string, articleID int64, delta int) error {
	if !Can(u, ActCurate, nil) {
		return forbidden()
	}
	if err := s.checkFront(ctx, front); err != nil {
		return err
	}
	return s.editFront(ctx, front, func(pins []news.Pin) ([]news.Pin, error) {
		for i, p := range pins {
			if p.ArticleID == articleID {
				j := min(max(i+delta, 0), len(pins)-1)
				pins[i], pins[j] = pins[j], pins[i]
				return pins, nil
			}
		}
		return nil, news.Errorf(news.ENOTFOUND, "المقال %d غير مثبت في هذه الواجهة", articleID)
	})
}

func removePin(pins []news.Pin, id int64) []news.Pin {
	out := pins[:0]
	for _, p := range pins {
		if p.ArticleID != id {
			out = append(out, p)
		}
	}
	return out
}

// editFront reads a front, changes it and stores it. Two editors saving
// one front at once: the later write wins whole (a front is small and its
// page shows the result).
func (s *Service) editFront(ctx context.Context, front string, change func([]news.Pin) ([]news.Pin, error)) error {
	key := news.FrontSetting(front)
	stored, err := s.store.Settings(ctx)
	if err != nil {
		return err
	}
	pins, err := change(news.DecodePins(stored[key], s.opts.Now()))
	if err != nil {
		return err
	}
	value, err := news.EncodePins(pins)
	if err != nil {
		return err
	}
	if err := s.store.SaveSettings(ctx, map[string]string{key: value}); err != nil {
		return err
	}
	s.pub.Changed()
	s.Wake() // the scheduler takes pins down at their time
	return nil
}

// resolveArticle finds the published article an editor means: its number,
// or its address (absolute, or a path; percent-encoded or not).
func (s *Service) resolveArticle(ctx context.Context, ref string) (news.Article, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return news.Article{}, news.FieldErrors{"article": "الصق رابط المقال أو اكتب رقمه"}
	}
	notFound := news.FieldErrors{"article": "لم نجد مقالًا منشورًا بهذا الرابط أو الرقم: " + ref}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		a, err := s.store.Article(ctx, id)
		if news.ErrorCode(err) == news.ENOTFOUND {
			return a, notFound
		}
		return a, err
	}
	u, err := url.Parse(ref)
	if err != nil {
		return news.Article{}, notFound
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 5 {
		return news.Article{}, notFound
	}
	y, err1 := strconv.Atoi(parts[1])
	m, err2 := strconv.Atoi(parts[2])
	d, err3 := strconv.Atoi(parts[3])
	if err1 != nil || err2 != nil || err3 != nil {
		return news.Article{}, notFound
	}
	a, err := s.store.ArticleByPath(ctx, parts[0], time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), parts[4])
	if news.ErrorCode(err) == news.ENOTFOUND || news.ErrorCode(err) == news.EINVALID {
		return a, notFound
	}
	return a, err
}

// expirePins takes pins past their time off every front, so that cached
// pages drop them, and returns the next end time of a pin (zero: none).
func (s *Service) expirePins(ctx context.Context) time.Time {
	stored, err := s.store.Settings(ctx)
	if err != nil {
		return time.Time{}
	}
	now, next := s.opts.Now(), time.Time{}
	changed := map[string]string{}
	for key, value := range stored {
		if _, ok := news.FrontOfSetting(key); !ok || value == "" {
			continue
		}
		kept := news.DecodePins(value, now)
		if end := news.NextPinEnd(kept); !end.IsZero() && (next.IsZero() || end.Before(next)) {
			next = end
		}
		if len(kept) == len(news.DecodePins(value, time.Time{})) {
			continue // nothing ended: no write, so no page is dropped
		}
		if v, err := news.EncodePins(kept); err == nil {
			changed[key] = v
		}
	}
	if len(changed) > 0 {
		if err := s.store.SaveSettings(ctx, changed); err != nil {
			if ctx.Err() == nil {
				s.opts.Logger.Warn("scheduler: taking down pins past their time", "err", err)
			}
			return time.Time{}
		}
		s.pub.Changed()
	}
	return next
}
