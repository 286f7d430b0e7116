package page

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Month names as the Arabic press writes them (Egyptian/Gulf and Levantine),
// and in English. Keys are folded with fold().
var months = map[string]time.Month{}

// dateWords may surround a date on a date line without making it a
// sentence: weekdays, Hijri months, "نشر في", "آخر تحديث", "الموافق".
var dateWords = map[string]bool{}

// hijri holds the Hijri month names: a line with one is a date line even
// though Parse reads no Gregorian date from it.
var hijri = map[string]bool{}

func init() {
	add := func(m time.Month, names ...string) {
		for _, n := range names {
			months[fold(n)] = m
		}
	}
	add(time.January, "يناير", "كانون الثاني", "january", "jan")
	add(time.February, "فبراير", "شباط", "february", "feb")
	add(time.March, "مارس", "آذار", "march", "mar")
	add(time.April, "أبريل", "إبريل", "نيسان", "april", "apr")
	add(time.May, "مايو", "أيار", "may")
	add(time.June, "يونيو", "يونية", "حزيران", "june", "jun")
	add(time.July, "يوليو", "يولية", "تموز", "july", "jul")
	add(time.August, "أغسطس", "اغسطس", "آب", "august", "aug")
	add(time.September, "سبتمبر", "أيلول", "september", "sep", "sept")
	add(time.October, "أكتوبر", "تشرين الأول", "october", "oct")
	add(time.November, "نوفمبر", "تشرين الثاني", "november", "nov")
	add(time.December, "ديسمبر", "كانون الأول", "december", "dec")
	for _, w := range []string{"محرم", "صفر", "ربيع", "جمادى", "رجب", "شعبان", "رمضان", "شوال", "القعدة", "الحجة"} {
		hijri[fold(w)] = true
	}
	for _, w := range []string{
		"الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت",
		"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
		"sun", "mon", "tue", "wed", "thu", "fri", "sat",
		"محرم", "صفر", "ربيع", "الأول", "الآخر", "الثاني", "جمادى", "الأولى", "الآخرة",
		"رجب", "شعبان", "رمضان", "شوال", "ذو", "ذي", "القعدة", "الحجة",
		"هـ", "ه", "م", "ص", "مساء", "صباحا", "am", "pm", "gmt", "utc", "الموافق",
		"نشر", "نُشر", "في", "بتاريخ", "تاريخ", "النشر", "آخر", "اخر", "تحديث", "التحديث",
		"تم", "published", "updated", "on", "at", "الساعة", "توقيت", "مكة", "المكرمة",
		"غرينتش", "جرينتش", "يوم",
	} {
		dateWords[fold(w)] = true
	}
}

// fold lowercases, unifies alef forms and taa marbuta and drops tashkeel.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 0x064B && r <= 0x065F, r == 'ـ':
		case r == 'أ' || r == 'إ' || r == 'آ':
			b.WriteRune('ا')
		case r == 'ة':
			b.WriteRune('ه')
		case r == 'ى':
			b.WriteRune('ي')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// asciiDigits turns Arabic-Indic and Persian digits into ASCII ones.
func asciiDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '٠' && r <= '٩':
			return '0' + r - '٠'
		case r >= '۰' && r <= '۹':
			return '0' + r - '۰'
		}
		return r
	}, s)
}

// parseDateLine reports whether line holds a date and nothing else worth
// keeping (weekday, Hijri date, time, "نشر في"…), and the Gregorian date it
// names, if any, in loc. A Hijri-only line is a date line with a zero time.
func parseDateLine(line string, loc *time.Location) (time.Time, bool) {
	s := asciiDigits(line)
	if len(s) > 200 {
		return time.Time{}, false
	}
	// tokens: runs of letters, runs of digits; everything else separates
	var toks []string
	var cur []rune
	kind := 0 // 1 letters, 2 digits
	flush := func() {
		if len(cur) > 0 {
			toks = append(toks, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range s {
		k := 0
		switch {
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || r == 'ـ':
			k = 1
		case r >= '0' && r <= '9':
			k = 2
		}
		if k != kind || k == 0 {
			flush()
		}
		kind = k
		if k != 0 {
			cur = append(cur, r)
		}
	}
	flush()
	if len(toks) == 0 {
		return time.Time{}, false
	}
	var nums []int
	var month time.Month
	monthAt := -1 // index in nums where the month name came
	sawNumber, sawHijri := false, false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t[0] >= '0' && t[0] <= '9' {
			if len(t) > 4 {
				if len(t) == 8 { // 20150811
					nums = append(nums, atoi(t[:4]), atoi(t[4:6]), atoi(t[6:]))
					sawNumber = true
					continue
				}
				return time.Time{}, false
			}
			nums = append(nums, atoi(t))
			sawNumber = true
			continue
		}
		f := fold(t)
		if i+1 < len(toks) {
			if m, ok := months[fold(t+" "+toks[i+1])]; ok && month == 0 {
				month, monthAt = m, len(nums)
				i++
				continue
			}
		}
		if m, ok := months[f]; ok && month == 0 {
			month, monthAt = m, len(nums)
			continue
		}
		if dateWords[f] {
			if hijri[f] {
				sawHijri = true
			}
			continue
		}
		return time.Time{}, false
	}
	if !sawNumber {
		return time.Time{}, false
	}
	if month != 0 {
		// "5 يناير 2024", "January 5, 2024", "5 يناير 2024 10:30"
		var day, year int
		if monthAt > 0 && monthAt < len(nums) {
			day, year = nums[monthAt-1], nums[monthAt]
		} else if monthAt == 0 && len(nums) >= 2 {
			day, year = nums[0], nums[1]
		} else {
			return time.Time{}, true // a month without day and year
		}
		if year < 100 || day > 31 && year <= 31 {
			day, year = year, day
		}
		h, m := clock(nums[monthAt+1:], line)
		return mkdate(year, month, day, h, m, loc), true
	}
	// numeric: 2024-01-05, 05/01/2024, with an optional time after; a
	// line that is only a Hijri date ("5 رجب 1445 هـ") has no month here
	if len(nums) < 3 {
		return time.Time{}, sawHijri // "5 رجب 1445 هـ": a date line without a Gregorian date
	}
	a, b, c := nums[0], nums[1], nums[2]
	var y, mo, d int
	switch {
	case a > 1000:
		y, mo, d = a, b, c
	case c > 1000:
		y, mo, d = c, b, a
		if mo > 12 && d <= 12 { // 01/25/2024
			mo, d = d, mo
		}
	default:
		return time.Time{}, false
	}
	if y >= 1300 && y <= 1500 { // Hijri year: a date line, no Gregorian date
		return time.Time{}, true
	}
	h, m := clock(nums[3:], line)
	t := mkdate(y, time.Month(mo), d, h, m, loc)
	if t.IsZero() {
		return time.Time{}, false
	}
	return t, true
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// clock reads "10:30" (and "م"/"pm") from the numbers after the date.
func clock(nums []int, line string) (int, int) {
	if len(nums) < 2 {
		return 0, 0
	}
	h, m := nums[0], nums[1]
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0
	}
	l := fold(line)
	if h < 12 && (strings.Contains(l, "pm") || strings.Contains(l, "مساء") ||
		strings.HasSuffix(strings.TrimSpace(l), " م")) {
		h += 12
	}
	return h, m
}

func mkdate(y int, mo time.Month, d, h, m int, loc *time.Location) time.Time {
	if y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}
	}
	t := time.Date(y, mo, d, h, m, 0, 0, loc)
	if t.Day() != d { // 31 فبراير
		return time.Time{}
	}
	return t
}
