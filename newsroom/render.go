package newsroom

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"sahafa/editorial"
	"sahafa/markup"
	"sahafa/news"
	"sahafa/search"
)

//go:embed templates/*.html
var templateFS embed.FS

var pageNames = []string{"webhooks", "wire", "wire-item", "wire-sources", "imports", "comments", "comment", "tokens", "ads", "ad", "readership", "live", "fronts", "pages", "page-editor", "breaking", "trash", "authors", "author", "login", "dashboard", "articles", "editor", "history", "compare", "media", "media-item",
	"names", "users", "user", "settings", "account", "error"}

type templates struct {
	pages map[string]*template.Template
}

func (h *Handler) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":       h.opts.Assets.URL,
		"date":        h.opts.Editorial.FormatDate,
		"statusLabel": func(s news.Status) string { return s.Label() },
		"roleLabel":   func(r news.Role) string { return r.Label() },
		"actionLabel": news.ActionLabel,
		"can": func(u *news.User, act string, a *news.Article) bool {
			return u != nil && editorial.Can(*u, editorial.Action(act), a)
		},
		"canEditMedia": func(u *news.User, owner int64) bool { return u != nil && editorial.CanEditMedia(*u, owner) },
		"articlePath":  func(a news.Article) string { return a.Path() },
		// readablePath is an article's path as a search result shows it:
		// decoded, its parts separated by ›.
		"readablePath": func(a news.Article) string {
			p, err := url.PathUnescape(a.Path())
			if err != nil {
				p = a.Path()
			}
			return strings.Join(strings.Split(strings.Trim(p, "/"), "/"), " › ")
		},
		"num":      strconv.Itoa,
		"wireOn":   func() bool { return h.opts.Wire != nil },
		"kb":       func(n int) string { return strconv.Itoa((n+1023)/1024) + " ك.ب" },
		"html":     func(s string) template.HTML { return template.HTML(s) }, // sanitized bodies and marked snippets only
		"mediaURL": func(m news.Media, v news.MediaVariant) string { return m.URL(v) },
		"thumb": func(m news.Media) string {
			if len(m.Variants) == 0 {
				return "/media/" + strconv.FormatInt(m.ID, 10) // answers once processed
			}
			return m.URL(m.Variants[0])
		},
		// cropURL is the default size of an image's crop to a ratio, ""
		// when it has none.
		"cropURL": func(m news.Media, ratio string) string {
			if c, ok := m.Crop(ratio); ok {
				return m.CropURL(ratio, c.Default())
			}
			return ""
		},
		"percent": func(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) },
		"add":     func(a, b int) int { return a + b },
		"hasSlot": func(slots []string, s string) bool { return slices.Contains(slots, s) },
		// atLeast: the user's role is role or above (an editor, an admin).
		"atLeast": func(u *news.User, role string) bool { return u != nil && u.Role.AtLeast(news.Role(role)) },
		"wf": func(csrf string, a *news.Article) map[string]any {
			return map[string]any{"CSRF": csrf, "Version": a.Version}
		},
	}
}

func (h *Handler) parseTemplates() (*templates, error) {
	base, err := template.New("layout.html").Funcs(h.funcs()).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("newsroom: parsing layout: %w", err)
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, name := range pageNames {
		clone, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := clone.ParseFS(templateFS, "templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("newsroom: parsing %s: %w", name, err)
		}
		t.pages[name] = clone
	}
	return t, nil
}

// page is what every newsroom template receives; page-specific fields
// stay zero when unused.
type page struct {
	SiteName string
	Title    string
	Active   string // the menu item to mark
	User     *news.User
	CSRF     string
	Flash    string // a one-line confirmation ("حُفظ المقال")
	Alert    string // a one-line problem above the form
	Errors   news.FieldErrors
	Status   int
	Message  string

	// sign-in
	Email, Next string

	// dashboard and lists
	Lists       editorial.Lists
	List        news.ArticleList
	Statuses    []news.Status
	StatusF     news.Status
	Query       string
	Results     *search.Results
	Sections    []news.SectionStats
	SectionF    string
	UserF       int64 // the writer a list is filtered by
	Pager       *pager
	StatusCount map[news.Status]int

	// editor
	Article   *news.Article
	Input     editorial.ArticleInput
	Recent    []news.Media
	Events    []news.Event
	Revisions []news.Revision
	Compare   *editorial.Comparison
	Preview   template.HTML
	// RichEditor loads the rich-text editor's script on the page (the
	// editor, and the library picker of the author page).
	RichEditor bool
	// Autosaved is the time of the user's autosave holding work the
	// article lacks (offered to restore); Editors are the others who
	// have the article open.
	Autosaved string
	Editors   []editorPresence

	// media, sections, tags, users, settings, account
	Media     []news.Media
	MediaItem *news.Media
	MediaForm map[string]string
	Names     *names
	Users     []news.User
	Edited    *news.User
	Roles     []news.Role
	Form      map[string]string
	Sessions  []news.Session
	Current   int64

	// the trash, bulk actions and the author directory
	Bulk       *bulkView
	Authors    []news.AuthorStats
	Author     *news.Author
	Duplicates bool
	Total      int
	BackURL    string // where a bulk action returns
	Trash      bool   // the list is the trash
	// LeadThumb is the editor's lead image, shown beside its number.
	LeadThumb *news.Media
	Ratios    []news.Ratio // the crops an image is cut to
	Breaking  *news.Breaking
	Front     *frontView
	Live      *news.LiveCoverage
	// Readership is the readership page; Views the article's own numbers
	// on its editor page (-1: not counted).
	Readership *readershipView
	// ArabicDigits writes the page's numbers in Arabic-Indic digits, as
	// the site does (pages of numbers only: never forms, whose text
	// would be saved converted).
	ArabicDigits bool
	Ads          *adsView
	Tokens       *tokensView
	Views        int
	Pages        []news.Page
	PageInput    *editorial.PageInput
	Comments     *commentsView
	Imports      *importsView
	Wire         *wireView
	Webhooks     *webhooksView
	// WireOf are the wire stories an article's draft was made from.
	WireOf []news.WireItem
	Now    time.Time
	// Refresh reloads the page every few seconds (a running import's),
	// without a script.
	Refresh bool
}

