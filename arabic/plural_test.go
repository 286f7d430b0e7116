package arabic

import (
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		u    Unit
		want string
	}{
		{0, Minutes, "0 دقيقة"},
		{1, Minutes, "دقيقة"},
		{2, Minutes, "دقيقتين"},
		{3, Minutes, "3 دقائق"},
		{10, Minutes, "10 دقائق"},
		{11, Minutes, "11 دقيقة"},
		{99, Minutes, "99 دقيقة"},
		{100, Minutes, "100 دقيقة"},
		{102, Minutes, "102 دقيقة"},
		{103, Minutes, "103 دقائق"},
		{111, Minutes, "111 دقيقة"},
		{2, Hours, "ساعتين"},
		{5, Hours, "5 ساعات"},
		{24, Hours, "24 ساعة"},
		{2, Days, "يومين"},
		{7, Days, "7 أيام"},
		{30, Days, "30 يومًا"},
	} {
		if got := Count(c.n, c.u, LatinDigits); got != c.want {
			t.Errorf("Count(%d, %s) = %q, want %q", c.n, c.u.One, got, c.want)
		}
	}
	if got := Count(15, Minutes, ArabicIndicDigits); got != "١٥ دقيقة" {
		t.Errorf("Arabic-Indic digits: %q", got)
	}
}

func TestMonthNames(t *testing.T) {
	d := time.Date(2024, time.October, 7, 12, 0, 0, 0, time.UTC)
	for style, want := range map[Months]string{
		MonthsEgyptian:  "7 أكتوبر 2024",
		MonthsLevantine: "7 تشرين الأول 2024",
		MonthsBoth:      "7 أكتوبر/ تشرين الأول 2024",
	} {
		if got := FormatDateMonths(d, Gregorian, style, LatinDigits); got != want {
			t.Errorf("style %d: %q, want %q", style, got, want)
		}
	}
	if got := FormatDateMonths(time.Date(2025, time.February, 1, 0, 0, 0, 0, time.UTC), Gregorian, MonthsLevantine, ArabicIndicDigits); got != "١ شباط ٢٠٢٥" {
		t.Errorf("Levantine, Arabic-Indic digits: %q", got)
	}
	if got := FormatDateMonths(d, Hijri, MonthsLevantine, LatinDigits); got != FormatDate(d, Hijri, LatinDigits) {
		t.Errorf("a Hijri date does not change with the Gregorian month names: %q", got)
	}
}
