package markup

import (
	"fmt"
	stdhtml "html"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The newsroom's rich-text editor sends article bodies as HTML. CleanHTML
// rebuilds that HTML in the one shape the site stores, whatever the
// browser, a paste from Word or Google Docs, or a hand-made request
// brought: the blocks the editor has (paragraphs, h2 and h3, quotes and
// pull quotes, lists, tables, dividers, images with caption and credit,
// galleries, link cards, fact boxes, related-article cards), each with a
// direction (its own ltr or rtl, else the direction of its text), and
// inside them text,
// bold, italic, strike-through, links and line breaks. Styles, classes,
// spans, fonts, comments and Office markup are dropped, their text kept;
// scripts, styles, frames and forms are dropped whole. The result then
// goes through the body sanitizer like every body.
//
// Problems are what the writer must fix, with the 1-based number of the
// block they are in (Problem.Line counts blocks here).

// ArticleRef is an article a related-article card points to.
type ArticleRef struct {
	Title string
	Path  string
}

// HTMLOptions configures CleanHTML.
type HTMLOptions struct {
	// Resolve maps an image URL of the site's library ("/media/42/…") to
	// its variants, as in Options.
	Resolve func(src string) (img Image, ok bool)
	// Article finds the published article a related card names by id.
	Article func(id int64) (ArticleRef, bool)
	// AltOptional lets images without alt text through (an imported
	// article's, which the old site had so): editors are told of them,
	// not stopped by them.
	AltOptional bool
}

// Classes of the blocks the editor makes, shared with the sanitizer and
// the site's CSS.
const (
	ClassImage      = "image"
	ClassGallery    = "gallery"
	ClassPullQuote  = "pullquote"
	ClassFactBox    = "factbox"
	ClassRelated    = "related-card"
	ClassCredit     = "credit"
	maxGalleryItems = 24
)

// CleanHTML rebuilds an editor body; see above.
func CleanHTML(src string, opts HTMLOptions) (string, []Problem) {
	if len(src) > MaxSourceBytes {
		return "", []Problem{{Line: 1, Message: fmt.Sprintf("نص المقال أطول من الحد المسموح (%d كيلوبايت، والحد %d كيلوبايت)؛ قسّمه إلى أكثر من مقال",
			(len(src)+1023)/1024, MaxSourceBytes>>10)}}
	}
	src = strings.ToValidUTF8(src, "\uFFFD")
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(src), body)
	if err != nil {
		return "", []Problem{{Line: 1, Message: "تعذّرت قراءة نص المقال"}}
	}
	c := &cleaner{opts: opts}
	c.blocks(nodes, 0)
	c.flush()
	return c.out.String(), c.problems
}

type cleaner struct {
	opts     HTMLOptions
	out      strings.Builder
	problems []Problem
	block    int          // blocks written, for the problems' numbers
	loose    []*html.Node // inline nodes met between blocks, to wrap in a paragraph
	pending  []*html.Node // images met inside a paragraph, written after it
	depth    int
	seen     map[string]bool // problems already reported
}

func (c *cleaner) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if !c.seen[msg] {
		c.seen[msg] = true
		c.problems = append(c.problems, Problem{Line: c.block + 1, Message: msg})
	}
}

// dropped are elements removed with everything in them.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Form: true, atom.Input: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Svg: true, atom.Math: true, atom.Template: true, atom.Noscript: true, atom.Head: true,
	atom.Meta: true, atom.Link: true, atom.Title: true, atom.Audio: true, atom.Video: true,
	atom.Canvas: true, atom.Frame: true, atom.Frameset: true, atom.Applet: true, atom.Base: true,
}

// blockTags are the elements read as blocks; any other element between
// blocks is inline content of an implied paragraph, or a wrapper whose
// children are read in its place.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Ul: true, atom.Ol: true, atom.Table: true, atom.Hr: true,
	atom.Figure: true, atom.Img: true, atom.Aside: true, atom.Pre: true,
}

// wrappers are block-level containers whose children take their place.
var wrappers = map[atom.Atom]bool{
	atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true, atom.Header: true,
	atom.Footer: true, atom.Nav: true, atom.Center: true, atom.Body: true, atom.Html: true,
	atom.Dl: true, atom.Dd: true, atom.Dt: true, atom.Details: true, atom.Summary: true,
	atom.Address: true, atom.Fieldset: true, atom.Tbody: true,
}

