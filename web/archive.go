package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"sahafa/news"
)

// The archive groups articles by their publication date in the display
// time zone: /archive/ lists years and months with counts; each year, month
// and day page lists its articles, newest first, by page number.

// localCounts sums the store's quarter-hour publication counts of
// [from, to) into periods of the display time zone: trunc maps a local time
// to the start of its period (year, month or day). One query, however many
// periods.
func (s *Site) localCounts(ctx context.Context, from, to time.Time, trunc func(time.Time) time.Time) (map[time.Time]int, error) {
	buckets, err := s.store.PublicationCounts(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := map[time.Time]int{}
	for _, b := range buckets {
		out[trunc(b.Start.In(s.opts.Location))] += b.Count
	}
	return out, nil
}

func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
}
func dayStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

func yearPath(y int) string                { return fmt.Sprintf("/archive/%04d/", y) }
func monthPath(y int, m time.Month) string { return fmt.Sprintf("/archive/%04d/%02d/", y, int(m)) }
func dayPath(y int, m time.Month, d int) string {
	return fmt.Sprintf("/archive/%04d/%02d/%02d/", y, int(m), d)
}

func (s *Site) handleArchiveIndex(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	stats, err := s.nav(r)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	p := &page{
		Nav:          stats,
		Title:        "الأرشيف",
		Heading:      "الأرشيف",
		Description:  "أرشيف " + s.cfg(r.Context()).SiteName + " حسب السنة والشهر",
		Canonical:    s.canonical("/archive/"),
		Breadcrumb:   []crumb{{"الأرشيف", "/archive/"}},
		Empty:        "لا توجد مقالات في الأرشيف بعد.",
		ArchiveIndex: true,
	}
	months, err := s.localCounts(ctx, time.Time{}, time.Time{}, monthStart)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	starts := make([]time.Time, 0, len(months))
	for m := range months {
		starts = append(starts, m)
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return b.Compare(a) }) // newest first
	for _, m := range starts {
		y := m.Year()
		if len(p.Years) == 0 || p.Years[len(p.Years)-1].year != y {
			p.Years = append(p.Years, yearGroup{year: y, period: period{Name: s.num(y), URL: yearPath(y)}})
		}
		yg := &p.Years[len(p.Years)-1]
		yg.Count += months[m]
		yg.Months = append(yg.Months, period{Name: s.monthName(m.Month()), URL: monthPath(y, m.Month()), Count: months[m]})
	}
	s.render(w, r, http.StatusOK, "archive", p)
}

func (s *Site) handleArchiveYear(w http.ResponseWriter, r *http.Request) {
	y, ok := parseUint(r.PathValue("yyyy"), 4, 4)
	if !ok || y < 1 {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	from := time.Date(y, time.January, 1, 0, 0, 0, 0, s.opts.Location)
	name := s.num(y)
	p := &page{
		Title:      "أرشيف " + name,
		Heading:    "أرشيف سنة " + name,
		Breadcrumb: []crumb{{"الأرشيف", "/archive/"}, {name, yearPath(y)}},
	}
	months, err := s.localCounts(r.Context(), from, from.AddDate(1, 0, 0), monthStart)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	for m := time.January; m <= time.December; m++ {
		if n := months[time.Date(y, m, 1, 0, 0, 0, 0, s.opts.Location)]; n > 0 {
			p.Periods = append(p.Periods, period{Name: s.monthName(m), URL: monthPath(y, m), Count: n})
		}
	}
	s.archiveList(w, r, p, from, from.AddDate(1, 0, 0), yearPath(y))
}

func (s *Site) handleArchiveMonth(w http.ResponseWriter, r *http.Request) {
	y, ok1 := parseUint(r.PathValue("yyyy"), 4, 4)
	m, ok2 := parseUint(r.PathValue("mm"), 2, 2)
	if !ok1 || !ok2 || y < 1 || m < 1 || m > 12 {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	month := time.Month(m)
	from := time.Date(y, month, 1, 0, 0, 0, 0, s.opts.Location)
	to := from.AddDate(0, 1, 0)
	label := s.monthName(month) + " " + s.num(y)
	p := &page{
		Title:   "أرشيف " + label,
		Heading: "أرشيف " + label,
		Breadcrumb: []crumb{{"الأرشيف", "/archive/"}, {s.num(y), yearPath(y)},
			{s.monthName(month), monthPath(y, month)}},
	}
	days, err := s.localCounts(r.Context(), from, to, dayStart)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		if n := days[d]; n > 0 {
			p.Periods = append(p.Periods, period{Name: s.num(d.Day()), URL: dayPath(y, month, d.Day()), Count: n})
		}
	}
	s.archiveList(w, r, p, from, to, monthPath(y, month))
}

func (s *Site) handleArchiveDay(w http.ResponseWriter, r *http.Request) {
	yyyy, mm, dd := r.PathValue("yyyy"), r.PathValue("mm"), r.PathValue("dd")
	if len(mm) != 2 || len(dd) != 2 {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	from, ok := parseDate(yyyy, mm, dd, s.opts.Location)
	if !ok {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	y, month, d := from.Date()
	label := s.date(from)
	p := &page{
		Title:   "أرشيف " + label,
		Heading: "أرشيف " + label,
		Breadcrumb: []crumb{{"الأرشيف", "/archive/"}, {s.num(y), yearPath(y)},
			{s.monthName(month), monthPath(y, month)}, {s.num(d), dayPath(y, month, d)}},
	}
	s.archiveList(w, r, p, from, from.AddDate(0, 0, 1), dayPath(y, month, d))
}

// archiveList adds the nav and the page of articles in [from, to) and
// renders an archive page.
func (s *Site) archiveList(w http.ResponseWriter, r *http.Request, p *page, from, to time.Time, path string) {
	stats, err := s.nav(r)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	p.Nav = stats
	p.Description = p.Heading + " في " + s.cfg(r.Context()).SiteName
	p.Empty = "لا توجد مقالات في هذه الفترة."
	if !s.list(w, r, p, news.ArticleFilter{From: from, To: to}, path) {
		return
	}
	s.render(w, r, http.StatusOK, "archive", p)
}
