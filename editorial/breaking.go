package editorial

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"sahafa/news"
)

// Breaking is the breaking-news line in force, nil when there is none.
func (s *Service) Breaking(ctx context.Context) (*news.Breaking, error) {
	stored, err := s.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	return news.DecodeBreaking(stored[news.SettingBreaking], s.opts.Now()), nil
}

// Breaking-news durations, in minutes.
const (
	minBreakingMinutes = 5
	maxBreakingMinutes = 24 * 60
)

// PostBreaking puts a breaking-news line on every page for minutes (an
// editor's action); it replaces the one in force.
func (s *Service) PostBreaking(ctx context.Context, u news.User, text, link string, minutes int) (news.Breaking, error) {
	if !Can(u, ActBreaking, nil) {
		return news.Breaking{}, forbidden()
	}
	errs := news.FieldErrors{}
	text = oneLine(text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		errs.Add("text", "اكتب نص الخبر العاجل")
	case n > news.MaxBreaking:
		errs.Add("text", fmt.Sprintf("الخبر العاجل أطول من %d حرف (%d)", news.MaxBreaking, n))
	}
	link = strings.TrimSpace(link)
	if link != "" && !(strings.HasPrefix(link, "/") && !strings.HasPrefix(link, "//")) {
		if msg := checkLink(link); msg != "" {
			errs.Add("url", msg+"، أو رابطًا في الموقع يبدأ بـ /")
		}
	}
	if minutes < minBreakingMinutes || minutes > maxBreakingMinutes {
		errs.Add("minutes", fmt.Sprintf("المدة بين %d دقائق و%d دقيقة", minBreakingMinutes, maxBreakingMinutes))
	}
	if err := errs.Err(); err != nil {
		return news.Breaking{}, err
	}
	now := s.opts.Now().UTC().Truncate(time.Second)
	b := news.Breaking{Text: text, URL: link, At: now, Until: now.Add(time.Duration(minutes) * time.Minute)}
	stored, err := news.EncodeBreaking(b)
	if err != nil {
		return news.Breaking{}, err
	}
	if err := s.store.SaveSettings(ctx, map[string]string{news.SettingBreaking: stored}); err != nil {
		return news.Breaking{}, err
	}
	s.pub.Changed()
	s.Wake() // the scheduler takes it down at its time
	return b, nil
}

// EndBreaking takes the breaking-news line down now.
func (s *Service) EndBreaking(ctx context.Context, u news.User) error {
	if !Can(u, ActBreaking, nil) {
		return forbidden()
	}
	return s.endBreaking(ctx)
}

func (s *Service) endBreaking(ctx context.Context) error {
	if err := s.store.SaveSettings(ctx, map[string]string{news.SettingBreaking: ""}); err != nil {
		return err
	}
	s.pub.Changed()
	return nil
}

// expireBreaking takes down a breaking item past its time, so that cached
// pages drop it, and returns when the one in force ends (zero for none).
func (s *Service) expireBreaking(ctx context.Context) time.Time {
	stored, err := s.store.Settings(ctx)
	if err != nil || stored[news.SettingBreaking] == "" {
		return time.Time{}
	}
	if b := news.DecodeBreaking(stored[news.SettingBreaking], s.opts.Now()); b != nil {
		return b.Until
	}
	if err := s.endBreaking(ctx); err != nil && ctx.Err() == nil {
		s.opts.Logger.Warn("scheduler: taking down breaking news", "err", err)
	}
	return time.Time{}
}