func (c *cleaner) blocks(nodes []*html.Node, depth int) {
	for _, n := range nodes {
		c.node(n, depth)
	}
}

func children(n *html.Node) []*html.Node {
	var out []*html.Node
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		out = append(out, ch)
	}
	return out
}

func (c *cleaner) node(n *html.Node, depth int) {
	switch n.Type {
	case html.TextNode:
		if strings.TrimSpace(n.Data) != "" {
			c.loose = append(c.loose, n)
		}
		return
	case html.ElementNode:
	default:
		return // comments, doctypes
	}
	if dropped[n.DataAtom] || n.Namespace != "" {
		return
	}
	if depth > MaxNesting*3 {
		c.problem("في الفقرة %d عناصر متداخلة أكثر مما ينبغي؛ بسّط التنسيق", c.block+1)
		return
	}
	if wrappers[n.DataAtom] || (n.DataAtom == 0 && isOfficeBlock(n)) || (!blockTags[n.DataAtom] && holdsBlocks(n)) {
		// An inline element around blocks (Google Docs wraps a whole paste
		// in <b style="font-weight:normal">) is a wrapper too.
		c.blocks(children(n), depth+1)
		return
	}
	if !blockTags[n.DataAtom] {
		c.loose = append(c.loose, n)
		return
	}
	c.flush()
	switch n.DataAtom {
	case atom.P, atom.Pre:
		c.paragraph("p", n, children(n))
	case atom.H1, atom.H2:
		c.paragraph("h2", n, children(n))
	case atom.H3, atom.H4, atom.H5, atom.H6:
		c.paragraph("h3", n, children(n))
	case atom.Blockquote:
		c.quote(n, depth)
	case atom.Ul, atom.Ol:
		c.list(n, depth)
	case atom.Table:
		c.table(n)
	case atom.Hr:
		c.block++
		c.out.WriteString("<hr>\n")
	case atom.Figure:
		c.figure(n)
	case atom.Img:
		c.image([]*html.Node{n}, nil)
	case atom.Aside:
		c.aside(n, depth)
	}
}

// holdsBlocks reports whether n has a block among its children.
func holdsBlocks(n *html.Node) bool {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.ElementNode && (blockTags[ch.DataAtom] || wrappers[ch.DataAtom]) && ch.DataAtom != atom.Img {
			return true
		}
	}
	return false
}

// isOfficeBlock reports an element of Word's own namespaces (o:p and the
// like), which the parser gives no atom: read as a wrapper.
func isOfficeBlock(n *html.Node) bool { return strings.Contains(n.Data, ":") }

// flush writes the inline nodes met between blocks as one paragraph.
func (c *cleaner) flush() {
	if len(c.loose) == 0 {
		return
	}
	loose := c.loose
	c.loose = nil
	c.paragraph("p", nil, loose)
}

// paragraph writes a text block: p, h2 or h3 (or li content), with its
// direction, and then the images met inside it.
func (c *cleaner) paragraph(tag string, from *html.Node, inlines []*html.Node) {
	var b strings.Builder
	c.inline(&b, inlines, false, 0)
	text := singleSpaced(b.String())
	if strings.TrimSpace(strings.ReplaceAll(text, "<br>", "")) != "" {
		c.block++
		c.out.WriteString("<" + tag + ` dir="` + direction(from, text) + `">`)
		c.out.WriteString(strings.TrimSpace(text))
		c.out.WriteString("</" + tag + ">\n")
	}
	c.flushImages()
}

func (c *cleaner) flushImages() {
	pending := c.pending
	c.pending = nil
	for _, img := range pending {
		c.image([]*html.Node{img}, nil)
	}
}

// direction is a block's dir: its own when it says ltr or rtl, else the
// direction of its text (TextDirection). dir="auto" would take the first
// strong letter, and a paragraph that opens with a Latin name or a number
// would lay out left to right in an Arabic article.
func direction(n *html.Node, inner string) string {
	if n != nil {
		switch d := strings.ToLower(strings.TrimSpace(attr(n, "dir"))); d {
		case "ltr", "rtl":
			return d
		}
	}
	return TextDirection(stdhtml.UnescapeString(stripTags(inner)))
}

