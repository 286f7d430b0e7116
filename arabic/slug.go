package arabic

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxSlugBytes is the length Slug cuts at, on a word boundary.
const MaxSlugBytes = 80

// Slug makes a URL slug from a title in Arabic, Latin or both: tashkeel,
// tatweel and invisible characters removed, Arabic letters kept as written
// (hamzas, ة and ى included, so the slug reads naturally), Latin letters
// lower-cased, digits of any script made ASCII, punctuation dropped, words
// joined by "-". The slug is at most MaxSlugBytes bytes, cut at a word
// boundary (a single over-long word is cut at a letter boundary). It is ""
// only when the title holds no letter or digit.
func Slug(title string) string {
	title = norm.NFKC.String(title)
	out := make([]byte, 0, min(len(title), MaxSlugBytes))
	word := make([]byte, 0, 32)
	sc := scanner{s: title}
	for {
		start, end, _, _, ok := sc.next()
		if !ok {
			break
		}
		word = word[:0]
		for _, r := range title[start:end] {
			switch {
			case r >= 0x600 && r <= 0x6FF:
				switch arKind[r-0x600] {
				case kMark, kJoin:
					continue
				case kDigit:
					r = rune(arFold[r-0x600])
				}
			case r == '-' || r == 0x2010 || r == 0x2011:
				r = '-'
			case unicode.IsLetter(r):
				r = unicode.ToLower(r)
			case r >= '0' && r <= '9':
			default:
				continue // marks on Latin letters, ZWNJ, other digits' forms
			}
			word = utf8.AppendRune(word, r)
		}
		if len(word) == 0 {
			continue
		}
		if len(out) == 0 {
			if len(word) > MaxSlugBytes {
				cut := MaxSlugBytes
				for cut > 0 && !utf8.RuneStart(word[cut]) {
					cut--
				}
				word = word[:cut]
				for len(word) > 0 && word[len(word)-1] == '-' {
					word = word[:len(word)-1]
				}
			}
			out = append(out, word...)
			continue
		}
		if len(out)+1+len(word) > MaxSlugBytes {
			break
		}
		out = append(out, '-')
		out = append(out, word...)
	}
	return string(out)
}
