package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sahafa/news"
	"sahafa/pagecache"
	"sahafa/search"
)

// Page sizes of search results.
const (
	DefaultSearchLimit = search.DefaultLimit
	MaxSearchLimit     = search.MaxLimit
)

// SearchResult is one hit of GET /api/v1/search. Title and Snippet are
// HTML: escaped text with the matched words wrapped in <mark>.
type SearchResult struct {
	ID          int64   `json:"id"`
	ExternalID  string  `json:"external_id"`
	Title       string  `json:"title"`
	URL         string  `json:"url"`
	Snippet     string  `json:"snippet"`
	PublishedAt string  `json:"published_at"`
	Section     Section `json:"section"`
}

// SearchResults is the body of GET /api/v1/search.
type SearchResults struct {
	Total int `json:"total"`
	// TotalAtLeast: there are more results than total, which the store
	// stopped counting at.
	TotalAtLeast bool           `json:"total_at_least,omitempty"`
	Results      []SearchResult `json:"results"`
	NextCursor   string         `json:"next_cursor,omitempty"`
	// Partial is true when no article holds every word of the query and
	// the results hold some of them.
	Partial bool `json:"partial,omitempty"`
}

// RelatedList is the body of GET /api/v1/articles/{id}/related.
type RelatedList struct {
	Articles []Article `json:"articles"`
}

func (s *server) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := search.Request{
		Query:   q.Get("q"),
		Section: strings.TrimSpace(q.Get("section")),
		Author:  strings.TrimSpace(q.Get("author")),
		Limit:   DefaultSearchLimit,
	}
	switch v := q.Get("sort"); v {
	case "", "relevance":
	case "date":
		req.ByDate = true
	default:
		s.writeError(w, r, http.StatusBadRequest, `sort must be "relevance" or "date", got `+strconv.Quote(v), "sort")
		return
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxSearchLimit {
			s.writeError(w, r, http.StatusBadRequest, "limit must be a whole number between 1 and "+strconv.Itoa(MaxSearchLimit), "limit")
			return
		}
		req.Limit = n
	}
	var err error
	if req.From, err = s.searchTime(q.Get("from"), false); err != nil {
		s.writeError(w, r, http.StatusBadRequest, "from must be a date (YYYY-MM-DD) or an RFC 3339 time", "from")
		return
	}
	if req.To, err = s.searchTime(q.Get("to"), true); err != nil {
		s.writeError(w, r, http.StatusBadRequest, "to must be a date (YYYY-MM-DD) or an RFC 3339 time", "to")
		return
	}
	if !req.From.IsZero() && !req.To.IsZero() && !req.From.Before(req.To) {
		s.writeError(w, r, http.StatusBadRequest, "to must not be before from", "to")
		return
	}
	fp := searchFingerprint(req)
	if v := q.Get("cursor"); v != "" {
		off, err := decodeSearchCursor(v, fp)
		if err != nil {
			s.writeError(w, r, http.StatusBadRequest, "cursor is not a next_cursor this API returned for the same search", "cursor")
			return
		}
		req.Offset = off
	}
	res, err := s.search.Search(r.Context(), req)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	out := SearchResults{Total: res.Total, TotalAtLeast: res.AtLeast, Results: make([]SearchResult, 0, len(res.Hits)), Partial: res.Partial}
	for _, h := range res.Hits {
		out.Results = append(out.Results, SearchResult{
			ID:          h.ID,
			ExternalID:  h.ExternalID,
			Title:       h.Title,
			URL:         s.baseURL + h.Path(),
			Snippet:     h.Snippet,
			PublishedAt: h.PublishedAt.UTC().Format(time.RFC3339),
			Section:     Section{Slug: h.Section.Slug, Name: h.Section.Name},
		})
	}
	// The engine pages no further than search.MaxOffset.
	if next := req.Offset + len(res.Hits); len(res.Hits) > 0 && next < res.Total && next <= search.MaxOffset {
		out.NextCursor = encodeSearchCursor(next, fp)
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *server) handleRelated(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		s.writeError(w, r, http.StatusBadRequest, "article id must be a positive whole number", "id")
		return
	}
	ctx := r.Context()
	a, err := s.store.Article(ctx, id)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	list, err := s.search.Related(ctx, a, search.RelatedCount)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	w.Header().Set(pagecache.TagHeader, news.CacheTag(a.ID))
	out := RelatedList{Articles: make([]Article, 0, len(list))}
	for _, ra := range list {
		out.Articles = append(out.Articles, s.article(ra))
	}
	s.writeJSON(w, http.StatusOK, out)
}

// searchTime parses a from/to parameter: a date (midnight in the site's time
// zone; for "to", the midnight after it, so that the day is included) or an
// RFC 3339 time (for "to", included too). Empty is the zero time.
func (s *server) searchTime(v string, end bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if len(v) == len(time.DateOnly) {
		t, err := time.ParseInLocation(time.DateOnly, v, s.loc)
		if err != nil {
			return time.Time{}, err
		}
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, err
	}
	if end {
		t = t.Add(time.Nanosecond) // the engine's To is exclusive
	}
	return t, nil
}

// A search cursor is the offset of the next page, bound to the search it
// came from and sealed with a checksum, so that an edited token or one
// reused with another query is refused rather than silently misread. It is
// an integrity check, not a secret: offsets are not confidential.
const searchCursorVersion = "s1"

// searchFingerprint identifies a search (everything but offset and limit).
func searchFingerprint(req search.Request) string {
	v := url.Values{}
	v.Set("q", req.Query)
	v.Set("section", req.Section)
	v.Set("author", req.Author)
	if !req.From.IsZero() {
		v.Set("from", strconv.FormatInt(req.From.UnixNano(), 10))
	}
	if !req.To.IsZero() {
		v.Set("to", strconv.FormatInt(req.To.UnixNano(), 10))
	}
	if req.ByDate {
		v.Set("sort", "date")
	}
	sum := sha256.Sum256([]byte(v.Encode()))
	return hex.EncodeToString(sum[:6])
}

func searchCursorSeal(payload string) string {
	sum := sha256.Sum256([]byte("sahafa search cursor\x00" + payload))
	return hex.EncodeToString(sum[:6])
}

func encodeSearchCursor(offset int, fingerprint string) string {
	payload := searchCursorVersion + "." + strconv.Itoa(offset) + "." + fingerprint
	return base64.RawURLEncoding.EncodeToString([]byte(payload + "." + searchCursorSeal(payload)))
}

func decodeSearchCursor(token, fingerprint string) (int, error) {
	errBad := errors.New("malformed search cursor")
	if len(token) > 128 {
		return 0, errBad
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(token, "="))
	if err != nil {
		return 0, errBad
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 4 || parts[0] != searchCursorVersion {
		return 0, errBad
	}
	payload := strings.Join(parts[:3], ".")
	if parts[3] != searchCursorSeal(payload) || parts[2] != fingerprint {
		return 0, errBad
	}
	off, err := strconv.Atoi(parts[1])
	if err != nil || off < 1 || off > search.MaxOffset {
		return 0, errBad
	}
	return off, nil
}
