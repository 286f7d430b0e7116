// Package adminapi is the admin API (/api/v1/admin/): other systems — a
// wire-desk robot, a partner's CMS, a newsroom script — create, edit,
// publish and unpublish articles and upload images with a token from the
// newsroom (رموز الربط) instead of a person's session. A token acts as the
// admin who made it, limited by its scopes; every write goes through the
// same editorial service as the newsroom's forms: the same validation,
// sanitizing, roles, embargoes and revisions. docs/openapi.yaml describes
// it. Tokens are never logged: only the request line is.
package adminapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"sahafa/accounts"
	"sahafa/admission"
	"sahafa/editorial"
	"sahafa/news"
)

// Prefix is where the admin API is mounted.
const Prefix = "/api/v1/admin/"

// MaxJSONBytes bounds a request's JSON body.
const MaxJSONBytes = 1 << 20

// Bounds on writes: at most WritesAtOnce run together (as many more wait
// up to five seconds, then 503), and one token makes at most
// TokenBurst writes at once, refilled at TokenRate a second (then 429).
const (
	WritesAtOnce = 4
	TokenBurst   = 30
	TokenRate    = 5
)

// Options configure the handler.
type Options struct {
	Store     news.Store
	Editorial *editorial.Service
	Accounts  *accounts.Service
	BaseURL   string
	Logger    *slog.Logger
}

type server struct {
	opts   Options
	mux    *http.ServeMux
	writes *admission.Gate
	mu     sync.Mutex
	// buckets are the tokens' write allowances, by token id.
	buckets map[int64]*bucket
}

type bucket struct {
	left float64
	at   time.Time
}

// allow takes one write from a token's allowance; false: none left, and
// how long until one is.
func (s *server) allow(tokenID int64, now time.Time) (bool, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[tokenID]
	if b == nil {
		if len(s.buckets) >= 10_000 { // bounded: forget them all rather than grow
			s.buckets = map[int64]*bucket{}
		}
		b = &bucket{left: TokenBurst, at: now}
		s.buckets[tokenID] = b
	}
	b.left = min(TokenBurst, b.left+now.Sub(b.at).Seconds()*TokenRate)
	b.at = now
	if b.left < 1 {
		return false, time.Duration((1 - b.left) / TokenRate * float64(time.Second))
	}
	b.left--
	return true, 0
}

// New returns the admin API's handler.
func New(o Options) http.Handler {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	s := &server{opts: o, mux: http.NewServeMux(), writes: admission.New(WritesAtOnce, WritesAtOnce, 5*time.Second),
		buckets: map[int64]*bucket{}}
	s.mux.HandleFunc("POST /api/v1/admin/articles", s.with(news.ScopeArticlesWrite, s.create))
	s.mux.HandleFunc("GET /api/v1/admin/articles/{id}", s.with(news.ScopeArticlesWrite, s.get))
	s.mux.HandleFunc("PUT /api/v1/admin/articles/{id}", s.with(news.ScopeArticlesWrite, s.update))
	s.mux.HandleFunc("POST /api/v1/admin/articles/{id}/publish", s.with(news.ScopeArticlesWrite, s.transition(editorial.ActPublish)))
	s.mux.HandleFunc("POST /api/v1/admin/articles/{id}/unpublish", s.with(news.ScopeArticlesWrite, s.transition(editorial.ActUnpublish)))
	s.mux.HandleFunc("POST /api/v1/admin/media", s.with(news.ScopeMediaWrite, s.upload))
	s.mux.HandleFunc("/api/v1/admin/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such admin API endpoint: "+r.Method+" "+r.URL.Path, "")
	})
	return s
}

// ServeHTTP answers with the API's headers: nothing here is cached.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r.WithContext(news.ReadPrimary(r.Context())))
}

// with authenticates the token for scope and runs fn as its admin.
func (s *server) with(scope string, fn func(w http.ResponseWriter, r *http.Request, u news.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, err := s.opts.Accounts.TokenFor(r.Context(), r.Header.Get("Authorization"), scope)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		u, err := s.opts.Store.User(r.Context(), t.CreatedBy)
		if err != nil || u.Disabled {
			// The admin who made it is gone or disabled: so is the token.
			writeError(w, http.StatusUnauthorized, "the API token's owner can no longer sign in", "")
			return
		}
		if r.Method != http.MethodGet {
			if ok, wait := s.allow(t.ID, time.Now()); !ok {
				w.Header().Set("Retry-After", strconv.Itoa(max(1, int(wait.Seconds()+0.999))))
				writeError(w, http.StatusTooManyRequests, fmt.Sprintf("this token may write %d times a second (%d at once): wait and try again", TokenRate, TokenBurst), "")
				return
			}
			if err := s.writes.Enter(r.Context()); err != nil {
				if r.Context().Err() != nil {
					return
				}
				w.Header().Set("Retry-After", "5")
				writeError(w, http.StatusServiceUnavailable, "the server is busy with other writes: try again in a few seconds", "")
				return
			}
			defer s.writes.Leave()
		}
		fn(w, r, u)
	}
}

