package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sahafa/arabic"
	"sahafa/news"
	"sahafa/pagecache"
	"sahafa/search"
)

// searchPerPage is the number of results on a search page.
const searchPerPage = search.DefaultLimit

// maxSearchPage is the last page the engine can serve: it does not page
// past search.MaxOffset.
const maxSearchPage = search.MaxOffset/searchPerPage + 1

// searchView is what the search page (and the header's search box) shows.
type searchView struct {
	Query      string // as the reader typed it (cut to search.MaxQueryBytes)
	QueryShort string // the query cut for the heading
	Sort       string // "" (relevance) or "date"
	Section    string // section slug, when valid
	Author     string // author slug, when valid
	AuthorName string
	From, To   string // YYYY-MM-DD, when valid

	// What to say: Hint for an empty query, NothingToMatch when the
	// query holds only stop words or punctuation, NoResults when nothing
	// matched, Partial when the results hold only some of the words.
	Hint           bool
	NothingToMatch bool
	NoResults      bool
	PastEnd        bool // a page number past the last page
	Partial        bool
	Notes          []string // filters that were ignored, and why

	Total     int
	TotalText string // "٣٤ نتيجة"
	Results   []searchResult
	Page      int
	Pages     []pageLink
	PrevURL   string
	NextURL   string
	Start     int    // the rank of the first result on the page
	FirstURL  string // page 1 of the same search
	ClearURL  string // the same query without any filter
	HasFilter bool
}

// searchResult is one hit, ready for the template.
type searchResult struct {
	URL         string
	Title       template.HTML // escaped by the engine, matches in <mark>
	Snippet     template.HTML
	Section     news.Section
	PublishedAt time.Time
	Image       *news.Image // the lead image, framed for lists
}

// pageLink is one link of the page-number navigation; a zero N is a gap.
type pageLink struct {
	N       int
	Label   string
	URL     string
	Current bool
}

