package ingest

import (
	"html"
	"net/url"
	"strings"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sahafa/markup"
)

// blockTags maps the block elements of NITF and XHTML bodies onto the
// editor's; elements not listed keep their text only.
var blockTags = map[string]string{
	"p": "p", "hl2": "h2", "h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3",
	"blockquote": "blockquote", "bq": "blockquote", "ul": "ul", "ol": "ol", "li": "li",
	"table": "table", "tr": "tr", "td": "td", "th": "th", "tbody": "tbody", "thead": "thead",
}

var inlineTags = map[string]string{
	"em": "em", "i": "em", "strong": "strong", "b": "strong", "br": "br", "q": "q",
}

// skipTags are dropped with their text: media references, notes to
// editors and the end of an NITF body, none of which is story text.
var skipTags = map[string]bool{
	"media": true, "body.end": true, "ed-msg": true, "script": true, "style": true, "head": true,
	"body.head": true, "img": true, "object": true, "tagline": true,
}

// xmlBodyHTML writes the story elements under n as editor HTML; the
// result still goes through cleanBody.
func xmlBodyHTML(n *node) string {
	var b strings.Builder
	writeBody(&b, n)
	return b.String()
}

func writeBody(b *strings.Builder, n *node) {
	for _, k := range n.kids {
		if k.name == "" {
			b.WriteString(html.EscapeString(k.text))
			continue
		}
		if skipTags[k.name] {
			continue
		}
		if k.name == "a" {
			if href := k.attr("href"); safeLink(href) {
				b.WriteString(`<a href="` + html.EscapeString(href) + `">`)
				writeBody(b, k)
				b.WriteString("</a>")
				continue
			}
		}
		tag := blockTags[k.name]
		if tag == "" {
			tag = inlineTags[k.name]
		}
		if tag == "" {
			writeBody(b, k)
			continue
		}
		if tag == "br" {
			b.WriteString("<br>")
			continue
		}
		b.WriteString("<" + tag + ">")
		writeBody(b, k)
		b.WriteString("</" + tag + ">")
	}
}

func safeLink(href string) bool {
	u, err := url.Parse(strings.TrimSpace(href))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// cleanBody puts any body through the editor's cleaner, so that what the
// queue shows and what a draft starts from is the same safe HTML the
// newsroom writes. Images stay out: a wire item's pictures are separate
// items, and hot-linked agency pictures would leak readers to the agency.
func cleanBody(src string) string {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	if len(src) > markup.MaxSourceBytes {
		src = truncateUTF8(src, markup.MaxSourceBytes)
	}
	out, _ := markup.CleanHTML(dropMedia(src), markup.HTMLOptions{AltOptional: true})
	return strings.TrimSpace(out)
}

// mediaTags are dropped from HTML bodies with everything inside them.
var mediaTags = map[string]bool{"img": true, "picture": true, "figure": true, "video": true, "audio": true, "iframe": true, "svg": true}

// dropMedia removes pictures and embeds from an HTML fragment.
func dropMedia(src string) string {
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(strings.NewReader(src), ctx)
	if err != nil {
		return html.EscapeString(src)
	}
	var b strings.Builder
	for _, n := range nodes {
		prune(n)
		if n.Type == xhtml.ElementNode && mediaTags[n.Data] {
			continue
		}
		if err := xhtml.Render(&b, n); err != nil {
			return html.EscapeString(src)
		}
	}
	return b.String()
}

func prune(n *xhtml.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == xhtml.ElementNode && mediaTags[c.Data] {
			n.RemoveChild(c)
		} else {
			prune(c)
		}
		c = next
	}
}

// plainParagraphs turns plain text (ninjs body_text, a feed's summary)
// into paragraphs at its blank lines, or at its lines when it has none.
func plainParagraphs(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	parts := strings.Split(text, "\n\n")
	if len(parts) == 1 {
		parts = strings.Split(text, "\n")
	}
	var b strings.Builder
	for _, p := range parts {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			b.WriteString("<p>" + html.EscapeString(p) + "</p>")
		}
	}
	return b.String()
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	return strings.ToValidUTF8(s, "")
}

// textOfHTML is the text of an HTML fragment.
func textOfHTML(src string) string {
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(strings.NewReader(src), ctx)
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == xhtml.ElementNode {
			b.WriteByte(' ')
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// Text is the plain text of an item's body, for search terms.
func Text(body string) string { return textOfHTML(body) }
