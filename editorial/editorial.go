package editorial

import (
	"context"
	"fmt"
	"log/slog"
	"sahafa/admission"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/singleflight"

	"sahafa/arabic"
	"sahafa/fetch"
	"sahafa/markup"
	"sahafa/media"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/search"
)

// Options configure a Service.
type Options struct {
	// Location is the newsroom's time zone: publication times typed in
	// forms are read in it. Default UTC.
	Location *time.Location
	Now      func() time.Time // default time.Now
	Logger   *slog.Logger     // default slog.Default()
	// Images bounds the server's image processing (default
	// media.NewGate with its defaults).
	Images *media.Gate
	// UploadsPerUser is how many uploads one user may have in progress at
	// once (default 2); more are refused with 429.
	UploadsPerUser int
	// UploadsReceived is how many uploads, once received, the server holds
	// in memory at once to check and store them, whoever sent them
	// (default 2; as many again wait, at most 10 s): each may take
	// MaxUploadBytes.
	UploadsReceived int
	// Fetch fetches images pasted from other sites (default fetch.New).
	Fetch *fetch.Client
	// PageChanged drops the cached page of one article after a write that
	// changed that page alone (a live update); nil: every cached page is
	// dropped, as after any write.
	PageChanged func(articleID int64)
	// ArticleChanged, when set, is told of every save of an article and of
	// every correction, with its state before (zero for a new one) and
	// after: the CDN purger (cdn.Purger) works out the pages. Trashing,
	// which only unpublished articles reach, changes no public page.
	ArticleChanged func(before, after news.Article)
	// MediaChanged drops the cached pages that show an image after it was
	// processed or its crops cut again; nil: every cached page is dropped.
	MediaChanged func(mediaID int64)
}

// Service carries out newsroom actions for a signed-in user.
type Service struct {
	store  news.Store
	pub    *publish.Service
	search *search.Engine
	opts   Options
	// wake nudges the scheduler after a save that schedules an article.
	wake chan struct{}

	uploadsMu sync.Mutex
	uploads   map[int64]int // uploads in progress, by user
	receiving *admission.Gate

	// mediaWake nudges the media worker after an upload; processing
	// runs once per image at a time on this server, whoever asks.
	mediaWake  chan struct{}
	processing singleflight.Group
	cropFailed map[int64]bool // older images the media worker could not crop (its own)

	scheduled atomic.Int64 // articles the scheduler published, since start
}

// ScheduledPublished is how many scheduled articles this server's
// scheduler published since it started.
func (s *Service) ScheduledPublished() int64 { return s.scheduled.Load() }

// Images is the image gate uploads go through, for metrics.
func (s *Service) Images() *media.Gate { return s.opts.Images }

// New returns a Service writing through pub.
func New(store news.Store, pub *publish.Service, engine *search.Engine, opts Options) *Service {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if engine == nil {
		engine = search.New(store)
	}
	if opts.Images == nil {
		opts.Images = media.NewGate(media.GateOptions{})
	}
	if opts.UploadsPerUser <= 0 {
		opts.UploadsPerUser = 2
	}
	if opts.UploadsReceived <= 0 {
		opts.UploadsReceived = 2
	}
	if opts.Fetch == nil {
		opts.Fetch = fetch.New(fetch.Options{MaxBytes: MaxUploadBytes})
	}
	return &Service{store: store, pub: pub, search: engine, opts: opts, wake: make(chan struct{}, 1), uploads: map[int64]int{},
		receiving: admission.New(opts.UploadsReceived, opts.UploadsReceived, 10*time.Second),
		mediaWake: make(chan struct{}, 1), cropFailed: map[int64]bool{}}
}

// Location is the newsroom's time zone.
func (s *Service) Location() *time.Location { return s.opts.Location }

// ArticleInput is an article as the editor form sends it: text fields as
// typed, so that a form refused for an error shows exactly what was typed.
type ArticleInput struct {
	ID       int64
	Version  int    // the version the form was opened on
	Title    string // headline
	Abstract string // subheadline
	Body     string // Markdown, or HTML when BodyFormat is "html"
	// BodyFormat is "html" when Body comes from the rich-text editor
	// (markup.CleanHTML's dialect); empty for Markdown, which the form
	// without JavaScript sends.
	BodyFormat string
	Section    string // section slug
	Tags       string // names separated by commas (، or ,)
	Authors    string // names separated by commas
	Dateline   string
	Slug       string // empty: from the headline
	PublishAt  string // "2006-01-02T15:04" in the newsroom's time zone; empty: at publication
	ImageID    string // lead image from the media library; empty for none
	ImageAlt   string
	// ImageCaption and ImageCredit: empty for the library's.
	ImageCaption string
	ImageCredit  string
	Note         string // what changed, kept with the revision

	// The SEO and sharing panel; empty fields fall back (see news.SEO).
	SEOTitle          string
	SEODescription    string
	SocialTitle       string
	SocialDescription string
	SocialImageID     string
	Canonical         string
}

