package arabic

import (
	"time"

	hijri "github.com/hablullah/go-hijri"
)

// The inverse of HijriDate, for pages that start from a Hijri date (the
// Hijri archive). It must agree with HijriDate day for day, so it asks the
// same library the way HijriDate does (Umm al-Qura for 1356–1500 AH, the
// arithmetic calendar outside it) and then checks the answer by converting
// it forward again: whatever the tables say, a date is only ever mapped
// back to the day HijriDate maps to it.
//
// What this calendar is:
//   - Umm al-Qura is Saudi Arabia's civil calendar, computed in advance. The
//     start of Ramadan, Shawwal and Dhu al-Hijja announced after sighting the
//     new moon can fall a day away from it, in Saudi Arabia and more often
//     elsewhere; the site shows the civil calendar.
//   - Outside Umm al-Qura's range (before 14 March 1937, after 16 November
//     2077) the arithmetic calendar stands in; it can be a day or two from
//     what any authority announced.
//   - The library's table gives Sha'ban 1364 (July–August 1945) 28 days,
//     most likely a slip in the data; HijriDate follows it, so does this.
//   - The library reads dates before the Gregorian reform (15 October 1582)
//     as Julian calendar dates, which Go's proleptic Gregorian times are not,
//     so those do not convert back and are refused.

// gregorianReform is the first day the library reads as a Gregorian date.
var gregorianReform = time.Date(1582, time.October, 15, 0, 0, 0, 0, time.UTC)

// maxHijriYear bounds the years converted back: four-digit years like the
// archive's paths, and far from overflowing the library's day counts.
const maxHijriYear = 9999

// Umm al-Qura's years in the library; HijriDate uses them between these.
const (
	firstUmmAlQuraYear = 1356
	lastUmmAlQuraYear  = 1500
)

// GregorianFromHijri returns the Gregorian date, at midnight UTC, that
// HijriDate maps to the Hijri date year/month/day, so that
// HijriDate(GregorianFromHijri(y, m, d)) is (y, m, d) whenever ok. ok is false
// for a date the calendar does not have (month 13, the 30th of a 29-day
// month) and for years outside 1–9999 or days before 15 October 1582.
func GregorianFromHijri(year, month, day int) (time.Time, bool) {
	if year < 1 || year > maxHijriYear || month < 1 || month > 12 || day < 1 || day > 30 {
		return time.Time{}, false
	}
	var g time.Time
	if year >= firstUmmAlQuraYear && year <= lastUmmAlQuraYear {
		g = hijri.UmmAlQuraDate{Year: int64(year), Month: int64(month), Day: int64(day)}.ToGregorian()
	} else {
		g = hijri.HijriDate{Year: int64(year), Month: int64(month), Day: int64(day), Pattern: hijri.Default}.ToGregorian()
	}
	g = time.Date(g.Year(), g.Month(), g.Day(), 0, 0, 0, 0, time.UTC)
	if g.Before(gregorianReform) {
		return time.Time{}, false
	}
	// The 30th of a 29-day month comes back as the 1st of the next: refuse
	// it rather than answer another day.
	if y, m, d, ok := HijriDate(g); !ok || y != year || m != month || d != day {
		return time.Time{}, false
	}
	return g, true
}

// HijriMonthStart returns the Gregorian date, at midnight UTC, of the first
// day of a Hijri month; ok is false as for GregorianFromHijri.
func HijriMonthStart(year, month int) (time.Time, bool) {
	return GregorianFromHijri(year, month, 1)
}

// HijriMonthDays is the number of days of a Hijri month (29 or 30), or 0
// when GregorianFromHijri cannot place its first day or the next month's.
func HijriMonthDays(year, month int) int {
	from, ok := HijriMonthStart(year, month)
	if !ok {
		return 0
	}
	ny, nm := year, month+1
	if nm > 12 {
		ny, nm = year+1, 1
	}
	to, ok := HijriMonthStart(ny, nm)
	if !ok {
		return 0
	}
	return int(to.Sub(from) / (24 * time.Hour)) // both at midnight UTC: whole days
}

// HijriMonthName is the name of a Hijri month (1 is محرم), or "" outside 1–12.
func HijriMonthName(month int) string {
	if month < 1 || month > 12 {
		return ""
	}
	return hijriMonths[month-1]
}