type pager struct {
	Page, Pages      int
	PrevURL, NextURL string
}

// render writes a page with the newsroom layout.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, rq *request, status int, name string, p *page) {
	p.SiteName = h.opts.SiteName
	if h.opts.CurrentSiteName != nil {
		p.SiteName = h.opts.CurrentSiteName(r.Context())
	}
	if rq != nil {
		u := rq.user
		p.User, p.CSRF = &u, rq.session.CSRFToken
	}
	var buf bytes.Buffer
	if err := h.tmpl.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.log.ErrorContext(r.Context(), "newsroom: rendering template", "template", name, "err", err)
		http.Error(w, "خطأ داخلي في الخادم", http.StatusInternalServerError)
		return
	}
	out := buf.Bytes()
	if p.ArabicDigits {
		out = []byte(markup.ArabicDigitsHTML(buf.String()))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	w.Write(out)
}

// renderError writes an error page.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, rq *request, status int, msg string) {
	titles := map[int]string{
		http.StatusBadRequest: "طلب غير صالح", http.StatusUnauthorized: "سجّل الدخول",
		http.StatusForbidden: "غير مسموح", http.StatusNotFound: "غير موجود",
		http.StatusConflict: "تعارض في التعديل", http.StatusTooManyRequests: "محاولات كثيرة",
		http.StatusRequestEntityTooLarge: "الطلب كبير جدًا",
		http.StatusServiceUnavailable:    "الخدمة غير متاحة مؤقتًا", http.StatusInternalServerError: "خطأ في الخادم",
	}
	h.render(w, r, rq, status, "error", &page{Title: titles[status], Status: status, Message: msg})
}

// fail answers an error from a service: its status and an Arabic message.
// Field errors are handled by the caller (it re-renders its form).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	var le *news.LimitedError
	switch code := news.ErrorCode(err); {
	case errors.As(err, &le):
		w.Header().Set("Retry-After", news.RetryAfterSeconds(le.RetryAfter))
		h.renderError(w, r, rq, limitedStatus(le), le.Message)
	case code == news.EFORBIDDEN:
		h.renderError(w, r, rq, http.StatusForbidden, "ليست لديك صلاحية لهذا الإجراء.")
	case code == news.ENOTFOUND:
		h.renderError(w, r, rq, http.StatusNotFound, "لم نجد ما تبحث عنه؛ ربما حُذف أو أن الرابط غير صحيح.")
	case code == news.ECONFLICT:
		h.renderError(w, r, rq, http.StatusConflict, news.ErrorMessage(err))
	case code == news.EINVALID:
		h.renderError(w, r, rq, http.StatusBadRequest, news.ErrorMessage(err))
	case code == news.EUNAVAILABLE:
		w.Header().Set("Retry-After", "30")
		h.renderError(w, r, rq, http.StatusServiceUnavailable, "قاعدة البيانات غير متاحة الآن. لم يُحفظ شيء؛ حاول بعد قليل.")
	default:
		if errors.Is(err, context.Canceled) {
			return
		}
		h.log.ErrorContext(r.Context(), "newsroom: request failed", "path", r.URL.Path, "err", err)
		h.renderError(w, r, rq, http.StatusInternalServerError, "حدث خطأ غير متوقع. لم يُحفظ شيء؛ سجّلنا المشكلة.")
	}
}

// limitedStatus is 503 for a server at capacity, 429 for a client over
// its limit.
func limitedStatus(le *news.LimitedError) int {
	if le.Busy {
		return http.StatusServiceUnavailable
	}
	return http.StatusTooManyRequests
}

// statusFor is the HTTP status of a form refused with field errors.
const statusInvalid = http.StatusUnprocessableEntity

// fieldErrors returns the field errors in err, if that is what it is.
func fieldErrors(err error) (news.FieldErrors, bool) {
	var fe news.FieldErrors
	if errors.As(err, &fe) {
		return fe, true
	}
	return nil, false
}
