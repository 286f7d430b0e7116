package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"sahafa/arabic"
	"sahafa/comments"
	"sahafa/markup"
	"sahafa/news"
	"sahafa/pagecache"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageTemplates are the page files; each is parsed on top of layout.html.
var pageTemplates = []string{"home", "list", "article", "archive", "error", "search", "page", "comment"}

type templates struct {
	pages map[string]*template.Template
}

func (s *Site) funcs() template.FuncMap {
	return template.FuncMap{
		"num":     s.num,
		"date":    s.date,
		"hijri":   s.hijri,
		"when":    s.when,
		"isoTime": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		// clock is the time of day in the display time zone, 24-hour.
		"clock": func(t time.Time) string {
			return arabic.FormatDigits(t.In(s.opts.Location).Format("15:04"), s.current().Digits)
		},
		"articlePath": func(a news.Article) string { return a.Path() },
		"sectionPath": news.SectionPath,
		"authorPath":  news.AuthorPath,
		"tagPath":     news.TagPath,
		"asset":       s.assets.URL,
		"monthName":   s.monthName,
		"html":        func(s string) template.HTML { return template.HTML(s) }, // for sanitized article bodies only
		// isolate escapes a text and isolates its Latin runs (markup.IsolateText);
		// isolateHTML does so to sanitized HTML (a body, a highlighted title).
		"isolate":     func(s string) template.HTML { return template.HTML(markup.IsolateText(s)) },
		"isolateHTML": func(s any) template.HTML { return template.HTML(markup.IsolateHTML(htmlString(s))) },
		// articleText and articleHTML do so to an article's own text in its
		// language (lang.go); articleLang and textLang guess it in lists.
		"articleText": s.articleText,
		"articleHTML": s.articleHTML,
		"articleLang": articleListLang,
		"textLang":    textLang,
		"last":        func(i, n int) bool { return i == n-1 },
		"inc":         func(i int) int { return i + 1 },
		// ad is a slot's markup on page p ("" when no ad may fill it);
		// articleAd puts the in-article slot into a body.
		"ad": func(slot string, p *page) template.HTML {
			if v := s.adSlot(slot, p); v != nil {
				return adMarkup(v)
			}
			return ""
		},
		"articleAd":   s.withArticleAd,
		"linkHost":    linkHost,
		"footerPages": func() []news.Page { return s.current().FooterPages },
		"pagePath":    news.PagePath,
		"breaking": func() *news.Breaking {
			if b := s.current().Breaking; b != nil && time.Now().Before(b.Until) {
				return b
			}
			return nil
		},
		// readMinutes: "قراءة في دقيقة" … with the plural Arabic asks for.
		"commentItem": func(v *commentsView, it comments.Item) commentItemView {
			return commentItemView{Item: it, Open: v.Open && v.Form.Parent == nil, Action: v.Action}
		},
		"readMinutes": func(n int) string { return "قراءة في " + arabic.Count(n, arabic.Minutes, s.current().Digits) },
		"liveView": func(a *news.Article, c *news.LiveCoverage, lang string) liveView {
			v := liveView{Coverage: c, Lang: lang, Every: int(s.opts.LivePoll / time.Millisecond), Count: "لا تحديثات بعد"}
			if c.Total > 0 {
				v.Count = arabic.Count(c.Total, arabic.Updates, s.current().Digits)
			}
			return v
		},
		// arabicDigits: lists number ١، ٢، ٣ when the site writes its digits so.
		"arabicDigits": func() bool { return s.current().Digits == arabic.ArabicIndicDigits },
	}
}

func (s *Site) parseTemplates() (*templates, error) {
	base, err := template.New("layout.html").Funcs(s.funcs()).ParseFS(templateFS, "templates/layout.html", "templates/comments.html")
	if err != nil {
		return nil, fmt.Errorf("web: parsing layout: %w", err)
	}
	t := &templates{pages: make(map[string]*template.Template)}
	for _, name := range pageTemplates {
		clone, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := clone.ParseFS(templateFS, "templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("web: parsing %s: %w", name, err)
		}
		t.pages[name] = clone
	}
	return t, nil
}

