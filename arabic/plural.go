package arabic

import "strconv"

// Unit is how Arabic names a counted thing: alone (one), as a pair (two,
// in the genitive that follows "في" or "منذ"), for 3 to 10 (few, a
// plural), and for 11 to 99 and 100 up (many and other: the singular).
type Unit struct {
	One, Two, Few, Many string
}

// Units the site counts in.
var (
	Minutes = Unit{One: "دقيقة", Two: "دقيقتين", Few: "دقائق", Many: "دقيقة"}
	Hours   = Unit{One: "ساعة", Two: "ساعتين", Few: "ساعات", Many: "ساعة"}
	Days    = Unit{One: "يوم", Two: "يومين", Few: "أيام", Many: "يومًا"}
	// Updates is counted standing alone ("تحديثان"), not after a preposition.
	Updates = Unit{One: "تحديث واحد", Two: "تحديثان", Few: "تحديثات", Many: "تحديثًا"}
)

// Count writes n of a unit as Arabic grammar asks, by the plural rules
// of CLDR for Arabic: 1 and 2 by the noun alone ("دقيقة", "دقيقتين"),
// then the number before the plural for 3–10 ("3 دقائق") and the
// singular for 11–99 ("11 دقيقة"); from 100 on, by the last two digits
// ("103 دقائق", "111 دقيقة", "100 دقيقة"). Digits in style.
func Count(n int, u Unit, style DigitStyle) string {
	num := FormatDigits(strconv.Itoa(n), style)
	switch r := n % 100; {
	case n == 1:
		return u.One
	case n == 2:
		return u.Two
	case r >= 3 && r <= 10:
		return num + " " + u.Few
	case r >= 11 && r <= 99:
		return num + " " + u.Many
	}
	return num + " " + u.One // 0, 100–102, 200–202, …
}
