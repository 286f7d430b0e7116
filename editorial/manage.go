package editorial

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sahafa/arabic"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/search"
	"sahafa/textdiff"
)

// Comparison shows what changed between two revisions of an article.
type Comparison struct {
	From, To news.Revision
	Title    template.HTML // word diffs: <del> and <ins> marks in escaped text
	Abstract template.HTML
	Body     template.HTML
	// Fields lists the other fields that differ: name, before, after.
	Fields            [][3]string
	Inserted, Deleted int // words of the body
}

// Compare diffs revision from against revision to of an article.
func (s *Service) Compare(ctx context.Context, u news.User, id int64, from, to int) (Comparison, error) {
	if _, err := s.Article(ctx, u, id); err != nil {
		return Comparison{}, err
	}
	a, err := s.store.Revision(ctx, id, from)
	if err != nil {
		return Comparison{}, err
	}
	b, err := s.store.Revision(ctx, id, to)
	if err != nil {
		return Comparison{}, err
	}
	ta, tb := bodyText(a.Data), bodyText(b.Data)
	c := Comparison{From: a, To: b,
		Title:    textdiff.HTML(a.Data.Title, b.Data.Title),
		Abstract: textdiff.HTML(a.Data.Abstract, b.Data.Abstract),
		Body:     textdiff.HTML(ta, tb),
	}
	c.Inserted, c.Deleted = textdiff.Stats(textdiff.Words(ta, tb))
	field := func(name, x, y string) {
		if x != y {
			c.Fields = append(c.Fields, [3]string{name, x, y})
		}
	}
	field("القسم", a.Data.SectionName, b.Data.SectionName)
	field("الوسوم", strings.Join(a.Data.Tags, "، "), strings.Join(b.Data.Tags, "، "))
	field("الكتّاب", strings.Join(a.Data.Authors, "، "), strings.Join(b.Data.Authors, "، "))
	field("مكان الخبر", a.Data.Dateline, b.Data.Dateline)
	field("الرابط", a.Data.Slug, b.Data.Slug)
	field("موعد النشر", a.Data.PublishedAt.In(s.opts.Location).Format("2006-01-02 15:04"),
		b.Data.PublishedAt.In(s.opts.Location).Format("2006-01-02 15:04"))
	imageOf := func(img *news.Image) string {
		if img == nil {
			return ""
		}
		return img.URL + " (" + img.Alt + ")"
	}
	field("الصورة الرئيسية", imageOf(a.Data.Image), imageOf(b.Data.Image))
	return c, nil
}

// bodyText is what a comparison diffs of a revision's body: the Markdown
// as typed, or the text of an HTML body, a paragraph a line (a diff of
// tags says nothing to an editor).
func bodyText(r news.RevisionData) string {
	if r.BodySource != "" && r.BodySource != r.Body {
		return r.BodySource
	}
	return news.PlainText(r.Body)
}

// Lists are the newsroom's front page: what each user needs next.
type Lists struct {
	Drafts    news.ArticleList // my drafts
	Review    news.ArticleList // awaiting review (everyone's for editors, mine otherwise)
	Scheduled news.ArticleList // soonest first
	Published news.ArticleList // recently published
	Counts    map[news.Status]int
}

// ListFilter narrows the newsroom's lists.
type ListFilter struct {
	Section string // slug
	Author  string // byline author's slug
	User    int64  // the newsroom user who owns the articles
	Limit   int
}