// TextDirection is the direction a block of text reads in: rtl when at
// least a quarter of its letters are of a right-to-left script (an Arabic
// sentence with a Latin name or brand in it), ltr when fewer (an English
// quote with one Arabic word), rtl when it has no letters at all (the
// site is Arabic). The editor's script decides the same way.
func TextDirection(text string) string {
	rtl, all := 0, 0
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		all++
		if unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko) {
			rtl++
		}
	}
	if all == 0 || 4*rtl >= all {
		return "rtl"
	}
	return "ltr"
}

// stripTags is s without its tags (the cleaner's own output).
func stripTags(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		b.WriteByte(' ')
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		s = s[i+j+1:]
	}
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// inline writes text and the marks the editor has. Other elements are
// unwrapped (their text kept); images are set aside for after the block.
func (c *cleaner) inline(b *strings.Builder, nodes []*html.Node, inLink bool, depth int) {
	for _, n := range nodes {
		switch n.Type {
		case html.TextNode:
			b.WriteString(stdhtml.EscapeString(collapseSpaces(n.Data)))
			continue
		case html.ElementNode:
		default:
			continue
		}
		if dropped[n.DataAtom] || n.Namespace != "" {
			continue
		}
		if depth > MaxNesting*3 {
			c.problem("في الفقرة %d تنسيق متداخل أكثر مما ينبغي؛ بسّطه", c.block+1)
			continue
		}
		kids := children(n)
		mark := ""
		switch n.DataAtom {
		case atom.Strong:
			mark = "strong"
		case atom.B:
			// Google Docs wraps a whole paste in <b style="font-weight:normal">.
			if !strings.Contains(strings.ReplaceAll(attr(n, "style"), " ", ""), "font-weight:normal") {
				mark = "strong"
			}
		case atom.Em, atom.I:
			mark = "em"
		case atom.S, atom.Strike, atom.Del:
			mark = "s"
		case atom.Sub, atom.Sup:
			mark = n.Data
		case atom.Span:
			mark = styleMark(attr(n, "style"))
		case atom.Br:
			b.WriteString("<br>")
			continue
		case atom.Img:
			c.pending = append(c.pending, n)
			continue
		case atom.A:
			if !inLink {
				c.link(b, n, depth)
				continue
			}
		}
		if mark == "" {
			c.inline(b, kids, inLink, depth+1)
			continue
		}
		b.WriteString("<" + mark + ">")
		c.inline(b, kids, inLink, depth+1)
		b.WriteString("</" + mark + ">")
	}
}

// styleMark reads bold or italic from an inline style, as Google Docs and
// Word give them: the style itself is never kept.
func styleMark(style string) string {
	s := strings.ToLower(strings.ReplaceAll(style, " ", ""))
	switch {
	case strings.Contains(s, "font-weight:bold"), strings.Contains(s, "font-weight:700"),
		strings.Contains(s, "font-weight:800"), strings.Contains(s, "font-weight:900"):
		return "strong"
	case strings.Contains(s, "font-style:italic"):
		return "em"
	}
	return ""
}

func (c *cleaner) link(b *strings.Builder, n *html.Node, depth int) {
	href := strings.TrimSpace(attr(n, "href"))
	if href == "" {
		c.inline(b, children(n), true, depth+1)
		return
	}
	if ok, scheme := allowedURL([]byte(href)); !ok {
		c.problem("الرابط في الفقرة %d يستخدم بروتوكولًا غير مسموح%s؛ استخدم رابطًا يبدأ بـ https:// أو http:// أو mailto: أو رابطًا داخليًا في الموقع",
			c.block+1, schemeNote(scheme))
		c.inline(b, children(n), true, depth+1)
		return
	}
	b.WriteString(`<a href="` + stdhtml.EscapeString(href) + `">`)
	c.inline(b, children(n), true, depth+1)
	b.WriteString("</a>")
}

// singleSpaced leaves one space where inline pieces written one after the
// other left two (a text node ending in a space, a tag taken out, another
// starting with one), as a second cleaning would.
func singleSpaced(s string) string {
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return s
}

