package editorial

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sahafa/arabic"
	"sahafa/news"
)

// Limits of an image's texts, in characters.
const (
	maxAlt     = 300
	maxCaption = 500
	maxCredit  = 120
)

// checkImageText checks an image's alt text, caption and credit; the
// errors go under field when given, else under alt, caption and credit.
func checkImageText(errs news.FieldErrors, field, alt, caption, credit string) {
	name := func(own string) string {
		if field != "" {
			return field
		}
		return own
	}
	switch n := utf8.RuneCountInString(alt); {
	case n == 0:
		errs.Add(name("alt"), "اكتب وصفًا للصورة لمن لا يراها (النص البديل)")
	case n > maxAlt:
		errs.Add(name("alt"), fmt.Sprintf("النص البديل أطول من %d حرف", maxAlt))
	}
	if utf8.RuneCountInString(caption) > maxCaption {
		errs.Add(name("caption"), fmt.Sprintf("التعليق أطول من %d حرف", maxCaption))
	}
	if utf8.RuneCountInString(credit) > maxCredit {
		errs.Add(name("credit"), fmt.Sprintf("اسم المصوّر أو الوكالة أطول من %d حرفًا", maxCredit))
	}
}

// libraryImage finds the library image a form field names by number;
// ok is false for an empty field or an error recorded in errs.
func (s *Service) libraryImage(ctx context.Context, field, name string, errs news.FieldErrors) (news.Media, bool, error) {
	field = strings.TrimSpace(field)
	if field == "" {
		return news.Media{}, false, nil
	}
	id, err := strconv.ParseInt(field, 10, 64)
	if err != nil || id <= 0 {
		errs.Add(name, "رقم الصورة غير صالح")
		return news.Media{}, false, nil
	}
	m, err := s.store.Media(ctx, id)
	if news.ErrorCode(err) == news.ENOTFOUND {
		errs.Add(name, "الصورة غير موجودة في المكتبة")
		return news.Media{}, false, nil
	}
	if err != nil {
		return news.Media{}, false, err
	}
	if m.State == news.MediaFailed {
		errs.Add(name, fmt.Sprintf("تعذّرت معالجة الصورة #%d: %s", m.ID, m.Problem))
		return news.Media{}, false, nil
	}
	return m, true, nil
}

// checkSEO checks the SEO and sharing panel.
func (s *Service) checkSEO(ctx context.Context, in ArticleInput, errs news.FieldErrors) (news.SEO, error) {
	seo := news.SEO{Title: oneLine(in.SEOTitle), Description: oneLine(in.SEODescription),
		SocialTitle: oneLine(in.SocialTitle), SocialDescription: oneLine(in.SocialDescription),
		Canonical: strings.TrimSpace(in.Canonical)}
	for _, f := range []struct {
		field, value, label string
		max                 int
	}{
		{"seo_title", seo.Title, "عنوان محركات البحث", news.MaxSEOTitle},
		{"social_title", seo.SocialTitle, "عنوان المشاركة", news.MaxSEOTitle},
		{"seo_description", seo.Description, "وصف محركات البحث", news.MaxSEODescription},
		{"social_description", seo.SocialDescription, "وصف المشاركة", news.MaxSEODescription},
	} {
		if n := utf8.RuneCountInString(f.value); n > f.max {
			errs.Add(f.field, fmt.Sprintf("%s أطول من %d حرف (%d)", f.label, f.max, n))
		}
	}
	if seo.Canonical != "" {
		if msg := checkLink(seo.Canonical); msg != "" {
			errs.Add("canonical", "الرابط الأصلي: "+msg)
		}
	}
	m, ok, err := s.libraryImage(ctx, in.SocialImageID, "social_image", errs)
	if ok {
		seo.SocialImageID = m.ID
	}
	return seo, err
}

// maxLink bounds a URL typed in a form.
const maxLink = 500

// checkLink says what is wrong with a URL typed in a form (an absolute
// http or https URL), or "" when nothing is.
func checkLink(raw string) string {
	if len(raw) > maxLink {
		return fmt.Sprintf("الرابط أطول من %d حرف", maxLink)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fmt.Sprintf("«%s» ليس رابطًا كاملًا يبدأ بـ https://", raw)
	}
	return ""
}

