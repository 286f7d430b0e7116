package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"sahafa/news"
	"sahafa/readership"
)

// StatsPrefix is the path of the readership and ad numbers, for other
// systems holding an API token with news.ScopeStatsRead. Its answers are
// never cached.
const StatsPrefix = Prefix + "stats/"

// StatsOptions configure the stats API.
type StatsOptions struct {
	BaseURL string
	Logger  *slog.Logger
	// Authorize checks the request's token for news.ScopeStatsRead: an
	// EUNAUTHORIZED or EFORBIDDEN error refuses it.
	Authorize func(r *http.Request) error
	Now       func() time.Time // default time.Now
	Location  *time.Location   // the days of /days; default UTC
}

type statsServer struct {
	*server
	authorize func(r *http.Request) error
	now       func() time.Time
}

// NewStats returns the stats API handler (GET /api/v1/stats/...).
func NewStats(store news.Store, opts StatsOptions) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	s := &statsServer{server: &server{store: store, loc: opts.Location, baseURL: opts.BaseURL, logger: opts.Logger,
		mux: http.NewServeMux()}, authorize: opts.Authorize, now: opts.Now}
	s.mux.HandleFunc("GET "+StatsPrefix+"summary", s.summary)
	s.mux.HandleFunc("GET "+StatsPrefix+"hours", s.hours)
	s.mux.HandleFunc("GET "+StatsPrefix+"days", s.days)
	s.mux.HandleFunc("GET "+StatsPrefix+"articles", s.articles)
	s.mux.HandleFunc("GET "+StatsPrefix+"articles/{id}", s.article)
	s.mux.HandleFunc("GET "+StatsPrefix+"sections", s.byName("sections", func(r *http.Request, since time.Time, limit int) ([]news.DomainViews, error) {
		l, err := s.store.SectionViews(r.Context(), since)
		return l[:min(len(l), limit)], err
	}))
	s.mux.HandleFunc("GET "+StatsPrefix+"authors", s.byName("authors", func(r *http.Request, since time.Time, limit int) ([]news.DomainViews, error) {
		return s.store.AuthorViews(r.Context(), since, limit)
	}))
	s.mux.HandleFunc("GET "+StatsPrefix+"referrers", s.byName("referrers", func(r *http.Request, since time.Time, limit int) ([]news.DomainViews, error) {
		return s.store.TopReferrers(r.Context(), since, limit)
	}))
	s.mux.HandleFunc("GET "+StatsPrefix+"ads", s.ads)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.authorize == nil {
			s.writeError(w, r, http.StatusNotFound, "the stats API is off", "")
			return
		}
		if err := s.authorize(r); err != nil {
			switch news.ErrorCode(err) {
			case news.EUNAUTHORIZED:
				w.Header().Set("WWW-Authenticate", `Bearer realm="sahafa"`)
				s.writeError(w, r, http.StatusUnauthorized, news.ErrorMessage(err), "")
			case news.EFORBIDDEN:
				s.writeError(w, r, http.StatusForbidden, news.ErrorMessage(err), "")
			default:
				s.storeError(w, r, err)
			}
			return
		}
		s.mux.ServeHTTP(w, r)
	})
}

// intParam reads a whole-number query parameter within [lo, hi], def when
// absent; ok is false (and a 400 written, naming it) otherwise.
func (s *statsServer) intParam(w http.ResponseWriter, r *http.Request, name string, def, lo, hi int) (int, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		s.writeError(w, r, http.StatusBadRequest, name+" must be a whole number from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi), name)
		return 0, false
	}
	return n, true
}

// since is the start of the last days days, counted in whole hours.
func (s *statsServer) since(days int) time.Time { return readership.Since(s.now(), days) }

// StatsSummary is GET /api/v1/stats/summary.
type StatsSummary struct {
	ViewsToday   int `json:"views_today"` // since midnight UTC
	ReadersToday int `json:"readers_today"`
	Views24h     int `json:"views_24h"`
	ViewsHour    int `json:"views_last_hour"`
}

func (s *statsServer) summary(w http.ResponseWriter, r *http.Request) {
	rep, err := readership.Build(r.Context(), s.store, s.now())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	out := StatsSummary{ViewsToday: rep.ViewsToday, ReadersToday: rep.ReadersToday, Views24h: rep.ViewsDay}
	if n := len(rep.Hours); n > 0 {
		out.ViewsHour = rep.Hours[n-1].Views
	}
	s.writeJSON(w, http.StatusOK, out)
}

// StatsPeriod is one hour or day of views.
type StatsPeriod struct {
	Start time.Time `json:"start"`
	Views int       `json:"views"`
}

