package markup

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A site that prints its own numbers in Arabic-Indic digits may want the
// numbers of its articles so too: "عام ٢٠٢٤", "١٥ قتيلا". What writers type
// is ASCII, and not every digit in an Arabic text is an Arabic number:
// those of a Latin name (COVID-19, F-16, G20, "Windows 11"), of an address
// or of code must stay as written, or the name is misspelt and the
// address broken. So a number is converted only when it stands in Arabic
// text: not inside a Latin run (as IsolateText finds them) nor touching a
// Latin letter, not in a word that is a URL or an e-mail address, not in
// code or in left-to-right or non-Arabic markup. Nothing but ASCII digits
// changes, each into its Arabic-Indic digit: separators ("3.5", "30%",
// "10:45") are left as written.

// numberJoiners may sit between the digits of one number ("10:45",
// "1,000", "2023/2024", "3.5"): the number is converted, or kept, whole.
const numberJoiners = ".,:/-٫٬"

// latinJoiners, after a number, tie it to a Latin word that follows
// ("19-COVID" is as Latin as "COVID-19").
const latinJoiners = "-_/+.'’&"

func isDigit(r rune) bool {
	return r >= '0' && r <= '9' || r >= 0x660 && r <= 0x669 || r >= utf8.RuneSelf && !arabicLetter(r) && unicode.IsDigit(r)
}

// arabicLetter: the Arabic block but its digits, which holds no Latin
// letter nor space: most of the text, answered without Unicode tables.
func arabicLetter(r rune) bool {
	return r >= 0x600 && r <= 0x6FF && (r < 0x660 || r > 0x669) && (r < 0x6F0 || r > 0x6F9)
}

func latin(r rune) bool { return !arabicLetter(r) && isLatin(r) }

func space(r rune) bool { return !arabicLetter(r) && unicode.IsSpace(r) }

// digitUnit is one character of a text: a rune, or a character reference
// ("&amp;", "&#49;") read as the rune it stands for. Only a plain ASCII
// digit is ever replaced.
type digitUnit struct {
	r       rune
	start   int  // its first byte in the raw text
	plain   bool // raw is the rune itself, not a reference
	keep    bool // a digit of a Latin run or a unit of an address: its number stays as written
	convert bool // an ASCII digit to write Arabic-Indic
}

// digitScanner keeps its buffer from one text to the next.
type digitScanner struct {
	units []digitUnit
}

