package markup

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Latin runs inside Arabic text are isolated at render time, so that the
// bidi algorithm cannot scatter their punctuation: unisolated, "UN-Water"
// broken at the end of a line shows "-UN", "Dr. John Smith" loses its
// period to the far side and a URL's slashes jump. A run starts at a Latin
// letter and goes on over Latin letters, digits, the joiners of names,
// numbers and addresses and the spaces between Latin words, and ends at
// its last letter or digit; it is wrapped in <bdi dir="ltr">, which the
// surrounding Arabic treats as one neutral piece. A "#" or "@" just before
// its first letter (a hashtag, a handle) and a "+" or "#" just after its
// last letter or digit ("AA+", "Disney+", "C++", "C#") are the run's own:
// left outside, the bidi algorithm would put them on its other side
// ("MeToo#", "+AA"); so are digits joined to its first letter ("5G").

// runJoiners may sit inside a Latin run (between its letters and digits).
const runJoiners = ".-_/:@&'’+#%?=~,"

func isLatin(r rune) bool {
	return r < utf8.RuneSelf && isASCIILetter(byte(r)) || unicode.Is(unicode.Latin, r)
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func inRun(r rune) bool {
	return isLatin(r) || unicode.IsDigit(r) || r == ' ' || strings.ContainsRune(runJoiners, r)
}

// hasLatin reports whether s holds a Latin letter (the fast path: most
// Arabic text has none and is left as it is).
func hasLatin(s string) bool {
	for i := 0; i < len(s); i++ {
		if isASCIILetter(s[i]) {
			return true
		}
	}
	for _, r := range s {
		if r >= utf8.RuneSelf && unicode.Is(unicode.Latin, r) {
			return true
		}
	}
	return false
}

// IsolateText escapes plain text for HTML and wraps its Latin runs in
// <bdi dir="ltr">.
func IsolateText(s string) string {
	var b strings.Builder
	isolateInto(&b, s)
	return b.String()
}

func isolateInto(b *strings.Builder, s string) {
	if !hasLatin(s) {
		b.WriteString(html.EscapeString(s))
		return
	}
	for len(s) > 0 {
		start := strings.IndexFunc(s, isLatin)
		if start < 0 {
			b.WriteString(html.EscapeString(s))
			return
		}
		// Digits joined to the first letter ("5G", "3D", "4K") are the
		// run's too, or "5G" would read "G5".
		for start > 0 && s[start-1] >= '0' && s[start-1] <= '9' {
			start--
		}
		for start > 0 && (s[start-1] == '#' || s[start-1] == '@') {
			start--
		}
		// The run: as far as run characters go, back to its last letter
		// or digit and the "+" or "#" right after it.
		last := start
		for i, r := range s[start:] {
			if !inRun(r) {
				break
			}
			if isLatin(r) || unicode.IsDigit(r) {
				last = start + i + utf8.RuneLen(r)
			}
		}
		for last < len(s) && (s[last] == '+' || s[last] == '#') {
			last++
		}
		b.WriteString(html.EscapeString(s[:start]))
		b.WriteString(`<bdi dir="ltr">`)
		b.WriteString(html.EscapeString(s[start:last]))
		b.WriteString(`</bdi>`)
		s = s[last:]
	}
}

// IsolateHTML wraps the Latin runs of a sanitized HTML fragment's text in
// <bdi dir="ltr">, except where the text is left to right already (an
// element with dir="ltr", bdi, bdo) or is code (code, pre, kbd, samp).
// The fragment is otherwise written back as it came.
func IsolateHTML(fragment string) string {
	if !hasLatin(fragment) {
		return fragment
	}
	var b strings.Builder
	b.Grow(len(fragment) + 64)
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	// skip counts the open elements whose text is left alone; stack
	// remembers, per open element, whether it was one.
	skip := 0
	var stack []bool
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return b.String()
		case xhtml.TextToken:
			raw := z.Raw()
			if skip > 0 {
				b.Write(raw)
				continue
			}
			isolateInto(&b, string(z.Text()))
		case xhtml.StartTagToken:
			raw := string(z.Raw())
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			leave := a == atom.Code || a == atom.Pre || a == atom.Kbd || a == atom.Samp || a == atom.Bdi || a == atom.Bdo
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if string(k) == "dir" && strings.EqualFold(string(v), "ltr") {
					leave = true
				}
			}
			if !voidElement(a) {
				stack = append(stack, leave)
				if leave {
					skip++
				}
			}
			b.WriteString(raw)
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			if !voidElement(atom.Lookup(name)) && len(stack) > 0 {
				if stack[len(stack)-1] {
					skip--
				}
				stack = stack[:len(stack)-1]
			}
			b.Write(z.Raw())
		default:
			b.Write(z.Raw())
		}
	}
}

func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input, atom.Link, atom.Meta,
		atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}
