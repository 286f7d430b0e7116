package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sahafa/news"
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
		m, ok := s.readyMedia(w, r, id)
		if !ok {
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.Redirect(w, r, m.URL(m.Default()), http.StatusFound)
		return
	}
	ratio, file, isCrop := strings.Cut(file, "/")
	if !isCrop {
		file = ratio
	}
	name, ext, ok := strings.Cut(file, ".")
	width, err := strconv.Atoi(name)
	if !ok || err != nil || width <= 0 || strings.Contains(ext, "/") {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	var f news.MediaFile
	if isCrop {
		// /media/{id}/{ratio}/{width}.{ext}?v={framing version}: a crop
		// drawn again has a new version; an old one goes to the new cut.
		m, err := s.store.Media(ctx, id)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		if v := r.URL.Query().Get("v"); v != strconv.Itoa(m.Framing.Version) {
			if c, ok := m.Crop(ratio); ok {
				w.Header().Set("Cache-Control", "public, max-age=300")
				http.Redirect(w, r, m.CropURL(ratio, c.Default()), http.StatusFound)
				return
			}
			s.renderError(w, r, http.StatusNotFound, nil)
			return
		}
	} else {
		ratio = ""
	}
	f, public, err := s.mediaFile(ctx, id, ratio, width)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if f.Ext != ext {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	if public != "" {
		// The object never changes, but the file may move back to the
		// database (sahafa media move): a day, not a year.
		w.Header().Set("Cache-Control", "public, max-age=86400")
		http.Redirect(w, r, public, http.StatusFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	tag := strconv.FormatInt(id, 10) + "-" + strconv.Itoa(width)
	if isCrop {
		tag += "-" + ratio + "-" + r.URL.Query().Get("v")
	}
	h.Set("ETag", `"m`+tag+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.Data))
}

// mediaFile finds a variant (ratio "") or a crop, through
// Options.MediaFile when it is set.
func (s *Site) mediaFile(ctx context.Context, id int64, ratio string, width int) (news.MediaFile, string, error) {
	if s.opts.MediaFile != nil {
		return s.opts.MediaFile(ctx, id, ratio, width)
	}
	f, err := news.FileOf(ctx, s.store, id, ratio, width)
	return f, "", err
}

// readyMedia returns an image whose variants are made, waiting (bounded)
// for one uploaded a moment ago; otherwise it answers why not.
func (s *Site) readyMedia(w http.ResponseWriter, r *http.Request, id int64) (news.Media, bool) {
	m, err := s.store.Media(r.Context(), id)
	if err == nil && m.State == news.MediaPending && s.opts.AwaitMedia != nil {
		m, err = s.opts.AwaitMedia(r.Context(), id)
	}
	switch {
	case err != nil:
		s.storeError(w, r, err)
	case m.State == news.MediaPending:
		w.Header().Set("Retry-After", "2")
		s.renderError(w, r, http.StatusServiceUnavailable, nil)
	case m.State == news.MediaFailed || len(m.Variants) == 0:
		s.renderError(w, r, http.StatusNotFound, nil)
	default:
		return m, true
	}
	return news.Media{}, false
}
