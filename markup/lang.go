package markup

import (
	"unicode"
	"unicode/utf8"
)

// A few articles on the site are in English or French; they must be laid
// out left to right and announced in their language, while everything
// else, Arabic articles quoting English among them, stays Arabic. The
// guess is cheap and errs towards Arabic: a text is Latin only when its
// letters are overwhelmingly Latin, and English or French only when its
// short function words say so clearly.

const (
	// minLatinLetters: below this there is too little text to tell.
	minLatinLetters = 20
	// latinShare is the share of letters (in tenths) that must be Latin:
	// an Arabic article full of names, acronyms and URLs stays well below.
	latinShare = 7
	// minVotes is how many function words the winning language needs, and
	// it must have at least twice as many as any other.
	minVotes = 2
)

// DetectLanguage guesses the language of an article from its plain text
// (headline, standfirst, body text, given as one or several parts): "en"
// or "fr" (BCP 47) when the text is clearly English or French, "" for
// Arabic and whenever in doubt (too little text, another Latin-script
// language, a mix).
func DetectLanguage(texts ...string) string {
	var c langCounter
	for _, s := range texts {
		c.count(s)
		c.endWord()
	}
	if c.latin < minLatinLetters || c.latin*10 < (c.latin+c.other)*latinShare {
		return ""
	}
	switch {
	case c.en >= minVotes && c.en >= 2*c.fr && c.en >= 2*c.rest:
		return "en"
	case c.fr >= minVotes && c.fr >= 2*c.en && c.fr >= 2*c.rest:
		return "fr"
	}
	return ""
}

// langCounter counts letters by script and votes by word.
type langCounter struct {
	latin, other   int // letters
	en, fr, rest   int // votes; rest: other Latin-script languages
	word           [8]byte
	n              int  // bytes of word; more than len(word) when too long to be a function word
	frMark, esMark bool // the word has a French accent, or a letter French does not use
}

func (c *langCounter) count(s string) {
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			i++
			switch {
			case isASCIILetter(b):
				c.latin++
				if c.n < len(c.word) {
					c.word[c.n] = b | 0x20
				}
				c.n++
			case b == '\'':
				c.elision()
			default:
				c.endWord()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		// The Arabic letters and marks first: most of the site's text.
		case r >= 0x621 && r <= 0x64A:
			c.other++
			c.endWord()
		case r >= 0x64B && r <= 0x65F || r == 0x670:
		case r == '’':
			c.elision()
		case !unicode.IsLetter(r):
			if !unicode.Is(unicode.Mn, r) { // a combining accent stays in its word
				c.endWord()
			}
		case unicode.Is(unicode.Latin, r):
			c.latin++
			c.n = len(c.word) + 1 // no function word is written with it, but "à" and "où"
			switch unicode.ToLower(r) {
			case 'à', 'â', 'ç', 'è', 'é', 'ê', 'ë', 'î', 'ï', 'ô', 'û', 'ù', 'œ':
				c.frMark = true
			case 'á', 'í', 'ó', 'ú', 'ñ', 'ã', 'õ', 'ä', 'ö', 'ü', 'ß', 'ì', 'ò', 'å', 'ø':
				c.esMark = true
			}
		default:
			c.other++
			c.endWord()
		}
	}
}

// elision ends a word at an apostrophe: "l'", "d'", "qu'" and the like
// before a word are French ("l'économie", "qu'il"); English puts its
// apostrophes later in the word ("it's", "Reuters'").
func (c *langCounter) elision() {
	if c.n > 0 && c.n <= len(c.word) {
		switch string(c.word[:c.n]) {
		case "l", "d", "qu", "n", "j", "s", "c", "jusqu", "lorsqu", "puisqu":
			c.fr++
			c.n = 0 // counted: not a word of its own
		}
	}
	c.endWord()
}

func (c *langCounter) endWord() {
	if c.n == 0 {
		return
	}
	switch {
	case c.esMark:
		c.rest++
	case c.frMark:
		c.fr++
	case c.n <= len(c.word):
		switch string(c.word[:c.n]) {
		case "the", "and", "of", "to", "in", "is", "for", "that", "with", "was", "are", "by", "at", "from", "it",
			"be", "has", "have", "this", "after", "said", "will", "its", "were", "not", "but", "which", "who",
			"would", "been", "their", "they", "he", "she", "his", "her", "as", "than", "about", "into", "over":
			c.en++
		case "le", "la", "les", "des", "de", "du", "et", "est", "une", "dans", "pour", "que", "qui", "au", "aux",
			"sur", "par", "pas", "ce", "cette", "ces", "avec", "sont", "ont", "il", "elle", "ils", "nous", "vous",
			"mais", "ou", "leur", "selon", "aussi", "en":
			c.fr++
		// Spanish, Portuguese, Italian and German words that French and
		// English do not use: a Spanish text has "la", "de" and "que" too.
		case "el", "los", "las", "del", "y", "con", "una", "por", "para", "es", "lo", "al", "da", "do", "em", "os",
			"di", "che", "della", "dei", "sono", "gli", "der", "die", "und", "das", "ist", "nicht", "mit", "ein",
			"eine", "den", "dem", "von", "zu", "auf", "sich":
			c.rest++
		}
	}
	c.n, c.frMark, c.esMark = 0, false, false
}
