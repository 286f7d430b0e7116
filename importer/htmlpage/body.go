package htmlpage

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// block is one top-level element of an article body as Extract writes it.
type block struct {
	tag   string // p, h2…h6, ul, ol, blockquote, figure, table, pre
	html  string // the element, clean
	text  string // its text, collapsed
	links int    // runes of its text inside links
	runes int    // runes of its text
}

func (b block) linkDensity() float64 {
	if b.runes == 0 {
		return 0
	}
	return float64(b.links) / float64(b.runes)
}

// Limits of the body renderer.
const (
	maxDepth    = 256
	maxBodySize = 4 << 20 // bytes of body HTML
)

// skipped elements are dropped with everything inside them.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Iframe: true, atom.Form: true,
	atom.Button: true, atom.Input: true, atom.Select: true, atom.Textarea: true, atom.Nav: true,
	atom.Aside: true, atom.Footer: true, atom.Svg: true, atom.Math: true, atom.Object: true,
	atom.Embed: true, atom.Video: true, atom.Audio: true, atom.Canvas: true, atom.Template: true,
	atom.Head: true, atom.Meta: true, atom.Link: true, atom.Title: true, atom.Label: true,
	atom.Option: true, atom.Map: true, atom.Dialog: true, atom.Menu: true, atom.Source: true,
	atom.Track: true, atom.Frame: true, atom.Frameset: true, atom.Applet: true,
}

// blockTags are the elements that start a block of their own.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Blockquote: true,
	atom.Figure: true, atom.Table: true, atom.Pre: true, atom.Hr: true, atom.Div: true,
	atom.Section: true, atom.Article: true, atom.Main: true, atom.Header: true, atom.Center: true,
	atom.Address: true, atom.Details: true, atom.Fieldset: true, atom.Body: true, atom.Html: true,
	atom.Li: true, atom.Dd: true, atom.Dt: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Tbody: true, atom.Thead: true, atom.Tfoot: true, atom.Caption: true, atom.Figcaption: true,
	atom.Img: true, atom.Summary: true, atom.Hgroup: true,
}

// inlineTags are kept inside paragraphs, under the name given.
var inlineTags = map[atom.Atom]string{
	atom.Strong: "strong", atom.B: "strong", atom.Em: "em", atom.I: "em",
	atom.Sub: "sub", atom.Sup: "sup", atom.Code: "code", atom.Q: "q",
}

// renderer turns an extracted content tree into clean blocks.
type renderer struct {
	base   *url.URL
	caps   map[string]string // captions of the page's figures, by image URL
	blocks []block
	size   int
	// the open paragraph of loose inline content
	para     strings.Builder
	paraText strings.Builder
	paraLink int
	brs      int // <br>s seen since the last text of the open paragraph
	figures  []block
}

func renderBody(content *xhtml.Node, base *url.URL, caps map[string]string) []block {
	r := &renderer{base: base, caps: caps}
	if content != nil {
		r.flow(content, 0)
	}
	r.closePara()
	return r.blocks
}

func (r *renderer) add(b block) {
	if r.size > maxBodySize {
		return
	}
	r.size += len(b.html)
	r.blocks = append(r.blocks, b)
}

// flow renders the children of a container whose content is blocks.
func (r *renderer) flow(n *xhtml.Node, depth int) {
	if depth > maxDepth {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case xhtml.TextNode:
			r.inlineText(c.Data, false)
		case xhtml.ElementNode:
			r.element(c, depth+1)
		}
	}
}

