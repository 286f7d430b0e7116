package textdiff

import (
	"iter"
	"unicode"
	"unicode/utf8"
)

// tokens splits s into words, runs of white space and single other
// characters (punctuation, symbols, bytes that are not UTF-8), which
// together are exactly s. A word is letters with their marks (Arabic
// diacritics), digits and the joiners, and a number keeps its separators:
// "12.5", "١٬٠٠٠".
func tokens(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			j := i + n
			switch {
			case isWordRune(r):
				last := r
				for j < len(s) {
					r2, n2 := utf8.DecodeRuneInString(s[j:])
					if isWordRune(r2) {
						last = r2
						j += n2
						continue
					}
					if isNumberSeparator(r2) && unicode.IsDigit(last) {
						if r3, n3 := utf8.DecodeRuneInString(s[j+n2:]); unicode.IsDigit(r3) {
							last = r3
							j += n2 + n3
							continue
						}
					}
					break
				}
			case unicode.IsSpace(r):
				for j < len(s) {
					r2, n2 := utf8.DecodeRuneInString(s[j:])
					if !unicode.IsSpace(r2) {
						break
					}
					j += n2
				}
			}
			if !yield(s[i:j]) {
				return
			}
			i = j
		}
	}
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) ||
		r == '\u200c' || r == '\u200d' // ZWNJ, ZWJ: inside words in Persian and Urdu names
}

func isNumberSeparator(r rune) bool {
	return r == '.' || r == ',' || r == '\u066b' || r == '\u066c' // Arabic decimal and thousands separators
}
