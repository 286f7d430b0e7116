package news

import (
	"html"
	"strings"
)

// PlainText returns the plain text of sanitized article HTML: tags dropped,
// block boundaries turned into spaces, entities decoded. It is a scanner,
// not a parser, because its input has already been through the sanitizer
// and it runs on every article at import speed.
func PlainText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break // an unterminated tag: drop the rest
		}
		b.WriteByte(' ')
		s = s[i+j+1:]
	}
	out := b.String()
	if strings.IndexByte(out, '&') >= 0 {
		out = html.UnescapeString(out)
	}
	return out
}

// Paragraphs renders plain-text paragraphs as escaped HTML <p> elements,
// one line each, skipping empty ones. Every importer of plain text builds
// its bodies with it.
func Paragraphs(paras []string) string {
	var b strings.Builder
	for _, p := range paras {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(p))
		b.WriteString("</p>")
	}
	return b.String()
}
