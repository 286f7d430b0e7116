// Package newsroom is the editor-facing web application under /newsroom/:
// sign-in, the dashboard, the Markdown article editor with live preview,
// the workflow buttons, history and revisions, corrections, the media
// library, sections, tags, users, site settings and the user's account.
// Every page is server-rendered, right-to-left and in Arabic, and works
// without JavaScript (which adds the live preview and the formatting
// toolbar). It holds no business rules: every action goes to the
// editorial and accounts services, which enforce the roles.
//
// Security: sessions in HttpOnly, SameSite=Lax cookies (Secure and
// __Host- prefixed on HTTPS), a per-session CSRF token in every form on
// top of http.CrossOriginProtection, a strict Content-Security-Policy
// (scripts and styles from the site only), no caching, and request body
// limits.
package newsroom

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"sahafa/accounts"
	"sahafa/assets"
	"sahafa/comments"
	"sahafa/editorial"
	"sahafa/news"
	"sahafa/seal"
	"sahafa/webhook"
	"sahafa/wire"
)

// Prefix is where the newsroom lives.
const Prefix = "/newsroom/"

// Options configure the newsroom.
type Options struct {
	Store     news.Store
	Editorial *editorial.Service
	Accounts  *accounts.Service
	// Comments, when set, adds the moderation of readers' comments.
	Comments *comments.Service
	Assets   *assets.Set
	SiteName string
	// CurrentSiteName, when set, gives the site's name as administrators
	// last set it (web.Site.SiteName); SiteName is the fallback.
	CurrentSiteName func(context.Context) string
	// CurrentSettings, when set, gives the settings in force by key
	// (web.Site.Settings): the saved ones, else the flags'. The settings
	// form starts from them; without it, from the saved ones alone.
	CurrentSettings func(context.Context) map[string]string
	// BaseURL is the site's public URL: an https one makes cookies Secure,
	// and its origin is trusted for state-changing requests.
	BaseURL string
	// Preview renders an article as readers will see it (the public
	// site's article page), for the preview of drafts.
	Preview func(w http.ResponseWriter, r *http.Request, a news.Article)
	// Import, when set, lets administrators import files from the
	// newsroom (/newsroom/import/), ImportMaxBytes at most
	// (DefaultImportMaxBytes); the jobs run under Background (the
	// server's: they end when it stops).
	Import         Importer
	ImportMaxBytes int64
	// Wire, when set, is the wire desk (/newsroom/wire/).
	Wire *wire.Desk
	// Webhooks, when set, lets admins manage webhooks (/newsroom/webhooks/);
	// Sealer seals their secrets.
	Webhooks   *webhook.Service
	Sealer     *seal.Sealer
	Background context.Context
	// TrustProxy takes the client address from X-Forwarded-For (set by a
	// reverse proxy in front) for the sign-in limits.
	TrustProxy bool
	Logger     *slog.Logger
}

// Handler serves /newsroom/.
type Handler struct {
	opts   Options
	log    *slog.Logger
	tmpl   *templates
	secure bool
	cookie string
	mux    *http.ServeMux
	root   http.Handler
	// importing is set while this server runs an import job.
	importing atomic.Bool
}

// New builds the newsroom; it parses its templates once.
func New(opts Options) (*Handler, error) {
	if opts.Store == nil || opts.Editorial == nil || opts.Accounts == nil || opts.Assets == nil {
		return nil, errors.New("newsroom: store, editorial, accounts and assets are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.SiteName == "" {
		opts.SiteName = "صحافة"
	}
	h := &Handler{opts: opts, log: opts.Logger, cookie: "sahafa_session"}
	if u, err := url.Parse(opts.BaseURL); err == nil && u.Scheme == "https" {
		h.secure, h.cookie = true, "__Host-sahafa_session"
	}
	var err error
	if h.tmpl, err = h.parseTemplates(); err != nil {
		return nil, err
	}
	h.mux = http.NewServeMux()
	h.routes()
	cop := http.NewCrossOriginProtection()
	if u, err := url.Parse(opts.BaseURL); err == nil && u.Host != "" {
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, err
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.renderError(w, r, nil, http.StatusForbidden, "رُفض الطلب لأنه جاء من موقع آخر. أعد تحميل الصفحة وحاول مرة أخرى.")
	}))
	h.root = cop.Handler(h.mux)
	return h, nil
}

// ServeHTTP serves the newsroom with its security headers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Robots-Tag", "noindex, nofollow")
	// Editors read what they have just saved: never from a replica.
	h.root.ServeHTTP(w, r.WithContext(news.ReadPrimary(r.Context())))
}

// contentSecurityPolicy allows the newsroom's own script and styles only;
// images may come from https hosts (an imported article's pictures).
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; " +
	"img-src 'self' data: https:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Body limits: forms are small; uploads carry one image, and may take
// uploadTimeout to arrive.
const (
	maxFormBytes   = 1 << 20
	maxUploadBytes = editorial.MaxUploadBytes + 1<<20
	uploadTimeout  = 5 * time.Minute
)