func (s *statsServer) hours(w http.ResponseWriter, r *http.Request) {
	n, ok := s.intParam(w, r, "hours", 48, 1, 24*14)
	if !ok {
		return
	}
	this := s.now().UTC().Truncate(time.Hour)
	from := this.Add(-time.Duration(n-1) * time.Hour)
	views, err := s.store.HourlyViews(r.Context(), from, this.Add(time.Hour))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	out := make([]StatsPeriod, 0, n)
	for h := from; !h.After(this); h = h.Add(time.Hour) {
		out = append(out, StatsPeriod{Start: h, Views: views[h]})
	}
	s.writeJSON(w, http.StatusOK, struct {
		Hours []StatsPeriod `json:"hours"`
	}{out})
}

func (s *statsServer) days(w http.ResponseWriter, r *http.Request) {
	n, ok := s.intParam(w, r, "days", 30, 1, 90)
	if !ok {
		return
	}
	days, err := readership.DailyViews(r.Context(), s.store, s.now(), n, s.loc)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	out := make([]StatsPeriod, len(days))
	for i, d := range days {
		out[i] = StatsPeriod{Start: d.Hour, Views: d.Views}
	}
	s.writeJSON(w, http.StatusOK, struct {
		Days []StatsPeriod `json:"days"`
	}{out})
}

// StatsArticle is an article with its views.
type StatsArticle struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	Section string `json:"section"`
	Views   int    `json:"views"`
}

func (s *statsServer) articles(w http.ResponseWriter, r *http.Request) {
	days, ok := s.intParam(w, r, "days", 1, 1, 90)
	if !ok {
		return
	}
	limit, ok := s.intParam(w, r, "limit", 10, 1, 100)
	if !ok {
		return
	}
	top, err := readership.MostViewedIn(r.Context(), s.store, s.since(days), r.URL.Query().Get("section"), limit)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	out := make([]StatsArticle, len(top))
	for i, t := range top {
		out[i] = s.statsArticle(t.Article, t.Views)
	}
	s.writeJSON(w, http.StatusOK, struct {
		Days     int            `json:"days"`
		Articles []StatsArticle `json:"articles"`
	}{days, out})
}

func (s *statsServer) article(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.writeError(w, r, http.StatusBadRequest, "the article id must be a positive whole number", "id")
		return
	}
	days, ok := s.intParam(w, r, "days", 7, 1, 90)
	if !ok {
		return
	}
	a, err := s.store.Article(r.Context(), id)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	n, err := s.store.ArticleViewTotal(r.Context(), id, s.since(days))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, struct {
		Days int `json:"days"`
		StatsArticle
	}{days, s.statsArticle(a, n)})
}

func (s *statsServer) statsArticle(a news.Article, views int) StatsArticle {
	return StatsArticle{ID: a.ID, Title: a.Title, URL: s.baseURL + a.Path(), Section: a.Section.Slug, Views: views}
}

// StatsName is a section, author or referring domain with its views.
type StatsName struct {
	Name  string `json:"name"`
	Views int    `json:"views"`
}

func names(list []news.DomainViews) []StatsName {
	out := make([]StatsName, len(list))
	for i, d := range list {
		out[i] = StatsName{Name: d.Domain, Views: d.Views}
	}
	return out
}

// byName answers the lists of names (sections, authors, referrers).
func (s *statsServer) byName(key string, list func(r *http.Request, since time.Time, limit int) ([]news.DomainViews, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		days, ok := s.intParam(w, r, "days", 7, 1, 90)
		if !ok {
			return
		}
		limit, ok := s.intParam(w, r, "limit", 10, 1, 100)
		if !ok {
			return
		}
		got, err := list(r, s.since(days), limit)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		s.writeJSON(w, http.StatusOK, map[string]any{"days": days, key: names(got)})
	}
}

// StatsAd is an ad's numbers in one slot.
type StatsAd struct {
	AdID        int64  `json:"ad_id"`
	Slot        string `json:"slot"`
	Impressions int    `json:"impressions"`
	Clicks      int    `json:"clicks"`
}

func (s *statsServer) ads(w http.ResponseWriter, r *http.Request) {
	days, ok := s.intParam(w, r, "days", 7, 1, 90)
	if !ok {
		return
	}
	stats, err := s.store.AdStats(r.Context(), s.since(days))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	out := make([]StatsAd, len(stats))
	for i, st := range stats {
		out[i] = StatsAd{AdID: st.AdID, Slot: st.Slot, Impressions: st.Impressions, Clicks: st.Clicks}
	}
	s.writeJSON(w, http.StatusOK, struct {
		Days int       `json:"days"`
		Ads  []StatsAd `json:"ads"`
	}{days, out})
}
