package arabic

import (
	"strconv"
	"time"

	hijri "github.com/hablullah/go-hijri"
)

// Calendar chooses how dates are shown.
type Calendar int

const (
	// Gregorian with the month names of the Egyptian and Gulf press.
	Gregorian Calendar = iota
	// Hijri by the Umm al-Qura calendar (Saudi Arabia's official one),
	// falling back to the arithmetic calendar outside its range (1937–2077).
	Hijri
)

var gregorianMonths = [12]string{
	"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
	"يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
}

// levantineMonths are the Syriac-derived names of Syria, Lebanon, Jordan,
// Palestine and Iraq.
var levantineMonths = [12]string{
	"كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
	"تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
}

// Months chooses the names of the Gregorian months: the press of each
// region writes its own, and pan-Arab sites often both.
type Months int

const (
	MonthsEgyptian  Months = iota // يناير، فبراير … (Egypt, the Gulf, the Maghreb)
	MonthsLevantine               // كانون الثاني، شباط … (the Levant, Iraq)
	MonthsBoth                    // "أكتوبر/ تشرين الأول", as BBC Arabic writes them
)

// MonthName is the name of a Gregorian month in a style.
func MonthName(m time.Month, style Months) string {
	if m < time.January || m > time.December {
		return ""
	}
	switch style {
	case MonthsLevantine:
		return levantineMonths[m-1]
	case MonthsBoth:
		return gregorianMonths[m-1] + "/ " + levantineMonths[m-1]
	}
	return gregorianMonths[m-1]
}

var hijriMonths = [12]string{
	"محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
	"رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
}

// HijriDate converts the calendar date of t (in t's own location) to the
// Umm al-Qura calendar, or the arithmetic Hijri calendar outside Umm
// al-Qura's range; ok is false before the Hijri era.
func HijriDate(t time.Time) (year, month, day int, ok bool) {
	// The library converts to UTC first: hand it the wall date at noon UTC
	// so a late-evening time in Riyadh stays on its own day.
	d := time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, time.UTC)
	if uq, err := hijri.CreateUmmAlQuraDate(d); err == nil {
		return int(uq.Year), int(uq.Month), int(uq.Day), true
	}
	// The library's own before-the-era check is a day late: it calls the
	// day before 1 Muharram 1 "29 Dhu al-Hijja 0".
	if h, err := hijri.CreateHijriDate(d, hijri.Default); err == nil && h.Year >= 1 {
		return int(h.Year), int(h.Month), int(h.Day), true
	}
	return 0, 0, 0, false
}

// FormatDate writes the calendar date of t (in t's location) in Arabic:
// "7 أكتوبر 2024" (Gregorian) or "4 ربيع الآخر 1446 هـ" (Hijri), with the
// digits in the given style. A date the Hijri calendar cannot show (before
// 622) is written in the Gregorian calendar.
func FormatDate(t time.Time, cal Calendar, digits DigitStyle) string {
	return FormatDateMonths(t, cal, MonthsEgyptian, digits)
}

// FormatDateMonths is FormatDate with the Gregorian months named in a
// style: "7 تشرين الأول 2024", "7 أكتوبر/ تشرين الأول 2024".
func FormatDateMonths(t time.Time, cal Calendar, months Months, digits DigitStyle) string {
	if cal == Hijri {
		if y, m, d, ok := HijriDate(t); ok && m >= 1 && m <= 12 {
			return FormatDigits(strconv.Itoa(d)+" "+hijriMonths[m-1]+" "+strconv.Itoa(y)+" هـ", digits)
		}
	}
	s := strconv.Itoa(t.Day()) + " " + MonthName(t.Month(), months) + " " + strconv.Itoa(t.Year())
	return FormatDigits(s, digits)
}