func (h *Handler) routes() {
	m := h.mux
	m.HandleFunc("GET /newsroom/login", h.loginPage)
	m.HandleFunc("POST /newsroom/login", h.login)
	m.HandleFunc("GET /newsroom", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
	})
	m.Handle("POST /newsroom/logout", h.auth(h.logout))
	m.Handle("GET /newsroom/{$}", h.auth(h.dashboard))
	m.Handle("GET /newsroom/articles/{$}", h.auth(h.browse))
	m.Handle("GET /newsroom/articles/new", h.auth(h.newArticle))
	m.Handle("POST /newsroom/articles/new", h.auth(h.saveArticle))
	m.Handle("GET /newsroom/articles/{id}", h.auth(h.editArticle))
	m.Handle("POST /newsroom/articles/{id}", h.auth(h.saveArticle))
	m.Handle("POST /newsroom/articles/{id}/workflow", h.auth(h.workflow))
	m.Handle("POST /newsroom/articles/new/autosave", h.auth(h.autosave))
	m.Handle("POST /newsroom/articles/{id}/autosave", h.auth(h.autosave))
	m.Handle("POST /newsroom/articles/new/autosave/discard", h.auth(h.discardAutosave))
	m.Handle("POST /newsroom/articles/{id}/autosave/discard", h.auth(h.discardAutosave))
	m.Handle("POST /newsroom/articles/{id}/presence", h.auth(h.presence))
	m.Handle("POST /newsroom/articles/{id}/takeover", h.auth(h.takeOver))
	m.Handle("POST /newsroom/articles/{id}/corrections", h.auth(h.addCorrection))
	m.Handle("GET /newsroom/articles/{id}/history", h.auth(h.history))
	m.Handle("GET /newsroom/articles/{id}/compare", h.auth(h.compare))
	m.Handle("POST /newsroom/articles/{id}/restore", h.auth(h.restore))
	m.Handle("GET /newsroom/articles/{id}/preview", h.auth(h.preview))
	m.Handle("POST /newsroom/preview", h.auth(h.livePreview))
	m.Handle("GET /newsroom/media.json", h.auth(h.mediaJSONList))
	m.Handle("POST /newsroom/media/upload.json", h.auth(h.uploadJSON))
	m.Handle("POST /newsroom/media/fetch.json", h.auth(h.fetchJSON))
	m.Handle("GET /newsroom/articles.json", h.auth(h.articlesJSON))
	m.Handle("GET /newsroom/media/{$}", h.auth(h.mediaLibrary))
	m.Handle("POST /newsroom/media/{$}", h.auth(h.upload))
	m.Handle("GET /newsroom/media/{id}", h.auth(h.mediaPage))
	m.Handle("POST /newsroom/media/{id}", h.auth(h.editMedia))
	m.Handle("GET /newsroom/sections/{$}", h.auth(h.sections))
	m.Handle("POST /newsroom/sections/{$}", h.auth(h.saveSection))
	m.Handle("GET /newsroom/tags/{$}", h.auth(h.tags))
	m.Handle("POST /newsroom/tags/{$}", h.auth(h.saveTag))
	m.Handle("GET /newsroom/users/{$}", h.auth(h.users))
	m.Handle("POST /newsroom/users/{$}", h.auth(h.createUser))
	m.Handle("GET /newsroom/users/{id}", h.auth(h.userPage))
	m.Handle("POST /newsroom/users/{id}", h.auth(h.updateUser))
	m.Handle("GET /newsroom/settings", h.auth(h.settings))
	m.Handle("POST /newsroom/settings", h.auth(h.saveSettings))
	m.Handle("GET /newsroom/account", h.auth(h.account))
	m.Handle("POST /newsroom/account/password", h.auth(h.changePassword))
	m.Handle("POST /newsroom/account/sessions", h.auth(h.signOutEverywhere))
	h.libraryRoutes()
	m.HandleFunc("/newsroom/", func(w http.ResponseWriter, r *http.Request) {
		h.renderError(w, r, nil, http.StatusNotFound, "الصفحة غير موجودة في غرفة الأخبار.")
	})
}

// request is a signed-in request: the user and their session.
type request struct {
	*http.Request
	user    news.User
	session news.Session
}

