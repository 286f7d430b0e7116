package editorial

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sahafa/markup"
	"sahafa/news"
	"sahafa/publish"
)

// Live coverage (تغطية مباشرة): whoever may edit an article may make it
// live coverage, post its updates and end it.

// editable loads an article the user may edit.
func (s *Service) editable(ctx context.Context, u news.User, id int64) (news.Article, error) {
	a, err := s.store.EditorialArticle(ctx, id)
	if err != nil {
		return news.Article{}, err
	}
	if !Can(u, ActEdit, &a) || !a.DeletedAt.IsZero() {
		return news.Article{}, forbidden()
	}
	return a, nil
}

// LiveCoverage returns an article's coverage with its newest updates
// (ENOTFOUND when it is not live coverage), for whoever may see it.
func (s *Service) LiveCoverage(ctx context.Context, u news.User, id int64) (news.LiveCoverage, error) {
	if _, err := s.Article(ctx, u, id); err != nil {
		return news.LiveCoverage{}, err
	}
	return s.store.LiveCoverage(ctx, id, news.LiveUpdatesShown)
}

// StartLive makes an article live coverage from now, or resumes coverage
// that was ended.
func (s *Service) StartLive(ctx context.Context, u news.User, id int64) error {
	if _, err := s.editable(ctx, u, id); err != nil {
		return err
	}
	started := s.opts.Now()
	if c, err := s.store.LiveCoverage(ctx, id, 0); err == nil {
		started = c.Started
	} else if news.ErrorCode(err) != news.ENOTFOUND {
		return err
	}
	if err := s.store.SetLive(ctx, id, started, time.Time{}); err != nil {
		return err
	}
	s.pub.Changed()
	return nil
}

// EndLive ends an article's coverage: its updates stay, none are added.
func (s *Service) EndLive(ctx context.Context, u news.User, id int64) error {
	if _, err := s.editable(ctx, u, id); err != nil {
		return err
	}
	c, err := s.store.LiveCoverage(ctx, id, 0)
	if err != nil {
		return err
	}
	if err := s.store.SetLive(ctx, id, c.Started, s.opts.Now()); err != nil {
		return err
	}
	s.pub.Changed()
	return nil
}

// PostLiveUpdate adds an update, written in Markdown, to running coverage.
func (s *Service) PostLiveUpdate(ctx context.Context, u news.User, id int64, text string) (news.LiveUpdate, error) {
	if _, err := s.editable(ctx, u, id); err != nil {
		return news.LiveUpdate{}, err
	}
	c, err := s.store.LiveCoverage(ctx, id, 0)
	if err != nil {
		return news.LiveUpdate{}, err
	}
	if !c.Running() {
		return news.LiveUpdate{}, news.FieldErrors{"text": "انتهت هذه التغطية؛ استأنفها لإضافة تحديث"}
	}
	text = strings.TrimSpace(text)
	switch n := len([]rune(text)); {
	case n == 0:
		return news.LiveUpdate{}, news.FieldErrors{"text": "اكتب نص التحديث"}
	case n > news.MaxLiveUpdateText:
		return news.LiveUpdate{}, news.FieldErrors{"text": fmt.Sprintf("التحديث أطول من %d حرف (%d)", news.MaxLiveUpdateText, n)}
	case c.Total >= news.MaxLiveUpdates:
		return news.LiveUpdate{}, news.FieldErrors{"text": fmt.Sprintf("في التغطية %d تحديث، وهو الحد؛ ابدأ تغطية جديدة في مقال آخر", c.Total)}
	}
	body, problems := publish.RenderMarkdown(ctx, s.store, text)
	if len(problems) > 0 {
		return news.LiveUpdate{}, news.FieldErrors{"text": problemText(problems)}
	}
	up, err := s.store.AddLiveUpdate(ctx, news.LiveUpdate{ArticleID: id, At: s.opts.Now(), Body: body, BodySource: text,
		Author: u.Name, CreatedBy: u.ID})
	if err != nil {
		return news.LiveUpdate{}, err
	}
	s.pageChanged(id)
	return up, nil
}

// DeleteLiveUpdate deletes an update (a mistake posted).
func (s *Service) DeleteLiveUpdate(ctx context.Context, u news.User, id, updateID int64) error {
	if _, err := s.editable(ctx, u, id); err != nil {
		return err
	}
	if err := s.store.DeleteLiveUpdate(ctx, id, updateID); err != nil {
		return err
	}
	s.pageChanged(id)
	return nil
}

// pageChanged drops this server's cached copy of one article's page (the
// store tells other servers).
func (s *Service) pageChanged(id int64) {
	if s.opts.PageChanged != nil {
		s.opts.PageChanged(id)
		return
	}
	s.pub.Changed()
}

// problemText joins the renderer's problems into one field message.
func problemText(problems []markup.Problem) string {
	msgs := make([]string, len(problems))
	for i, pr := range problems {
		msgs[i] = pr.Message
	}
	return strings.Join(msgs, "؛ ")
}