// Dashboard returns the lists for u. Writers and contributors see their
// own drafts, reviews and scheduled articles; editors see everyone's.
func (s *Service) Dashboard(ctx context.Context, u news.User, f ListFilter) (Lists, error) {
	if !Can(u, ActCreate, nil) {
		return Lists{}, forbidden()
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 10
	}
	var mine int64
	if !u.Role.AtLeast(news.RoleEditor) {
		mine = u.ID
	}
	if f.User > 0 && mine == 0 {
		mine = f.User // an editor looking at one writer's articles
	}
	base := news.EditorialFilter{SectionSlug: f.Section, AuthorSlug: f.Author, Limit: limit}
	var l Lists
	var err error
	q := base
	q.Statuses, q.CreatedBy = []news.Status{news.StatusDraft}, u.ID
	if l.Drafts, err = s.store.EditorialArticles(ctx, q); err != nil {
		return Lists{}, err
	}
	q = base
	q.Statuses, q.CreatedBy = []news.Status{news.StatusReview}, mine
	if l.Review, err = s.store.EditorialArticles(ctx, q); err != nil {
		return Lists{}, err
	}
	q = base
	q.Statuses, q.CreatedBy, q.ByPublished, q.Ascending = []news.Status{news.StatusScheduled}, mine, true, true
	if l.Scheduled, err = s.store.EditorialArticles(ctx, q); err != nil {
		return Lists{}, err
	}
	q = base
	q.Statuses, q.ByPublished, q.CreatedBy = []news.Status{news.StatusPublished}, true, f.User
	if l.Published, err = s.store.EditorialArticles(ctx, q); err != nil {
		return Lists{}, err
	}
	l.Counts, err = s.store.StatusCounts(ctx, mine)
	return l, err
}

// Browse lists articles in one status (all when st is ""), newest edit
// first, for the newsroom's article list.
func (s *Service) Browse(ctx context.Context, u news.User, st news.Status, f ListFilter, offset int) (news.ArticleList, error) {
	if !Can(u, ActCreate, nil) {
		return news.ArticleList{}, forbidden()
	}
	q := news.EditorialFilter{SectionSlug: f.Section, AuthorSlug: f.Author, Limit: f.Limit, Offset: offset}
	if st != "" {
		q.Statuses = []news.Status{st}
	}
	q.CreatedBy = f.User
	if !u.Role.AtLeast(news.RoleEditor) && st != news.StatusPublished {
		q.CreatedBy = u.ID
	}
	return s.store.EditorialArticles(ctx, q)
}

// Search finds articles in every status with the public site's engine
// (writers and contributors find their own unpublished articles and any
// published one).
func (s *Service) Search(ctx context.Context, u news.User, query string, st news.Status, offset int) (search.Results, error) {
	if !Can(u, ActCreate, nil) {
		return search.Results{}, forbidden()
	}
	req := search.Request{Query: query, Newsroom: true, Limit: 20, Offset: offset}
	if st != "" {
		req.Statuses = []news.Status{st}
	}
	if !u.Role.AtLeast(news.RoleEditor) {
		// In the query, not only in the filter below: the total and the
		// pages must not count other people's drafts.
		req.VisibleTo = u.ID
	}
	res, err := s.search.Search(ctx, req)
	if err != nil {
		return res, err
	}
	if !u.Role.AtLeast(news.RoleEditor) {
		kept := res.Hits[:0]
		for _, h := range res.Hits {
			if Can(u, ActView, &h.Article) {
				kept = append(kept, h)
			}
		}
		res.Hits = kept
	}
	return res, nil
}

// SaveSection creates a section (id 0) or renames one. The slug is made
// from the given one or the name.
func (s *Service) SaveSection(ctx context.Context, u news.User, id int64, name, slug string) (news.Section, error) {
	if !Can(u, ActManageSections, nil) {
		return news.Section{}, forbidden()
	}
	name, slug, errs := nameAndSlug(name, slug, "section")
	if err := errs.Err(); err != nil {
		return news.Section{}, err
	}
	if publish.ReservedSlug(slug) {
		return news.Section{}, news.FieldErrors{"slug": "هذا الرابط محجوز لصفحات الموقع"}
	}
	sec, err := s.store.SaveSection(ctx, news.Section{ID: id, Slug: slug, Name: name})
	if news.ErrorCode(err) == news.ECONFLICT {
		return news.Section{}, news.FieldErrors{"slug": "رابط القسم مستخدم لقسم آخر"}
	}
	if err == nil {
		s.pub.Changed()
	}
	return sec, err
}