// auth wraps a handler for signed-in users. Without a valid session, a
// page request goes to the sign-in page and an action gets 401. Every
// POST must carry the session's CSRF token.
func (h *Handler) auth(fn func(w http.ResponseWriter, r *request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var token string
		if c, err := r.Cookie(h.cookie); err == nil {
			token = c.Value
		}
		sess, u, err := h.opts.Accounts.Authenticate(r.Context(), token)
		if err != nil {
			if news.ErrorCode(err) != news.EUNAUTHORIZED {
				h.fail(w, r, nil, err)
				return
			}
			if token != "" {
				h.clearCookie(w)
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/newsroom/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			h.renderError(w, r, nil, http.StatusUnauthorized, "انتهت جلستك. سجّل الدخول مرة أخرى (ما كتبته لم يُحفظ: انسخه قبل مغادرة الصفحة).")
			return
		}
		rq := &request{Request: r, user: u, session: sess}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			limit := int64(maxFormBytes)
			if strings.HasPrefix(r.URL.Path, "/newsroom/media/") {
				limit = maxUploadBytes
			}
			if r.URL.Path == "/newsroom/import/" {
				limit = h.importMaxBytes()
			}
			if r.URL.Path == "/newsroom/media/" || r.URL.Path == "/newsroom/media/upload.json" {
				// Taken or refused before the body is read: a refused
				// upload costs the server nothing but this answer.
				ctx, release, err := h.opts.Editorial.AdmitUpload(r.Context(), u)
				if err != nil {
					w.Header().Set("Connection", "close")
					if r.URL.Path == "/newsroom/media/upload.json" {
						h.failJSON(w, rq, err)
					} else {
						h.fail(w, r, rq, err)
					}
					return
				}
				defer release()
				r = r.WithContext(ctx)
				rq.Request = r
			}
			if !h.readForm(w, r, rq, limit) {
				return
			}
			if !h.checkCSRF(r, sess) {
				h.renderError(w, r, rq, http.StatusForbidden, "انتهت صلاحية النموذج أو جاء من مكان آخر. أعد تحميل الصفحة وحاول مرة أخرى.")
				return
			}
		}
		fn(w, rq)
	})
}

// readForm reads a POST's form, at most limit bytes of it, before anything
// looks at it: a body over the limit is answered 413 with the limit in
// the message — at once when Content-Length says so, without reading it —
// rather than an expired-form 403 or an empty answer; a body that is not
// a form is 400. Files of a multipart form past the first MiB wait in
// temporary files, not in memory.
func (h *Handler) readForm(w http.ResponseWriter, r *http.Request, rq *request, limit int64) bool {
	tooLarge := func() bool {
		h.log.WarnContext(r.Context(), "security: request body over the limit", "path", r.URL.Path, "limit", limit,
			"content_length", r.ContentLength, "address", h.clientAddress(r))
		w.Header().Set("Connection", "close")
		msg := fmt.Sprintf("الطلب أكبر من الحد المسموح (%d ميغابايت). لم يُحفظ شيء.", limit>>20)
		if r.URL.Path == "/newsroom/import/" {
			msg = fmt.Sprintf("الملف أكبر من الحد المسموح للاستيراد من غرفة الأخبار (%d ميغابايت). استورده بالأمر sahafa import على الخادم.", limit>>20)
		} else if limit >= maxUploadBytes {
			msg = fmt.Sprintf("الملف أكبر من الحد المسموح (%d ميغابايت). اختر صورة أصغر أو صغّرها ثم ارفعها.", editorial.MaxUploadBytes>>20)
		}
		h.renderError(w, r, rq, http.StatusRequestEntityTooLarge, msg)
		return false
	}
	if r.ContentLength > limit {
		return tooLarge()
	}
	if limit >= maxUploadBytes || r.URL.Path == "/newsroom/import/" {
		// A 20 MB photo over a slow link takes longer than the server's
		// read timeout; the uploader is signed in by now. The answer may
		// wait for the image gate (media.GateOptions.Wait) and processing.
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Now().Add(uploadTimeout))
		rc.SetWriteDeadline(time.Now().Add(uploadTimeout + time.Minute))
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return tooLarge()
	case err != nil:
		h.renderError(w, r, rq, http.StatusBadRequest, "تعذّرت قراءة النموذج المرسل. أعد تحميل الصفحة وحاول مرة أخرى.")
		return false
	}
	return true
}

// checkCSRF compares the form's csrf field (or the X-CSRF-Token header of
// the live preview) with the session's token, in constant time. The form
// has been read (readForm).
func (h *Handler) checkCSRF(r *http.Request, sess news.Session) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	ok := got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) == 1
	if !ok {
		h.log.WarnContext(r.Context(), "security: CSRF token refused", "path", r.URL.Path, "user", sess.UserID,
			"address", h.clientAddress(r))
	}
	return ok
}

func (h *Handler) setCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: h.cookie, Value: token, Path: "/", HttpOnly: true, Secure: h.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 60 * 24 * 3600})
}

func (h *Handler) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: h.cookie, Value: "", Path: "/", HttpOnly: true, Secure: h.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// clientAddress is the address the sign-in limits count: the peer, or the
// last proxy-added X-Forwarded-For entry when a proxy is trusted.
func (h *Handler) clientAddress(r *http.Request) string { return ClientAddress(r, h.opts.TrustProxy) }

// HasSession reports whether a request carries a newsroom session cookie
// (valid or not): a newsroom user's, whose own page views are not counted.
func HasSession(r *http.Request) bool {
	for _, c := range r.Cookies() {
		if c.Name == "sahafa_session" || c.Name == "__Host-sahafa_session" {
			return true
		}
	}
	return false
}

// ClientAddress is a request's client address: the peer's, or with
// trustProxy the last X-Forwarded-For entry (the one the trusted proxy
// added). Sign-in limits count it, and access logs show it.
func ClientAddress(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// pathID reads the {id} path value.
func pathID(r *request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// safeNext is a sign-in redirect target: a newsroom path on this site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, Prefix) || strings.HasPrefix(next, "//") ||
		strings.Contains(next, "\\") {
		return Prefix
	}
	return u.RequestURI()
}