// Trash puts an article in the trash. A published or scheduled one is
// taken down first, by a user who may take it down; its addresses then
// answer 410 Gone. version is the one the user saw.
func (s *Service) Trash(ctx context.Context, u news.User, id int64, version int) (news.Article, error) {
	a, err := s.store.EditorialArticle(ctx, id)
	if err != nil {
		return news.Article{}, err
	}
	if !Can(u, ActTrash, &a) {
		return news.Article{}, forbidden()
	}
	if version != a.Version {
		return news.Article{}, news.Errorf(news.ECONFLICT, "عدّل شخص آخر هذا المقال بعد أن فتحته؛ راجع النسخة الحالية ثم أعد المحاولة")
	}
	if !a.DeletedAt.IsZero() {
		return a, nil
	}
	if a.Status == news.StatusPublished || a.Status == news.StatusScheduled {
		if a, err = s.Transition(ctx, u, id, version, ActUnpublish, "قبل نقله إلى سلة المحذوفات"); err != nil {
			return news.Article{}, err
		}
	}
	ev := news.Event{UserID: u.ID, UserName: u.Name, Action: news.ActionTrash, From: a.Status, To: a.Status, At: s.opts.Now()}
	if err := s.store.TrashArticle(ctx, id, s.opts.Now().UTC().Truncate(time.Second), ev); err != nil {
		return news.Article{}, err
	}
	s.pub.Changed()
	return s.store.EditorialArticle(ctx, id)
}

// Untrash takes an article out of the trash, in the status it had (an
// article that was published comes back unpublished).
func (s *Service) Untrash(ctx context.Context, u news.User, id int64) (news.Article, error) {
	a, err := s.store.EditorialArticle(ctx, id)
	if err != nil {
		return news.Article{}, err
	}
	if !Can(u, ActTrash, &a) {
		return news.Article{}, forbidden()
	}
	ev := news.Event{UserID: u.ID, UserName: u.Name, Action: news.ActionUntrash, From: a.Status, To: a.Status, At: s.opts.Now()}
	if err := s.store.TrashArticle(ctx, id, time.Time{}, ev); err != nil {
		return news.Article{}, err
	}
	s.pub.Changed()
	return s.store.EditorialArticle(ctx, id)
}

// Purge deletes an article in the trash for good, with its history.
func (s *Service) Purge(ctx context.Context, u news.User, id int64) error {
	a, err := s.store.EditorialArticle(ctx, id)
	if err != nil {
		return err
	}
	if !Can(u, ActPurge, &a) {
		return forbidden()
	}
	if a.DeletedAt.IsZero() {
		return news.Errorf(news.ECONFLICT, "انقل المقال إلى سلة المحذوفات قبل حذفه نهائيًا")
	}
	if _, err := s.store.PurgeArticles(ctx, []int64{id}, s.opts.Now().Add(time.Minute)); err != nil {
		return err
	}
	s.pub.Changed()
	return nil
}

// PurgeDue deletes the articles that have been in the trash longer than
// news.TrashRetention, and returns how many.
func (s *Service) PurgeDue(ctx context.Context) (int, error) {
	n, err := s.store.PurgeArticles(ctx, nil, s.opts.Now().Add(-news.TrashRetention))
	if n > 0 {
		s.pub.Changed()
	}
	return n, err
}

// Bulk actions on a list's checked articles.
const (
	BulkPublish   = "publish"
	BulkUnpublish = "unpublish"
	BulkSection   = "section" // move to BulkRequest.Section
	BulkTag       = "tag"     // add BulkRequest.Tag
	BulkTrash     = "trash"
	BulkUntrash   = "untrash"
	BulkPurge     = "purge"
	// MaxBulk bounds one request: a page of a list.
	MaxBulk = 100
)

// BulkRequest is a bulk action on articles.
type BulkRequest struct {
	Action  string
	IDs     []int64
	Section string // slug, for BulkSection
	Tag     string // name, for BulkTag
}

// BulkResult says what a bulk action did: how many articles it changed,
// and why each of the others was left as it was.
type BulkResult struct {
	Done   int
	Failed []BulkFailure
}

// BulkFailure is an article a bulk action left unchanged.
type BulkFailure struct {
	ID     int64
	Title  string
	Reason string // in Arabic
}

