package newsroom

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"sahafa/news"
)

const mediaPageSize = 40

func (h *Handler) mediaLibrary(w http.ResponseWriter, r *request) {
	h.mediaLibraryPage(w, r, http.StatusOK, nil, nil)
}

func (h *Handler) mediaLibraryPage(w http.ResponseWriter, r *request, status int, errs news.FieldErrors, form map[string]string) {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	n = max(1, min(n, 1000))
	list, err := h.opts.Store.MediaList(r.Context(), news.MediaFilter{Limit: mediaPageSize, Offset: (n - 1) * mediaPageSize})
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, status, "media", &page{Title: "مكتبة الصور", Active: "media", Media: list.Media,
		Pager: makePager(r.URL, n, list.Total, mediaPageSize), Errors: errs, MediaForm: form, Flash: flash(r)})
}

// upload stores an image from the library's form. The file is checked by
// decoding it (editorial.Upload); its name and declared type are ignored.
func (h *Handler) upload(w http.ResponseWriter, r *request) {
	form := map[string]string{"alt": r.PostFormValue("alt"), "caption": r.PostFormValue("caption"),
		"credit": r.PostFormValue("credit")}
	file, _, err := r.FormFile("file")
	if err != nil && !errors.Is(err, http.ErrMissingFile) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.mediaLibraryPage(w, r, statusInvalid, news.FieldErrors{"file": "الملف أكبر من الحد المسموح (20 ميغابايت)"}, form)
			return
		}
		h.mediaLibraryPage(w, r, statusInvalid, news.FieldErrors{"file": "تعذّرت قراءة الملف المرفوع"}, form)
		return
	}
	if file != nil {
		defer file.Close()
	}
	var m news.Media
	if file != nil {
		m, err = h.opts.Editorial.Upload(r.Context(), r.user, file, form["alt"], form["caption"], form["credit"])
	} else {
		_, err = h.opts.Editorial.Upload(r.Context(), r.user, nil, form["alt"], form["caption"], form["credit"])
	}
	if err != nil {
		if fe, ok := fieldErrors(err); ok {
			h.mediaLibraryPage(w, r, statusInvalid, fe, form)
			return
		}
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/media/%d?done=uploaded", m.ID), http.StatusSeeOther)
}

func (h *Handler) mediaPage(w http.ResponseWriter, r *request) {
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "الصورة غير موجودة.")
		return
	}
	m, err := h.opts.Store.Media(r.Context(), id)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, http.StatusOK, "media-item", &page{Title: "صورة: " + m.Alt, Active: "media", MediaItem: &m,
		MediaForm: map[string]string{"alt": m.Alt, "caption": m.Caption, "credit": m.Credit}, Flash: flash(r)})
}

func (h *Handler) editMedia(w http.ResponseWriter, r *request) {
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "الصورة غير موجودة.")
		return
	}
	form := map[string]string{"alt": r.PostFormValue("alt"), "caption": r.PostFormValue("caption"),
		"credit": r.PostFormValue("credit")}
	if _, err := h.opts.Editorial.EditMedia(r.Context(), r.user, id, form["alt"], form["caption"], form["credit"]); err != nil {
		if fe, ok := fieldErrors(err); ok {
			m, merr := h.opts.Store.Media(r.Context(), id)
			if merr != nil {
				h.fail(w, r.Request, r, merr)
				return
			}
			h.render(w, r.Request, r, statusInvalid, "media-item", &page{Title: "صورة", Active: "media", MediaItem: &m,
				MediaForm: form, Errors: fe})
			return
		}
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/media/%d?done=saved", id), http.StatusSeeOther)
}
