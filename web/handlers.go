package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sahafa/news"
	"sahafa/pagecache"
)

// homeLatest and homePerSection size the home page.
const (
	homeLatest     = 10
	homePerSection = 4
	relatedLimit   = 6
	maxPage        = 10000
)

// nav returns the sections for the header navigation.
// nav lists the sections of the header menu and of the home page's
// blocks: those the menu setting names, in its order, or every section
// when it names none.
func (s *Site) nav(r *http.Request) ([]news.SectionStats, error) {
	all, err := s.store.Sections(r.Context())
	if err != nil {
		return nil, err
	}
	menu := s.cfg(r.Context()).Menu
	if len(menu) == 0 {
		return all, nil
	}
	bySlug := make(map[string]news.SectionStats, len(all))
	for _, st := range all {
		bySlug[st.Slug] = st
	}
	out := make([]news.SectionStats, 0, len(menu))
	for _, slug := range menu {
		if st, ok := bySlug[slug]; ok {
			out = append(out, st)
		}
	}
	return out, nil
}

func (s *Site) canonical(path string) string { return s.opts.BaseURL + path }

func (s *Site) handleHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	stats, err := s.nav(r)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	addKeys(w.Header(), news.HomeKey)
	latest, err := s.store.Articles(ctx, news.ArticleFilter{Limit: homeLatest, NoTotal: true})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	// What editors pinned comes first, then the newest articles fill the
	// places left.
	if latest.Articles, err = s.withPins(r, news.HomeFront, latest.Articles, homeLatest); err != nil {
		s.storeError(w, r, err)
		return
	}
	p := &page{
		Nav:         stats,
		Title:       s.cfg(r.Context()).SiteName,
		Description: s.cfg(r.Context()).SiteName + ": آخر الأخبار والتقارير من كل الأقسام",
		Canonical:   s.canonical("/"),
		Latest:      latest.Articles,
	}
	for _, st := range stats {
		if st.Articles == 0 {
			continue
		}
		list, err := s.store.Articles(ctx, news.ArticleFilter{SectionSlug: st.Slug, Limit: homePerSection, NoTotal: true})
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		if len(list.Articles) > 0 {
			p.Groups = append(p.Groups, sectionGroup{Section: st.Section, Articles: list.Articles})
		}
	}
	lists := [][]news.Article{p.Latest}
	for _, g := range p.Groups {
		lists = append(lists, g.Articles)
	}
	if err := s.frameLists(ctx, lists...); err != nil {
		s.storeError(w, r, err)
		return
	}
	if p.MostRead, err = s.mostRead(r, "", 0); err != nil {
		s.storeError(w, r, err)
		return
	}
	// The lead story: the newest article, large, above the rest.
	if len(p.Latest) > 0 {
		p.Lead, p.Latest = &p.Latest[0], p.Latest[1:]
	}
	s.render(w, r, http.StatusOK, "home", p)
}

// pageNumber reads ?page=N. ok is false (and a 400 page is written) when
// it is not a whole number from 1 to maxPage.
func (s *Site) pageNumber(w http.ResponseWriter, r *http.Request) (n int, ok bool) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPage {
		s.renderError(w, r, http.StatusBadRequest, nil)
		return 0, false
	}
	return n, true
}

