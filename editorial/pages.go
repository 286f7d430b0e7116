package editorial

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"sahafa/arabic"
	"sahafa/markup"
	"sahafa/news"
	"sahafa/publish"
)

// PageInput is the static-page form as typed.
type PageInput struct {
	ID         int64
	Title      string
	Slug       string // empty: from the title
	Body       string // Markdown, or HTML when BodyFormat is BodyHTML
	BodyFormat string
	Footer     bool
	Position   string
}

// reservedSlugs are the first parts of the site's own paths: no page may
// take them.
var reservedSlugs = map[string]bool{"archive": true, "search": true, "author": true, "tag": true, "api": true,
	"newsroom": true, "media": true, "static": true, "sitemaps": true, "feed": true, "robots.txt": true, "sitemap.xml": true, "ads.txt": true,
	"readyz": true, "healthz": true, "websub": true}

// ReservedPageSlug reports whether a page may not take slug: it is the
// first part of one of the site's own paths.
func ReservedPageSlug(slug string) bool { return reservedSlugs[slug] }

// Pages lists the static pages (for editors: they write them).
func (s *Service) Pages(ctx context.Context, u news.User) ([]news.Page, error) {
	if !Can(u, ActManagePages, nil) {
		return nil, forbidden()
	}
	return s.store.Pages(ctx)
}

// Page returns one static page.
func (s *Service) Page(ctx context.Context, u news.User, id int64) (news.Page, error) {
	if !Can(u, ActManagePages, nil) {
		return news.Page{}, forbidden()
	}
	return s.store.Page(ctx, id)
}

// PageInputFrom fills the form from a stored page.
func PageInputFrom(p news.Page) PageInput {
	in := PageInput{ID: p.ID, Title: p.Title, Slug: p.Slug, Body: p.BodySource, Footer: p.Footer, Position: strconv.Itoa(p.Position)}
	if in.Body == "" {
		in.Body, in.BodyFormat = p.Body, BodyHTML
	}
	return in
}

// SavePage creates or replaces a static page: its body sanitized as an
// article's, its address one no section or path of the site has.
func (s *Service) SavePage(ctx context.Context, u news.User, in PageInput) (news.Page, error) {
	if !Can(u, ActManagePages, nil) {
		return news.Page{}, forbidden()
	}
	errs := news.FieldErrors{}
	p := news.Page{ID: in.ID, Title: oneLine(in.Title), Footer: in.Footer, UpdatedAt: s.opts.Now()}
	switch n := utf8.RuneCountInString(p.Title); {
	case n == 0:
		errs.Add("title", "اكتب عنوان الصفحة")
	case n > maxTitle:
		errs.Add("title", fmt.Sprintf("العنوان أطول من %d حرف", maxTitle))
	}
	p.Slug = arabic.Slug(cmp.Or(strings.TrimSpace(in.Slug), p.Title))
	switch {
	case p.Slug == "" && p.Title != "":
		errs.Add("slug", "الرابط يجب أن يحتوي على حروف أو أرقام")
	case reservedSlugs[p.Slug]:
		errs.Add("slug", fmt.Sprintf("الرابط /%s/ لصفحات الموقع نفسه؛ اختر غيره", p.Slug))
	case p.Slug != "":
		if _, err := s.store.SectionBySlug(ctx, p.Slug); err == nil {
			errs.Add("slug", fmt.Sprintf("الرابط /%s/ لقسم من أقسام الموقع؛ اختر غيره", p.Slug))
		} else if news.ErrorCode(err) != news.ENOTFOUND {
			return news.Page{}, err
		}
	}
	if v := strings.TrimSpace(in.Position); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			errs.Add("position", "الترتيب رقم من 0 إلى 1000")
		}
		p.Position = n
	}
	switch {
	case strings.TrimSpace(in.Body) == "":
		errs.Add("body", "نص الصفحة فارغ")
	case len(in.Body) > maxBody:
		errs.Add("body", fmt.Sprintf("نص الصفحة أطول من %d ألف حرف", maxBody/1000))
	default:
		var problems []markup.Problem
		if in.BodyFormat == BodyHTML {
			p.Body, problems = publish.RenderEditorHTML(ctx, s.store, in.Body, false)
		} else {
			p.Body, problems = publish.RenderMarkdown(ctx, s.store, in.Body)
			p.BodySource = in.Body
		}
		if len(problems) > 0 {
			errs.Add("body", problemText(problems))
		}
	}
	if err := errs.Err(); err != nil {
		return news.Page{}, err
	}
	saved, err := s.store.SavePage(ctx, p)
	if news.ErrorCode(err) == news.ECONFLICT {
		return news.Page{}, news.FieldErrors{"slug": "هذا الرابط لصفحة أخرى"}
	}
	if err == nil {
		s.pub.Changed()
	}
	return saved, err
}

// DeletePage deletes a static page.
func (s *Service) DeletePage(ctx context.Context, u news.User, id int64) error {
	if !Can(u, ActManagePages, nil) {
		return forbidden()
	}
	if err := s.store.DeletePage(ctx, id); err != nil {
		return err
	}
	s.pub.Changed()
	return nil
}