// InputFrom fills a form from a stored article.
func (s *Service) InputFrom(a news.Article) ArticleInput {
	in := ArticleInput{
		ID: a.ID, Version: a.Version, Title: a.Title, Abstract: a.Abstract, Body: a.BodySource,
		Section: a.Section.Slug, Dateline: a.Dateline, Slug: a.Slug,
	}
	if in.Body == "" {
		// Written in the rich-text editor or imported: HTML, edited as
		// such (and, without JavaScript, as Markdown, which passes HTML).
		in.Body, in.BodyFormat = a.Body, BodyHTML
	}
	var names []string
	for _, t := range a.Tags {
		names = append(names, t.Name)
	}
	in.Tags = strings.Join(names, "، ")
	names = names[:0]
	for _, au := range a.Authors {
		names = append(names, au.Name)
	}
	in.Authors = strings.Join(names, "، ")
	if a.TimeSet || a.EverPublished {
		in.PublishAt = a.PublishedAt.In(s.opts.Location).Format(FormTime)
	}
	if a.Image != nil {
		if a.Image.MediaID != 0 {
			in.ImageID = strconv.FormatInt(a.Image.MediaID, 10)
		}
		in.ImageAlt, in.ImageCaption, in.ImageCredit = a.Image.Alt, a.Image.Caption, a.Image.Credit
	}
	seo := a.SEO
	in.SEOTitle, in.SEODescription, in.SocialTitle, in.SocialDescription, in.Canonical =
		seo.Title, seo.Description, seo.SocialTitle, seo.SocialDescription, seo.Canonical
	if seo.SocialImageID != 0 {
		in.SocialImageID = strconv.FormatInt(seo.SocialImageID, 10)
	}
	return in
}

// BodyHTML is ArticleInput.BodyFormat of a body from the rich-text editor.
const BodyHTML = "html"

// EditorHTML is the body as the rich-text editor opens it: an HTML body
// as it is stored, a Markdown one rendered (saving it from the editor
// makes it HTML).
func (s *Service) EditorHTML(ctx context.Context, in ArticleInput) string {
	if in.BodyFormat == BodyHTML {
		html, _ := publish.RenderEditorHTML(ctx, s.store, in.Body, true)
		return html
	}
	html, _ := publish.RenderMarkdown(ctx, s.store, in.Body)
	return html
}

// FormTime is the layout of <input type="datetime-local">.
const FormTime = "2006-01-02T15:04"

// Article returns an article the user may see in the newsroom.
func (s *Service) Article(ctx context.Context, u news.User, id int64) (news.Article, error) {
	a, err := s.store.EditorialArticle(ctx, id)
	if err != nil {
		return news.Article{}, err
	}
	if !Can(u, ActView, &a) {
		return news.Article{}, forbidden()
	}
	return a, nil
}