func (r *renderer) element(n *xhtml.Node, depth int) {
	a := tagOf(n)
	if skipped[a] || n.Namespace != "" || hidden(n) {
		return
	}
	switch a {
	case atom.Br:
		if r.para.Len() > 0 {
			r.brs++
		}
		return
	case atom.Hr:
		r.closePara()
		return
	case atom.P, atom.Li, atom.Dd, atom.Dt, atom.Figcaption, atom.Caption, atom.Summary:
		// Loose items (outside a list) are paragraphs.
		r.closePara()
		r.flow(n, depth)
		r.closePara()
		return
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		r.closePara()
		level := strings.ToLower(n.Data)
		if a == atom.H1 {
			level = "h2"
		}
		if t := collapse(textOf(n)); t != "" {
			r.add(block{tag: level, html: "<" + level + ">" + html.EscapeString(t) + "</" + level + ">", text: t, runes: utf8.RuneCountInString(t), links: linkRunes(n)})
		}
		return
	case atom.Ul, atom.Ol:
		r.closePara()
		if b, ok := r.list(n, depth); ok {
			r.add(b)
		}
		return
	case atom.Blockquote:
		r.closePara()
		inner := &renderer{base: r.base, caps: r.caps}
		inner.flow(n, depth)
		inner.closePara()
		var h, t strings.Builder
		var links, runes int
		for _, b := range inner.blocks {
			h.WriteString(b.html)
			if t.Len() > 0 {
				t.WriteByte(' ')
			}
			t.WriteString(b.text)
			links += b.links
			runes += b.runes
		}
		if runes > 0 {
			r.add(block{tag: "blockquote", html: "<blockquote>" + h.String() + "</blockquote>", text: t.String(), links: links, runes: runes})
		}
		return
	case atom.Figure:
		r.closePara()
		r.figure(n)
		return
	case atom.Img:
		if b, ok := r.image(n, ""); ok {
			if r.para.Len() > 0 {
				r.figures = append(r.figures, b) // after the paragraph it sits in
			} else {
				r.add(b)
			}
		}
		return
	case atom.Table:
		r.closePara()
		r.table(n, depth)
		return
	case atom.Pre:
		r.closePara()
		if t := strings.TrimSpace(textOf(n)); t != "" {
			c := collapse(t)
			r.add(block{tag: "pre", html: "<pre>" + html.EscapeString(t) + "</pre>", text: c, runes: utf8.RuneCountInString(c)})
		}
		return
	}
	if blockTags[a] || hasBlockChild(n, depth) {
		r.closePara()
		r.flow(n, depth)
		r.closePara()
		return
	}
	// inline content in a flow container: part of a loose paragraph
	var h, t strings.Builder
	links := r.inline(n, &h, &t, false, depth)
	r.inlineHTML(h.String(), t.String(), links)
	if r.para.Len() == 0 {
		r.flushFigures()
	}
}

func (r *renderer) flushFigures() {
	figs := r.figures
	r.figures = nil
	for _, f := range figs {
		r.add(f)
	}
}

// inlineText adds loose text to the open paragraph.
func (r *renderer) inlineText(s string, inLink bool) {
	h, t := html.EscapeString(squeeze(s)), squeeze(s)
	links := 0
	if inLink {
		links = utf8.RuneCountInString(strings.TrimSpace(t))
	}
	r.inlineHTML(h, t, links)
}

func (r *renderer) inlineHTML(h, t string, links int) {
	if strings.TrimSpace(t) == "" {
		if r.para.Len() > 0 && h != "" && strings.TrimSpace(h) != "" {
			r.para.WriteString(h) // markup without text, such as an inline image's place
		} else if r.para.Len() > 0 && t != "" {
			r.para.WriteByte(' ')
			r.paraText.WriteByte(' ')
		}
		return
	}
	if r.brs >= 2 {
		r.closePara() // a blank line made of <br>s ends a paragraph
	} else if r.brs == 1 {
		r.para.WriteString("<br>")
		r.paraText.WriteByte(' ')
	}
	r.brs = 0
	r.para.WriteString(h)
	r.paraText.WriteString(t)
	r.paraLink += links
}

func (r *renderer) closePara() {
	h := strings.TrimSpace(r.para.String())
	t := collapse(r.paraText.String())
	links := r.paraLink
	r.para.Reset()
	r.paraText.Reset()
	r.paraLink, r.brs = 0, 0
	if t != "" {
		h = strings.TrimSpace(strings.TrimSuffix(h, "<br>"))
		runes := utf8.RuneCountInString(t)
		r.add(block{tag: "p", html: "<p>" + h + "</p>", text: t, links: min(links, runes), runes: runes})
	}
	r.flushFigures()
}

// inline renders inline content into h (HTML) and t (text) and returns the
// runes of text inside links.
func (r *renderer) inline(n *xhtml.Node, h, t *strings.Builder, inLink bool, depth int) int {
	if depth > maxDepth || h.Len() > maxBodySize {
		return 0
	}
	switch n.Type {
	case xhtml.TextNode:
		s := squeeze(n.Data)
		h.WriteString(html.EscapeString(s))
		t.WriteString(s)
		if inLink {
			return utf8.RuneCountInString(strings.TrimSpace(s))
		}
		return 0
	case xhtml.ElementNode:
	default:
		return 0
	}
	a := tagOf(n)
	if skipped[a] || n.Namespace != "" || hidden(n) {
		return 0
	}
	switch a {
	case atom.Br:
		h.WriteString("<br>")
		t.WriteByte(' ')
		return 0
	case atom.Img:
		if b, ok := r.image(n, ""); ok {
			r.figures = append(r.figures, b)
		}
		return 0
	case atom.A:
		inLink = true
	}
	tag := inlineTags[a]
	if tag != "" {
		h.WriteString("<" + tag + ">")
	} else if blockTags[a] {
		h.WriteByte(' ')
		t.WriteByte(' ')
	}
	links := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		links += r.inline(c, h, t, inLink, depth+1)
	}
	if tag != "" {
		h.WriteString("</" + tag + ">")
	}
	return links
}

