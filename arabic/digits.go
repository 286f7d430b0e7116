package arabic

import "strings"

// DigitStyle chooses the digits numbers are shown with.
type DigitStyle int

const (
	// LatinDigits: 0123456789.
	LatinDigits DigitStyle = iota
	// ArabicIndicDigits: ٠١٢٣٤٥٦٧٨٩, as many Gulf and Egyptian outlets print.
	ArabicIndicDigits
)

// FormatDigits rewrites the digits of s in the given style: ASCII digits
// become Arabic-Indic for ArabicIndicDigits; for LatinDigits, Arabic-Indic
// and Persian digits become ASCII. Everything else is unchanged.
func FormatDigits(s string, style DigitStyle) string {
	if style == ArabicIndicDigits {
		if strings.IndexAny(s, "0123456789") < 0 {
			return s
		}
		var b strings.Builder
		b.Grow(len(s) + len(s)/2)
		for i := 0; i < len(s); i++ {
			if c := s[i]; c >= '0' && c <= '9' {
				b.WriteRune(0x660 + rune(c-'0'))
			} else {
				b.WriteByte(c)
			}
		}
		return b.String()
	}
	if !strings.ContainsFunc(s, isEasternDigit) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0x660 && r <= 0x669:
			b.WriteByte(byte('0' + r - 0x660))
		case r >= 0x6F0 && r <= 0x6F9:
			b.WriteByte(byte('0' + r - 0x6F0))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isEasternDigit(r rune) bool {
	return (r >= 0x660 && r <= 0x669) || (r >= 0x6F0 && r <= 0x6F9)
}
