package arabic

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Rune kinds used by the tokenizer.
const (
	kNone   uint8 = iota // separator, punctuation, symbol
	kArabic              // Arabic-script letter
	kOther               // letter of any other script
	kDigit               // decimal digit of any script
	kMark                // combining mark: belongs to the word it follows
	kJoin                // tatweel, ZWNJ, ZWJ, ALM: belongs to the word, folded away
	kHyphen              // hyphen: joins "COVID-19"
)

// Special values in arFold.
const (
	foldDrop   = 0      // remove the rune
	foldHamzaA = 0xFFFF // U+0654 hamza above: composes with a preceding و/ي
)

// The tables are built by initializers (not init functions) so that other
// package-level sets that call Normalize see them filled.
var (
	asciiKind = buildASCIIKind()
	// arKind and arFold cover U+0600..U+06FF; arFold maps to the folded rune
	// (BMP), foldDrop or foldHamzaA.
	arKind, arFold = buildArabicTables()
)

func buildASCIIKind() (asciiKind [128]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		asciiKind[c] = kOther
		asciiKind[c-'a'+'A'] = kOther
	}
	for c := '0'; c <= '9'; c++ {
		asciiKind[c] = kDigit
	}
	asciiKind['-'] = kHyphen
	return asciiKind
}

func buildArabicTables() (arKind [256]uint8, arFold [256]uint16) {
	set := func(lo, hi rune, k uint8) {
		for r := lo; r <= hi; r++ {
			arKind[r-0x600] = k
			switch k {
			case kMark, kJoin:
				arFold[r-0x600] = foldDrop
			default:
				arFold[r-0x600] = uint16(r)
			}
		}
	}
	set(0x600, 0x6FF, kNone)
	set(0x610, 0x61A, kMark) // Quranic honorifics and small letters
	set(0x61C, 0x61C, kJoin) // ARABIC LETTER MARK (bidi control)
	set(0x620, 0x63F, kArabic)
	set(0x640, 0x640, kJoin) // tatweel
	set(0x641, 0x64A, kArabic)
	set(0x64B, 0x65F, kMark) // harakat, tanween, shadda, sukun, madda, hamza marks
	set(0x660, 0x669, kDigit)
	set(0x66E, 0x66F, kArabic)
	set(0x670, 0x670, kMark) // superscript alef
	set(0x671, 0x6D3, kArabic)
	set(0x6D5, 0x6D5, kArabic)
	set(0x6D6, 0x6DC, kMark)
	set(0x6DF, 0x6E8, kMark) // includes small waw/yeh U+06E5/6
	set(0x6EA, 0x6ED, kMark)
	set(0x6EE, 0x6EF, kArabic)
	set(0x6F0, 0x6F9, kDigit)
	set(0x6FA, 0x6FC, kArabic)
	set(0x6FF, 0x6FF, kArabic)

	fold := func(to rune, from ...rune) {
		for _, r := range from {
			arFold[r-0x600] = uint16(to)
		}
	}
	fold('ا', 'آ', 'أ', 'إ', 'ٱ', 'ٲ', 'ٳ', 'ٵ')
	fold('ء', 'ؤ', 'ئ', 'ٶ', 'ٸ')
	fold('ي', 'ى', 'ؠ', 'ی', 'ې', 'ؽ', 'ؾ', 'ؿ')
	fold('ه', 'ة', 'ۀ', 'ہ', 'ە', 'ھ')
	fold('ك', 'ک', 'ڪ', 'ػ', 'ؼ')
	for d := rune(0); d < 10; d++ {
		arFold[0x660+d-0x600] = uint16('0' + d)
		arFold[0x6F0+d-0x600] = uint16('0' + d)
	}
	arFold[0x654-0x600] = foldHamzaA
	return arKind, arFold
}