// collapseSpaces turns runs of white space (newlines of the source
// included) into one space, as a browser shows them.
func collapseSpaces(s string) string {
	if !strings.ContainsAny(s, "\n\r\t\u00a0 ") {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' || r == ' ' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func (c *cleaner) quote(n *html.Node, depth int) {
	if hasClass(n, ClassPullQuote) {
		// A pull quote is one short text, repeated from the story in large
		// type: its paragraphs become one.
		var inl []*html.Node
		for _, ch := range children(n) {
			if ch.Type == html.ElementNode && blockTags[ch.DataAtom] {
				inl = append(inl, children(ch)...)
				inl = append(inl, &html.Node{Type: html.ElementNode, Data: "br", DataAtom: atom.Br})
			} else {
				inl = append(inl, ch)
			}
		}
		c.block++
		var b strings.Builder
		c.inline(&b, inl, false, 0)
		text := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(b.String()), "<br>"))
		if text == "" {
			return
		}
		c.out.WriteString(`<blockquote class="` + ClassPullQuote + `" dir="` + direction(n, text) + `"><p>` + text + "</p></blockquote>\n")
		c.flushImages()
		return
	}
	c.container("blockquote", "", n, depth)
}

// container writes a block holding blocks (a quote, a fact box) from the
// children of n.
func (c *cleaner) container(tag, class string, n *html.Node, depth int) {
	if depth >= MaxNesting {
		c.problem("في الفقرة %d اقتباسات أو قوائم متداخلة أكثر من %d؛ خفّف التداخل", c.block+1, MaxNesting)
		return
	}
	sub := &cleaner{opts: c.opts, block: c.block, seen: c.seen}
	sub.blocks(children(n), depth+1)
	sub.flush()
	c.problems = append(c.problems, sub.problems...)
	if sub.out.Len() == 0 {
		return
	}
	c.block = sub.block
	classAttr := ""
	if class != "" {
		classAttr = ` class="` + class + `"`
	}
	c.out.WriteString("<" + tag + classAttr + ` dir="` + direction(n, sub.out.String()) + `">` + "\n" + sub.out.String() + "</" + tag + ">\n")
}

func (c *cleaner) list(n *html.Node, depth int) {
	if depth >= MaxNesting {
		c.problem("في الفقرة %d قوائم متداخلة أكثر من %d؛ خفّف التداخل", c.block+1, MaxNesting)
		return
	}
	tag := "ul"
	if n.DataAtom == atom.Ol {
		tag = "ol"
	}
	var items strings.Builder
	for _, li := range children(n) {
		if li.Type != html.ElementNode || li.DataAtom != atom.Li {
			if li.Type == html.ElementNode && (li.DataAtom == atom.Ul || li.DataAtom == atom.Ol) {
				// A list nested without its item, as some editors write it.
				sub := &cleaner{opts: c.opts, block: c.block, seen: c.seen}
				sub.list(li, depth+1)
				c.problems = append(c.problems, sub.problems...)
				c.block = sub.block
				items.WriteString(strings.TrimSpace(sub.out.String()))
			}
			continue
		}
		sub := &cleaner{opts: c.opts, block: c.block, seen: c.seen}
		hasBlocks := false
		for ch := li.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type == html.ElementNode && (blockTags[ch.DataAtom] || wrappers[ch.DataAtom]) {
				hasBlocks = true
			}
		}
		if hasBlocks {
			sub.blocks(children(li), depth+1)
			sub.flush()
		} else {
			sub.paragraph("p", nil, children(li))
		}
		c.problems = append(c.problems, sub.problems...)
		c.block = sub.block
		if inner := strings.TrimSpace(sub.out.String()); inner != "" {
			items.WriteString(`<li dir="` + direction(li, inner) + `">` + inner + "</li>\n")
		}
	}
	if items.Len() > 0 {
		c.out.WriteString("<" + tag + ` dir="` + direction(n, items.String()) + `">` + "\n" + items.String() + "</" + tag + ">\n")
	}
}

