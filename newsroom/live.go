package newsroom

import (
	"fmt"
	"net/http"
	"strconv"

	"sahafa/news"
)

// Live coverage: the updates of a live page, posted from the newsroom.

func (h *Handler) liveRoutes() {
	m := h.mux
	m.Handle("GET /newsroom/articles/{id}/live", h.auth(h.livePage))
	m.Handle("POST /newsroom/articles/{id}/live/start", h.auth(h.liveAction("live-started")))
	m.Handle("POST /newsroom/articles/{id}/live/end", h.auth(h.liveAction("live-ended")))
	m.Handle("POST /newsroom/articles/{id}/live/updates", h.auth(h.postLiveUpdate))
	m.Handle("POST /newsroom/articles/{id}/live/updates/{update}/delete", h.auth(h.liveAction("live-deleted")))
}

func (h *Handler) livePage(w http.ResponseWriter, r *request) {
	h.showLive(w, r, http.StatusOK, "", nil)
}

// showLive shows an article's coverage, its updates and the update form
// (text and errs: a refused update, kept to correct).
func (h *Handler) showLive(w http.ResponseWriter, r *request, status int, text string, errs news.FieldErrors) {
	a, ok := h.article(w, r)
	if !ok {
		return
	}
	p := &page{Title: "التغطية المباشرة: " + a.Title, Active: "articles", Article: &a, Errors: errs, Flash: flash(r),
		Form: map[string]string{"text": text}}
	c, err := h.opts.Editorial.LiveCoverage(r.Context(), r.user, a.ID)
	switch {
	case err == nil:
		p.Live = &c
	case news.ErrorCode(err) != news.ENOTFOUND:
		h.fail(w, r.Request, r, err)
		return
	}
	if errs != nil {
		p.Alert = "لم يُنشر التحديث: صحّح النص."
	}
	h.render(w, r.Request, r, status, "live", p)
}

// liveAction starts or ends coverage, or deletes an update, and returns
// to the article's live page saying what was done.
func (h *Handler) liveAction(done string) func(w http.ResponseWriter, r *request) {
	return func(w http.ResponseWriter, r *request) {
		id, ok := h.articleID(w, r)
		if !ok {
			return
		}
		var err error
		switch done {
		case "live-started":
			err = h.opts.Editorial.StartLive(r.Context(), r.user, id)
		case "live-ended":
			err = h.opts.Editorial.EndLive(r.Context(), r.user, id)
		default:
			update, perr := strconv.ParseInt(r.PathValue("update"), 10, 64)
			if perr != nil {
				h.renderError(w, r.Request, r, http.StatusNotFound, "التحديث غير موجود.")
				return
			}
			err = h.opts.Editorial.DeleteLiveUpdate(r.Context(), r.user, id, update)
		}
		if err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
		http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/articles/%d/live?done=%s", id, done), http.StatusSeeOther)
	}
}

func (h *Handler) postLiveUpdate(w http.ResponseWriter, r *request) {
	id, ok := h.articleID(w, r)
	if !ok {
		return
	}
	text := r.PostFormValue("text")
	_, err := h.opts.Editorial.PostLiveUpdate(r.Context(), r.user, id, text)
	if fe, ok := fieldErrors(err); ok {
		h.showLive(w, r, statusInvalid, text, fe)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/articles/%d/live?done=live-posted#live-form", id), http.StatusSeeOther)
}
