package web

import (
	"html/template"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sahafa/news"
)

// Ads are shown in frames of their own: the page (cached, the same for
// every reader) reserves the slot's size and loads /ad-frame/{slot},
// which picks an ad for this view — fairly by weight, house ads when no
// paid one runs — and counts it. The frame is sandboxed without the
// site's origin, so a network's snippet cannot read the reader's cookies
// or the page, and it may load only the hosts the administrators listed
// (its own Content-Security-Policy); the page's policy allows frames of
// the site alone. Newsroom pages have no slot and allow none.

const (
	adFramePrefix = "/ad-frame/"
	adClickPrefix = "/ad-click/"
)

// adView is a slot on a page, for the "ad" template.
type adView struct {
	Slot          string
	URL           string
	Width, Height int
	Lazy          bool
}

// adSlot is the slot of a page, nil when no ad may fill it there.
func (s *Site) adSlot(slot string, p *page) *adView {
	c := s.current()
	if len(c.Ads) == 0 || p == nil || p.NoIndex {
		return nil // none configured; never in newsroom previews
	}
	if !news.SlotsFilled(c.Ads, p.adSection, c.AdLayout)[slot] {
		return nil
	}
	sl, _ := news.SlotByName(slot)
	u := adFramePrefix + slot
	if p.adSection != "" {
		u += "?s=" + url.QueryEscape(p.adSection)
	}
	return &adView{Slot: slot, URL: u, Width: sl.Width, Height: sl.Height, Lazy: slot != "header"}
}

// withArticleAd puts the in-article slot after the body's paragraph the
// layout names (the third by default; none in shorter bodies).
func (s *Site) withArticleAd(body template.HTML, p *page) template.HTML {
	v := s.adSlot("article", p)
	if v == nil {
		return body
	}
	h, at := string(body), 0
	for range s.current().AdLayout.WithDefaults().Paragraph {
		i := strings.Index(h[at:], "</p>")
		if i < 0 {
			return body
		}
		at += i + len("</p>")
	}
	if strings.TrimSpace(h[at:]) == "" {
		return body
	}
	return template.HTML(h[:at] + string(adMarkup(v)) + h[at:])
}

// adMarkup is a slot's HTML: its label and the frame, its size reserved.
func adMarkup(v *adView) template.HTML {
	loading := "eager"
	if v.Lazy {
		loading = "lazy"
	}
	w, h := strconv.Itoa(v.Width), strconv.Itoa(v.Height)
	return template.HTML(`<aside class="ad-slot ad-` + v.Slot + `" aria-label="إعلان">` +
		`<span class="ad-label">إعلان</span><iframe class="ad-frame" src="` + template.HTMLEscapeString(v.URL) + `" width="` + w +
		`" height="` + h + `" title="إعلان" loading="` + loading + `" scrolling="no" sandbox="allow-scripts allow-popups ` +
		`allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"></iframe></aside>`)
}

// serveAdFrame answers a slot's frame with one ad for this view.
func (s *Site) serveAdFrame(w http.ResponseWriter, r *http.Request) {
	slot := strings.TrimPrefix(r.URL.Path, adFramePrefix)
	if _, ok := news.SlotByName(slot); !ok || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	c := s.cfg(r.Context())
	section := r.URL.Query().Get("s")
	h := w.Header()
	h.Set("Cache-Control", "no-store") // a new pick for every view
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	a, ok := news.PickAd(c.Ads, time.Now(), slot, section, rand.Float64())
	var body string
	switch {
	case !ok:
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'")
	case a.HTML != "":
		hosts := strings.Join(c.AdHosts, " ")
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline' "+hosts+"; style-src 'unsafe-inline' "+hosts+
			"; img-src * data:; frame-src "+hosts+"; connect-src "+hosts+"; font-src "+hosts+"; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
		body = a.HTML
	default:
		m, err := s.store.Media(r.Context(), a.ImageID)
		if err != nil || len(m.Variants) == 0 {
			h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'")
			ok = false
			break
		}
		sl, _ := news.SlotByName(slot)
		// The narrowest variant as wide as the slot, else the widest.
		v := m.Variants[0]
		for _, cand := range m.Variants {
			if (v.Width < sl.Width && cand.Width > v.Width) || (cand.Width >= sl.Width && cand.Width < v.Width) {
				v = cand
			}
		}
		h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
		body = `<a href="` + template.HTMLEscapeString(adClickPrefix+strconv.FormatInt(a.ID, 10)+"?slot="+slot) +
			`" target="_top" rel="sponsored noopener"><img src="` + template.HTMLEscapeString(m.URL(v)) + `" alt="` +
			template.HTMLEscapeString(a.Alt) + `"></a>`
	}
	if ok && s.opts.AdCounted != nil {
		s.opts.AdCounted(r, a.ID, slot, false)
	}
	page := `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><meta name="robots" content="noindex">` +
		`<style>html,body{margin:0;padding:0;overflow:hidden;background:transparent}a,img{display:block;width:100%;height:100%}img{object-fit:contain}</style>` +
		`</head><body>` + body + `</body></html>`
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write([]byte(page))
	}
}

// serveAdClick counts a click on an image ad and sends the reader on.
func (s *Site) serveAdClick(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, adClickPrefix), 10, 64)
	if err != nil || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	slot := r.URL.Query().Get("slot")
	for _, a := range s.cfg(r.Context()).Ads {
		if a.ID == id && a.Link != "" {
			if _, ok := news.SlotByName(slot); ok && s.opts.AdCounted != nil {
				s.opts.AdCounted(r, a.ID, slot, true)
			}
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, a.Link, http.StatusFound)
			return
		}
	}
	http.NotFound(w, r)
}
