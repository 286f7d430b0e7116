package comments

import (
	"html"
	"html/template"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"

	"sahafa/news"
)

// Text is a comment rendered for readers: safe HTML.
type Text = template.HTML

// Render turns a comment's text into HTML: paragraphs (dir="auto", so
// that a comment in English reads left to right), line breaks, and http
// and https links marked rel="nofollow ugc". Everything else is text: an
// imported comment's HTML is read for its text and links first, and its
// markup dropped.
func Render(c news.Comment) Text {
	text := c.Text
	if !c.Local() {
		text = htmlToText(text)
	}
	return plainToHTML(text)
}

// linkPattern finds the links of plain text: http(s) addresses and
// "www." ones.
var linkPattern = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"'«»]+`)

// countLinks counts the links in s.
func countLinks(s string) int { return len(linkPattern.FindAllStringIndex(s, -1)) }

// trailing are characters that end a sentence rather than a link.
const trailing = ".,،؛;:!?؟)]}'\""

func plainToHTML(text string) Text {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString(`<p dir="auto">`)
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>")
			}
			writeLinked(&b, strings.TrimSpace(line))
		}
		b.WriteString("</p>")
	}
	return Text(b.String())
}

// writeLinked writes line escaped, its links as anchors.
func writeLinked(b *strings.Builder, line string) {
	last := 0
	for _, m := range linkPattern.FindAllStringIndex(line, -1) {
		start, end := m[0], m[1]
		for end > start {
			r, size := utf8.DecodeLastRuneInString(line[start:end])
			if !strings.ContainsRune(trailing, r) {
				break
			}
			end -= size
		}
		link := line[start:end]
		href := link
		if !strings.HasPrefix(strings.ToLower(href), "http") {
			href = "https://" + href
		}
		b.WriteString(html.EscapeString(line[last:start]))
		shown := link
		if r := []rune(shown); len(r) > 60 {
			shown = string(r[:57]) + "…"
		}
		b.WriteString(`<a href="` + html.EscapeString(href) + `" rel="nofollow ugc noopener" dir="ltr">` + html.EscapeString(shown) + `</a>`)
		last = end
	}
	b.WriteString(html.EscapeString(line[last:]))
}

// htmlToText reads the text of a comment's HTML (WordPress keeps them so):
// paragraphs and line breaks become blank lines and line breaks, a link
// whose text is not its address keeps the address after it, and scripts
// and styles are dropped with their content.
func htmlToText(s string) string {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	var href, linkText string
	inLink := false
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			if z.Err() != io.EOF {
				return b.String()
			}
			return strings.TrimSpace(b.String())
		case xhtml.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			b.WriteString(t)
			if inLink {
				linkText += t
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			end := tt == xhtml.EndTagToken
			switch tag {
			case "script", "style", "iframe", "object", "noscript", "template":
				if tt == xhtml.StartTagToken {
					skip++
				} else if end && skip > 0 {
					skip--
				}
			case "br":
				b.WriteString("\n")
			case "p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6":
				b.WriteString("\n\n")
			case "a":
				if !end {
					href, linkText, inLink = "", "", true
					for hasAttr {
						var k, v []byte
						k, v, hasAttr = z.TagAttr()
						if string(k) == "href" {
							href = strings.TrimSpace(string(v))
						}
					}
				} else if inLink {
					inLink = false
					l := strings.ToLower(href)
					if (strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")) && strings.TrimSpace(linkText) != href {
						b.WriteString(" (" + href + ")")
					}
				}
			}
		}
	}
}