// Bulk applies one action to each article, each as if done alone: the
// role policy is checked per article, and one refusal does not stop the
// others.
func (s *Service) Bulk(ctx context.Context, u news.User, req BulkRequest) (BulkResult, error) {
	switch req.Action {
	case BulkPublish, BulkUnpublish, BulkSection, BulkTag, BulkTrash, BulkUntrash, BulkPurge:
	default:
		return BulkResult{}, news.FieldErrors{"action": "اختر إجراءً للمقالات المحددة"}
	}
	if len(req.IDs) == 0 {
		return BulkResult{}, news.FieldErrors{"ids": "حدد مقالًا واحدًا على الأقل"}
	}
	if len(req.IDs) > MaxBulk {
		return BulkResult{}, news.FieldErrors{"ids": fmt.Sprintf("الحد الأقصى %d مقال في المرة الواحدة", MaxBulk)}
	}
	req.Tag = oneLine(req.Tag)
	switch {
	case req.Action == BulkSection && req.Section == "":
		return BulkResult{}, news.FieldErrors{"section": "اختر القسم الذي تُنقل إليه المقالات"}
	case req.Action == BulkTag && req.Tag == "":
		return BulkResult{}, news.FieldErrors{"tag": "اكتب الوسم الذي يضاف إلى المقالات"}
	case req.Action == BulkTag && utf8.RuneCountInString(req.Tag) > news.MaxTagLength:
		return BulkResult{}, news.FieldErrors{"tag": fmt.Sprintf("الوسم أطول من %d حرفًا", news.MaxTagLength)}
	}
	var res BulkResult
	seen := map[int64]bool{}
	for _, id := range req.IDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := ctx.Err(); err != nil {
			return res, err
		}
		a, err := s.store.EditorialArticle(ctx, id)
		if err == nil && !Can(u, ActView, &a) {
			err = forbidden()
		}
		if err == nil {
			err = s.bulkOne(ctx, u, req, a)
		}
		if err != nil {
			if code := news.ErrorCode(err); code == news.EUNAVAILABLE || code == news.EINTERNAL {
				return res, err
			}
			res.Failed = append(res.Failed, BulkFailure{ID: id, Title: a.Title, Reason: news.ErrorMessage(err)})
			continue
		}
		res.Done++
	}
	return res, nil
}

func (s *Service) bulkOne(ctx context.Context, u news.User, req BulkRequest, a news.Article) error {
	if !a.DeletedAt.IsZero() && req.Action != BulkUntrash && req.Action != BulkPurge {
		return news.Errorf(news.ECONFLICT, "المقال في سلة المحذوفات")
	}
	var err error
	switch req.Action {
	case BulkPublish:
		if a.Status == news.StatusPublished {
			return news.Errorf(news.ECONFLICT, "منشور من قبل")
		}
		_, err = s.Transition(ctx, u, a.ID, a.Version, ActPublish, "")
	case BulkUnpublish:
		_, err = s.Transition(ctx, u, a.ID, a.Version, ActUnpublish, "")
	case BulkTrash:
		_, err = s.Trash(ctx, u, a.ID, a.Version)
	case BulkUntrash:
		_, err = s.Untrash(ctx, u, a.ID)
	case BulkPurge:
		err = s.Purge(ctx, u, a.ID)
	case BulkSection, BulkTag:
		err = s.bulkEdit(ctx, u, req, a)
	}
	return err
}

// bulkEdit moves an article to a section or adds a tag, as an edit (a
// revision is kept) by a user who may edit it.
func (s *Service) bulkEdit(ctx context.Context, u news.User, req BulkRequest, a news.Article) error {
	if !Can(u, ActEdit, &a) {
		return forbidden()
	}
	d := draftFrom(a)
	var note string
	switch req.Action {
	case BulkSection:
		sec, err := s.store.SectionBySlug(ctx, req.Section)
		if err != nil {
			return err
		}
		if sec.ID == a.Section.ID {
			return news.Errorf(news.ECONFLICT, "في القسم «%s» من قبل", sec.Name)
		}
		d.SectionSlug, d.SectionName = sec.Slug, sec.Name
		note = "نُقل إلى قسم " + sec.Name
	case BulkTag:
		key := arabic.Normalize(req.Tag)
		for _, t := range d.Tags {
			if arabic.Normalize(t) == key {
				return news.Errorf(news.ECONFLICT, "موسوم بـ«%s» من قبل", t)
			}
		}
		if len(d.Tags) >= news.MaxTags {
			return news.Errorf(news.EINVALID, "للمقال %d وسمًا، وهو الحد الأقصى", news.MaxTags)
		}
		d.Tags = append(d.Tags, req.Tag)
		note = "أضيف الوسم " + req.Tag
	}
	d.Revision = &news.RevisionMeta{UserID: u.ID, UserName: u.Name, Note: note}
	d.Event = &news.Event{UserID: u.ID, UserName: u.Name, Action: news.ActionSave, From: a.Status, To: a.Status, Note: note}
	_, err := s.save(ctx, d)
	return err
}