// handleSearch serves GET /search/. Bad filter values never fail the page:
// each is ignored with a note saying so, and the page answers 200.
func (s *Site) handleSearch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	stats, err := s.nav(r)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	q := r.URL.Query()
	v := &searchView{Query: cutQuery(strings.TrimSpace(q.Get("q"))), Page: 1}
	req := search.Request{Query: v.Query, Limit: searchPerPage}

	switch sv := strings.TrimSpace(q.Get("sort")); sv {
	case "", "relevance":
	case "date":
		v.Sort, req.ByDate = "date", true
	default:
		v.Notes = append(v.Notes, "ترتيب غير معروف، فرتّبنا النتائج حسب الصلة.")
	}
	if sec := strings.TrimSpace(q.Get("section")); sec != "" {
		found := false
		for _, st := range stats {
			if st.Slug == sec {
				found = true
				break
			}
		}
		if found {
			v.Section, req.Section = sec, sec
		} else {
			v.Notes = append(v.Notes, "القسم المطلوب غير موجود، فبحثنا في كل الأقسام.")
		}
	}
	if slug := strings.TrimSpace(q.Get("author")); slug != "" {
		au, err := s.store.AuthorBySlug(ctx, slug)
		switch {
		case err == nil:
			v.Author, v.AuthorName, req.Author = au.Slug, au.Name, au.Slug
		case news.ErrorCode(err) == news.ENOTFOUND || news.ErrorCode(err) == news.EINVALID:
			v.Notes = append(v.Notes, "الكاتب المطلوب غير موجود، فبحثنا في مقالات كل الكتّاب.")
		default:
			s.storeError(w, r, err)
			return
		}
	}
	from, fromOK := s.searchDate(q.Get("from"))
	to, toOK := s.searchDate(q.Get("to"))
	if !fromOK {
		v.Notes = append(v.Notes, "تاريخ البداية غير صالح (الصيغة: سنة-شهر-يوم)، فتجاهلناه.")
	}
	if !toOK {
		v.Notes = append(v.Notes, "تاريخ النهاية غير صالح (الصيغة: سنة-شهر-يوم)، فتجاهلناه.")
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		v.Notes = append(v.Notes, "تاريخ النهاية يسبق تاريخ البداية، فتجاهلنا نطاق التاريخ.")
		from, to = time.Time{}, time.Time{}
	}
	if !from.IsZero() {
		v.From, req.From = from.Format(time.DateOnly), from
	}
	if !to.IsZero() {
		v.To = to.Format(time.DateOnly)
		req.To = to.AddDate(0, 0, 1) // the whole of the last day
	}
	if pv := strings.TrimSpace(q.Get("page")); pv != "" {
		n, err := strconv.Atoi(arabic.FormatDigits(pv, arabic.LatinDigits))
		if err != nil || n < 1 {
			v.Notes = append(v.Notes, "رقم الصفحة غير صالح، فعرضنا الصفحة الأولى.")
		} else {
			v.Page = n
		}
	}
	v.HasFilter = v.Section != "" || v.Author != "" || v.From != "" || v.To != ""

	p := &page{
		Nav:     stats,
		Title:   "البحث في الأرشيف",
		Heading: "البحث في الأرشيف",
		NoIndex: true,
		Search:  v,
	}
	if v.Query != "" {
		p.Title = "بحث: " + shorten(v.Query, 80)
		v.QueryShort = shorten(v.Query, 120)
		p.Heading = "نتائج البحث عن: " + v.QueryShort
	}
	if v.Page > 1 {
		p.Title += " - صفحة " + s.num(v.Page)
	}

	if v.Query == "" {
		v.Hint = true
		s.render(w, r, http.StatusOK, "search", p)
		return
	}
	pastMax := v.Page > maxSearchPage
	if !pastMax {
		req.Offset = (v.Page - 1) * searchPerPage
	}
	res, err := s.search.Search(ctx, req)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if res.Query.Empty() {
		v.NothingToMatch = true
		s.render(w, r, http.StatusOK, "search", p)
		return
	}
	v.Total, v.Partial = res.Total, res.Partial
	v.TotalText = s.resultCount(res.Total)
	if res.AtLeast {
		v.TotalText = "أكثر من " + s.num(res.Total) + " نتيجة"
	}
	pages := min(max(1, (res.Total+searchPerPage-1)/searchPerPage), maxSearchPage)
	base := v.values()
	v.FirstURL = searchURL(base, 1)
	clear := url.Values{"q": {v.Query}}
	if v.Sort != "" {
		clear.Set("sort", v.Sort)
	}
	v.ClearURL = searchURL(clear, 1)
	switch {
	case res.Total == 0:
		v.NoResults = true
	case pastMax || v.Page > pages:
		v.PastEnd = true
	default:
		v.Start = req.Offset + 1
		arts := make([]news.Article, len(res.Hits))
		for i, h := range res.Hits {
			arts[i] = h.Article
		}
		if err := s.frameLists(r.Context(), arts); err != nil {
			s.storeError(w, r, err)
			return
		}
		for i, h := range res.Hits {
			v.Results = append(v.Results, searchResult{
				URL:         h.Path(),
				Title:       template.HTML(h.Title),   // escaped by search.Highlight
				Snippet:     template.HTML(h.Snippet), // escaped by search.Snippet
				Section:     h.Section,
				PublishedAt: h.PublishedAt,
				Image:       arts[i].Image,
			})
		}
		if pages > 1 {
			v.Pages = pageLinks(base, v.Page, pages, s.num)
			if v.Page > 1 {
				v.PrevURL = searchURL(base, v.Page-1)
			}
			if v.Page < pages {
				v.NextURL = searchURL(base, v.Page+1)
			}
		}
	}
	s.render(w, r, http.StatusOK, "search", p)
}

// handleSearchNoSlash redirects /search?q=… to /search/?q=….
func (s *Site) handleSearchNoSlash(w http.ResponseWriter, r *http.Request) {
	target := "/search/"
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, target, http.StatusMovedPermanently)
}