// list fetches one page of a filtered list and fills the page's list
// fields. It writes the error page itself and returns false on failure,
// including a page number past the last page (404).
func (s *Site) list(w http.ResponseWriter, r *http.Request, p *page, f news.ArticleFilter, basePath string) bool {
	n, ok := s.pageNumber(w, r)
	if !ok {
		return false
	}
	f.Limit = s.opts.PageSize
	f.Offset = (n - 1) * s.opts.PageSize
	list, err := s.store.Articles(r.Context(), f)
	if err != nil {
		s.storeError(w, r, err)
		return false
	}
	pages := max(1, (list.Total+s.opts.PageSize-1)/s.opts.PageSize)
	if n > pages {
		s.renderError(w, r, http.StatusNotFound, nil)
		return false
	}
	if err := s.frameLists(r.Context(), list.Articles); err != nil {
		s.storeError(w, r, err)
		return false
	}
	p.Articles = list.Articles
	p.Total = list.Total
	p.Canonical = s.canonical(pageURL(basePath, n))
	if pages > 1 {
		pg := &pager{Page: n, Pages: pages}
		if n > 1 {
			pg.PrevURL = pageURL(basePath, n-1)
		}
		if n < pages {
			pg.NextURL = pageURL(basePath, n+1)
		}
		p.Pager = pg
	}
	if n > 1 {
		p.Title += " - صفحة " + s.num(n)
	}
	return true
}

func pageURL(base string, n int) string {
	if n <= 1 {
		return base
	}
	return base + "?page=" + strconv.Itoa(n)
}

