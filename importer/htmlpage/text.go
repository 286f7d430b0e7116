package htmlpage

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// collapse trims s and turns runs of white space (NBSP and zero-width
// characters included) into one space.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == 0xFEFF || r >= 0x200B && r <= 0x200D || r == 0x00AD
}

// textOf returns the text of a node, without script and style contents.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if depth > 512 || b.Len() > 4<<20 {
			return
		}
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch tagOf(n) {
			case atom.Script, atom.Style, atom.Template, atom.Noscript:
				if depth > 0 {
					return
				}
			case atom.Br, atom.P, atom.Div, atom.Li, atom.Td, atom.Th, atom.Tr, atom.H1, atom.H2, atom.H3,
				atom.H4, atom.H5, atom.H6:
				b.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// clipRunes cuts s to at most n runes.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}

// norm is the form texts are compared in: collapsed, lower-cased, without
// tatweel and diacritics, with the common Arabic letter variants folded
// and the quotes and dashes of typesetting made plain.
func norm(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		switch {
		case isSpace(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		case r == 'ـ' || r >= 0x064B && r <= 0x065F || r == 0x0670:
			continue
		case r == 'أ' || r == 'إ' || r == 'آ' || r == 'ٱ':
			r = 'ا'
		case r == 'ى':
			r = 'ي'
		case r == 'ة':
			r = 'ه'
		case r == '“' || r == '”' || r == '„' || r == '«' || r == '»' || r == '″':
			r = '"'
		case r == '‘' || r == '’' || r == '′':
			r = '\''
		case r == '–' || r == '—' || r == '−':
			r = '-'
		default:
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimSuffix(b.String(), " ")
}

// words counts the words of s.
func words(s string) int { return len(strings.FieldsFunc(s, isSpace)) }

// tagOf returns the element's tag as an atom. Nodes built by code rather
// than by the parser (go-trafilatura's output) carry the name only.
func tagOf(n *html.Node) atom.Atom {
	if n.DataAtom != 0 || n.Type != html.ElementNode {
		return n.DataAtom
	}
	return atom.Lookup([]byte(strings.ToLower(n.Data)))
}
