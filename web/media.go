package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serveMedia serves /media/{id}/{width}.{ext}: one stored variant of an
// uploaded image. Variants never change once stored (an edit of the alt
// text changes the page, not the file), so they are cached for a year.
// "/media/{id}" alone answers with the default variant, for links
// written by hand.
func (s *Site) serveMedia(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/media/")
	idPart, file, _ := strings.Cut(rest, "/")
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	ctx := r.Context()
	if file == "" {
		m, err := s.store.Media(ctx, id)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.Redirect(w, r, m.URL(m.Default()), http.StatusFound)
		return
	}
	name, ext, ok := strings.Cut(file, ".")
	width, err := strconv.Atoi(name)
	if !ok || err != nil || width <= 0 || strings.Contains(ext, "/") {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	f, err := s.store.MediaFile(ctx, id, width)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if f.Ext != ext {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("ETag", `"m`+strconv.FormatInt(id, 10)+"-"+strconv.Itoa(width)+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.Data))
}