// num formats a count with the site's digits.
func (s *Site) num(n int) string {
	return arabic.FormatDigits(strconv.Itoa(n), s.current().Digits)
}

// date formats a time as a Gregorian date in the display time zone.
func (s *Site) date(t time.Time) string {
	c := s.current()
	return arabic.FormatDateMonths(t.In(s.opts.Location), arabic.Gregorian, c.Months, c.Digits)
}

// hijri formats a time as a Hijri date in the display time zone, or returns
// "" when the site does not show Hijri dates.
func (s *Site) hijri(t time.Time) string {
	c := s.current()
	if !c.ShowHijri {
		return ""
	}
	return arabic.FormatDate(t.In(s.opts.Location), arabic.Hijri, c.Digits)
}

// agoMarker is in every relative time when; render looks for it to keep
// such a page fresh for agoFreshFor only.
const (
	agoMarker   = `<time class="ago"`
	agoFreshFor = "60" // seconds: "منذ 5 دقائق" may read a minute late
	agoWithin   = 24 * time.Hour
	// mostReadFreshFor is how long a page with the most read list is kept:
	// the list itself is read again at most every few minutes.
	mostReadFreshFor = "300"
)

// when is a list's time of an article: relative within a day ("منذ 5
// دقائق", "منذ ساعتين", with the plural Arabic asks for), the date before
// that, in a <time> element with the exact time in its title.
func (s *Site) when(t time.Time) template.HTML {
	iso := t.UTC().Format(time.RFC3339)
	age := time.Since(t)
	if age < 0 || age >= agoWithin {
		return template.HTML(`<time datetime="` + iso + `">` + template.HTMLEscapeString(s.date(t)) + `</time>`)
	}
	digits := s.current().Digits
	var ago string
	switch {
	case age < time.Minute:
		ago = "منذ لحظات"
	case age < time.Hour:
		ago = "منذ " + arabic.Count(int(age/time.Minute), arabic.Minutes, digits)
	default:
		ago = "منذ " + arabic.Count(int(age/time.Hour), arabic.Hours, digits)
	}
	exact := s.date(t) + " " + arabic.FormatDigits(t.In(s.opts.Location).Format("15:04"), digits)
	return template.HTML(agoMarker + ` datetime="` + iso + `" title="` + template.HTMLEscapeString(exact) + `">` + ago + `</time>`)
}

// monthName is a month's name in the site's style (the archive's pages).
func (s *Site) monthName(m time.Month) string { return arabic.MonthName(m, s.current().Months) }

// liveView is what a live page's block needs: the coverage, how often its
// script asks for new updates (milliseconds), and the count of updates.
type liveView struct {
	Coverage *news.LiveCoverage
	Lang     string // the article's language when not Arabic
	Every    int
	Count    string
}

// crumb is one link of a breadcrumb.
type crumb struct {
	Name string
	URL  string
}

// page is what every template receives. Page-specific fields are left
// zero when unused.
type page struct {
	SiteName    string
	Nav         []news.SectionStats
	Title       string // <title>, without the site name
	Heading     string
	Description string
	Canonical   string
	Breadcrumb  []crumb
	NoIndex     bool

	// head metadata, filled by render (addHeadMeta, seo.go)
	Feeds  []feedLink  // <link rel="alternate"> to the page's feeds
	Social *socialMeta // Open Graph and Twitter card
	JSONLD template.JS // an article's schema.org NewsArticle, JSON

	// article page
	Article     *news.Article
	Share       []shareLink
	Revised     time.Time // the last edit after publication, shown as "آخر تحديث"
	ReadMinutes int
	// RepeatedStandfirst: the body opens with the abstract's words (an
	// importer took the lead as the abstract), so the page shows them once.
	RepeatedStandfirst bool
	ShareImage         *news.Image // the share card's image, when not the lead image as stored
	LeadCrop           *news.Image // the lead image's wide crop, when the library has it
	Related            []news.Article
	Preview            string             // the status of a previewed article, shown in a banner
	Beacon             bool               // counted by the readership beacon (Options.Beacon)
	Live               *news.LiveCoverage // a live page's coverage and newest updates
	Lang               string             // the article's language when not Arabic ("en", "fr"): its text is left to right
	Comments           *commentsView      // readers' comments, and the form

	// Scripts are the page's scripts (asset paths): none but on pages
	// that need one; the page's Content-Security-Policy allows them.
	Scripts []string

	// a static page
	StaticPage *news.Page

	// home, and a section's first page
	front     *string       // the front whose pins a list page shows first
	adSection string        // the section ads of the page are chosen for
	Lead      *news.Article // the lead story, shown large
	// MostRead is the day's most read ("الأكثر قراءة"): on the home page
	// and in an article's side column.
	MostRead []news.Article
	Latest   []news.Article
	Groups   []sectionGroup

	// lists (section, author, archive)
	Author   *authorView // an author's page
	Articles []news.Article
	Total    int
	Pager    *pager
	Empty    string // message when the list is empty

	// archive
	ArchiveIndex bool
	Periods      []period // months or days with counts
	Years        []yearGroup
	OtherArchive *crumb // the index of the archive in the other calendar

	// errors
	Status  int
	Message string

	// search page (search.go); also fills the header's search box
	Search *searchView
}