// kindOf classifies r for the tokenizer.
func kindOf(r rune) uint8 {
	if r < 0x80 {
		return asciiKind[r]
	}
	if r >= 0x600 && r <= 0x6FF {
		return arKind[r-0x600]
	}
	switch {
	case r == 0x200C || r == 0x200D:
		return kJoin
	case r == 0x2010 || r == 0x2011:
		return kHyphen
	case unicode.IsLetter(r):
		if unicode.Is(unicode.Arabic, r) {
			return kArabic
		}
		return kOther
	case unicode.IsDigit(r):
		return kDigit
	case unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
		return kMark
	}
	return kNone
}

// isInvisible reports format characters that Normalize removes: zero-width
// (non-)joiners and spaces, bidi marks and embeddings, BOM.
func isInvisible(r rune) bool {
	return r == 0x61C || (r >= 0x200B && r <= 0x200F) || (r >= 0x202A && r <= 0x202E) ||
		(r >= 0x2066 && r <= 0x2069) || r == 0xFEFF || r == 0xAD
}

// appendFoldArabic appends the folded form of an Arabic-block rune r
// (U+0600..U+06FF) to b.
func appendFoldArabic(b []byte, r rune) []byte {
	f := arFold[r-0x600]
	switch f {
	case foldDrop:
		return b
	case foldHamzaA:
		// و or ي + hamza above is a decomposed ؤ/ئ: fold like them.
		if n := len(b); n >= 2 && ((b[n-2] == 0xD9 && b[n-1] == 0x88) || (b[n-2] == 0xD9 && b[n-1] == 0x8A)) {
			return append(b[:n-2], 0xD8, 0xA1) // ء
		}
		return b
	}
	if f < 0x80 {
		return append(b, byte(f))
	}
	// every fold target in the Arabic block is a 2-byte sequence
	return append(b, byte(0xC0|f>>6), byte(0x80|f&0x3F))
}

// Normalize prepares a name or phrase for matching (section names, author
// names, dedup keys): Unicode NFC; tashkeel (harakat, tanween, shadda, sukun,
// superscript alef, Quranic marks) and tatweel removed; أ إ آ ٱ → ا; ؤ ئ → ء
// (see the package doc for why); ى → ي; ة → ه; Persian ک ی → ك ي;
// Arabic-Indic and Persian digits → 0-9; letters lower-cased; invisible
// format characters removed; runs of white space collapsed to one space and
// trimmed. Punctuation is kept. Normalize is idempotent.
func Normalize(s string) string {
	out := normalizeOnce(norm.NFC.String(s))
	// Removing marks can leave a base letter next to a combining mark it
	// now composes with; repeat until stable so Normalize is idempotent.
	for i := 0; i < 4; i++ {
		if norm.NFC.IsNormalString(out) {
			break
		}
		out = normalizeOnce(norm.NFC.String(out))
	}
	return out
}

func normalizeOnce(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for _, r := range s {
		switch {
		case r < 0x80:
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' {
				space = true
				continue
			}
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
		case isInvisible(r):
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		}
		n := len(b)
		if space && n > 0 {
			b = append(b, ' ')
		}
		switch {
		case r < 0x80:
			b = append(b, byte(r))
		case r >= 0x600 && r <= 0x6FF:
			b = appendFoldArabic(b, r)
		default:
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
		if space && len(b) == n+1 && b[n] == ' ' {
			b = b[:n] // the rune folded to nothing: keep the space pending
			continue
		}
		space = false
	}
	return string(b)
}

// stripTashkeel removes harakat, Quranic marks, tatweel and invisible
// format characters, keeping letters (and their hamzas) as written. It is
// used for slugs, which should read naturally.
func stripTashkeel(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 0x600 && r <= 0x6FF {
			if k := arKind[r-0x600]; k == kMark || k == kJoin {
				continue
			}
		} else if isInvisible(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// StripBidiControls removes the bidi embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) from s. In a one-line field — a title, a
// name, a query echoed in a page title — an unclosed U+202E would reverse
// the text that follows it on the page. The marks LRM, RLM and ALM, which
// have no scope and are common in Arabic text, are kept.
func StripBidiControls(s string) string {
	isControl := func(r rune) bool { return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) }
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}