func (s *Site) handleSection(w http.ResponseWriter, r *http.Request) {
	sec, err := s.store.SectionBySlug(r.Context(), r.PathValue("section"))
	if news.ErrorCode(err) == news.ENOTFOUND {
		s.staticPage(w, r, r.PathValue("section")) // /{slug}/ is a section's, else a page's
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.listing(w, r, sec.Name, news.SectionPath(sec.Slug), "آخر أخبار "+sec.Name+" في "+s.cfg(r.Context()).SiteName,
		"لا توجد مقالات في هذا القسم بعد.", news.ArticleFilter{SectionSlug: sec.Slug}, func(p *page) { p.front, p.adSection = &sec.Slug, sec.Slug })
}

// withPins puts the articles pinned to a front, in their order, before
// list (without repeating them), and keeps the first n.
func (s *Site) withPins(r *http.Request, front string, list []news.Article, n int) ([]news.Article, error) {
	pins := s.cfg(r.Context()).Fronts[front]
	if len(pins) == 0 {
		return list, nil
	}
	now := time.Now()
	out := make([]news.Article, 0, len(pins)+len(list))
	seen := make(map[int64]bool, len(pins))
	for _, pin := range pins {
		if !pin.Live(now) || seen[pin.ArticleID] {
			continue
		}
		a, err := s.store.Article(r.Context(), pin.ArticleID)
		if news.ErrorCode(err) == news.ENOTFOUND {
			continue // unpublished or deleted since: its place goes to the next
		}
		if err != nil {
			return nil, err
		}
		seen[a.ID] = true
		out = append(out, a)
	}
	for _, a := range list {
		if !seen[a.ID] {
			out = append(out, a)
		}
	}
	return out[:min(n, len(out))], nil
}

// listing renders the paginated list of a section's or an author's
// articles, under the breadcrumb "الأرشيف / name".
func (s *Site) listing(w http.ResponseWriter, r *http.Request, name, path, description, empty string, f news.ArticleFilter,
	more ...func(*page)) {
	stats, err := s.nav(r)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	addKeys(w.Header(), listKeys(f)...)
	p := &page{
		Nav:         stats,
		Title:       name,
		Heading:     name,
		Description: description,
		Breadcrumb:  []crumb{{"الأرشيف", "/archive/"}, {name, path}},
		Empty:       empty,
	}
	for _, fn := range more {
		fn(p)
	}
	if !s.list(w, r, p, f, path) {
		return
	}
	// A section's first page is its front: pins first, a lead story, and
	// the section's most read.
	if p.front != nil && p.Pager.first() {
		var err error
		if p.MostRead, err = s.mostRead(r, *p.front, 0); err != nil {
			s.storeError(w, r, err)
			return
		}
		list, err := s.withPins(r, *p.front, p.Articles, len(p.Articles)+news.MaxPins)
		if err == nil && len(s.cfg(r.Context()).Fronts[*p.front]) > 0 {
			err = s.frameLists(r.Context(), list) // the pinned ones' images
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		if len(list) > 0 {
			p.Lead, p.Articles = &list[0], list[1:]
		}
	}
	s.render(w, r, http.StatusOK, "list", p)
}

// handleSectionNoSlash redirects /world to /world/.
func (s *Site) handleSectionNoSlash(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("section")
	if _, err := s.store.SectionBySlug(r.Context(), slug); news.ErrorCode(err) == news.ENOTFOUND {
		if _, err := s.store.PageBySlug(r.Context(), slug); err != nil {
			s.storeError(w, r, err)
			return
		}
	} else if err != nil {
		s.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, news.SectionPath(slug), http.StatusMovedPermanently)
}

func (s *Site) handleAuthor(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	au, err := s.store.AuthorBySlug(ctx, r.PathValue("slug"))
	if news.ErrorCode(err) == news.ENOTFOUND {
		s.notFound(w, r) // perhaps an imported site's author page
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if au.Slug != r.PathValue("slug") {
		// an earlier address of the author, or of one merged into them
		target := news.AuthorPath(au.Slug)
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	desc := cmp.Or(au.Profile.Bio, "مقالات "+au.Name+" في "+s.cfg(ctx).SiteName)
	view := &authorView{Author: au, Links: au.Profile.Links}
	if id := au.Profile.PhotoID; id != 0 {
		noteShownMedia(ctx, id)
		if m, err := s.store.Media(ctx, id); err == nil && len(m.Variants) > 0 {
			v := m.Narrowest()
			view.Photo = &news.Image{MediaID: m.ID, URL: m.URL(v), Width: v.Width, Height: v.Height, Alt: au.Name}
			if c, ok := m.Crop("1x1"); ok {
				v = c.Variants[0]
				view.Photo.URL, view.Photo.Width, view.Photo.Height = m.CropURL("1x1", v), v.Width, v.Height
			}
		} else if err != nil && news.ErrorCode(err) != news.ENOTFOUND {
			s.storeError(w, r, err)
			return
		}
	}
	s.listing(w, r, au.Name, news.AuthorPath(au.Slug), desc, "لا توجد مقالات لهذا الكاتب بعد.",
		news.ArticleFilter{AuthorSlug: au.Slug}, func(p *page) { p.Author = view })
}

// authorView is the head of an author's page: who they are.
type authorView struct {
	news.Author
	Photo *news.Image
	Links []string
}

func (s *Site) handleTag(w http.ResponseWriter, r *http.Request) {
	t, err := s.store.TagBySlug(r.Context(), r.PathValue("slug"))
	if news.ErrorCode(err) == news.ENOTFOUND {
		s.notFound(w, r) // perhaps an imported site's tag page
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.listing(w, r, t.Name, news.TagPath(t.Slug), "مقالات عن "+t.Name+" في "+s.cfg(r.Context()).SiteName,
		"لا توجد مقالات بهذا الوسم بعد.", news.ArticleFilter{TagSlug: t.Slug})
}

func (s *Site) handleArticle(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	date, ok := parseDate(r.PathValue("yyyy"), r.PathValue("mm"), r.PathValue("dd"), time.UTC)
	if !ok {
		s.notFound(w, r)
		return
	}
	a, err := s.store.ArticleByPath(ctx, r.PathValue("section"), date, r.PathValue("slug"))
	if news.ErrorCode(err) == news.ENOTFOUND {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if canon, err := url.PathUnescape(a.Path()); err == nil && canon != r.URL.Path {
		// e.g. /world/2024/1/5/x → /world/2024/01/05/x
		http.Redirect(w, r, a.Path(), http.StatusMovedPermanently)
		return
	}
	p, err := s.articlePage(r, &a)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	// Tagged so that storing its related list drops this page alone.
	w.Header().Set(pagecache.TagHeader, news.CacheTag(a.ID))
	related, err := s.search.Related(ctx, a, relatedLimit)
	if err != nil {
		if news.ErrorCode(err) != news.ENOTFOUND {
			// The article is worth serving without its related block, but
			// not worth caching that way.
			s.log.WarnContext(ctx, "web: related articles", "id", a.ID, "err", err)
			w.Header().Set("Cache-Control", "no-store")
		}
	} else {
		p.Related = related
	}
	if p.Comments, err = s.articleComments(ctx, &a); err != nil {
		s.log.WarnContext(ctx, "web: comments", "id", a.ID, "err", err)
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, http.StatusOK, "article", p)
}

// parseDate parses URL date parts: a four-digit year and one- or two-digit
// month and day that form a real date.
func parseDate(yyyy, mm, dd string, loc *time.Location) (time.Time, bool) {
	y, ok1 := parseUint(yyyy, 4, 4)
	m, ok2 := parseUint(mm, 1, 2)
	d, ok3 := parseUint(dd, 1, 2)
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false // 31 April and the like
	}
	return t, true
}

// parseUint parses an ASCII decimal of minLen to maxLen digits.
func parseUint(s string, minLen, maxLen int) (int, bool) {
	if len(s) < minLen || len(s) > maxLen {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// opensWith reports whether text begins with the words of lead (spacing
// aside, and a closing "…" of a lead cut short).
func opensWith(text, lead string) bool {
	lead = strings.TrimRight(strings.TrimSpace(lead), "…. ")
	if lead == "" {
		return false
	}
	return strings.HasPrefix(strings.Join(strings.Fields(text), " "), strings.Join(strings.Fields(lead), " "))
}

// articlePage is the page of an article, without its related list.
func (s *Site) articlePage(r *http.Request, a *news.Article) (*page, error) {
	stats, err := s.nav(r)
	if err != nil {
		return nil, err
	}
	own := s.canonical(a.Path())
	text := news.PlainText(a.Body)
	p := &page{
		Share:              shareLinks(own, a.Title),
		Beacon:             s.opts.Beacon && s.opts.Viewed != nil,
		ReadMinutes:        news.ReadingMinutes(text),
		RepeatedStandfirst: opensWith(text, a.Abstract),
		Nav:                stats,
		Title:              cmp.Or(a.SEO.Title, a.Title),
		Description:        cmp.Or(a.SEO.Description, a.Abstract),
		Canonical:          cmp.Or(a.SEO.Canonical, own),
		Breadcrumb:         []crumb{{"الأرشيف", "/archive/"}, {a.Section.Name, news.SectionPath(a.Section.Slug)}},
		Article:            a,
		adSection:          a.Section.Slug,
		Lang:               articleLanguage(a),
	}
	// "آخر تحديث": the last newsroom edit, when it came well after the
	// publication (an import's save time is not an update).
	if a.EverPublished {
		revs, err := s.store.Revisions(r.Context(), a.ID)
		if err != nil && news.ErrorCode(err) != news.ENOTFOUND {
			return nil, err
		}
		if len(revs) > 0 && revs[0].At.After(a.PublishedAt.Add(revisedAfter)) {
			p.Revised = revs[0].At
		}
	}
	// Live coverage: its newest updates above the text.
	if c, err := s.store.LiveCoverage(r.Context(), a.ID, news.LiveUpdatesShown); err == nil {
		p.Live = &c
		if c.Running() {
			p.Scripts = []string{"live/live.js"} // new updates without a reload
		}
	} else if news.ErrorCode(err) != news.ENOTFOUND {
		return nil, err
	}
	// The side column: the most read of the day and the latest articles,
	// but this one.
	if p.MostRead, err = s.mostRead(r, "", a.ID); err != nil {
		return nil, err
	}
	// The latest.
	latest, err := s.store.Articles(r.Context(), news.ArticleFilter{Limit: sideLatest + 1, NoTotal: true})
	if err != nil {
		return nil, err
	}
	for _, l := range latest.Articles {
		if l.ID != a.ID && len(p.Latest) < sideLatest {
			p.Latest = append(p.Latest, l)
		}
	}
	if err := s.frameLists(r.Context(), p.Latest); err != nil {
		return nil, err
	}
	// The lead image as the library frames it: its wide crop, which also
	// makes the share card, unless the SEO panel chose another image.
	if a.Image != nil && a.Image.MediaID != 0 {
		m, err := s.mediaOrNone(r, a.Image.MediaID)
		if err != nil {
			return nil, err
		}
		if c, ok := m.Crop(leadRatio); ok {
			v := c.Default()
			p.LeadCrop = &news.Image{MediaID: m.ID, URL: m.CropURL(leadRatio, v), Srcset: m.CropSrcset(c), Width: v.Width, Height: v.Height}
			big := c.Largest()
			p.ShareImage = &news.Image{MediaID: m.ID, URL: m.CropURL(leadRatio, big), Width: big.Width, Height: big.Height, Alt: a.Image.Alt}
		}
	}
	if id := a.SEO.SocialImageID; id != 0 {
		m, err := s.mediaOrNone(r, id)
		if err != nil {
			return nil, err
		}
		if len(m.Variants) > 0 {
			v := m.Default()
			p.ShareImage = &news.Image{MediaID: m.ID, URL: m.URL(v), Width: v.Width, Height: v.Height, Alt: m.Alt}
			if c, ok := m.Crop(leadRatio); ok {
				big := c.Largest()
				p.ShareImage.URL, p.ShareImage.Width, p.ShareImage.Height = m.CropURL(leadRatio, big), big.Width, big.Height
			}
		}
	}
	return p, nil
}

// mostRead is the most read list of a section ("": all) without the
// article skip; none when the site does not count readers.
func (s *Site) mostRead(r *http.Request, section string, skip int64) ([]news.Article, error) {
	if s.opts.MostRead == nil {
		return nil, nil
	}
	list, err := s.opts.MostRead(r.Context(), section)
	if err != nil {
		return nil, err
	}
	out := make([]news.Article, 0, len(list))
	for _, a := range list {
		if a.ID != skip {
			out = append(out, a)
		}
	}
	return out, nil
}

// revisedAfter is how long after its publication an edit counts as an
// update readers are told of; sideLatest is how many latest articles the
// article page's side column lists.
const (
	revisedAfter = 10 * time.Minute
	sideLatest   = 5
)

// leadRatio is the crop article pages and share cards show.
const leadRatio = "16x9"

// mediaOrNone returns a library image, or a zero one when it was deleted.
func (s *Site) mediaOrNone(r *http.Request, id int64) (news.Media, error) {
	noteShownMedia(r.Context(), id)
	m, err := s.store.Media(r.Context(), id)
	if news.ErrorCode(err) == news.ENOTFOUND {
		return news.Media{}, nil
	}
	return m, err
}

// Preview renders an article in any status as readers will see it once
// published, for the newsroom: never cached, never indexed.
func (s *Site) Preview(w http.ResponseWriter, r *http.Request, a news.Article) {
	p, err := s.articlePage(r, &a)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	p.NoIndex, p.Preview, p.Canonical = true, a.Status.Label(), ""
	if related, err := s.search.Related(r.Context(), a, relatedLimit); err == nil {
		p.Related = related
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "article", p)
}

func (s *Site) handleNotFound(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "الطريقة غير مسموح بها", http.StatusMethodNotAllowed)
		return
	}
	s.notFound(w, r)
}

// wordPressQueries are the query parameters of WordPress's plain
// permalinks, which an import may have recorded as old paths.
var wordPressQueries = []string{"p", "page_id", "attachment_id", "cat", "tag", "author", "feed"}

// wordPressKey is the old path a plain permalink of the site's root
// (/?p=101, /?page_id=2, …) was recorded as; "" when r is none.
func wordPressKey(r *http.Request) string {
	if r.URL.Path != "/" && r.URL.Path != "" {
		return ""
	}
	q := r.URL.Query()
	for _, name := range wordPressQueries {
		if v := q.Get(name); v != "" {
			return "/?" + name + "=" + url.QueryEscape(v)
		}
	}
	return ""
}

// notFound answers a path no page has: a 301 to the article it used to
// name (a renamed article, another system's permalink) or the 404 page.
func (s *Site) notFound(w http.ResponseWriter, r *http.Request) {
	key := cmp.Or(wordPressKey(r), r.URL.EscapedPath())
	a, err := s.store.ArticleByOldPath(r.Context(), key)
	if news.ErrorCode(err) == news.ENOTFOUND {
		var to string
		if to, err = s.store.RedirectTarget(r.Context(), key); err == nil {
			http.Redirect(w, r, to, http.StatusMovedPermanently)
			return
		}
	}
	switch news.ErrorCode(err) {
	case "":
		http.Redirect(w, r, a.Path(), http.StatusMovedPermanently)
	case news.ENOTFOUND, news.EINVALID:
		if to, ok := dateArchive(r.URL.Path); ok {
			http.Redirect(w, r, to, http.StatusMovedPermanently)
			return
		}
		// A deleted article's address says so (410), so that search
		// engines drop it rather than try again.
		if gone, err := s.store.Gone(r.Context(), key); err != nil {
			s.storeError(w, r, err)
		} else if gone {
			s.renderError(w, r, http.StatusGone, nil)
		} else {
			s.renderError(w, r, http.StatusNotFound, nil)
		}
	default:
		s.storeError(w, r, err)
	}
}

// dateArchive is the archive page of a WordPress date archive's address
// (/2019/, /2019/05/, /2019/05/22/): a site moved here keeps those links.
func dateArchive(p string) (string, bool) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if !strings.HasSuffix(p, "/") || len(parts) > 3 {
		return "", false
	}
	widths := []int{4, 2, 2}
	for i, part := range parts {
		if _, ok := parseUint(part, widths[i], widths[i]); !ok {
			return "", false
		}
	}
	if len(parts) >= 2 {
		if m, _ := parseUint(parts[1], 2, 2); m < 1 || m > 12 {
			return "", false
		}
	}
	if len(parts) == 3 {
		if _, ok := parseDate(parts[0], parts[1], parts[2], time.UTC); !ok {
			return "", false
		}
	}
	return "/archive/" + strings.Join(parts, "/") + "/", true
}

// shareLink is a link that shares an article on another service: a plain
// link, so that nothing is loaded from that service's host.
type shareLink struct {
	Name, Label, URL string
}

// shareLinks are an article's share links (its own address, even when the
// SEO panel names another canonical one), and a link to copy.
func shareLinks(articleURL, title string) []shareLink {
	u, t := url.QueryEscape(articleURL), url.QueryEscape(title)
	return []shareLink{
		{"whatsapp", "واتساب", "https://wa.me/?text=" + url.QueryEscape(title+" "+articleURL)},
		{"telegram", "تيليغرام", "https://t.me/share/url?url=" + u + "&text=" + t},
		{"x", "إكس", "https://x.com/intent/post?url=" + u + "&text=" + t},
		{"facebook", "فيسبوك", "https://www.facebook.com/sharer/sharer.php?u=" + u},
	}
}

// staticPage serves a static page (من نحن، اتصل بنا …) at /{slug}/.
func (s *Site) staticPage(w http.ResponseWriter, r *http.Request, slug string) {
	pg, err := s.store.PageBySlug(r.Context(), slug)
	if news.ErrorCode(err) == news.ENOTFOUND {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	stats, err := s.nav(r)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	p := &page{Nav: stats, Title: pg.Title, Heading: pg.Title, Canonical: s.canonical(news.PagePath(pg.Slug)), StaticPage: &pg}
	if p.Comments, err = s.pageComments(r.Context(), pg); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "page", p)
}