// scan splits raw into units; with refs, character references are read
// as what they stand for (raw is HTML text).
func (d *digitScanner) scan(raw string, refs bool) {
	d.units = d.units[:0]
	for i := 0; i < len(raw); {
		if refs && raw[i] == '&' {
			j := i + 1
			if j < len(raw) && raw[j] == '#' {
				j++
			}
			for j < len(raw) && (isASCIILetter(raw[j]) || raw[j] >= '0' && raw[j] <= '9') {
				j++
			}
			if j < len(raw) && raw[j] == ';' {
				j++
			}
			// A reference is opaque: its digits ("&#49;", "&frac12;") are
			// not the text's. What does not decode is plain text.
			if dec := xhtml.UnescapeString(raw[i:j]); dec != raw[i:j] {
				r, _ := utf8.DecodeRuneInString(dec)
				d.units = append(d.units, digitUnit{r: r, start: i})
				i = j
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(raw[i:])
		d.units = append(d.units, digitUnit{r: r, start: i, plain: true})
		i += size
	}
}

// rune is the rune of unit k, or the neighbour text's beyond the ends.
func (d *digitScanner) rune(k int, prev, next rune) rune {
	switch {
	case k < 0:
		return prev
	case k >= len(d.units):
		return next
	}
	return d.units[k].r
}

// convert writes raw to b with the digits of its Arabic numbers made
// Arabic-Indic; prev and next are the runes of the text around it (0 for
// none), and open whether the text before it ends in a Latin run, which
// goes on into this one ("<a>Reuters</a> 15").
func (d *digitScanner) convert(b *strings.Builder, raw string, refs bool, prev, next rune, open bool) {
	d.scan(raw, refs)
	u := d.units
	// The digits of Latin runs, as isolateInto finds them: a run starts at
	// a Latin letter and goes on over the run's characters.
	for k := range u {
		open = runGoesOn(open, u[k].r)
		u[k].keep = open && isDigit(u[k].r)
	}
	// Words that are URLs or e-mail addresses, which may hold no Latin
	// letter at all ("https://مثال.مصر/2024").
	for k := 0; k < len(u); {
		j := k
		for j < len(u) && !space(u[j].r) {
			j++
		}
		if addressLike(u[k:j]) {
			for m := k; m < j; m++ {
				u[m].keep = true
			}
		}
		k = j + 1
	}
	// The numbers.
	for k := 0; k < len(u); k++ {
		if !isDigit(u[k].r) {
			continue
		}
		start := k
		for k+1 < len(u) && (isDigit(u[k+1].r) ||
			strings.ContainsRune(numberJoiners, u[k+1].r) && k+2 < len(u) && isDigit(u[k+2].r)) {
			k++
		}
		end := k + 1 // the number is u[start:end]
		if before := d.rune(start-1, prev, next); latin(before) {
			continue
		}
		after := d.rune(end, prev, next)
		if latin(after) || strings.ContainsRune(latinJoiners, after) && latin(d.rune(end+1, prev, next)) {
			continue
		}
		if slices.ContainsFunc(u[start:end], func(x digitUnit) bool { return x.keep }) {
			continue
		}
		for m := start; m < end; m++ {
			u[m].convert = u[m].plain && u[m].r >= '0' && u[m].r <= '9'
		}
	}
	// The raw text, with the digits to convert replaced.
	from := 0
	for _, x := range u {
		if x.convert {
			b.WriteString(raw[from:x.start])
			b.WriteRune(0x660 + x.r - '0')
			from = x.start + 1 // an ASCII digit is one byte
		}
	}
	b.WriteString(raw[from:])
}

// runGoesOn says, after r, whether a Latin run is open, given whether one
// was before it.
func runGoesOn(open bool, r rune) bool {
	switch {
	case arabicLetter(r):
		return false
	case isLatin(r):
		return true
	}
	return open && inRun(r)
}

// addressLike reports whether a word is a URL or an e-mail address: it
// has "://", "www." or "@".
func addressLike(w []digitUnit) bool {
	for k, x := range w {
		switch x.r {
		case '@':
			return true
		case ':':
			if k+2 < len(w) && w[k+1].r == '/' && w[k+2].r == '/' {
				return true
			}
		case 'w', 'W':
			if k+3 < len(w) && w[k+1].r|0x20 == 'w' && w[k+2].r|0x20 == 'w' && w[k+3].r == '.' {
				return true
			}
		}
	}
	return false
}

// ArabicDigitsText writes the numbers of a plain Arabic text in
// Arabic-Indic digits, except those in its Latin runs or touching a Latin
// letter ("COVID-19", "iPhone 15", "5G") and those of URLs and e-mail
// addresses. The result is plain text: only ASCII digits change.
func ArabicDigitsText(s string) string {
	if !hasASCIIDigit(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	var d digitScanner
	d.convert(&b, s, false, 0, 0, false)
	return b.String()
}

func hasASCIIDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// ArabicDigitsHTML does what ArabicDigitsText does to the text of a
// sanitized HTML fragment, run after IsolateHTML or IsolateText: the text
// of elements left to right (dir="ltr", among them the <bdi> of Latin
// runs), of other bdi and bdo, of elements in another language (lang not
// "ar"), of code, pre, kbd and samp, and of raw-text and foreign
// elements (script, style, svg…) is left as written, and so are
// attributes. Only ASCII digits of text change, each into its
// Arabic-Indic digit; everything else is written back byte for byte.
func ArabicDigitsHTML(fragment string) string {
	if !hasASCIIDigit(fragment) {
		return fragment
	}
	toks, err := digitTokens(fragment)
	if err != nil {
		return fragment // a tokenizer error on a string: unchanged is safe
	}
	var b strings.Builder
	b.Grow(len(fragment) + 64)
	var d digitScanner
	end := 0
	for i, t := range toks {
		raw := fragment[t.start:t.end]
		end = t.end
		if t.typ != xhtml.TextToken || t.skip || !hasASCIIDigit(raw) {
			b.WriteString(raw)
			continue
		}
		var prev, next rune
		open := false
		if i > 0 {
			prev, open = toks[i-1].lastRune, toks[i-1].runOpen
		}
		if i+1 < len(toks) {
			next = toks[i+1].firstRune
		}
		d.convert(&b, raw, true, prev, next, open)
	}
	b.WriteString(fragment[end:])
	return b.String()
}

// digitToken is one token of a fragment: its bytes, and for text whether
// it is left alone. firstRune and lastRune are, for a text token, its own
// first and last runes; for a tag, those of the text beyond it in its
// direction (0 when the tag breaks the text, a paragraph's end for one),
// so that a number sees through inline tags ("5<bdi>G</bdi>"). runOpen is
// likewise whether the text up to the token's end is in a Latin run.
type digitToken struct {
	typ                 xhtml.TokenType
	start, end          int
	skip, runOpen       bool
	atom                atom.Atom // of a tag
	firstRune, lastRune rune
}

func digitTokens(fragment string) ([]digitToken, error) {
	toks := make([]digitToken, 0, len(fragment)/32)
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	// stack holds the open elements and whether each one's text is left
	// alone; skip counts those that are.
	type openElem struct {
		name string
		skip bool
	}
	var stack []openElem
	skip, off := 0, 0
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		raw := z.Raw()
		t := digitToken{typ: tt, start: off, end: off + len(raw)}
		off = t.end
		switch tt {
		case xhtml.TextToken:
			t.skip = skip > 0
			t.firstRune, t.lastRune = textEnds(fragment[t.start:t.end])
		case xhtml.StartTagToken:
			name, a := tagName(fragment[t.start:t.end])
			t.atom = a
			leave := a == atom.Code || a == atom.Pre || a == atom.Kbd || a == atom.Samp || a == atom.Svg || a == atom.Math ||
				rawTextElement(a)
			dir := ""
			// Attributes are read (which copies them) only when the tag may
			// hold one that matters.
			for more := mayHoldDirOrLang(fragment[t.start:t.end]); more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				switch string(k) {
				case "dir":
					dir = strings.ToLower(string(v))
				case "lang":
					if l := strings.ToLower(string(v)); l != "ar" && !strings.HasPrefix(l, "ar-") {
						leave = true
					}
				}
			}
			if dir == "ltr" || (a == atom.Bdi || a == atom.Bdo) && dir != "rtl" {
				leave = true
			}
			if !voidElement(a) {
				stack = append(stack, openElem{name, leave})
				if leave {
					skip++
				}
			}
		case xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, a := tagName(fragment[t.start:t.end])
			t.atom = a
			if tt == xhtml.SelfClosingTagToken {
				break
			}
			// Close up to the element the tag names, if it is open; a stray
			// end tag closes nothing.
			for k := len(stack) - 1; k >= 0; k-- {
				if !strings.EqualFold(stack[k].name, name) {
					continue
				}
				for _, o := range stack[k:] {
					if o.skip {
						skip--
					}
				}
				stack = stack[:k]
				break
			}
		}
		toks = append(toks, t)
	}
	if err := z.Err(); err != io.EOF {
		return nil, fmt.Errorf("markup: reading a fragment for its digits: %w", err)
	}
	// Neighbours through inline tags: forwards for lastRune, backwards for
	// firstRune.
	var last rune
	open := false
	for i := range toks {
		switch t := &toks[i]; t.typ {
		case xhtml.TextToken:
			last = t.lastRune
			open = endsInRun(fragment[t.start:t.end], open)
			t.runOpen = open
		case xhtml.CommentToken:
			t.lastRune, t.runOpen = last, open
		default:
			if !inlineTag(t.atom) {
				last, open = 0, false
			}
			t.lastRune, t.runOpen = last, open
		}
	}
	var first rune
	for i := len(toks) - 1; i >= 0; i-- {
		switch t := &toks[i]; t.typ {
		case xhtml.TextToken:
			first = t.firstRune
		case xhtml.CommentToken:
			t.firstRune = first
		default:
			if !inlineTag(t.atom) {
				first = 0
			}
			t.firstRune = first
		}
	}
	return toks, nil
}

// textEnds returns the first and last runes of a text token's text, read
// from its raw bytes: a reference at either end stands for what it decodes
// to.
func textEnds(raw string) (first, last rune) {
	first, _ = utf8.DecodeRuneInString(raw)
	if first == '&' {
		j := 1
		for j < len(raw) && j < 40 && raw[j] != ';' && raw[j] != '&' && raw[j] != ' ' {
			j++
		}
		first, _ = utf8.DecodeRuneInString(xhtml.UnescapeString(raw[:min(j+1, len(raw))]))
	}
	last, _ = utf8.DecodeLastRuneInString(raw)
	if last == ';' {
		if i := strings.LastIndexByte(raw, '&'); i >= 0 && len(raw)-i <= 40 {
			if dec := xhtml.UnescapeString(raw[i:]); dec != raw[i:] {
				last, _ = utf8.DecodeLastRuneInString(dec)
			}
		}
	}
	return first, last
}

// endsInRun reports whether raw text ends in a Latin run, given whether
// the text before it did: read backwards, a Latin letter is met before
// anything that ends a run.
func endsInRun(raw string, open bool) bool {
	for i := len(raw); i > 0; {
		r, size := utf8.DecodeLastRuneInString(raw[:i])
		i -= size
		if r == ';' { // perhaps a reference: read what it stands for
			if j := strings.LastIndexByte(raw[:i], '&'); j >= 0 && i-j < 40 {
				if dec := xhtml.UnescapeString(raw[j : i+1]); dec != raw[j:i+1] {
					r, _ = utf8.DecodeLastRuneInString(dec)
					i = j
				}
			}
		}
		switch {
		case arabicLetter(r):
			return false
		case isLatin(r):
			return true
		case !inRun(r):
			return false
		}
	}
	return open
}

// rawTextElement: elements whose content is not text to read (scripts,
// styles) or is kept as typed (textarea, title).
func rawTextElement(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Textarea, atom.Title, atom.Xmp, atom.Iframe, atom.Noembed, atom.Noframes,
		atom.Noscript, atom.Plaintext, atom.Template:
		return true
	}
	return false
}