// ArticleInput is the JSON body of a create or an update.
type ArticleInput struct {
	Version    int      `json:"version"` // the version the update starts from (updates)
	Title      string   `json:"title"`
	Abstract   string   `json:"abstract"`
	Body       string   `json:"body"`
	BodyFormat string   `json:"body_format"` // "html" (the editor's blocks) or "markdown" (default)
	Section    string   `json:"section"`     // slug
	Tags       []string `json:"tags"`
	Authors    []string `json:"authors"` // default: the token's admin
	Dateline   string   `json:"dateline"`
	Slug       string   `json:"slug"`
	PublishAt  string   `json:"publish_at"` // RFC 3339; empty: at publication
	ImageID    int64    `json:"image_id"`
	ImageAlt   string   `json:"image_alt"`
	Note       string   `json:"note"` // kept with the revision
}

// Article is an article as the admin API answers it.
type Article struct {
	ID          int64    `json:"id"`
	Version     int      `json:"version"`
	Status      string   `json:"status"`
	Title       string   `json:"title"`
	Abstract    string   `json:"abstract"`
	Body        string   `json:"body"` // sanitized HTML
	Section     string   `json:"section"`
	Tags        []string `json:"tags"`
	Authors     []string `json:"authors"`
	Dateline    string   `json:"dateline"`
	URL         string   `json:"url"` // where readers find it once published
	PublishedAt string   `json:"published_at,omitempty"`
	UpdatedAt   string   `json:"updated_at,omitempty"`
	ImageID     int64    `json:"image_id,omitempty"`
}

func (s *server) article(a news.Article) Article {
	out := Article{ID: a.ID, Version: a.Version, Status: string(a.Status), Title: a.Title, Abstract: a.Abstract, Body: a.Body,
		Section: a.Section.Slug, Dateline: a.Dateline, URL: s.opts.BaseURL + a.Path(), Tags: []string{}, Authors: []string{}}
	for _, t := range a.Tags {
		out.Tags = append(out.Tags, t.Name)
	}
	for _, au := range a.Authors {
		out.Authors = append(out.Authors, au.Name)
	}
	if !a.PublishedAt.IsZero() {
		out.PublishedAt = a.PublishedAt.UTC().Format(time.RFC3339)
	}
	if !a.UpdatedAt.IsZero() {
		out.UpdatedAt = a.UpdatedAt.UTC().Format(time.RFC3339)
	}
	if a.Image != nil {
		out.ImageID = a.Image.MediaID
	}
	return out
}

// input reads and checks a JSON body into the editor's form.
func (s *server) input(w http.ResponseWriter, r *http.Request, id int64) (editorial.ArticleInput, bool) {
	var in ArticleInput
	r.Body = http.MaxBytesReader(w, r.Body, MaxJSONBytes)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var mbe *http.MaxBytesError
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d KiB", MaxJSONBytes>>10), "")
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			writeError(w, http.StatusBadRequest, "the body is not complete JSON: it ends early", "")
		case errors.As(err, &se):
			writeError(w, http.StatusBadRequest, fmt.Sprintf("the body is not JSON (at byte %d): %v", se.Offset, err), "")
		case errors.As(err, &te):
			writeError(w, http.StatusBadRequest, fmt.Sprintf("field %q must be %s, got %s", te.Field, te.Type, te.Value), te.Field)
		default:
			writeError(w, http.StatusBadRequest, "the body is not an article: "+err.Error(), "")
		}
		return editorial.ArticleInput{}, false
	}
	out := editorial.ArticleInput{ID: id, Version: in.Version, Title: in.Title, Abstract: in.Abstract, Body: in.Body,
		Section: in.Section, Tags: strings.Join(in.Tags, "، "), Authors: strings.Join(in.Authors, "، "), Dateline: in.Dateline,
		Slug: in.Slug, ImageAlt: in.ImageAlt, Note: in.Note}
	switch in.BodyFormat {
	case "", "markdown":
	case "html":
		out.BodyFormat = "html"
	default:
		writeError(w, http.StatusBadRequest, `body_format must be "html" or "markdown"`, "body_format")
		return editorial.ArticleInput{}, false
	}
	if in.ImageID > 0 {
		out.ImageID = strconv.FormatInt(in.ImageID, 10)
	}
	if in.PublishAt != "" {
		t, err := time.Parse(time.RFC3339, in.PublishAt)
		if err != nil {
			writeError(w, http.StatusBadRequest, "publish_at must be an RFC 3339 time such as 2026-12-05T09:30:00+03:00", "publish_at")
			return editorial.ArticleInput{}, false
		}
		out.PublishAt = t.In(s.opts.Editorial.Location()).Format("2006-01-02T15:04")
	}
	for _, list := range [][]string{in.Tags, in.Authors} {
		for _, name := range list {
			if strings.ContainsAny(name, ",،") {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("the name %q holds a comma: give each name as its own string", name), "")
				return editorial.ArticleInput{}, false
			}
		}
	}
	return out, true
}