func (c *cleaner) table(n *html.Node) {
	var rows []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			switch ch.DataAtom {
			case atom.Tr:
				rows = append(rows, ch)
			case atom.Thead, atom.Tbody, atom.Tfoot:
				walk(ch)
			}
		}
	}
	walk(n)
	var b strings.Builder
	for _, tr := range rows {
		var cells strings.Builder
		for td := tr.FirstChild; td != nil; td = td.NextSibling {
			if td.DataAtom != atom.Td && td.DataAtom != atom.Th {
				continue
			}
			var cell strings.Builder
			var inl []*html.Node
			for ch := td.FirstChild; ch != nil; ch = ch.NextSibling {
				if ch.Type == html.ElementNode && blockTags[ch.DataAtom] {
					if len(inl) > 0 {
						inl = append(inl, &html.Node{Type: html.ElementNode, Data: "br", DataAtom: atom.Br})
					}
					inl = append(inl, children(ch)...)
				} else {
					inl = append(inl, ch)
				}
			}
			c.inline(&cell, inl, false, 0)
			c.pending = nil // no figures inside a table cell
			span := ""
			for _, k := range []string{"colspan", "rowspan"} {
				if v, err := strconv.Atoi(attr(td, k)); err == nil && v > 1 && v <= 50 {
					span += fmt.Sprintf(` %s="%d"`, k, v)
				}
			}
			cells.WriteString("<" + td.Data + span + ` dir="` + direction(td, cell.String()) + `">` + strings.TrimSpace(cell.String()) + "</" + td.Data + ">")
		}
		if cells.Len() > 0 {
			b.WriteString("<tr>" + cells.String() + "</tr>\n")
		}
	}
	if b.Len() > 0 {
		c.block++
		c.out.WriteString(`<table dir="` + direction(n, b.String()) + `"><tbody>` + "\n" + b.String() + "</tbody></table>\n")
	}
}

// figure writes an image (with its caption and credit), a gallery or a
// link card.
func (c *cleaner) figure(n *html.Node) {
	var imgs []*html.Node
	var caption *html.Node
	var link *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			switch ch.DataAtom {
			case atom.Img:
				imgs = append(imgs, ch)
			case atom.Figcaption:
				if caption == nil {
					caption = ch
				}
			case atom.A:
				if link == nil {
					link = ch
				}
				find(ch)
			default:
				find(ch)
			}
		}
	}
	find(n)
	switch {
	case hasClass(n, "embed") && link != nil:
		c.embed(attr(link, "href"))
	case len(imgs) == 0 && link != nil:
		c.embed(attr(link, "href"))
	case hasClass(n, ClassGallery) || len(imgs) > 1:
		c.image(imgs, caption)
	case len(imgs) == 1:
		c.image(imgs, caption)
	}
}

// embed writes the link card of a media URL, or a paragraph with the link
// when the host is not one the site makes cards for.
func (c *cleaner) embed(href string) {
	href = strings.TrimSpace(href)
	if card, ok := EmbedCard(href); ok {
		c.block++
		c.out.WriteString(card)
		return
	}
	if ok, _ := allowedURL([]byte(href)); !ok || href == "" {
		return
	}
	c.block++
	e := stdhtml.EscapeString(href)
	c.out.WriteString(`<p dir="ltr"><a href="` + e + `">` + e + "</a></p>\n")
}

// image writes one image as a figure, or several as a gallery, with the
// caption and credit of figcaption (the credit in its span.credit).
func (c *cleaner) image(imgs []*html.Node, caption *html.Node) {
	var parts []string
	for _, img := range imgs {
		if len(parts) == maxGalleryItems {
			c.problem("في المعرض في الفقرة %d أكثر من %d صورة", c.block+1, maxGalleryItems)
			break
		}
		if s := c.img(img); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return
	}
	c.block++
	class := ClassImage
	if len(parts) > 1 {
		class = ClassGallery
	}
	c.out.WriteString(`<figure class="` + class + `">` + strings.Join(parts, ""))
	if caption != nil {
		var text, credit strings.Builder
		for ch := caption.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type == html.ElementNode && hasClass(ch, ClassCredit) {
				c.inline(&credit, children(ch), false, 0)
				continue
			}
			c.inline(&text, []*html.Node{ch}, false, 0)
		}
		c.pending = nil
		t, cr := strings.TrimSpace(singleSpaced(text.String())), strings.TrimSpace(singleSpaced(credit.String()))
		if t != "" || cr != "" {
			c.out.WriteString(`<figcaption dir="` + TextDirection(stdhtml.UnescapeString(stripTags(t+" "+cr))) + `">` + t)
			if cr != "" {
				if t != "" {
					c.out.WriteString(" ")
				}
				c.out.WriteString(`<span class="` + ClassCredit + `">` + cr + "</span>")
			}
			c.out.WriteString("</figcaption>")
		}
	}
	c.out.WriteString("</figure>\n")
}

