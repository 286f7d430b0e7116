// Package api owns Sahafa's read-only JSON content API, served under
// /api/v1/: article lists with cursor pagination, single articles and
// sections, search (GET /api/v1/search) and "you may also read" lists. It
// reads through news.Store and the search engine and maps news error codes to
// HTTP statuses with JSON error bodies.
package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"sahafa/comments"
	"sahafa/news"
	"sahafa/pagecache"
	"sahafa/search"
	"sahafa/syndicate"
)

// Prefix is the path under which the API is served.
const Prefix = "/api/v1/"

// Default and maximum page sizes of article lists.
const (
	DefaultLimit = 20
	MaxLimit     = news.MaxListLimit
)

// server holds the API's dependencies. Its routes are registered on an
// http.ServeMux by New.
type server struct {
	store   news.Store
	search  *search.Engine
	loc     *time.Location
	baseURL string
	logger  *slog.Logger
	mux     *http.ServeMux
	// siteName is Options.SiteName.
	siteName func(ctx context.Context) string
}

// Options configure the API handler.
type Options struct {
	BaseURL string         // public URL of the site, for article URLs
	Logger  *slog.Logger   // records internal errors; default slog.Default()
	Search  *search.Engine // search and related articles; default search.New(store)
	// Location is the time zone of date-only from/to search parameters
	// (the site's display time zone); default UTC.
	Location *time.Location
	// SiteName names the publisher in the ninjs and NewsML-G2 forms of
	// articles (the site's current name); default "صحافة".
	SiteName func(ctx context.Context) string
}

// New returns the API handler. Its patterns carry the full /api/v1/ path, so
// mount it as is: mux.Handle("/api/v1/", api.New(store, baseURL)).
func New(store news.Store, baseURL string) http.Handler {
	return NewWithLogger(store, baseURL, slog.Default())
}

// NewWithLogger is New with the logger that records internal errors.
func NewWithLogger(store news.Store, baseURL string, logger *slog.Logger) http.Handler {
	return NewWithOptions(store, Options{BaseURL: baseURL, Logger: logger})
}

// NewWithOptions is New with every dependency spelled out.
func NewWithOptions(store news.Store, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Search == nil {
		opts.Search = search.New(store)
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	s := &server{store: store, search: opts.Search, loc: opts.Location,
		baseURL: strings.TrimRight(opts.BaseURL, "/"), logger: opts.Logger, mux: http.NewServeMux(), siteName: opts.SiteName}
	s.routes()
	return s.mux
}

func (s *server) routes() {
	s.mux.HandleFunc("GET /api/v1/articles", s.handleArticles)
	s.mux.HandleFunc("GET /api/v1/articles/{id}", s.handleArticle)
	s.mux.HandleFunc("GET /api/v1/sections", s.handleSections)
	s.mux.HandleFunc("GET /api/v1/articles/{id}/related", s.handleRelated)
	s.mux.HandleFunc("GET /api/v1/search", s.handleSearch)
	s.mux.HandleFunc("GET /api/v1/breaking", s.handleBreaking)
	s.mux.HandleFunc("GET /api/v1/articles/{id}/live", s.handleLive)
	s.mux.HandleFunc("GET /api/v1/articles/{id}/comments", s.handleComments)
	s.mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, http.StatusNotFound, "no such API endpoint: "+r.URL.Path, "")
	})
}

// Article is the JSON form of a news.Article.
type Article struct {
	ID          int64    `json:"id"`
	ExternalID  string   `json:"external_id"`
	SourceURL   string   `json:"source_url"`
	Slug        string   `json:"slug"`
	URL         string   `json:"url"`
	Title       string   `json:"title"`
	Abstract    string   `json:"abstract"`
	Body        string   `json:"body"`
	Section     Section  `json:"section"`
	Authors     []Author `json:"authors"`
	Dateline    string   `json:"dateline"`
	PublishedAt string   `json:"published_at"`
	UpdatedAt   string   `json:"updated_at,omitempty"`
	Tags        []Author `json:"tags"` // name and slug, like authors
	Image       *Image   `json:"image,omitempty"`
	// Corrections and the number of readers' comments shown under it are
	// present on single articles (GET /api/v1/articles/{id}).
	Corrections  []Correction `json:"corrections,omitempty"`
	CommentCount *int         `json:"comment_count,omitempty"`
}