// splitNames splits a list typed with Arabic or Latin commas.
func splitNames(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '،' || r == '\n' }) {
		if p := strings.Join(strings.Fields(part), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Field limits of the editor form.
const (
	maxTitle    = 300
	maxAbstract = 600
	maxBody     = 200_000 // bytes of Markdown
	maxDateline = 80
	maxNote     = 300
)

// Save creates an article (in draft) or saves an edit of one, keeping a
// revision. Form errors come back as news.FieldErrors, in Arabic; an
// edit over a version someone else saved since is ECONFLICT.
func (s *Service) Save(ctx context.Context, u news.User, in ArticleInput) (news.Article, error) {
	var cur news.Article
	if in.ID != 0 {
		var err error
		if cur, err = s.store.EditorialArticle(ctx, in.ID); err != nil {
			return news.Article{}, err
		}
		if !Can(u, ActEdit, &cur) {
			return news.Article{}, forbidden()
		}
		if !cur.DeletedAt.IsZero() {
			return news.Article{}, errInTrash()
		}
	} else if !Can(u, ActCreate, nil) {
		return news.Article{}, forbidden()
	}
	// Images uploaded a moment ago may still be processing: the saved
	// article shows them with their sizes.
	if err := s.awaitInputMedia(ctx, in); err != nil {
		return news.Article{}, err
	}
	d, err := s.validate(ctx, u, in, cur)
	if err != nil {
		return news.Article{}, err
	}
	d.Revision = &news.RevisionMeta{UserID: u.ID, UserName: u.Name, Note: strings.TrimSpace(in.Note)}
	action := news.ActionSave
	if in.ID == 0 {
		action = news.ActionCreate
	}
	d.Event = &news.Event{UserID: u.ID, UserName: u.Name, Action: action, From: cur.Status, To: d.Status}
	a, err := s.save(ctx, d)
	if err == nil {
		// Saved: the autosave has nothing the article lacks.
		s.store.DeleteAutosave(ctx, u.ID, in.ID)
	}
	return a, err
}

// validate checks a form and turns it into a draft for the write path.
func (s *Service) validate(ctx context.Context, u news.User, in ArticleInput, cur news.Article) (news.Draft, error) {
	errs := news.FieldErrors{}
	title := strings.Join(strings.Fields(in.Title), " ")
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		errs.Add("title", "اكتب عنوان المقال")
	case n > maxTitle:
		errs.Add("title", fmt.Sprintf("العنوان أطول من %d حرف (%d)", maxTitle, n))
	}
	if n := utf8.RuneCountInString(in.Abstract); n > maxAbstract {
		errs.Add("abstract", fmt.Sprintf("العنوان الفرعي أطول من %d حرف (%d)", maxAbstract, n))
	}
	body, markdown := in.Body, in.BodyFormat != BodyHTML
	// An imported article keeps what its old site allowed: no text at all
	// (a post WordPress stored empty), images without alt text.
	imported := cur.ID != 0 && cur.Source != ""
	keepEmpty := imported && strings.TrimSpace(news.PlainText(cur.Body)) == "" && !strings.Contains(cur.Body, "<img")
	switch {
	case strings.TrimSpace(in.Body) == "" && keepEmpty:
	case strings.TrimSpace(in.Body) == "":
		errs.Add("body", "نص المقال فارغ")
	case len(in.Body) > maxBody:
		errs.Add("body", fmt.Sprintf("نص المقال أطول من %d ألف حرف", maxBody/1000))
	default:
		var problems []markup.Problem
		if markdown {
			_, problems = markup.Render(in.Body, markup.Options{})
		} else {
			body, problems = publish.RenderEditorHTML(ctx, s.store, in.Body, imported)
			if len(problems) == 0 && strings.TrimSpace(news.PlainText(body)) == "" && !keepEmpty {
				errs.Add("body", "نص المقال فارغ")
			}
		}
		if len(problems) > 0 {
			msgs := make([]string, len(problems))
			for i, p := range problems {
				msgs[i] = p.Message
			}
			errs.Add("body", strings.Join(msgs, "؛ "))
		}
	}
	var section news.Section
	if in.Section == "" {
		errs.Add("section", "اختر قسمًا")
	} else if sec, err := s.store.SectionBySlug(ctx, in.Section); err != nil {
		if news.ErrorCode(err) != news.ENOTFOUND {
			return news.Draft{}, err
		}
		errs.Add("section", "القسم غير موجود")
	} else {
		section = sec
	}
	tags := splitNames(in.Tags)
	if len(tags) > news.MaxTags {
		errs.Add("tags", fmt.Sprintf("الحد الأقصى %d وسمًا", news.MaxTags))
	}
	for _, t := range tags {
		if utf8.RuneCountInString(t) > news.MaxTagLength {
			errs.Add("tags", fmt.Sprintf("الوسم «%s» أطول من %d حرفًا", t, news.MaxTagLength))
		}
	}
	authors := splitNames(in.Authors)
	if len(authors) == 0 && in.ID == 0 {
		authors = []string{u.Name}
	}
	if len(authors) > 10 {
		errs.Add("authors", "الحد الأقصى عشرة كتّاب")
	}
	dateline := strings.Join(strings.Fields(in.Dateline), " ")
	if utf8.RuneCountInString(dateline) > maxDateline {
		errs.Add("dateline", "مكان الخبر أطول من 80 حرفًا")
	}
	slug := strings.TrimSpace(in.Slug)
	if slug != "" && arabic.Slug(slug) == "" {
		errs.Add("slug", "الرابط يجب أن يحتوي على حروف أو أرقام")
	}
	if utf8.RuneCountInString(in.Note) > maxNote {
		errs.Add("note", "ملاحظة التعديل أطول من 300 حرف")
	}

	now := s.opts.Now()
	published, timeSet := cur.PublishedAt, cur.TimeSet
	if t := strings.TrimSpace(in.PublishAt); t != "" {
		pt, err := time.ParseInLocation(FormTime, t, s.opts.Location)
		if err != nil {
			pt, err = time.ParseInLocation(FormTime+":05", t, s.opts.Location)
		}
		if err != nil {
			errs.Add("publish_at", "اكتب الموعد بالشكل 2026-12-01T08:30")
		} else {
			published, timeSet = pt, true
			if cur.Status == news.StatusPublished && pt.After(now.Add(time.Minute)) {
				errs.Add("publish_at", "لا يمكن تأجيل مقال منشور إلى المستقبل؛ ألغِ نشره أولًا")
			}
		}
	} else if !cur.EverPublished {
		published, timeSet = now, false
	}
	var image *news.Image
	if m, ok, err := s.libraryImage(ctx, in.ImageID, "image", errs); err != nil {
		return news.Draft{}, err
	} else if ok {
		alt := strings.TrimSpace(in.ImageAlt)
		if alt == "" {
			alt = m.Alt
		}
		image = &news.Image{MediaID: m.ID, Alt: oneLine(alt), Caption: oneLine(in.ImageCaption), Credit: oneLine(in.ImageCredit)}
		checkImageText(errs, "image", image.Alt, image.Caption, image.Credit)
	}
	seo, err := s.checkSEO(ctx, in, errs)
	if err != nil {
		return news.Draft{}, err
	}
	if err := errs.Err(); err != nil {
		return news.Draft{}, err
	}

	status := cur.Status
	createdBy := cur.CreatedBy
	if cur.ID == 0 {
		status, createdBy = news.StatusDraft, u.ID
	}
	return news.Draft{
		ID: cur.ID, ExternalID: cur.ExternalID, SourceURL: cur.SourceURL, Source: cur.Source,
		Slug: slug, Title: title, Abstract: in.Abstract, Body: body, Markdown: markdown,
		SectionName: section.Name, SectionSlug: section.Slug, Authors: authors, Tags: tags,
		Dateline: dateline, PublishedAt: published, TimeSet: timeSet, Status: status,
		Image: image, SEO: seo, CreatedBy: createdBy, Version: in.versionFor(cur), AllowEmpty: keepEmpty,
	}, nil
}

// versionFor is the version an edit is checked against: the one the form
// was opened on. A form without one (an old tab, a script) is checked
// against version 1, so it cannot overwrite later edits unseen.
func (in ArticleInput) versionFor(cur news.Article) int {
	if cur.ID == 0 {
		return 0
	}
	return max(in.Version, 1)
}

// draftFrom is a stored article as a draft for the write path, to save it
// again with a new status or publication time.
func draftFrom(a news.Article) news.Draft {
	d := news.Draft{
		ID: a.ID, ExternalID: a.ExternalID, SourceURL: a.SourceURL, Source: a.Source,
		Slug: a.Slug, Title: a.Title, Abstract: a.Abstract, Body: a.BodySource, Markdown: a.BodySource != "",
		SectionName: a.Section.Name, SectionSlug: a.Section.Slug, Dateline: a.Dateline,
		PublishedAt: a.PublishedAt, TimeSet: a.TimeSet, Status: a.Status, Image: a.Image,
		SEO: a.SEO, CreatedBy: a.CreatedBy, Version: a.Version,
	}
	if !d.Markdown {
		d.Body = a.Body
	}
	for _, t := range a.Tags {
		d.Tags = append(d.Tags, t.Name)
	}
	for _, au := range a.Authors {
		d.Authors = append(d.Authors, au.Name)
	}
	return d
}

// save writes one draft and returns the stored article.
func (s *Service) save(ctx context.Context, d news.Draft) (news.Article, error) {
	var before news.Article
	if d.ID != 0 && (d.Status == news.StatusPublished || d.Status == news.StatusScheduled) {
		live := s.opts.Now()
		if d.Status == news.StatusScheduled {
			live = d.PublishedAt
		}
		if err := s.checkEmbargo(ctx, d.ID, live); err != nil {
			return news.Article{}, err
		}
	}
	if d.ID != 0 && s.opts.ArticleChanged != nil {
		before, _ = s.store.EditorialArticle(ctx, d.ID)
	}
	res, err := s.pub.Save(ctx, []news.Draft{d})
	if err != nil {
		return news.Article{}, err
	}
	if len(res.Skipped) > 0 {
		return news.Article{}, news.FieldErrors{"body": res.Skipped[0].Reason}
	}
	if d.Status == news.StatusScheduled {
		s.Wake()
	}
	after, err := s.store.EditorialArticle(ctx, res.IDs[0])
	if err == nil {
		s.articleChanged(before, after)
	}
	return after, err
}

// articleChanged tells Options.ArticleChanged of a write.
func (s *Service) articleChanged(before, after news.Article) {
	if s.opts.ArticleChanged != nil {
		s.opts.ArticleChanged(before, after)
	}
}

// articleRewritten is articleChanged for a write outside save (a
// correction): the article as it is now is read again.
func (s *Service) articleRewritten(ctx context.Context, before news.Article) {
	if s.opts.ArticleChanged == nil {
		return
	}
	if after, err := s.store.EditorialArticle(ctx, before.ID); err == nil {
		s.opts.ArticleChanged(before, after)
	}
}

// Transition moves an article along the workflow: submit, approve,
// reject, publish or unpublish. version is the one the user saw; note is
// required to reject. Publishing an article whose chosen time is still to
// come schedules it.
func (s *Service) Transition(ctx context.Context, u news.User, id int64, version int, act Action, note string) (news.Article, error) {
	a, err := s.store.EditorialArticle(ctx, id)
	if err != nil {
		return news.Article{}, err
	}
	switch act {
	case ActSubmit, ActApprove, ActReject, ActPublish, ActUnpublish:
	default:
		return news.Article{}, news.Errorf(news.EINVALID, "unknown workflow action %q", act)
	}
	if !Can(u, act, &a) {
		return news.Article{}, forbidden()
	}
	if !a.DeletedAt.IsZero() {
		return news.Article{}, errInTrash()
	}
	if version != a.Version {
		return news.Article{}, news.Errorf(news.ECONFLICT, "عدّل شخص آخر هذا المقال بعد أن فتحته؛ راجع النسخة الحالية ثم أعد المحاولة")
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > maxNote {
		return news.Article{}, news.FieldErrors{"note": "الملاحظة أطول من 300 حرف"}
	}
	now := s.opts.Now().UTC().Truncate(time.Second)
	d := draftFrom(a)
	ev := &news.Event{UserID: u.ID, UserName: u.Name, Action: string(act), From: a.Status, Note: note}
	switch act {
	case ActSubmit:
		if a.Status != news.StatusDraft && a.Status != news.StatusUnpublished {
			return news.Article{}, wrongStatus(act, a.Status)
		}
		d.Status = news.StatusReview
	case ActReject:
		if a.Status != news.StatusReview {
			return news.Article{}, wrongStatus(act, a.Status)
		}
		if note == "" {
			return news.Article{}, news.FieldErrors{"note": "اكتب للكاتب سبب الإعادة وما المطلوب"}
		}
		d.Status = news.StatusDraft
	case ActApprove, ActPublish:
		switch {
		case act == ActApprove && a.Status != news.StatusReview,
			act == ActPublish && a.Status == news.StatusPublished:
			return news.Article{}, wrongStatus(act, a.Status)
		}
		switch {
		case a.Status == news.StatusScheduled:
			// "Publish now" on a scheduled article.
			d.Status, d.PublishedAt, d.TimeSet = news.StatusPublished, now, true
		case a.TimeSet && a.PublishedAt.After(now) && !a.EverPublished:
			d.Status = news.StatusScheduled
			ev.Action = news.ActionSchedule
		case a.TimeSet || a.EverPublished:
			d.Status = news.StatusPublished
		default:
			d.Status, d.PublishedAt = news.StatusPublished, now
		}
		if act == ActApprove {
			ev.Action = news.ActionApprove
		}
	case ActUnpublish:
		switch a.Status {
		case news.StatusPublished:
			d.Status = news.StatusUnpublished
		case news.StatusScheduled:
			d.Status = news.StatusDraft
		default:
			return news.Article{}, wrongStatus(act, a.Status)
		}
	}
	ev.To = d.Status
	d.Event = ev
	d.Revision = nil // a status change is not a new text
	return s.save(ctx, d)
}

// checkEmbargo refuses to put an article made from wire copy before the
// readers ahead of the agency's embargo.
func (s *Service) checkEmbargo(ctx context.Context, id int64, live time.Time) error {
	items, err := s.store.WireItemsOfArticle(ctx, id)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Embargoed(live) {
			return news.Errorf(news.EINVALID, "الخبر محظور النشر حتى %s بطلب الوكالة (%s)", s.FormatDate(it.Embargo), it.SourceName)
		}
	}
	return nil
}

func wrongStatus(act Action, st news.Status) error {
	return news.Errorf(news.EINVALID, "لا يمكن تنفيذ هذا الإجراء (%s) على مقال حالته «%s»", act, st.Label())
}

// Correct adds a dated correction to a published article.
func (s *Service) Correct(ctx context.Context, u news.User, id int64, text string) (news.Correction, error) {
	a, err := s.store.EditorialArticle(ctx, id)
	if err != nil {
		return news.Correction{}, err
	}
	if !Can(u, ActCorrect, &a) {
		return news.Correction{}, forbidden()
	}
	text = strings.Join(strings.Fields(arabic.StripBidiControls(text)), " ")
	switch n := utf8.RuneCountInString(text); {
	case a.Status != news.StatusPublished:
		return news.Correction{}, news.FieldErrors{"correction": "التصحيحات للمقالات المنشورة فقط"}
	case n == 0:
		return news.Correction{}, news.FieldErrors{"correction": "اكتب نص التصحيح"}
	case n > 1000:
		return news.Correction{}, news.FieldErrors{"correction": "التصحيح أطول من 1000 حرف"}
	}
	c, err := s.store.AddCorrection(ctx, news.Correction{ArticleID: id, At: s.opts.Now(), Text: text, UserID: u.ID},
		news.Event{UserID: u.ID, UserName: u.Name, Action: news.ActionCorrection, From: a.Status, To: a.Status, Note: text})
	if err == nil {
		s.pub.Changed()
		s.articleRewritten(ctx, a)
	}
	return c, err
}

// Restore brings back the text of a revision as a new revision; the
// article's status does not change.
func (s *Service) Restore(ctx context.Context, u news.User, id int64, number, version int) (news.Article, error) {
	a, err := s.store.EditorialArticle(ctx, id)
	if err != nil {
		return news.Article{}, err
	}
	if !Can(u, ActEdit, &a) {
		return news.Article{}, forbidden()
	}
	if !a.DeletedAt.IsZero() {
		return news.Article{}, errInTrash()
	}
	rev, err := s.store.Revision(ctx, id, number)
	if err != nil {
		return news.Article{}, err
	}
	if version != a.Version {
		return news.Article{}, news.Errorf(news.ECONFLICT, "عدّل شخص آخر هذا المقال بعد أن فتحته؛ راجع النسخة الحالية ثم أعد المحاولة")
	}
	r := rev.Data
	d := draftFrom(a)
	d.Title, d.Abstract, d.Body, d.Markdown = r.Title, r.Abstract, r.BodySource, true
	d.Slug, d.Dateline, d.Tags, d.Authors, d.Image = r.Slug, r.Dateline, r.Tags, r.Authors, r.Image
	d.SEO = news.SEO{}
	if r.SEO != nil {
		d.SEO = *r.SEO
	}
	if r.BodySource == "" || r.BodySource == r.Body {
		// An HTML body (the rich-text editor's, or imported): a revision
		// keeps it as its source too.
		d.Body, d.Markdown = r.Body, false
	}
	if _, err := s.store.SectionBySlug(ctx, r.SectionSlug); err == nil {
		d.SectionSlug, d.SectionName = r.SectionSlug, r.SectionName
	}
	if !a.EverPublished {
		d.PublishedAt, d.TimeSet = r.PublishedAt, r.TimeSet
	}
	note := fmt.Sprintf("استعادة النسخة %d", number)
	d.Revision = &news.RevisionMeta{UserID: u.ID, UserName: u.Name, Note: note}
	d.Event = &news.Event{UserID: u.ID, UserName: u.Name, Action: news.ActionRestore, From: a.Status, To: a.Status, Note: note}
	return s.save(ctx, d)
}

// History is an article's workflow events and revisions.
func (s *Service) History(ctx context.Context, u news.User, id int64) ([]news.Event, []news.Revision, error) {
	if _, err := s.Article(ctx, u, id); err != nil {
		return nil, nil, err
	}
	evs, err := s.store.Events(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	revs, err := s.store.Revisions(ctx, id)
	return evs, revs, err
}

// ErrInTrash refuses to change an article in the trash (ECONFLICT).
var ErrInTrash = news.Errorf(news.ECONFLICT, "المقال في سلة المحذوفات؛ أعده منها أولًا")

func errInTrash() error { return ErrInTrash }
