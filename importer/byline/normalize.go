package byline

import (
	"strings"
	"unicode"
)

const tatweel = 'ـ'

// key folds s for gazetteer matching: tashkeel and tatweel removed, alef
// forms unified, taa marbuta and alef maqsura folded, Latin lowercased, and
// spaces, dots, quotes and other punctuation dropped, so that "د. ب. أ" and
// "د ب ا", or "العربية.نت" and "العربية نت", give the same key.
func key(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0x064B && r <= 0x065F, r == 0x0670, r == tatweel:
			// tashkeel, superscript alef, tatweel
		case r == 'أ' || r == 'إ' || r == 'آ' || r == 'ٱ':
			b.WriteRune('ا')
		case r == 'ة':
			b.WriteRune('ه')
		case r == 'ى':
			b.WriteRune('ي')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// words splits s on white space.
func words(s string) []string { return strings.Fields(s) }
