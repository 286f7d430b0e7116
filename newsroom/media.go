package newsroom

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"sahafa/news"
)

const mediaPageSize = 40

func (h *Handler) mediaLibrary(w http.ResponseWriter, r *request) {
	h.mediaLibraryPage(w, r, http.StatusOK, nil, nil)
}

func (h *Handler) mediaLibraryPage(w http.ResponseWriter, r *request, status int, errs news.FieldErrors, form map[string]string) {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	n = max(1, min(n, 1000))
	trash := r.URL.Query().Get("trash") != ""
	list, err := h.opts.Store.MediaList(r.Context(), news.MediaFilter{Limit: mediaPageSize, Offset: (n - 1) * mediaPageSize, Trash: trash})
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, status, "media", &page{Title: "مكتبة الصور", Active: "media", Media: list.Media,
		Pager: makePager(r.URL, n, list.Total, mediaPageSize), Errors: errs, MediaForm: form, Flash: flash(r), Trash: trash})
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
	h.showMedia(w, r, http.StatusOK, m, map[string]string{"alt": m.Alt, "caption": m.Caption, "credit": m.Credit},
		framingForm(m.Framing), nil)
}

// showMedia shows an image's page: the image, its crops, the framing
// form and the texts form.
func (h *Handler) showMedia(w http.ResponseWriter, r *request, status int, m news.Media, texts, framing map[string]string, errs news.FieldErrors) {
	h.render(w, r.Request, r, status, "media-item", &page{Title: "صورة: " + m.Alt, Active: "media", MediaItem: &m,
		MediaForm: texts, Form: framing, Errors: errs, Flash: flash(r), Ratios: news.CropRatios, RichEditor: false})
}

// framingForm is a framing's drawn crops as the form shows them:
// "left top width height" in percent.
func framingForm(f news.Framing) map[string]string {
	out := map[string]string{}
	for key, c := range f.Crops {
		out["crop_"+key] = strings.Join([]string{pct(c.X), pct(c.Y), pct(c.W), pct(c.H)}, " ")
	}
	return out
}

func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', -1, 64) }

// readFraming reads the framing form: a focal point in percent, and for
// each ratio an optional crop of four percentages.
func readFraming(r *request) (news.Framing, map[string]string, news.FieldErrors) {
	form := map[string]string{}
	errs := news.FieldErrors{}
	num := func(field string) (float64, bool) {
		v, err := strconv.ParseFloat(strings.TrimSpace(r.PostFormValue(field)), 64)
		return v / 100, err == nil && v >= 0 && v <= 100
	}
	var f news.Framing
	x, okX := num("focus_x")
	y, okY := num("focus_y")
	if !okX || !okY {
		errs.Add("framing", "اكتب النقطة المهمة نسبتين مئويتين بين 0 و100")
	} else {
		f.Focus = &news.Point{X: x, Y: y}
	}
	for _, ratio := range news.CropRatios {
		raw := strings.TrimSpace(r.PostFormValue("crop_" + ratio.Key))
		form["crop_"+ratio.Key] = raw
		if raw == "" {
			continue
		}
		parts := strings.FieldsFunc(raw, func(c rune) bool { return c == ' ' || c == ',' || c == '،' })
		var v [4]float64
		ok := len(parts) == 4
		for i := 0; ok && i < 4; i++ {
			n, err := strconv.ParseFloat(parts[i], 64)
			ok = err == nil && n >= 0 && n <= 100
			v[i] = n / 100
		}
		if !ok {
			errs.Add("framing", fmt.Sprintf("قصّة %s: اكتب أربع نسب مئوية (يسار أعلى عرض ارتفاع)، مثل 10 0 80 60", ratio.Label))
			continue
		}
		if f.Crops == nil {
			f.Crops = map[string]news.Rect{}
		}
		f.Crops[ratio.Key] = news.Rect{X: v[0], Y: v[1], W: v[2], H: v[3]}
	}
	return f, form, errs
}

func (h *Handler) reframe(w http.ResponseWriter, r *request) {
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "الصورة غير موجودة.")
		return
	}
	f, form, errs := readFraming(r)
	var err error
	if len(errs) == 0 {
		_, err = h.opts.Editorial.Reframe(r.Context(), r.user, id, f)
	}
	fe, isField := fieldErrors(err)
	if len(errs) > 0 || isField {
		if isField {
			errs = fe
		}
		m, merr := h.opts.Store.Media(r.Context(), id)
		if merr != nil {
			h.fail(w, r.Request, r, merr)
			return
		}
		h.showMedia(w, r, statusInvalid, m, map[string]string{"alt": m.Alt, "caption": m.Caption, "credit": m.Credit}, form, errs)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/media/%d?done=framed", id), http.StatusSeeOther)
}

// mediaTrash puts an image in the trash, takes it out, or deletes it.
func (h *Handler) mediaTrash(op string) func(w http.ResponseWriter, r *request) {
	return func(w http.ResponseWriter, r *request) {
		id, ok := pathID(r)
		if !ok {
			h.renderError(w, r.Request, r, http.StatusNotFound, "الصورة غير موجودة.")
			return
		}
		var err error
		target := fmt.Sprintf("/newsroom/media/%d?done=media-%s", id, op)
		switch op {
		case "trashed":
			err = h.opts.Editorial.TrashMedia(r.Context(), r.user, id, true)
		case "untrashed":
			err = h.opts.Editorial.TrashMedia(r.Context(), r.user, id, false)
		default:
			err = h.opts.Editorial.PurgeMedia(r.Context(), r.user, id)
			target = "/newsroom/media/?trash=1&done=media-purged"
		}
		if err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
		http.Redirect(w, r.Request, target, http.StatusSeeOther)
	}
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
			h.showMedia(w, r, statusInvalid, m, form, framingForm(m.Framing), fe)
			return
		}
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/media/%d?done=saved", id), http.StatusSeeOther)
}