// tagName reads a tag's name from its raw bytes, as the tokenizer does
// (without the copy TagName makes), and its atom (0 for unknown names).
func tagName(raw string) (string, atom.Atom) {
	i := 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	j := i
	for j < len(raw) && !strings.ContainsRune(" \n\r\t\f/>", rune(raw[j])) {
		j++
	}
	name := raw[i:j]
	var buf [12]byte
	if len(name) > len(buf) {
		return name, 0
	}
	for k := 0; k < len(name); k++ {
		buf[k] = name[k]
		if isASCIILetter(name[k]) {
			buf[k] |= 0x20
		}
	}
	return name, atom.Lookup(buf[:len(name)])
}

// mayHoldDirOrLang reports whether a start tag's raw bytes hold "dir" or
// "lang", in any case.
func mayHoldDirOrLang(raw string) bool {
	for i := 0; i+3 <= len(raw); i++ {
		switch raw[i] | 0x20 {
		case 'd':
			if raw[i+1]|0x20 == 'i' && raw[i+2]|0x20 == 'r' {
				return true
			}
		case 'l':
			if i+4 <= len(raw) && raw[i+1]|0x20 == 'a' && raw[i+2]|0x20 == 'n' && raw[i+3]|0x20 == 'g' {
				return true
			}
		}
	}
	return false
}

// inlineTag reports whether a tag is a phrasing element, which text flows
// through; any other tag (p, li, br, img…) ends it.
func inlineTag(a atom.Atom) bool {
	switch a {
	case atom.A, atom.Abbr, atom.B, atom.Bdi, atom.Bdo, atom.Cite, atom.Code, atom.Data, atom.Del, atom.Dfn, atom.Em,
		atom.I, atom.Ins, atom.Kbd, atom.Mark, atom.Q, atom.S, atom.Samp, atom.Small, atom.Span, atom.Strong, atom.Sub,
		atom.Sup, atom.Time, atom.U, atom.Var, atom.Wbr:
		return true
	}
	return false
}
