package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"sahafa/arabic"
)

// The Hijri archive: /archive/hijri/ lists Hijri years and months with
// counts; each year and month page lists its articles like the Gregorian
// ones. A Hijri month is a span of whole local days, so the counts are the
// store's day counts (one query, as for the Gregorian pages) summed by the
// Hijri month of each day, in the calendar the article pages show
// (arabic.HijriDate, Umm al-Qura).

const hijriArchivePath = "/archive/hijri/"

func hijriYearPath(y int) string     { return fmt.Sprintf("/archive/hijri/%04d/", y) }
func hijriMonthPath(y, m int) string { return fmt.Sprintf("/archive/hijri/%04d/%02d/", y, m) }

func (s *Site) hijriYearName(y int) string { return s.num(y) + " هـ" }

func (s *Site) hijriArchive() archiveCalendar {
	return archiveCalendar{
		yearName:  s.hijriYearName,
		monthName: arabic.HijriMonthName,
		yearPath:  hijriYearPath,
		monthPath: hijriMonthPath,
	}
}

// hijriCrumbs is the breadcrumb down to the Hijri archive's index.
func hijriCrumbs(more ...crumb) []crumb {
	return append([]crumb{{"الأرشيف", "/archive/"}, {"الأرشيف الهجري", hijriArchivePath}}, more...)
}

// hijriStart is local midnight on the first day of a Hijri month; ok is
// false when the calendar cannot place it (see arabic.GregorianFromHijri).
func (s *Site) hijriStart(y, m int) (time.Time, bool) {
	d, ok := arabic.HijriMonthStart(y, m)
	if !ok {
		return time.Time{}, false
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, s.opts.Location), true
}

// hijriSpan is [from, to) of months Hijri months from year y, month m, in
// the display time zone.
func (s *Site) hijriSpan(y, m, months int) (from, to time.Time, ok bool) {
	from, ok1 := s.hijriStart(y, m)
	n := (m - 1) + months
	to, ok2 := s.hijriStart(y+n/12, n%12+1)
	return from, to, ok1 && ok2
}

// hijriCounts counts the articles of [from, to) (zero times leave that end
// open) by Hijri month of their local publication day.
func (s *Site) hijriCounts(ctx context.Context, from, to time.Time) (map[yearMonth]int, error) {
	days, err := s.localCounts(ctx, from, to, dayStart)
	if err != nil {
		return nil, err
	}
	out := map[yearMonth]int{}
	for d, n := range days {
		if y, m, _, ok := arabic.HijriDate(d); ok {
			out[yearMonth{y, m}] += n
		}
	}
	return out, nil
}

// hijriYear parses a Hijri year of the archive's paths: four digits, and a
// year the calendar can place from end to end (see arabic.GregorianFromHijri;
// not before 1582), so that no page starts or ends at a made-up day.
func (s *Site) hijriYear(yyyy string) (y int, from, to time.Time, ok bool) {
	y, ok = parseUint(yyyy, 4, 4)
	if !ok {
		return 0, time.Time{}, time.Time{}, false
	}
	from, to, ok = s.hijriSpan(y, 1, 12)
	return y, from, to, ok
}

func (s *Site) handleHijriArchiveIndex(w http.ResponseWriter, r *http.Request) {
	months, err := s.hijriCounts(r.Context(), time.Time{}, time.Time{})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	for k := range months {
		if _, _, ok := s.hijriSpan(k.year, 1, 12); !ok {
			delete(months, k) // its year's page is a 404 (before 1582)
		}
	}
	p := &page{
		Title:        "الأرشيف الهجري",
		Heading:      "الأرشيف الهجري",
		Description:  "أرشيف " + s.cfg(r.Context()).SiteName + " حسب السنة والشهر الهجريين",
		Canonical:    s.canonical(hijriArchivePath),
		Breadcrumb:   hijriCrumbs(),
		OtherArchive: &crumb{"الأرشيف الميلادي", "/archive/"},
	}
	s.archiveIndex(w, r, p, s.hijriArchive(), months)
}

func (s *Site) handleHijriArchiveYear(w http.ResponseWriter, r *http.Request) {
	y, from, to, ok := s.hijriYear(r.PathValue("yyyy"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	name := s.hijriYearName(y)
	p := &page{
		Title:      "أرشيف " + name,
		Heading:    "أرشيف سنة " + name,
		Breadcrumb: hijriCrumbs(crumb{name, hijriYearPath(y)}),
	}
	months, err := s.hijriCounts(r.Context(), from, to)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	p.Periods = s.hijriArchive().monthPeriods(y, months)
	s.archiveList(w, r, p, from, to, hijriYearPath(y))
}

func (s *Site) handleHijriArchiveMonth(w http.ResponseWriter, r *http.Request) {
	y, _, _, ok1 := s.hijriYear(r.PathValue("yyyy"))
	m, ok2 := parseUint(r.PathValue("mm"), 2, 2)
	if !ok1 || !ok2 || m < 1 || m > 12 {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	from, to, ok := s.hijriSpan(y, m, 1)
	if !ok {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	label := arabic.HijriMonthName(m) + " " + s.hijriYearName(y)
	p := &page{
		Title:   "أرشيف " + label,
		Heading: "أرشيف " + label,
		Breadcrumb: hijriCrumbs(crumb{s.hijriYearName(y), hijriYearPath(y)},
			crumb{arabic.HijriMonthName(m), hijriMonthPath(y, m)}),
	}
	days, err := s.localCounts(r.Context(), from, to, dayStart)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	// The days are named by their Hijri number and lead to the Gregorian
	// archive's day pages: there is no Hijri day page to duplicate them.
	for i, d := 1, from; d.Before(to); i, d = i+1, d.AddDate(0, 0, 1) {
		if n := days[d]; n > 0 {
			p.Periods = append(p.Periods, period{Name: s.num(i), URL: dayPath(d.Year(), d.Month(), d.Day()), Count: n})
		}
	}
	s.archiveList(w, r, p, from, to, hijriMonthPath(y, m))
}
