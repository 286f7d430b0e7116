package newsroom

import (
	"net/http"
	"net/url"
	"strconv"

	"sahafa/editorial"
	"sahafa/news"
)

// The fronts: the home page and section pages as editors arrange them.

func (h *Handler) frontRoutes() {
	m := h.mux
	m.Handle("GET /newsroom/fronts/{$}", h.auth(h.frontPage))
	m.Handle("POST /newsroom/fronts/pin", h.auth(h.pin))
	m.Handle("POST /newsroom/fronts/unpin", h.auth(h.unpin))
	m.Handle("POST /newsroom/fronts/move", h.auth(h.movePin))
}

// frontView is the fronts page: which front, its pins, and the newest
// articles to pin from.
type frontView struct {
	Front    string // news.HomeFront or a section's slug
	Name     string
	Pins     []editorial.FrontPin
	Latest   []news.Article
	Sections []news.SectionStats
}

func (h *Handler) frontPage(w http.ResponseWriter, r *request) {
	h.showFront(w, r, http.StatusOK, r.URL.Query().Get("front"), nil, nil)
}

// showFront shows a front with the pin form (form and errs: a refused one).
func (h *Handler) showFront(w http.ResponseWriter, r *request, status int, front string, form map[string]string, errs news.FieldErrors) {
	pins, err := h.opts.Editorial.Front(r.Context(), r.user, front)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	secs, err := h.opts.Store.Sections(r.Context())
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	v := &frontView{Front: front, Name: "الصفحة الرئيسية", Pins: pins, Sections: secs}
	for _, s := range secs {
		if s.Slug == front {
			v.Name = "قسم " + s.Name
		}
	}
	latest, err := h.opts.Store.Articles(r.Context(), news.ArticleFilter{SectionSlug: front, Limit: 20})
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	pinned := map[int64]bool{}
	for _, p := range pins {
		pinned[p.ArticleID] = true
	}
	for _, a := range latest.Articles {
		if !pinned[a.ID] {
			v.Latest = append(v.Latest, a)
		}
	}
	p := &page{Title: "الواجهات", Active: "fronts", Form: form, Errors: errs, Flash: flash(r), Front: v}
	if errs != nil {
		p.Alert = "لم يُثبَّت: صحّح الحقول المعلَّمة."
	}
	h.render(w, r.Request, r, status, "fronts", p)
}

// backToFront is the fronts page of front after an action.
func backToFront(front, done string) string {
	return "/newsroom/fronts/?front=" + url.QueryEscape(front) + "&done=" + done
}

func (h *Handler) pin(w http.ResponseWriter, r *request) {
	f := r.PostFormValue
	position := news.MaxPins // last
	if f("position") == "first" {
		position = 0
	}
	_, err := h.opts.Editorial.PinArticle(r.Context(), r.user, f("front"), f("article"), position, f("until"))
	if fe, ok := fieldErrors(err); ok {
		h.showFront(w, r, statusInvalid, f("front"), map[string]string{"article": f("article"), "until": f("until"), "position": f("position")}, fe)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, backToFront(f("front"), "pinned"), http.StatusSeeOther)
}

func (h *Handler) unpin(w http.ResponseWriter, r *request) {
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err := h.opts.Editorial.UnpinArticle(r.Context(), r.user, r.PostFormValue("front"), id); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, backToFront(r.PostFormValue("front"), "unpinned"), http.StatusSeeOther)
}

func (h *Handler) movePin(w http.ResponseWriter, r *request) {
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	delta := 1
	if r.PostFormValue("dir") == "up" {
		delta = -1
	}
	if err := h.opts.Editorial.MovePin(r.Context(), r.user, r.PostFormValue("front"), id, delta); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, backToFront(r.PostFormValue("front"), "moved"), http.StatusSeeOther)
}
