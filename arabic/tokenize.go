package arabic

import "unicode/utf8"

// Token is one word of a text.
type Token struct {
	// Term is the original text of the word (Tokenize) or its index term
	// (Analyze).
	Term string
	// Start and End are byte offsets of the word in the original string:
	// s[Start:End] is the word as the reader wrote it, diacritics included.
	Start, End int
	// Pos is the word's position counting every word, including stop words
	// that Analyze dropped.
	Pos int
}

// script of a scanned word
const (
	scriptArabic uint8 = iota + 1 // Arabic letters (with marks and tatweel)
	scriptOther                   // other letters and digits ("5G", "COVID-19", "2018")
)

// scanner walks the words of a string.
type scanner struct {
	s string
	i int
}

func decode(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// next returns the next word's byte range and script; ok is false at the
// end. plain reports that the word needs no Unicode normalization beyond
// the fast fold: every rune is ASCII (scriptOther) or in the Arabic block
// U+0600..U+06FF (scriptArabic).
func (sc *scanner) next() (start, end int, script uint8, plain bool, ok bool) {
	s := sc.s
	i := sc.i
	var prev uint8
	for i < len(s) {
		r, n := decode(s, i)
		k := kindOf(r)
		if k == kArabic || k == kOther || k == kDigit {
			start = i
			prev = k
			if k == kArabic {
				plain = r >= 0x600 && r <= 0x6FF
			} else {
				plain = r < 0x80
			}
			i += n
			break
		}
		i += n
	}
	if prev == 0 {
		sc.i = i
		return 0, 0, 0, false, false
	}
	script = scriptOther
	if prev == kArabic {
		script = scriptArabic
	}
loop:
	for i < len(s) {
		r, n := decode(s, i)
		k := kindOf(r)
		switch k {
		case kMark, kJoin:
		case kArabic:
			if prev != kArabic {
				break loop
			}
		case kOther, kDigit:
			if prev == kArabic {
				break loop
			}
			prev = k
		case kHyphen:
			// "COVID-19", "F-16": a hyphen between a Latin/digit run and a digit.
			if prev == kArabic || i+n >= len(s) {
				break loop
			}
			r2, n2 := decode(s, i+n)
			if kindOf(r2) != kDigit {
				break loop
			}
			if r >= 0x80 || r2 >= 0x80 {
				plain = false
			}
			i += n + n2
			prev = kDigit
			continue
		default:
			break loop
		}
		if plain {
			if script == scriptArabic {
				plain = r >= 0x600 && r <= 0x6FF
			} else {
				plain = r < 0x80
			}
		}
		i += n
	}
	sc.i = i
	return start, i, script, plain, true
}

// Tokenize splits s into words: runs of letters with the combining marks
// and tatweel inside them, and digits. Arabic letters never share a word
// with digits or Latin letters ("عام2018" is two words); Latin letters and
// digits do ("5G", "mp3"), and a hyphen followed by a digit joins them
// ("COVID-19"). Term is the word's original text; Pos counts words from 0.
func Tokenize(s string) []Token {
	toks := make([]Token, 0, len(s)/8+1)
	sc := scanner{s: s}
	for pos := 0; ; pos++ {
		start, end, _, _, ok := sc.next()
		if !ok {
			return toks
		}
		toks = append(toks, Token{Term: s[start:end], Start: start, End: end, Pos: pos})
	}
}
