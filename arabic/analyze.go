package arabic

import (
	"unicode"
	"unicode/utf8"

	porter "github.com/blevesearch/go-porterstemmer"
	"golang.org/x/text/unicode/norm"
)

// Analyze tokenizes s and turns each word into its index term: folded as
// Normalize does, stop words dropped, Arabic words light-stemmed and Latin
// words Porter-stemmed. Start, End and Pos are those of Tokenize, so
// s[Start:End] is the original word and Pos counts dropped words too.
// Every returned Term is non-empty and contains no space.
func Analyze(s string) []Token {
	toks := make([]Token, 0, len(s)/10+1)
	spans := make([]int32, 0, 2*cap(toks))
	buf := make([]byte, 0, len(s)*3/4+16)
	sc := scanner{s: s}
	for pos := 0; ; pos++ {
		start, end, script, plain, ok := sc.next()
		if !ok {
			break
		}
		var lo, hi int
		var keep bool
		buf, lo, hi, keep = analyzeWord(buf, s[start:end], script, plain)
		if !keep {
			continue
		}
		toks = append(toks, Token{Start: start, End: end, Pos: pos})
		spans = append(spans, int32(lo), int32(hi))
	}
	all := string(buf)
	for i := range toks {
		toks[i].Term = all[spans[2*i]:spans[2*i+1]]
	}
	return toks
}

// Terms returns the Term of each Analyze token, in order: the text a store
// indexes (space-joined) and the terms a query matches.
func Terms(s string) []string {
	toks := Analyze(s)
	terms := make([]string, len(toks))
	for i, t := range toks {
		terms[i] = t.Term
	}
	return terms
}

// AnalyzeTerm returns the index term of one word (the first word of word,
// if it holds several); ok is false when there is no word or it is a stop
// word.
func AnalyzeTerm(word string) (string, bool) {
	sc := scanner{s: word}
	start, end, script, plain, ok := sc.next()
	if !ok {
		return "", false
	}
	buf, lo, hi, keep := analyzeWord(nil, word[start:end], script, plain)
	if !keep {
		return "", false
	}
	return string(buf[lo:hi]), true
}

// analyzeWord appends the folded form of word to buf and returns the
// index term as buf[lo:hi]; keep is false (and buf unchanged) when the word
// is dropped.
func analyzeWord(buf []byte, word string, script uint8, plain bool) (_ []byte, lo, hi int, keep bool) {
	base := len(buf)
	if script == scriptArabic {
		if plain {
			for i := 0; i < len(word); {
				// every rune of a plain Arabic word is 2 bytes (U+0600..U+06FF)
				r := rune(word[i]&0x1F)<<6 | rune(word[i+1]&0x3F)
				buf = appendFoldArabic(buf, r)
				i += 2
			}
		} else {
			buf = appendFoldSlow(buf, word)
		}
		term := buf[base:]
		if len(term) == 0 || isStop(term) {
			return buf[:base], 0, 0, false
		}
		if r, _ := utf8.DecodeRune(term); kindOf(r) != kArabic {
			// e.g. a presentation-form ligature that folded to something else
			return buf, base, len(buf), true
		}
		l, h := stem(term)
		return buf, base + l, base + h, true
	}

	letters, others, ascii := 0, 0, true // others: digits and marks
	if plain {
		for i := 0; i < len(word); i++ {
			c := word[i]
			switch {
			case c >= 'A' && c <= 'Z':
				c += 'a' - 'A'
				letters++
			case c >= 'a' && c <= 'z':
				letters++
			case c >= '0' && c <= '9':
				others++
			default:
				continue // hyphen
			}
			buf = append(buf, c)
		}
	} else {
		for _, r := range norm.NFKC.String(word) {
			switch {
			case r >= '0' && r <= '9':
				others++
			case r >= 0x660 && r <= 0x669:
				r = '0' + r - 0x660
				others++
			case r >= 0x6F0 && r <= 0x6F9:
				r = '0' + r - 0x6F0
				others++
			case unicode.IsLetter(r):
				r = unicode.ToLower(r)
				letters++
			case unicode.IsDigit(r), unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
				others++
			default:
				continue
			}
			if r >= utf8.RuneSelf {
				ascii = false
			}
			buf = utf8.AppendRune(buf, r)
		}
	}
	term := buf[base:]
	if len(term) == 0 || isStop(term) {
		return buf[:base], 0, 0, false
	}
	if ascii && others == 0 && letters > 2 {
		// Porter-stem plain English words; identifiers with digits ("5g",
		// "covid19") and other scripts stay as they are.
		runes := make([]rune, len(term))
		for i, c := range term {
			runes[i] = rune(c)
		}
		stemmed := porter.StemWithoutLowerCasing(runes)
		if len(stemmed) > 0 {
			buf = buf[:base]
			for _, r := range stemmed {
				buf = utf8.AppendRune(buf, r)
			}
		}
	}
	return buf, base, len(buf), true
}

// appendFoldSlow folds an Arabic word that holds runes outside the Arabic
// block (presentation forms, Arabic Supplement, ZWNJ…): NFKC first, then
// the Arabic fold; anything but letters and digits is dropped.
func appendFoldSlow(buf []byte, word string) []byte {
	for _, r := range norm.NFKC.String(word) {
		switch {
		case r >= 0x600 && r <= 0x6FF:
			buf = appendFoldArabic(buf, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		}
	}
	return buf
}

func isStop(term []byte) bool {
	if len(term) > maxStopBytes {
		return false
	}
	if r, n := utf8.DecodeRune(term); n == len(term) && kindOf(r) == kArabic {
		return true
	}
	if _, ok := arabicStop[string(term)]; ok {
		return true
	}
	_, ok := englishStop[string(term)]
	return ok
}