type sectionGroup struct {
	Section  news.Section
	Articles []news.Article
}

// period is one year, month or day of the archive with its article count.
type period struct {
	Name  string
	URL   string
	Count int
}

type yearGroup struct {
	period
	year   int
	Months []period
}

// pager is the page-number navigation of a list.
type pager struct {
	Page, Pages int
	PrevURL     string
	NextURL     string
}

// first reports whether the list shows its first page (a list of one page
// has no pager).
func (pg *pager) first() bool { return pg == nil || pg.Page == 1 }

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// htmlCacheControl lets browsers and CDNs keep pages briefly and serve them
// stale while they refetch.
const htmlCacheControl = "public, max-age=60, stale-while-revalidate=300"

// contentSecurityPolicy is the policy of every page: the site runs no
// script and loads its CSS and fonts from itself, so nothing else is
// allowed — an injected <script>, inline style, <base>, form or frame
// would not run. Images in article bodies may come from anywhere.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; font-src 'self'; img-src * data:; " +
	"frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// scriptPolicy is the policy of a page that runs one of the site's own
// scripts (a live page): those, and requests back to the site, only.
const scriptPolicy = contentSecurityPolicy + "; script-src 'self'; connect-src 'self'"

// render executes a page template into a pooled buffer and writes it with
// Content-Length, Cache-Control and an ETag. A template error becomes the
// 500 page.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	p.SiteName = s.cfg(r.Context()).SiteName
	s.addHeadMeta(name, p)
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer putBuf(buf)
	t := s.tmpl.pages[name]
	if err := t.ExecuteTemplate(buf, "layout", p); err != nil {
		s.log.ErrorContext(r.Context(), "web: rendering template", "template", name, "path", r.URL.Path, "err", err)
		if name == "error" {
			http.Error(w, "خطأ داخلي في الخادم", http.StatusInternalServerError)
			return
		}
		s.renderError(w, r, http.StatusInternalServerError, nil)
		return
	}
	if len(p.Scripts) > 0 {
		w.Header().Set("Content-Security-Policy", scriptPolicy)
	}
	tagShownMedia(r.Context(), w.Header())
	switch {
	case bytes.Contains(buf.Bytes(), []byte(agoMarker)):
		w.Header().Set(pagecache.FreshForHeader, agoFreshFor) // the relative times stay true
	case len(p.MostRead) > 0:
		w.Header().Set(pagecache.FreshForHeader, mostReadFreshFor) // the list follows the readers
	}
	writeBody(w, r, status, "text/html; charset=utf-8", buf.Bytes())
}

func putBuf(buf *bytes.Buffer) {
	if buf.Cap() <= 1<<20 {
		bufPool.Put(buf)
	}
}