func (s *server) create(w http.ResponseWriter, r *http.Request, u news.User) {
	in, ok := s.input(w, r, 0)
	if !ok {
		return
	}
	a, err := s.opts.Editorial.Save(r.Context(), u, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("%sarticles/%d", Prefix, a.ID))
	writeJSON(w, http.StatusCreated, s.article(a))
}

func articleID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		writeError(w, http.StatusBadRequest, "article id must be a positive whole number", "id")
		return 0, false
	}
	return id, true
}

func (s *server) get(w http.ResponseWriter, r *http.Request, u news.User) {
	id, ok := articleID(w, r)
	if !ok {
		return
	}
	a, err := s.opts.Editorial.Article(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.article(a))
}

func (s *server) update(w http.ResponseWriter, r *http.Request, u news.User) {
	id, ok := articleID(w, r)
	if !ok {
		return
	}
	in, ok := s.input(w, r, id)
	if !ok {
		return
	}
	if in.Version == 0 {
		writeError(w, http.StatusBadRequest, "give the version the update starts from (GET the article first)", "version")
		return
	}
	a, err := s.opts.Editorial.Save(r.Context(), u, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.article(a))
}

// transition publishes or unpublishes; the body may give {"version": n},
// else the current version is used.
func (s *server) transition(act editorial.Action) func(w http.ResponseWriter, r *http.Request, u news.User) {
	return func(w http.ResponseWriter, r *http.Request, u news.User) {
		id, ok := articleID(w, r)
		if !ok {
			return
		}
		var body struct {
			Version int `json:"version"`
		}
		r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil && !errors.Is(err, io.EOF) {
			writeError(w, http.StatusBadRequest, `the body must be empty or {"version": N}`, "version")
			return
		}
		if body.Version == 0 {
			a, err := s.opts.Editorial.Article(r.Context(), u, id)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			body.Version = a.Version
		}
		a, err := s.opts.Editorial.Transition(r.Context(), u, id, body.Version, act, "")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.article(a))
	}
}

// Media is an uploaded image as the API answers it.
type Media struct {
	ID  int64  `json:"id"`
	URL string `json:"url"`
}

// upload takes an image as the request's body (Content-Type image/…),
// with ?alt=…&caption=…&credit=….
func (s *server) upload(w http.ResponseWriter, r *http.Request, u news.User) {
	ctx, release, err := s.opts.Editorial.AdmitUpload(r.Context(), u)
	if err != nil {
		w.Header().Set("Connection", "close")
		s.fail(w, r, err)
		return
	}
	defer release()
	if r.ContentLength > editorial.MaxUploadBytes {
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the image is larger than %d MiB", editorial.MaxUploadBytes>>20), "")
		return
	}
	body := http.MaxBytesReader(w, r.Body, editorial.MaxUploadBytes)
	q := r.URL.Query()
	m, err := s.opts.Editorial.Upload(ctx, u, body, q.Get("alt"), q.Get("caption"), q.Get("credit"))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the image is larger than %d MiB", editorial.MaxUploadBytes>>20), "")
			return
		}
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, Media{ID: m.ID, URL: s.opts.BaseURL + "/media/" + strconv.FormatInt(m.ID, 10)})
}

// Error is the body of every error answer; Fields holds a form's
// problems, by field.
type Error struct {
	Error  string            `json:"error"`
	Field  string            `json:"field,omitempty"`
	Fields map[string]string `json:"fields,omitempty"`
}

func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var fe news.FieldErrors
	var le *news.LimitedError
	switch code := news.ErrorCode(err); {
	case errors.As(err, &fe):
		writeJSON(w, http.StatusUnprocessableEntity, Error{Error: "the article was not saved: see fields", Fields: fe})
	case errors.As(err, &le):
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(le.RetryAfter.Seconds()))))
		status := http.StatusTooManyRequests
		if le.Busy {
			status = http.StatusServiceUnavailable
		}
		writeError(w, status, le.Message, "")
	case code == news.EUNAUTHORIZED:
		w.Header().Set("WWW-Authenticate", `Bearer realm="sahafa"`)
		writeError(w, http.StatusUnauthorized, news.ErrorMessage(err), "")
	case code == news.EFORBIDDEN:
		writeError(w, http.StatusForbidden, news.ErrorMessage(err), "")
	case code == news.ENOTFOUND:
		writeError(w, http.StatusNotFound, news.ErrorMessage(err), "")
	case code == news.ECONFLICT:
		writeError(w, http.StatusConflict, news.ErrorMessage(err), "version")
	case code == news.EINVALID:
		writeError(w, http.StatusUnprocessableEntity, news.ErrorMessage(err), "")
	case code == news.EUNAVAILABLE:
		w.Header().Set("Retry-After", "30")
		writeError(w, http.StatusServiceUnavailable, "the service is temporarily unavailable; try again shortly", "")
	default:
		s.opts.Logger.ErrorContext(r.Context(), "adminapi: error", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error", "")
	}
}

func writeError(w http.ResponseWriter, status int, msg, field string) {
	writeJSON(w, status, Error{Error: msg, Field: field})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