// SaveTag creates a tag (id 0) or renames one.
func (s *Service) SaveTag(ctx context.Context, u news.User, id int64, name, slug string) (news.Tag, error) {
	if !Can(u, ActManageTags, nil) {
		return news.Tag{}, forbidden()
	}
	name, slug, errs := nameAndSlug(name, slug, "tag")
	if err := errs.Err(); err != nil {
		return news.Tag{}, err
	}
	t, err := s.store.SaveTag(ctx, news.Tag{ID: id, Slug: slug, Name: name})
	if news.ErrorCode(err) == news.ECONFLICT {
		return news.Tag{}, news.FieldErrors{"slug": "رابط الوسم مستخدم لوسم آخر"}
	}
	if err == nil {
		s.pub.Changed()
	}
	return t, err
}

func nameAndSlug(name, slug, what string) (string, string, news.FieldErrors) {
	errs := news.FieldErrors{}
	name = strings.Join(strings.Fields(arabic.StripBidiControls(name)), " ")
	if name == "" {
		errs.Add("name", "اكتب الاسم")
	} else if utf8.RuneCountInString(name) > 80 {
		errs.Add("name", "الاسم أطول من 80 حرفًا")
	}
	if strings.TrimSpace(slug) == "" {
		slug = name
	}
	slug = arabic.Slug(slug)
	if slug == "" && name != "" {
		errs.Add("slug", "الرابط يجب أن يحتوي على حروف أو أرقام")
	}
	return name, slug, errs
}

// MaxUploadBytes bounds one image upload.
const MaxUploadBytes = 20 << 20

// FetchImage puts an image of another site into the library: what the
// editor does with an image pasted from a web page. The fetch is bounded
// (size, time, number at once) and never reaches this machine or its
// private network; the image is then checked and processed as an upload.
func (s *Service) FetchImage(ctx context.Context, u news.User, imageURL, alt, credit string) (news.Media, error) {
	if !Can(u, ActUploadMedia, nil) {
		return news.Media{}, forbidden()
	}
	body, _, err := s.opts.Fetch.Get(ctx, strings.TrimSpace(imageURL))
	if err != nil {
		if news.ErrorCode(err) == news.EINVALID {
			return news.Media{}, news.FieldErrors{"file": news.ErrorMessage(err)}
		}
		return news.Media{}, err
	}
	return s.Upload(ctx, u, bytes.NewReader(body), alt, "", credit)
}

// startUpload counts an upload of user in, unless they already have
// UploadsPerUser in progress.
func (s *Service) startUpload(user int64) bool {
	s.uploadsMu.Lock()
	defer s.uploadsMu.Unlock()
	if s.uploads[user] >= s.opts.UploadsPerUser {
		return false
	}
	s.uploads[user]++
	return true
}

func (s *Service) endUpload(user int64) {
	s.uploadsMu.Lock()
	defer s.uploadsMu.Unlock()
	if s.uploads[user]--; s.uploads[user] <= 0 {
		delete(s.uploads, user)
	}
}

// EditMedia changes an image's alt text, caption and credit.
func (s *Service) EditMedia(ctx context.Context, u news.User, id int64, alt, caption, credit string) (news.Media, error) {
	m, err := s.store.Media(ctx, id)
	if err != nil {
		return news.Media{}, err
	}
	if !CanEditMedia(u, m.UserID) {
		return news.Media{}, forbidden()
	}
	m.Alt, m.Caption, m.Credit = oneLine(alt), oneLine(caption), oneLine(credit)
	errs := news.FieldErrors{}
	checkImageText(errs, "", m.Alt, m.Caption, m.Credit)
	if err := errs.Err(); err != nil {
		return news.Media{}, err
	}
	if err := s.store.UpdateMedia(ctx, m); err != nil {
		return news.Media{}, err
	}
	return m, nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(arabic.StripBidiControls(s)), " ")
}

// Setting keys an administrator can change from the newsroom.
const (
	SettingSiteName    = "site_name"
	SettingDigits      = "digits"       // latin or arabic
	SettingHijri       = "hijri"        // true or false
	SettingFeedContent = "feed_content" // full or summary
	SettingMonths      = "months"       // egyptian, levantine or both: the Gregorian month names
	SettingMenu        = "menu"         // section slugs, in order: the header menu and the home page's blocks
	SettingTextDigits  = "text_digits"  // true or false: Arabic-Indic digits in article text too, when digits is arabic
	SettingAdsTxt      = "ads_txt"      // the text of /ads.txt (the IAB's authorized sellers), "" for none
)