// list renders a list; items are inline content with nested lists kept.
func (r *renderer) list(n *xhtml.Node, depth int) (block, bool) {
	tag := "ul"
	if tagOf(n) == atom.Ol {
		tag = "ol"
	}
	var h, text strings.Builder
	links, runes := 0, 0
	h.WriteString("<" + tag + ">")
	items := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xhtml.ElementNode || skipped[tagOf(c)] || hidden(c) {
			continue
		}
		var ih, it strings.Builder
		l := 0
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			if k.Type == xhtml.ElementNode && (tagOf(k) == atom.Ul || tagOf(k) == atom.Ol) {
				if sub, ok := r.list(k, depth+1); ok {
					ih.WriteString(sub.html)
					it.WriteString(" " + sub.text + " ")
					l += sub.links
				}
				continue
			}
			l += r.inline(k, &ih, &it, false, depth+1)
		}
		t := collapse(it.String())
		if t == "" {
			continue
		}
		items++
		h.WriteString("<li>" + strings.TrimSpace(ih.String()) + "</li>")
		if text.Len() > 0 {
			text.WriteByte(' ')
		}
		text.WriteString(t)
		links += l
		runes += utf8.RuneCountInString(t)
	}
	h.WriteString("</" + tag + ">")
	if items == 0 {
		return block{}, false
	}
	return block{tag: tag, html: h.String(), text: text.String(), links: min(links, runes), runes: runes}, true
}

// figure renders a <figure>: its first usable image and its caption.
func (r *renderer) figure(n *xhtml.Node) {
	var img *xhtml.Node
	var caption string
	var walk func(*xhtml.Node, int)
	walk = func(c *xhtml.Node, depth int) {
		if depth > 64 {
			return
		}
		if c.Type == xhtml.ElementNode {
			switch tagOf(c) {
			case atom.Img:
				if img == nil {
					if _, ok := r.image(c, ""); ok {
						img = c
					}
				}
			case atom.Figcaption:
				if caption == "" {
					caption = collapse(textOf(c))
				}
				return
			}
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k, depth+1)
		}
	}
	walk(n, 0)
	if img == nil {
		if caption != "" {
			r.add(block{tag: "p", html: "<p>" + html.EscapeString(caption) + "</p>", text: caption, runes: utf8.RuneCountInString(caption)})
		}
		return
	}
	if b, ok := r.image(img, caption); ok {
		r.add(b)
	}
}

// iconPath matches image URLs of page furniture: icons, logos, spacers,
// tracking pixels and share buttons.
var iconPath = regexp.MustCompile(`(?i)(icon|logo|sprite|spacer|pixel|blank\.|1x1|1px|share|print|button|avatar|loader|loading|placeholder|/ads?/|banner|emoji|smiley|feed)`)

// image renders an image as a figure, or reports false when it has no
// usable absolute http(s) source or is page furniture.
func (r *renderer) image(n *xhtml.Node, caption string) (block, bool) {
	src := ""
	for _, k := range []string{"src", "data-src", "data-original", "data-lazy-src"} {
		if s := absURL(r.base, attr(n, k)); s != "" {
			src = s
			break
		}
	}
	if src == "" || iconPath.MatchString(src) {
		return block{}, false
	}
	if w, hh := attr(n, "width"), attr(n, "height"); isSmall(w) || isSmall(hh) {
		return block{}, false
	}
	alt := collapse(attr(n, "alt"))
	if caption == "" {
		caption = r.caps[src] // the library keeps the image, not its caption
	}
	var h strings.Builder
	h.WriteString(`<figure><img src="` + html.EscapeString(src) + `" alt="` + html.EscapeString(alt) + `">`)
	if caption != "" {
		h.WriteString("<figcaption>" + html.EscapeString(caption) + "</figcaption>")
	}
	h.WriteString("</figure>")
	return block{tag: "figure", html: h.String(), text: caption, runes: utf8.RuneCountInString(caption)}, true
}

