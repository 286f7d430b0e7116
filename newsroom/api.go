package newsroom

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"sahafa/news"
)

// The rich-text editor's requests: the media library (list, search,
// upload, fetch from a web address) and the archive (for related-article
// cards). JSON in and out; the same sessions, CSRF token (X-CSRF-Token)
// and roles as the forms.

// mediaJSON is an image as the editor uses it.
type mediaJSON struct {
	ID      int64  `json:"id"`
	Alt     string `json:"alt"`
	Caption string `json:"caption"`
	Credit  string `json:"credit"`
	Src     string `json:"src"`   // the default variant, for <img src>
	Thumb   string `json:"thumb"` // a small variant, for the picker
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Status  string `json:"status"`            // ready, pending (being processed) or failed
	Problem string `json:"problem,omitempty"` // why a failed image could not be processed
}

func toMediaJSON(m news.Media) mediaJSON {
	out := mediaJSON{ID: m.ID, Alt: m.Alt, Caption: m.Caption, Credit: m.Credit, Width: m.Width, Height: m.Height,
		Status: cmp.Or(string(m.State), "ready"), Problem: m.Problem}
	// Still being processed: /media/{id} answers once it is.
	out.Src = "/media/" + strconv.FormatInt(m.ID, 10)
	out.Thumb = out.Src
	if len(m.Variants) > 0 {
		out.Src = m.URL(m.Default())
		thumb := m.Variants[0]
		for _, v := range m.Variants {
			if v.Width >= 320 {
				thumb = v
				break
			}
		}
		out.Thumb = m.URL(thumb)
	}
	return out
}

// writeJSON answers v as JSON.
func (h *Handler) writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		b.Reset()
		b.WriteString(`{"error":"internal error"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// failJSON answers an error as {"error": message, "field": name}, with the
// status the HTML pages would have.
func (h *Handler) failJSON(w http.ResponseWriter, r *request, err error) {
	type body struct {
		Error string `json:"error"`
		Field string `json:"field,omitempty"`
	}
	if fe, ok := fieldErrors(err); ok {
		keys := make([]string, 0, len(fe))
		for k := range fe {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		msgs := make([]string, len(keys))
		for i, k := range keys {
			msgs[i] = fe[k]
		}
		h.writeJSON(w, statusInvalid, body{Error: strings.Join(msgs, "؛ "), Field: keys[0]})
		return
	}
	var le *news.LimitedError
	switch code := news.ErrorCode(err); {
	case errors.As(err, &le):
		w.Header().Set("Retry-After", news.RetryAfterSeconds(le.RetryAfter))
		h.writeJSON(w, limitedStatus(le), body{Error: le.Message})
	case code == news.EFORBIDDEN:
		h.writeJSON(w, http.StatusForbidden, body{Error: "ليست لديك صلاحية لهذا الإجراء."})
	case code == news.ENOTFOUND:
		h.writeJSON(w, http.StatusNotFound, body{Error: "غير موجود."})
	case code == news.ECONFLICT:
		h.writeJSON(w, http.StatusConflict, body{Error: news.ErrorMessage(err)})
	case code == news.EINVALID:
		h.writeJSON(w, http.StatusBadRequest, body{Error: news.ErrorMessage(err)})
	case code == news.EUNAVAILABLE:
		w.Header().Set("Retry-After", "30")
		h.writeJSON(w, http.StatusServiceUnavailable, body{Error: "قاعدة البيانات غير متاحة الآن؛ حاول بعد قليل."})
	default:
		if r.Context().Err() != nil {
			return
		}
		h.log.ErrorContext(r.Context(), "newsroom: request failed", "path", r.URL.Path, "err", err)
		h.writeJSON(w, http.StatusInternalServerError, body{Error: "حدث خطأ غير متوقع؛ سجّلنا المشكلة."})
	}
}

// mediaJSONList answers GET /newsroom/media.json?q=&limit=&page=.
func (h *Handler) mediaJSONList(w http.ResponseWriter, r *request) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	limit = max(1, min(limit, 100))
	n, _ := strconv.Atoi(q.Get("page"))
	n = max(1, min(n, 1000))
	list, err := h.opts.Store.MediaList(r.Context(), news.MediaFilter{Query: q.Get("q"), Limit: limit, Offset: (n - 1) * limit})
	if err != nil {
		h.failJSON(w, r, err)
		return
	}
	out := struct {
		Total int         `json:"total"`
		Media []mediaJSON `json:"media"`
	}{Total: list.Total, Media: make([]mediaJSON, 0, len(list.Media))}
	for _, m := range list.Media {
		out.Media = append(out.Media, toMediaJSON(m))
	}
	h.writeJSON(w, http.StatusOK, out)
}

// uploadJSON answers POST /newsroom/media/upload.json: the form's upload,
// for the editor (a file chosen in the picker, pasted or dropped).
func (h *Handler) uploadJSON(w http.ResponseWriter, r *request) {
	file, _, err := r.FormFile("file")
	if err != nil {
		h.failJSON(w, r, news.FieldErrors{"file": "اختر صورة لرفعها"})
		return
	}
	defer file.Close()
	alt := r.PostFormValue("alt")
	if strings.TrimSpace(alt) == "" {
		// A pasted or dropped image has no alt text yet: the writer
		// writes it in the figure, and saving refuses an image without it.
		alt = "صورة"
	}
	m, err := h.opts.Editorial.Upload(r.Context(), r.user, file, alt, r.PostFormValue("caption"), r.PostFormValue("credit"))
	if err != nil {
		h.failJSON(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusCreated, struct {
		Media mediaJSON `json:"media"`
	}{toMediaJSON(m)})
}

// fetchJSON answers POST /newsroom/media/fetch.json {"url", "alt"}: an
// image pasted from another site, put into the library.
func (h *Handler) fetchJSON(w http.ResponseWriter, r *request) {
	var in struct {
		URL    string `json:"url"`
		Alt    string `json:"alt"`
		Credit string `json:"credit"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in); err != nil {
		h.failJSON(w, r, news.Errorf(news.EINVALID, "طلب غير صالح"))
		return
	}
	if strings.TrimSpace(in.Alt) == "" {
		in.Alt = "صورة"
	}
	m, err := h.opts.Editorial.FetchImage(r.Context(), r.user, in.URL, in.Alt, in.Credit)
	if err != nil {
		h.failJSON(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusCreated, struct {
		Media mediaJSON `json:"media"`
	}{toMediaJSON(m)})
}

// articlesJSON answers GET /newsroom/articles.json?q=: published articles
// matching q, for related-article cards.
func (h *Handler) articlesJSON(w http.ResponseWriter, r *request) {
	type item struct {
		ID      int64  `json:"id"`
		Title   string `json:"title"`
		Path    string `json:"path"`
		Section string `json:"section"`
		Date    string `json:"date"`
	}
	out := struct {
		Articles []item `json:"articles"`
	}{Articles: []item{}}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q != "" {
		res, err := h.opts.Editorial.Search(r.Context(), r.user, q, news.StatusPublished, 0)
		if err != nil {
			h.failJSON(w, r, err)
			return
		}
		for _, hit := range res.Hits {
			a := hit.Article
			out.Articles = append(out.Articles, item{ID: a.ID, Title: a.Title, Path: a.Path(), Section: a.Section.Name,
				Date: h.opts.Editorial.FormatDate(a.PublishedAt)})
		}
	}
	h.writeJSON(w, http.StatusOK, out)
}