// img writes one <img>: the library's images with their variants, others
// as they are when their URL is allowed. Alt text is required.
func (c *cleaner) img(n *html.Node) string {
	src := strings.TrimSpace(attr(n, "src"))
	if src == "" {
		return ""
	}
	if ok, scheme := allowedURL([]byte(src)); !ok || strings.HasPrefix(src, "mailto:") {
		c.problem("الصورة في الفقرة %d من مصدر غير مسموح%s؛ ارفعها إلى مكتبة الصور", c.block+1, schemeNote(scheme))
		return ""
	}
	alt := strings.TrimSpace(collapseSpaces(attr(n, "alt")))
	if isBlank(alt) && !c.opts.AltOptional {
		c.problem("الصورة في الفقرة %d بلا نص بديل؛ اكتب وصفها لمن لا يراها", c.block+1)
	}
	var b strings.Builder
	if c.opts.Resolve != nil {
		if im, ok := c.opts.Resolve(src); ok {
			b.WriteString(`<img src="` + stdhtml.EscapeString(im.Src) + `" alt="` + stdhtml.EscapeString(alt) + `"`)
			if im.Srcset != "" {
				b.WriteString(` srcset="` + stdhtml.EscapeString(im.Srcset) + `"`)
				if im.Sizes != "" {
					b.WriteString(` sizes="` + stdhtml.EscapeString(im.Sizes) + `"`)
				}
			}
			if im.Width > 0 && im.Height > 0 {
				fmt.Fprintf(&b, ` width="%d" height="%d"`, im.Width, im.Height)
			}
			b.WriteString(` loading="lazy" decoding="async">`)
			return b.String()
		}
	}
	b.WriteString(`<img src="` + stdhtml.EscapeString(src) + `" alt="` + stdhtml.EscapeString(alt) + `" loading="lazy" decoding="async">`)
	return b.String()
}

// aside writes a fact box, or a related-article card from the article it
// names (its current title and address, whatever the HTML said).
func (c *cleaner) aside(n *html.Node, depth int) {
	if hasClass(n, ClassRelated) {
		id, err := strconv.ParseInt(attr(n, "data-article"), 10, 64)
		if err != nil || id <= 0 || c.opts.Article == nil {
			c.problem("بطاقة المقال ذي الصلة في الفقرة %d لا تشير إلى مقال؛ اخترها من الأرشيف", c.block+1)
			return
		}
		ref, ok := c.opts.Article(id)
		if !ok {
			c.problem("المقال ذو الصلة في الفقرة %d غير موجود أو غير منشور", c.block+1)
			return
		}
		c.block++
		fmt.Fprintf(&c.out, `<aside class="%s" data-article="%d" dir="%s"><a href="%s">%s</a></aside>`+"\n",
			ClassRelated, id, TextDirection(ref.Title), stdhtml.EscapeString(ref.Path), stdhtml.EscapeString(ref.Title))
		return
	}
	c.container("aside", ClassFactBox, n, depth)
}

// EmbedCard is the link card of a media URL (YouTube, X, …), as the
// Markdown dialect makes it for a lone link, or ok false.
func EmbedCard(href string) (string, bool) {
	e := embedFor([]byte(href))
	if e == nil {
		return "", false
	}
	p := e.rule.provider
	u := stdhtml.EscapeString(string(e.url))
	return `<figure class="embed embed-` + p.class + `"><a class="embed-link" href="` + u + `">` +
		stdhtml.EscapeString(e.rule.kind.label()+p.name) + `</a><figcaption>` + stdhtml.EscapeString(p.domain) +
		"</figcaption></figure>\n", true
}

// ImagesWithoutAlt counts the images of an HTML body that have no alt
// text (an imported article's, which the editor then asks for).
func ImagesWithoutAlt(body string) int {
	n := 0
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return n
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			if t.Data != "img" {
				continue
			}
			alt := ""
			for _, a := range t.Attr {
				if a.Key == "alt" {
					alt = a.Val
				}
			}
			if isBlank(strings.TrimSpace(alt)) {
				n++
			}
		}
	}
}
