package editorial

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"sahafa/news"
)

// PresenceWindow is how recently a heartbeat must have come for someone
// to count as having an article open (the editor beats every 20 s).
const PresenceWindow = 60 * time.Second

// AutosaveResult is what an autosave tells the editor.
type AutosaveResult struct {
	SavedAt time.Time
	// Conflict is set when someone saved the article after the form was
	// opened: the autosave is kept, and saving will be refused until the
	// writer has looked.
	Conflict bool
	Version  int // the article's version now
}

// Autosave keeps the editor's form as the writer left it, every few
// seconds while they type, so that a closed tab or a crashed browser loses
// nothing. It is a copy for its writer, not a save of the article: the
// article, its revisions and readers see nothing of it until they save.
// Nothing is checked but the right to edit and the sizes.
func (s *Service) Autosave(ctx context.Context, u news.User, in ArticleInput) (AutosaveResult, error) {
	var res AutosaveResult
	if in.ID != 0 {
		cur, err := s.store.EditorialArticle(ctx, in.ID)
		if err != nil {
			return res, err
		}
		if !Can(u, ActEdit, &cur) {
			return res, forbidden()
		}
		res.Version = cur.Version
		res.Conflict = in.Version != 0 && in.Version != cur.Version
	} else if !Can(u, ActCreate, nil) {
		return res, forbidden()
	}
	if len(in.Body) > maxBody || utf8.RuneCountInString(in.Title) > 4*maxTitle || len(in.Abstract) > 4*maxAbstract {
		return res, news.FieldErrors{"body": fmt.Sprintf("نص المقال أطول من %d ألف حرف؛ لم يُحفظ تلقائيًا", maxBody/1000)}
	}
	in.Note = ""
	data, err := json.Marshal(in)
	if err != nil {
		return res, fmt.Errorf("autosave: %w", err)
	}
	res.SavedAt = s.opts.Now().UTC()
	err = s.store.SaveAutosave(ctx, news.Autosave{UserID: u.ID, ArticleID: in.ID, SavedAt: res.SavedAt, Version: in.Version, Data: data})
	return res, err
}

// PendingAutosave returns the user's autosave of an article when it holds
// work the article does not: saved after the article's last save (for a
// new article, 0, any).
func (s *Service) PendingAutosave(ctx context.Context, u news.User, a *news.Article) (news.Autosave, ArticleInput, bool) {
	id := int64(0)
	if a != nil {
		id = a.ID
	}
	as, err := s.store.Autosave(ctx, u.ID, id)
	if err != nil {
		return news.Autosave{}, ArticleInput{}, false
	}
	var in ArticleInput
	if json.Unmarshal(as.Data, &in) != nil {
		return news.Autosave{}, ArticleInput{}, false
	}
	in.ID = id
	if a != nil {
		if !as.SavedAt.After(a.UpdatedAt) {
			return news.Autosave{}, ArticleInput{}, false
		}
		if same := s.InputFrom(*a); same.Title == in.Title && same.Body == in.Body && same.Abstract == in.Abstract {
			return news.Autosave{}, ArticleInput{}, false
		}
	}
	return as, in, true
}

// DiscardAutosave forgets the user's autosave of an article.
func (s *Service) DiscardAutosave(ctx context.Context, u news.User, articleID int64) error {
	return s.store.DeleteAutosave(ctx, u.ID, articleID)
}

// Presence records that u has the article open and returns who else has,
// and who took the editing over from u, if anyone.
func (s *Service) Presence(ctx context.Context, u news.User, articleID int64) ([]news.Presence, string, error) {
	if _, err := s.Article(ctx, u, articleID); err != nil {
		return nil, "", err
	}
	now := s.opts.Now().UTC()
	return s.store.TouchPresence(ctx, articleID, u, now, now.Add(-PresenceWindow))
}

// TakeOver makes u the article's editor; the others are told at their
// next heartbeat, and their editors stop autosaving.
func (s *Service) TakeOver(ctx context.Context, u news.User, articleID int64) error {
	a, err := s.store.EditorialArticle(ctx, articleID)
	if err != nil {
		return err
	}
	if !Can(u, ActEdit, &a) {
		return forbidden()
	}
	return s.store.TakeOver(ctx, articleID, u, s.opts.Now().UTC())
}