// maxAdsTxt bounds the ads.txt setting.
const maxAdsTxt = 64 << 10

// checkAdsTxt checks the lines of an ads.txt as the IAB's specification
// writes them — "domain, publisher ID, DIRECT or RESELLER[, certification
// ID]", a variable ("contact=…") or a comment — and returns the text with
// its line endings made plain, or the first problem with its line.
func checkAdsTxt(text string) (string, string) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if len(text) > maxAdsTxt {
		return "", fmt.Sprintf("ads.txt أطول من %d ك.ب", maxAdsTxt>>10)
	}
	for i, line := range strings.Split(text, "\n") {
		if c, _, ok := strings.Cut(line, "#"); ok {
			line = c
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if name, _, ok := strings.Cut(line, "="); ok && !strings.Contains(name, ",") {
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "contact", "subdomain", "inventorypartnerdomain", "ownerdomain", "managerdomain":
				continue
			}
			return "", fmt.Sprintf("السطر %d: متغير غير معروف «%s»", i+1, strings.TrimSpace(name))
		}
		f := strings.Split(line, ",")
		if len(f) < 3 || len(f) > 4 {
			return "", fmt.Sprintf("السطر %d: يُكتب «النطاق، رقم الناشر، DIRECT أو RESELLER» مفصولة بفواصل", i+1)
		}
		domain := strings.TrimSpace(f[0])
		if domain == "" || strings.ContainsAny(domain, " /:") || !strings.Contains(domain, ".") {
			return "", fmt.Sprintf("السطر %d: «%s» ليس نطاقًا مثل google.com", i+1, domain)
		}
		if strings.TrimSpace(f[1]) == "" {
			return "", fmt.Sprintf("السطر %d: رقم الناشر فارغ", i+1)
		}
		if rel := strings.ToUpper(strings.TrimSpace(f[2])); rel != "DIRECT" && rel != "RESELLER" {
			return "", fmt.Sprintf("السطر %d: نوع العلاقة «%s»، والمقبول DIRECT أو RESELLER", i+1, strings.TrimSpace(f[2]))
		}
	}
	return text, ""
}

// SaveSettings validates and stores site settings.
func (s *Service) SaveSettings(ctx context.Context, u news.User, values map[string]string) error {
	if !Can(u, ActSettings, nil) {
		return forbidden()
	}
	errs := news.FieldErrors{}
	out := map[string]string{}
	for k, v := range values {
		if k == SettingAdsTxt {
			text, problem := checkAdsTxt(v)
			if problem != "" {
				errs.Add(k, problem)
			}
			out[k] = text
			continue
		}
		v = oneLine(v)
		switch k {
		case SettingSiteName:
			if v == "" || utf8.RuneCountInString(v) > 80 {
				errs.Add(k, "اكتب اسم الموقع (80 حرفًا على الأكثر)")
			}
		case SettingDigits:
			if v != "latin" && v != "arabic" {
				errs.Add(k, "اختر الأرقام اللاتينية أو العربية")
			}
		case SettingHijri:
			if v != "true" && v != "false" {
				errs.Add(k, "قيمة غير صالحة")
			}
		case SettingTextDigits:
			switch v {
			case "":
				v = "false" // a form without the field, from before the setting
			case "true", "false":
			default:
				errs.Add(k, "قيمة غير صالحة")
			}
		case SettingFeedContent:
			if v != "full" && v != "summary" {
				errs.Add(k, "اختر النص الكامل أو الملخص")
			}
		case SettingMenu:
			var slugs []string
			for _, slug := range strings.Fields(strings.NewReplacer(",", " ", "،", " ").Replace(v)) {
				if _, err := s.store.SectionBySlug(ctx, slug); err != nil {
					if news.ErrorCode(err) != news.ENOTFOUND {
						return err
					}
					errs.Add(k, fmt.Sprintf("لا يوجد قسم رابطه «%s»", slug))
				}
				slugs = append(slugs, slug)
			}
			v = strings.Join(slugs, " ")
		case SettingMonths:
			switch v {
			case "":
				v = "egyptian"
			case "egyptian", "levantine", "both":
			default:
				errs.Add(k, "اختر أسماء الأشهر")
			}
		case news.SettingComments:
			switch v {
			case "":
				v = "open" // a form from before the setting
			case "open", "closed", "off":
			default:
				errs.Add(k, "اختر: مفتوحة أو مغلقة أو مخفية")
			}
		case news.SettingCommentsCloseDays:
			if v == "" {
				v = "0"
			}
			if n, err := strconv.Atoi(arabic.FormatDigits(v, arabic.LatinDigits)); err != nil || n < 0 || n > 3650 {
				errs.Add(k, "اكتب عدد الأيام من 0 (لا يُغلق) إلى 3650")
			} else {
				v = strconv.Itoa(n)
			}
		case news.SettingCommentsModeration:
			switch v {
			case "":
				v = "all"
			case "all", "known":
			default:
				errs.Add(k, "اختر طريقة المراجعة")
			}
		default:
			errs.Add(k, "إعداد غير معروف")
		}
		out[k] = v
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if err := s.store.SaveSettings(ctx, out); err != nil {
		return err
	}
	s.pub.Changed()
	return nil
}

// PublishDue publishes the scheduled articles whose time has come and
// returns how many. Several servers may run it at once: each article is
// saved against the version it was read at, so only one of them
// publishes it.
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	ids, err := s.store.DueScheduled(ctx, s.opts.Now(), 100)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		a, err := s.store.EditorialArticle(ctx, id)
		if err != nil {
			return n, err
		}
		if a.Status != news.StatusScheduled {
			continue
		}
		d := draftFrom(a)
		d.Status = news.StatusPublished
		d.Event = &news.Event{Action: news.ActionGoLive, From: a.Status, To: news.StatusPublished}
		if _, err := s.save(ctx, d); err != nil {
			if news.ErrorCode(err) == news.ECONFLICT {
				continue // another server published it, or someone edited it: next round
			}
			return n, fmt.Errorf("publish scheduled article %d: %w", id, err)
		}
		n++
	}
	return n, nil
}