// writeBody writes a page or a generated document (feed, sitemap,
// robots.txt) with Content-Length, nosniff, the pages' Content-Security-
// Policy (also in case a browser shows the XML) and Referrer-Policy, and,
// when the status is 200, the pages' Cache-Control and an ETag answered
// with 304.
func writeBody(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	h := w.Header()
	if tags := h.Get(pagecache.TagHeader); tags != "" {
		h.Set("Cache-Tag", strings.ReplaceAll(tags, " ", ",")) // Cloudflare's spelling
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	if h.Get("Content-Security-Policy") == "" {
		h.Set("Content-Security-Policy", contentSecurityPolicy)
	}
	// Links out of an article or a search page carry the origin only, never
	// the path and query (a reader's search).
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	if status == http.StatusOK {
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", htmlCacheControl)
		}
		sum := fnv.New64a()
		sum.Write(body)
		var b [8]byte
		etag := `"` + hex.EncodeToString(sum.Sum(b[:0])) + `"`
		h.Set("ETag", etag)
		if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
			h.Del("Content-Length")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// Arabic messages of the error pages.
const (
	msgNotFound    = "عذرًا، لم نجد الصفحة التي تبحث عنها. ربما نُقلت أو حُذفت، أو أن الرابط غير صحيح."
	msgGone        = "حُذف هذا المقال من الموقع ولم يعد متاحًا."
	msgBadRequest  = "الطلب غير صالح. تحقّق من الرابط وحاول مرة أخرى."
	msgUnavailable = "الموقع غير متاح مؤقتًا. نرجو المحاولة بعد قليل."
	msgBusy        = "الموقع مشغول الآن بعدد كبير من القرّاء. أعد تحميل الصفحة بعد ثوانٍ."
	msgInternal    = "حدث خطأ غير متوقع في الخادم. سجّلنا المشكلة وسنعمل على إصلاحها."
)

var errorTitles = map[int]string{
	http.StatusBadRequest:          "طلب غير صالح",
	http.StatusNotFound:            "الصفحة غير موجودة",
	http.StatusGone:                "المقال محذوف",
	http.StatusServiceUnavailable:  "الموقع غير متاح مؤقتًا",
	http.StatusInternalServerError: "خطأ في الخادم",
}

// renderError writes an error page in the site layout. For 500s err is
// logged; its details are never shown.
func (s *Site) renderError(w http.ResponseWriter, r *http.Request, status int, err error) {
	msg := msgInternal
	switch status {
	case http.StatusNotFound:
		msg = msgNotFound
	case http.StatusGone:
		msg = msgGone
	case http.StatusBadRequest:
		msg = msgBadRequest
	case http.StatusServiceUnavailable:
		msg = msgUnavailable
		w.Header().Set("Retry-After", "30")
	}
	if status >= 500 {
		w.Header().Set("Cache-Control", "no-store")
		if err != nil {
			s.log.ErrorContext(r.Context(), "web: request failed", "status", status, "method", r.Method, "path", r.URL.Path, "err", err)
		}
	} else {
		w.Header().Set("Cache-Control", "public, max-age=60")
	}
	p := &page{Title: errorTitles[status], Heading: errorTitles[status], Status: status, Message: msg, NoIndex: true}
	if status < 500 {
		// The nav is a nicety: leave it out if the store fails now too.
		if stats, err := s.store.Sections(r.Context()); err == nil {
			p.Nav = stats
		}
	}
	s.render(w, r, status, "error", p)
}

// storeError answers a failed store call: ENOTFOUND → 404, EUNAVAILABLE →
// 503 with Retry-After, anything else → 500 (logged).
func (s *Site) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch news.ErrorCode(err) {
	case news.ENOTFOUND:
		s.renderError(w, r, http.StatusNotFound, nil)
	case news.EINVALID:
		s.renderError(w, r, http.StatusBadRequest, nil)
	case news.EUNAVAILABLE:
		s.log.WarnContext(r.Context(), "web: store unavailable", "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusServiceUnavailable, nil)
	default:
		if errors.Is(err, context.Canceled) {
			return
		}
		s.renderError(w, r, http.StatusInternalServerError, err)
	}
}

// linkHost is how an author's link is shown: its host and path, without
// the scheme and "www.".
func linkHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return strings.TrimPrefix(u.Host, "www.") + strings.TrimSuffix(u.EscapedPath(), "/")
}

// htmlString is sanitized HTML given as a string or a template.HTML.
func htmlString(v any) string {
	switch h := v.(type) {
	case template.HTML:
		return string(h)
	case string:
		return h
	}
	return ""
}