// Image is an article's lead image; URLs are absolute.
type Image struct {
	URL     string `json:"url"`
	Srcset  string `json:"srcset,omitempty"`
	Width   int    `json:"width,omitempty"`
	Height  int    `json:"height,omitempty"`
	Alt     string `json:"alt"`
	Caption string `json:"caption,omitempty"`
}

// Correction is a dated correction of a published article.
type Correction struct {
	At   string `json:"at"`
	Text string `json:"text"`
}

// Section is the JSON form of a section inside an article.
type Section struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// SectionStats is one entry of GET /api/v1/sections.
type SectionStats struct {
	Slug  string `json:"slug"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Author is the JSON form of a byline author.
type Author struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// ArticleList is the body of GET /api/v1/articles.
type ArticleList struct {
	Total      int       `json:"total"`
	Articles   []Article `json:"articles"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// Error is the body of every error response.
type Error struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

func (s *server) article(a news.Article) Article {
	out := Article{
		ID:          a.ID,
		ExternalID:  a.ExternalID,
		SourceURL:   a.SourceURL,
		Slug:        a.Slug,
		URL:         s.baseURL + a.Path(),
		Title:       a.Title,
		Abstract:    a.Abstract,
		Body:        a.Body,
		Section:     Section{Slug: a.Section.Slug, Name: a.Section.Name},
		Authors:     make([]Author, 0, len(a.Authors)),
		Dateline:    a.Dateline,
		PublishedAt: a.PublishedAt.UTC().Format(time.RFC3339),
	}
	if !a.UpdatedAt.IsZero() {
		out.UpdatedAt = a.UpdatedAt.UTC().Format(time.RFC3339)
	}
	for _, au := range a.Authors {
		out.Authors = append(out.Authors, Author{Name: au.Name, Slug: au.Slug})
	}
	out.Tags = make([]Author, 0, len(a.Tags))
	for _, t := range a.Tags {
		out.Tags = append(out.Tags, Author{Name: t.Name, Slug: t.Slug})
	}
	if img := a.Image; img != nil {
		out.Image = &Image{URL: s.absolute(img.URL), Width: img.Width, Height: img.Height, Alt: img.Alt, Caption: img.Caption}
		if img.Srcset != "" {
			parts := strings.Split(img.Srcset, ", ")
			for i, p := range parts {
				parts[i] = s.absolute(p)
			}
			out.Image.Srcset = strings.Join(parts, ", ")
		}
	}
	for _, c := range a.Corrections {
		out.Corrections = append(out.Corrections, Correction{At: c.At.UTC().Format(time.RFC3339), Text: c.Text})
	}
	return out
}

// absolute makes a site-relative URL (the media library's) absolute.
func (s *server) absolute(u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return s.baseURL + u
	}
	return u
}

func (s *server) handleArticles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := news.ArticleFilter{
		SectionSlug: strings.TrimSpace(q.Get("section")),
		AuthorSlug:  strings.TrimSpace(q.Get("author")),
		Limit:       DefaultLimit,
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.writeError(w, r, http.StatusBadRequest, "limit must be a whole number between 1 and "+strconv.Itoa(MaxLimit), "limit")
			return
		}
		if n < 1 || n > MaxLimit {
			s.writeError(w, r, http.StatusBadRequest, "limit must be between 1 and "+strconv.Itoa(MaxLimit)+", got "+v, "limit")
			return
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		c, err := DecodeCursor(v)
		if err != nil {
			s.writeError(w, r, http.StatusBadRequest, "cursor is not a token this API returned as next_cursor", "cursor")
			return
		}
		f.After = &c
	}
	list, err := s.store.Articles(r.Context(), f)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	out := ArticleList{Total: list.Total, Articles: make([]Article, 0, len(list.Articles))}
	for _, a := range list.Articles {
		out.Articles = append(out.Articles, s.article(a))
	}
	if list.Next != nil {
		out.NextCursor = EncodeCursor(*list.Next)
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *server) handleArticle(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("id")
	format := ""
	for _, f := range []string{".ninjs", ".newsml"} {
		if rest, ok := strings.CutSuffix(raw, f); ok {
			raw, format = rest, f
		}
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		s.writeError(w, r, http.StatusBadRequest, "article id must be a positive whole number (then .ninjs or .newsml for those forms)", "id")
		return
	}
	a, err := s.store.Article(r.Context(), id)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if format != "" {
		s.syndicated(w, r, a, format)
		return
	}
	out := s.article(a)
	th, _, err := s.threadState(r, a)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	count := len(th)
	out.CommentCount = &count
	// Dropped from the cache with the article's page when a comment is
	// approved.
	w.Header().Set(pagecache.TagHeader, news.CacheTag(id))
	s.writeJSON(w, http.StatusOK, out)
}

