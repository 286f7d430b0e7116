package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"sahafa/news"
)

// The archive groups articles by their publication date in the display
// time zone: /archive/ lists years and months with counts; each year, month
// and day page lists its articles, newest first, by page number.

// maxArchiveYears bounds the years the archive index counts month by month.
const maxArchiveYears = 200

func (s *Site) count(ctx context.Context, from, to time.Time) (int, error) {
	list, err := s.store.Articles(ctx, news.ArticleFilter{From: from, To: to, Limit: 1})
	return list.Total, err
}

func yearPath(y int) string                { return fmt.Sprintf("/archive/%04d/", y) }
func monthPath(y int, m time.Month) string { return fmt.Sprintf("/archive/%04d/%02d/", y, int(m)) }
func dayPath(y int, m time.Month, d int) string {
	return fmt.Sprintf("/archive/%04d/%02d/%02d/", y, int(m), d)
}

func (s *Site) handleArchiveIndex(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	loc := s.opts.Location
	stats, err := s.nav(r)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	p := &page{
		Nav:          stats,
		Title:        "الأرشيف",
		Heading:      "الأرشيف",
		Description:  "أرشيف " + s.opts.SiteName + " حسب السنة والشهر",
		Canonical:    s.canonical("/archive/"),
		Breadcrumb:   []crumb{{"الأرشيف", "/archive/"}},
		Empty:        "لا توجد مقالات في الأرشيف بعد.",
		ArchiveIndex: true,
	}
	newest, err := s.store.Articles(ctx, news.ArticleFilter{Limit: 1})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if newest.Total > 0 && len(newest.Articles) > 0 {
		oldest, err := s.store.Articles(ctx, news.ArticleFilter{Limit: 1, Offset: newest.Total - 1})
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		last := newest.Articles[0].PublishedAt.In(loc).Year()
		first := last
		if len(oldest.Articles) > 0 {
			first = oldest.Articles[0].PublishedAt.In(loc).Year()
		}
		first = max(first, last-maxArchiveYears)
		for y := last; y >= first; y-- {
			from := time.Date(y, time.January, 1, 0, 0, 0, 0, loc)
			n, err := s.count(ctx, from, from.AddDate(1, 0, 0))
			if err != nil {
				s.storeError(w, r, err)
				return
			}
			if n == 0 {
				continue
			}
			yg := yearGroup{period: period{Name: s.num(y), URL: yearPath(y), Count: n}}
			for m := time.December; m >= time.January; m-- {
				from := time.Date(y, m, 1, 0, 0, 0, 0, loc)
				n, err := s.count(ctx, from, from.AddDate(0, 1, 0))
				if err != nil {
					s.storeError(w, r, err)
					return
				}
				if n > 0 {
					yg.Months = append(yg.Months, period{Name: monthName(m), URL: monthPath(y, m), Count: n})
				}
			}
			p.Years = append(p.Years, yg)
		}
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
	for m := time.January; m <= time.December; m++ {
		mf := time.Date(y, m, 1, 0, 0, 0, 0, s.opts.Location)
		n, err := s.count(r.Context(), mf, mf.AddDate(0, 1, 0))
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		if n > 0 {
			p.Periods = append(p.Periods, period{Name: monthName(m), URL: monthPath(y, m), Count: n})
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
	label := monthName(month) + " " + s.num(y)
	p := &page{
		Title:   "أرشيف " + label,
		Heading: "أرشيف " + label,
		Breadcrumb: []crumb{{"الأرشيف", "/archive/"}, {s.num(y), yearPath(y)},
			{monthName(month), monthPath(y, month)}},
	}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		n, err := s.count(r.Context(), d, d.AddDate(0, 0, 1))
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		if n > 0 {
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
			{monthName(month), monthPath(y, month)}, {s.num(d), dayPath(y, month, d)}},
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
	p.Description = p.Heading + " في " + s.opts.SiteName
	p.Empty = "لا توجد مقالات في هذه الفترة."
	if !s.list(w, r, p, news.ArticleFilter{From: from, To: to}, path) {
		return
	}
	s.render(w, r, http.StatusOK, "archive", p)
}