// values returns the search's valid parameters, for links to its pages.
func (v *searchView) values() url.Values {
	out := url.Values{}
	set := func(k, val string) {
		if val != "" {
			out.Set(k, val)
		}
	}
	set("q", v.Query)
	set("section", v.Section)
	set("author", v.Author)
	set("from", v.From)
	set("to", v.To)
	set("sort", v.Sort)
	return out
}

func searchURL(vals url.Values, page int) string {
	if page > 1 {
		vals = cloneValues(vals)
		vals.Set("page", strconv.Itoa(page))
	}
	return "/search/?" + vals.Encode()
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+1)
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// pageLinks returns the page-number links: the first and last pages, and
// two on each side of the current one, with gaps between.
func pageLinks(vals url.Values, cur, pages int, num func(int) string) []pageLink {
	var out []pageLink
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < cur-2 || n > cur+2) {
			continue
		}
		if last != 0 && n > last+1 {
			out = append(out, pageLink{}) // a gap: "…"
		}
		out = append(out, pageLink{N: n, Label: num(n), URL: searchURL(vals, n), Current: n == cur})
		last = n
	}
	return out
}

// searchDate parses a YYYY-MM-DD date (ASCII or Arabic-Indic digits) as
// midnight in the display time zone. An empty value is the zero time; ok
// is false when the value is malformed.
func (s *Site) searchDate(v string) (t time.Time, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, true
	}
	parts := strings.Split(arabic.FormatDigits(v, arabic.LatinDigits), "-")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	return parseDate(parts[0], parts[1], parts[2], s.opts.Location)
}

// resultCount says how many results were found, with the site's digits and
// the Arabic noun form the number takes.
func (s *Site) resultCount(n int) string {
	switch {
	case n == 0:
		return "لا نتائج"
	case n == 1:
		return "نتيجة واحدة"
	case n == 2:
		return "نتيجتان"
	case n%100 >= 3 && n%100 <= 10:
		return s.num(n) + " نتائج"
	default:
		return s.num(n) + " نتيجة"
	}
}

// cutQuery cuts a query to the length the engine reads, at a character
// boundary. Bytes that are not UTF-8 become U+FFFD first: they would
// otherwise be echoed raw into the page, and one early in a long query made
// the cut below drop the whole query.
func cutQuery(q string) string {
	q = strings.ToValidUTF8(q, "\uFFFD")
	if len(q) <= search.MaxQueryBytes {
		return q
	}
	q = q[:search.MaxQueryBytes]
	for !utf8.ValidString(q) {
		q = q[:len(q)-1]
	}
	return q
}

// shorten cuts s to n characters, adding "…" when it cuts.
func shorten(s string, n int) string {
	// The query is echoed in <title> and the heading, where a bidi override
	// it carries (U+202E…) would reverse the text after it.
	s = arabic.StripBidiControls(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

// searchParams are the query parameters the search page reads.
var searchParams = []string{"q", "section", "author", "from", "to", "sort", "page"}

// pageCacheKey is the page cache's key for a page. Search pages are kept
// under their parameters as the page reads them (trimmed, empty ones and
// unknown ones dropped, the page number in one spelling), so that
// ?q=x&page=01&utm_source=y and ?q=x share one entry: the search form
// sends every field, and search links are not redirected to a canonical
// URL, which would cost every search a round trip. Other pages are
// redirected to their canonical query first (canonicalQuery), so their
// key is the URL.
func pageCacheKey(r *http.Request) string {
	if r.URL.Path != "/search/" || r.URL.RawQuery == "" {
		return pagecache.Key(r)
	}
	q := r.URL.Query()
	clean := url.Values{}
	for _, k := range searchParams {
		v := strings.TrimSpace(q.Get(k))
		if k == "page" {
			if n, err := strconv.Atoi(arabic.FormatDigits(v, arabic.LatinDigits)); err == nil && n >= 1 {
				v = strconv.Itoa(n)
				if n == 1 {
					v = ""
				}
			}
		}
		if v != "" {
			clean.Set(k, v)
		}
	}
	return "/search/?" + clean.Encode()
}