// syndicated answers an article as IPTC ninjs or NewsML-G2, for partners'
// ingest systems.
func (s *server) syndicated(w http.ResponseWriter, r *http.Request, a news.Article, format string) {
	site := syndicate.Site{Name: "صحافة", BaseURL: s.baseURL}
	if s.siteName != nil {
		site.Name = s.siteName(r.Context())
	}
	var body []byte
	var err error
	ctype := "application/ninjs+json; charset=utf-8"
	if format == ".newsml" {
		body, err = syndicate.NewsML(site, a)
		ctype = "application/vnd.iptc.g2.newsitem+xml; charset=utf-8"
	} else {
		body, err = syndicate.Ninjs(site, a)
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set(pagecache.TagHeader, news.CacheTag(a.ID))
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=60, stale-while-revalidate=300")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// Comments is the body of GET /api/v1/articles/{id}/comments: the
// approved comments shown under the article, in reading order (an answer
// after the comment it answers).
type Comments struct {
	ArticleID int64     `json:"article_id"`
	Open      bool      `json:"open"` // readers may add comments
	Count     int       `json:"count"`
	Comments  []Comment `json:"comments"`
}

// Comment is one reader's comment; HTML is its sanitized text.
type Comment struct {
	ID      int64     `json:"id"`
	ReplyTo int64     `json:"reply_to,omitempty"`
	Author  string    `json:"author"`
	Staff   bool      `json:"staff,omitempty"` // written by the newsroom
	At      time.Time `json:"at"`
	HTML    string    `json:"html"`
}

// threadState is article a's comments as its page shows them (none when
// the site or the article has them off), and whether it takes more.
func (s *server) threadState(r *http.Request, a news.Article) ([]comments.Item, comments.State, error) {
	list, own, err := s.store.ArticleComments(r.Context(), a.ID)
	if err != nil {
		return nil, comments.State{}, err
	}
	settings, err := s.store.Settings(r.Context())
	if err != nil {
		return nil, comments.State{}, err
	}
	st := comments.ParsePolicy(settings).For(a, own, time.Now())
	if !st.Shown {
		return nil, st, nil
	}
	return comments.Order(list), st, nil
}

func (s *server) handleComments(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		s.writeError(w, r, http.StatusBadRequest, "article id must be a positive whole number", "id")
		return
	}
	a, err := s.store.Article(r.Context(), id) // published articles only
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	items, st, err := s.threadState(r, a)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	out := Comments{ArticleID: id, Open: st.Open, Count: len(items), Comments: make([]Comment, 0, len(items))}
	for _, it := range items {
		out.Comments = append(out.Comments, Comment{ID: it.ID, ReplyTo: it.ParentID, Author: it.Author, Staff: it.Staff,
			At: it.At.UTC(), HTML: string(it.Text)})
	}
	w.Header().Set(pagecache.TagHeader, news.CacheTag(id))
	s.writeJSON(w, http.StatusOK, out)
}

func (s *server) handleSections(w http.ResponseWriter, r *http.Request) {
	stats, err := s.store.Sections(r.Context())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	out := make([]SectionStats, 0, len(stats))
	for _, st := range stats {
		out = append(out, SectionStats{Slug: st.Slug, Name: st.Name, Count: st.Articles})
	}
	s.writeJSON(w, http.StatusOK, struct {
		Sections []SectionStats `json:"sections"`
	}{out})
}

// Breaking is the breaking-news line as the API gives it.
type Breaking struct {
	Text  string    `json:"text"`
	URL   string    `json:"url,omitempty"` // absolute
	At    time.Time `json:"at"`
	Until time.Time `json:"until"`
}

// handleBreaking answers {"breaking": {...}} with the line in force, or
// {"breaking": null}.
func (s *server) handleBreaking(w http.ResponseWriter, r *http.Request) {
	stored, err := s.store.Settings(r.Context())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	var out *Breaking
	if b := news.DecodeBreaking(stored[news.SettingBreaking], time.Now()); b != nil {
		out = &Breaking{Text: b.Text, URL: b.URL, At: b.At, Until: b.Until}
		if strings.HasPrefix(out.URL, "/") {
			out.URL = s.baseURL + out.URL
		}
	}
	s.writeJSON(w, http.StatusOK, struct {
		Breaking *Breaking `json:"breaking"`
	}{out})
}

// Live is an article's live coverage as the API gives it: its updates
// newest first (the newest news.LiveUpdatesShown), what readers' pages
// fetch to show new ones without a reload.
type Live struct {
	ArticleID int64        `json:"article_id"`
	Running   bool         `json:"running"`
	Started   time.Time    `json:"started"`
	Ended     *time.Time   `json:"ended,omitempty"`
	Total     int          `json:"total"`
	Updates   []LiveUpdate `json:"updates"`
}

// LiveUpdate is one update; HTML is sanitized as article bodies are.
type LiveUpdate struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Author string    `json:"author,omitempty"`
	HTML   string    `json:"html"`
}