// Wake tells the scheduler to look again (an article was scheduled).
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// schedulerPoll bounds the scheduler's sleep: articles scheduled through
// another server are noticed within it.
const schedulerPoll = 30 * time.Second

// trashSweep is how often the scheduler empties the trash of what has
// been there longer than news.TrashRetention.
const trashSweep = time.Hour

// RunScheduler publishes scheduled articles at their time until ctx ends.
// It sleeps until the next scheduled time (at most schedulerPoll), and
// wakes early when this server schedules an article.
func (s *Service) RunScheduler(ctx context.Context) {
	var purged time.Time
	for {
		// The trash is emptied of what is past its 30 days once an hour.
		if now := s.opts.Now(); now.Sub(purged) >= trashSweep {
			purged = now
			if n, err := s.PurgeDue(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				s.opts.Logger.Warn("scheduler: emptying the trash", "err", err)
			} else if n > 0 {
				s.opts.Logger.Info("scheduler: deleted articles past their time in the trash", "articles", n)
			}
			if n, err := s.PurgeMediaDue(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				s.opts.Logger.Warn("scheduler: emptying the image trash", "err", err)
			} else if n > 0 {
				s.opts.Logger.Info("scheduler: deleted images past their time in the trash", "images", n)
			}
		}
		if n, err := s.PublishDue(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			s.opts.Logger.Warn("scheduler: publishing due articles", "err", err)
		} else if n > 0 {
			s.scheduled.Add(int64(n))
			s.opts.Logger.Info("scheduler: published scheduled articles", "articles", n)
		}
		wait := schedulerPoll
		if next, err := s.store.NextScheduled(ctx); err == nil && !next.IsZero() {
			wait = min(wait, max(next.Sub(s.opts.Now())+50*time.Millisecond, 50*time.Millisecond))
		}
		for _, until := range []time.Time{s.expireBreaking(ctx), s.expirePins(ctx)} {
			if !until.IsZero() {
				wait = min(wait, max(until.Sub(s.opts.Now())+50*time.Millisecond, 50*time.Millisecond))
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// FormatDate is how the newsroom shows a time: in its zone, Latin digits.
func (s *Service) FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.opts.Location).Format("2006-01-02 15:04")
}