// Authors lists the author directory (for every signed-in user: the
// editor's byline field completes from it).
func (s *Service) Authors(ctx context.Context, u news.User, f news.AuthorFilter) ([]news.AuthorStats, int, error) {
	if !Can(u, ActCreate, nil) {
		return nil, 0, forbidden()
	}
	return s.store.Authors(ctx, f)
}

// Author returns one author of the directory.
func (s *Service) Author(ctx context.Context, u news.User, id int64) (news.Author, error) {
	if !Can(u, ActCreate, nil) {
		return news.Author{}, forbidden()
	}
	return s.store.Author(ctx, id)
}

// AuthorInput is the author form as typed.
type AuthorInput struct {
	ID      int64
	Name    string
	Slug    string // empty: from the name
	Bio     string
	PhotoID string
	Links   string // one URL a line
}

const maxAuthorName = 100

// SaveAuthor changes an author's name, address, bio, photo and links.
func (s *Service) SaveAuthor(ctx context.Context, u news.User, in AuthorInput) (news.Author, error) {
	if !Can(u, ActManageAuthors, nil) {
		return news.Author{}, forbidden()
	}
	errs := news.FieldErrors{}
	a := news.Author{ID: in.ID, Name: oneLine(in.Name)}
	switch n := utf8.RuneCountInString(a.Name); {
	case n == 0:
		errs.Add("name", "اكتب اسم الكاتب")
	case n > maxAuthorName:
		errs.Add("name", fmt.Sprintf("الاسم أطول من %d حرف", maxAuthorName))
	}
	a.Slug = arabic.Slug(strings.TrimSpace(in.Slug))
	if a.Slug == "" {
		a.Slug = arabic.Slug(a.Name)
	}
	if a.Slug == "" && a.Name != "" {
		errs.Add("slug", "الرابط يجب أن يحتوي على حروف أو أرقام")
	}
	bio := strings.TrimSpace(arabic.StripBidiControls(strings.ReplaceAll(in.Bio, "\r\n", "\n")))
	if n := utf8.RuneCountInString(bio); n > news.MaxAuthorBio {
		errs.Add("bio", fmt.Sprintf("النبذة أطول من %d حرف (%d)", news.MaxAuthorBio, n))
	}
	a.Profile.Bio = bio
	m, ok, err := s.libraryImage(ctx, in.PhotoID, "photo", errs)
	if err != nil {
		return news.Author{}, err
	}
	if ok {
		a.Profile.PhotoID = m.ID
	}
	for _, l := range strings.Fields(in.Links) {
		if msg := checkLink(l); msg != "" {
			errs.Add("links", msg)
			continue
		}
		a.Profile.Links = append(a.Profile.Links, l)
	}
	if len(a.Profile.Links) > news.MaxAuthorLinks {
		errs.Add("links", fmt.Sprintf("الحد الأقصى %d روابط", news.MaxAuthorLinks))
	}
	if err := errs.Err(); err != nil {
		return news.Author{}, err
	}
	saved, err := s.store.SaveAuthor(ctx, a)
	if news.ErrorCode(err) == news.ECONFLICT {
		return news.Author{}, news.FieldErrors{"slug": "هذا الرابط لكاتب آخر"}
	}
	if err == nil {
		s.pub.Changed()
	}
	return saved, err
}

// MergeAuthors makes from one with into: every byline of from credits
// into, and from's page redirects to into's.
func (s *Service) MergeAuthors(ctx context.Context, u news.User, into, from int64) error {
	if !Can(u, ActManageAuthors, nil) {
		return forbidden()
	}
	if err := s.store.MergeAuthors(ctx, into, from); err != nil {
		return err
	}
	s.pub.Changed()
	return nil
}

// TrashList lists the articles in the trash, the most recently trashed
// first: everyone's for editors, their own for the others.
func (s *Service) TrashList(ctx context.Context, u news.User, offset, limit int) (news.ArticleList, error) {
	if !Can(u, ActCreate, nil) {
		return news.ArticleList{}, forbidden()
	}
	q := news.EditorialFilter{Trash: true, Limit: limit, Offset: offset}
	if !u.Role.AtLeast(news.RoleEditor) {
		q.CreatedBy = u.ID
	}
	return s.store.EditorialArticles(ctx, q)
}