func (s *server) handleLive(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		s.writeError(w, r, http.StatusBadRequest, "article id must be a positive whole number", "id")
		return
	}
	if _, err := s.store.Article(r.Context(), id); err != nil { // published articles only
		s.storeError(w, r, err)
		return
	}
	c, err := s.store.LiveCoverage(r.Context(), id, news.LiveUpdatesShown)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	out := Live{ArticleID: id, Running: c.Running(), Started: c.Started, Total: c.Total, Updates: make([]LiveUpdate, 0, len(c.Updates))}
	if !c.Running() {
		out.Ended = &c.Ended
	}
	for _, u := range c.Updates {
		out.Updates = append(out.Updates, LiveUpdate{ID: u.ID, At: u.At, Author: u.Author, HTML: u.Body})
	}
	// Dropped from the cache with the article's page when an update comes.
	w.Header().Set(pagecache.TagHeader, news.CacheTag(id))
	s.writeJSON(w, http.StatusOK, out)
}

// cursorVersion prefixes every cursor so the format can change later.
const cursorVersion = "c1"

// EncodeCursor returns the opaque token for a list position.
func EncodeCursor(c news.Cursor) string {
	raw := cursorVersion + ":" + strconv.FormatInt(c.PublishedAt.UnixNano(), 10) + ":" + strconv.FormatInt(c.ID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// DecodeCursor parses a token made by EncodeCursor.
func DecodeCursor(token string) (news.Cursor, error) {
	errBad := errors.New("malformed cursor")
	if len(token) > 128 {
		return news.Cursor{}, errBad
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(token, "="))
	if err != nil {
		return news.Cursor{}, errBad
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 3 || parts[0] != cursorVersion {
		return news.Cursor{}, errBad
	}
	ns, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || id < 0 {
		return news.Cursor{}, errBad
	}
	return news.Cursor{PublishedAt: time.Unix(0, ns).UTC(), ID: id}, nil
}

// storeError maps a store error to a JSON error response.
func (s *server) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch news.ErrorCode(err) {
	case news.ENOTFOUND:
		s.writeError(w, r, http.StatusNotFound, news.ErrorMessage(err), "")
	case news.EINVALID:
		s.writeError(w, r, http.StatusBadRequest, news.ErrorMessage(err), "")
	case news.EUNAVAILABLE:
		w.Header().Set("Retry-After", "30")
		s.writeError(w, r, http.StatusServiceUnavailable, "the service is temporarily unavailable; try again shortly", "")
	default:
		if errors.Is(err, context.Canceled) {
			return // the client went away
		}
		s.logger.ErrorContext(r.Context(), "api: store error", "method", r.Method, "path", r.URL.Path, "err", err)
		s.writeError(w, r, http.StatusInternalServerError, "internal error", "")
	}
}

func (s *server) writeError(w http.ResponseWriter, _ *http.Request, status int, msg, field string) {
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, status, Error{Error: msg, Field: field})
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (s *server) writeJSON(w http.ResponseWriter, status int, v any) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		// A page of 100 long articles grows a buffer to megabytes; let
		// those go rather than keep them pooled.
		if buf.Cap() <= 1<<20 {
			bufPool.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		s.logger.Error("api: encoding response", "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"internal error"}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	if status == http.StatusOK && h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "public, max-age=60, stale-while-revalidate=300")
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
