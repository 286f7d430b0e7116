package web

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"sahafa/news"
)

// The archive groups articles by their publication date in the display
// time zone: /archive/ lists years and months with counts; each year, month
// and day page lists its articles, newest first, by page number. The Hijri
// archive (archive_hijri.go) does the same by Hijri years and months.

// localCounts sums the store's quarter-hour publication counts of
// [from, to) into periods of the display time zone: trunc maps a local time
// to the start of its period (year, month or day). One query, however many
// periods.
func (s *Site) localCounts(ctx context.Context, from, to time.Time, trunc func(time.Time) time.Time) (map[time.Time]int, error) {
	var buckets []news.TimeCount
	var err error
	if from.IsZero() && to.IsZero() {
		buckets, err = s.allCounts(ctx)
	} else {
		buckets, err = s.store.PublicationCounts(ctx, from, to)
	}
	if err != nil {
		return nil, fmt.Errorf("web: archive counts: %w", err)
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
	months, err := s.localCounts(r.Context(), time.Time{}, time.Time{}, monthStart)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	counts := make(map[yearMonth]int, len(months))
	for m, n := range months {
		counts[yearMonth{m.Year(), int(m.Month())}] += n
	}
	p := &page{
		Title:        "الأرشيف",
		Heading:      "الأرشيف",
		Description:  "أرشيف " + s.cfg(r.Context()).SiteName + " حسب السنة والشهر",
		Canonical:    s.canonical("/archive/"),
		Breadcrumb:   []crumb{{"الأرشيف", "/archive/"}},
		OtherArchive: &crumb{"الأرشيف الهجري", hijriArchivePath},
	}
	s.archiveIndex(w, r, p, s.gregorianArchive(), counts)
}

// yearMonth is a month of either calendar: the key the archive's indexes
// and year pages group their counts by.
type yearMonth struct{ year, month int }

// archiveCalendar is what the Gregorian and the Hijri archives differ in:
// the names and paths of their years and months. The pages themselves
// (counts, lists, template) are the same code.
type archiveCalendar struct {
	yearName  func(y int) string
	monthName func(m int) string
	yearPath  func(y int) string
	monthPath func(y, m int) string
}

func (s *Site) gregorianArchive() archiveCalendar {
	return archiveCalendar{
		yearName:  s.num,
		monthName: func(m int) string { return s.monthName(time.Month(m)) },
		yearPath:  yearPath,
		monthPath: func(y, m int) string { return monthPath(y, time.Month(m)) },
	}
}

// archiveIndex renders an archive's index: p's years with articles, newest
// first, each with its months.
func (s *Site) archiveIndex(w http.ResponseWriter, r *http.Request, p *page, cal archiveCalendar, months map[yearMonth]int) {
	stats, err := s.nav(r)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	p.Nav = stats
	p.Empty = "لا توجد مقالات في الأرشيف بعد."
	p.ArchiveIndex = true
	keys := slices.SortedFunc(maps.Keys(months), func(a, b yearMonth) int { // newest first
		return cmp.Or(cmp.Compare(b.year, a.year), cmp.Compare(b.month, a.month))
	})
	for _, k := range keys {
		if n := len(p.Years); n == 0 || p.Years[n-1].year != k.year {
			p.Years = append(p.Years, yearGroup{year: k.year, period: period{Name: cal.yearName(k.year), URL: cal.yearPath(k.year)}})
		}
		yg := &p.Years[len(p.Years)-1]
		yg.Count += months[k]
		yg.Months = append(yg.Months, period{Name: cal.monthName(k.month), URL: cal.monthPath(k.year, k.month), Count: months[k]})
	}
	s.render(w, r, http.StatusOK, "archive", p)
}

// monthPeriods lists the months of year y that have articles, in order.
func (cal archiveCalendar) monthPeriods(y int, months map[yearMonth]int) []period {
	var out []period
	for m := 1; m <= 12; m++ {
		if n := months[yearMonth{y, m}]; n > 0 {
			out = append(out, period{Name: cal.monthName(m), URL: cal.monthPath(y, m), Count: n})
		}
	}
	return out
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
	counts := make(map[yearMonth]int, len(months))
	for m, n := range months {
		counts[yearMonth{y, int(m.Month())}] += n
	}
	p.Periods = s.gregorianArchive().monthPeriods(y, counts)
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

// allTimeCounts keeps the publication counts of the whole archive before
// the previous month, read at most every countsRefresh: the archive's
// index and the sitemap index read the whole archive's counts, a scan of
// every article (linear: 51 ms at 15,000 articles, bench/scale.sh), after
// every write. The months since are read fresh each time, so today's
// articles count at once; what changes in older months (an import of old
// articles, a date moved) shows within countsRefresh.
type allTimeCounts struct {
	mu         sync.Mutex
	before     []news.TimeCount // buckets before cut
	cut        time.Time
	at         time.Time // when before was read; zero: never
	refreshing bool
}

// countsRefresh is how old the kept counts of older months may get.
const countsRefresh = 10 * time.Minute

// allCounts are the quarter-hour publication counts of the whole archive.
func (s *Site) allCounts(ctx context.Context) ([]news.TimeCount, error) {
	c := &s.counts
	c.mu.Lock()
	before, cut, at := c.before, c.cut, c.at
	stale := !at.IsZero() && time.Since(at) > countsRefresh && !c.refreshing
	if stale {
		c.refreshing = true
	}
	c.mu.Unlock()
	if at.IsZero() {
		var err error
		if before, cut, err = s.readOlderCounts(ctx); err != nil {
			return nil, err
		}
	} else if stale {
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			s.readOlderCounts(ctx)
		}()
	}
	recent, err := s.store.PublicationCounts(ctx, cut, time.Time{})
	if err != nil {
		return nil, err
	}
	return append(slices.Clip(before), recent...), nil
}

// readOlderCounts reads and keeps the counts before the previous month.
func (s *Site) readOlderCounts(ctx context.Context) ([]news.TimeCount, time.Time, error) {
	now := time.Now().UTC()
	cut := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	before, err := s.store.PublicationCounts(ctx, time.Time{}, cut)
	c := &s.counts
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshing = false
	if err != nil {
		return nil, time.Time{}, err
	}
	c.before, c.cut, c.at = before, cut, time.Now()
	return before, cut, nil
}