func isSmall(dim string) bool {
	dim = strings.TrimSuffix(strings.TrimSpace(dim), "px")
	if dim == "" || len(dim) > 4 {
		return false
	}
	n := 0
	for _, c := range dim {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n < 50
}

// table renders a data table; a layout table (cells holding paragraphs)
// is read as the blocks in its cells.
func (r *renderer) table(n *xhtml.Node, depth int) {
	if hasBlockChild(n, depth) && layoutTable(n) {
		r.flow(n, depth)
		r.closePara()
		return
	}
	var h, text strings.Builder
	runes, rows := 0, 0
	h.WriteString("<table>")
	var walk func(*xhtml.Node, int)
	walk = func(c *xhtml.Node, d int) {
		if d > maxDepth {
			return
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			if k.Type != xhtml.ElementNode || skipped[tagOf(k)] {
				continue
			}
			if tagOf(k) == atom.Tr {
				var row strings.Builder
				cells := 0
				for cell := k.FirstChild; cell != nil; cell = cell.NextSibling {
					if cell.Type != xhtml.ElementNode || (tagOf(cell) != atom.Td && tagOf(cell) != atom.Th) {
						continue
					}
					var ch, ct strings.Builder
					r.inline(cell, &ch, &ct, false, d+1)
					tag := strings.ToLower(cell.Data)
					row.WriteString("<" + tag + ">" + strings.TrimSpace(ch.String()) + "</" + tag + ">")
					if t := collapse(ct.String()); t != "" {
						if text.Len() > 0 {
							text.WriteByte(' ')
						}
						text.WriteString(t)
						runes += utf8.RuneCountInString(t)
					}
					cells++
				}
				if cells > 0 {
					h.WriteString("<tr>" + row.String() + "</tr>")
					rows++
				}
				continue
			}
			if tagOf(k) != atom.Table {
				walk(k, d+1)
			}
		}
	}
	walk(n, depth)
	h.WriteString("</table>")
	if rows > 0 && runes > 0 {
		r.add(block{tag: "table", html: h.String(), text: text.String(), runes: runes})
	}
}

// layoutTable reports whether a table lays out a page rather than holding
// data: at most one cell a row.
func layoutTable(n *xhtml.Node) bool {
	layout := true
	var walk func(*xhtml.Node, int)
	walk = func(c *xhtml.Node, d int) {
		if d > maxDepth || !layout {
			return
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			if k.Type != xhtml.ElementNode {
				continue
			}
			if tagOf(k) == atom.Tr {
				cells := 0
				for cell := k.FirstChild; cell != nil; cell = cell.NextSibling {
					if cell.Type == xhtml.ElementNode && (tagOf(cell) == atom.Td || tagOf(cell) == atom.Th) {
						cells++
					}
				}
				if cells > 1 {
					layout = false
				}
				continue
			}
			if tagOf(k) != atom.Table {
				walk(k, d+1)
			}
		}
	}
	walk(n, 0)
	return layout
}

// hasBlockChild reports whether an element holds block content somewhere
// below it.
func hasBlockChild(n *xhtml.Node, depth int) bool {
	if depth > maxDepth {
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xhtml.ElementNode || skipped[tagOf(c)] {
			continue
		}
		if (blockTags[tagOf(c)] && tagOf(c) != atom.Img) || hasBlockChild(c, depth+1) {
			return true
		}
	}
	return false
}

// hidden reports whether an element is hidden from readers.
func hidden(n *xhtml.Node) bool {
	if hasAttr(n, "hidden") || strings.EqualFold(attr(n, "aria-hidden"), "true") {
		return true
	}
	style := strings.ToLower(strings.ReplaceAll(attr(n, "style"), " ", ""))
	return strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden")
}

// linkRunes counts the runes of text inside links below n.
func linkRunes(n *xhtml.Node) int {
	total := 0
	var walk func(*xhtml.Node, bool, int)
	walk = func(c *xhtml.Node, in bool, d int) {
		if d > maxDepth {
			return
		}
		if c.Type == xhtml.TextNode && in {
			total += utf8.RuneCountInString(collapse(c.Data))
		}
		if c.Type == xhtml.ElementNode && tagOf(c) == atom.A {
			in = true
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k, in, d+1)
		}
	}
	walk(n, false, 0)
	return total
}

// squeeze turns runs of white space into one space, keeping one at either
// end if there was any, and drops control characters.
func squeeze(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isSpace(r) {
			space = true
			continue
		}
		if r == utf8.RuneError || unicode.IsControl(r) || r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}
