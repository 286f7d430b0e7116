package markup

import (
	"bytes"
	"fmt"
	stdhtml "html"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// transformer rewrites one parsed document in place (heading levels,
// images, figures, link cards, refused URLs) and collects the problems.
type transformer struct {
	src      []byte
	opts     Options
	problems []Problem
	altMiss  int        // problems about missing alt text, for checkOutput
	raws     []ast.Node // raw HTML blocks and inlines, in document order
	lines    []int      // offsets where lines start; built on first use
}

func (t *transformer) problem(line int, msg string) {
	t.problems = append(t.problems, Problem{Line: line, Message: msg})
}

func (t *transformer) transform(doc ast.Node) {
	var images []*ast.Image
	var links []*ast.Link
	var autos []*ast.AutoLink
	var lone []ast.Node // paragraphs whose only child is an image or an autolink
	// The tree is only read during the walk: goldmark's Walk does not
	// survive its nodes being moved, so the rewriting comes after.
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			// The page's h1 is the headline: "#" and "##" are its
			// subheadings (h2), "###" the level below, as the rich-text
			// editor writes them.
			n.Level = max(n.Level, 2)
		case *ast.Paragraph, *ast.TextBlock:
			if c := n.FirstChild(); c != nil && c == n.LastChild() &&
				(c.Kind() == ast.KindImage || c.Kind() == ast.KindAutoLink) {
				lone = append(lone, n)
			}
		case *ast.Image:
			images = append(images, n)
			// What is inside is alt text: no links or images of its own.
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			links = append(links, n)
		case *ast.AutoLink:
			autos = append(autos, n)
		case *ast.HTMLBlock, *ast.RawHTML:
			t.raws = append(t.raws, n)
		}
		return ast.WalkContinue, nil
	})

	for _, l := range links {
		t.link(l)
	}
	for _, a := range autos {
		t.autoLink(a)
	}
	for _, im := range images {
		t.image(im)
	}
	for _, p := range lone {
		t.lone(p)
	}
	for _, r := range t.raws {
		t.checkRaw(r)
	}
}

// link refuses a link with a scheme the site does not allow: the writer is
// told, and the preview shows its text without the link.
func (t *transformer) link(l *ast.Link) {
	dest := util.URLEscape(l.Destination, true)
	if ok, scheme := allowedURL(dest); !ok {
		line := t.line(l)
		t.problem(line, badLinkMessage(line, scheme))
		unwrap(l)
	}
}

func (t *transformer) autoLink(a *ast.AutoLink) {
	if a.AutoLinkType != ast.AutoLinkURL {
		return // an e-mail address, rendered as mailto:
	}
	if ok, scheme := allowedURL(a.URL(t.src)); !ok {
		line := t.line(a)
		t.problem(line, badLinkMessage(line, scheme))
		s := ast.NewString(a.Label(t.src))
		s.SetRaw(true) // the label is shown as written, escaped
		a.Parent().ReplaceChild(a.Parent(), a, s)
	}
}

func badLinkMessage(line int, scheme string) string {
	return fmt.Sprintf("الرابط في السطر %d يستخدم بروتوكولًا غير مسموح%s؛ استخدم رابطًا يبدأ بـ https:// أو http:// أو mailto: أو رابطًا داخليًا في الموقع", line, schemeNote(scheme))
}

func schemeNote(scheme string) string {
	if scheme == "" || len(scheme) > 20 {
		return ""
	}
	for _, c := range scheme {
		if c > unicode.MaxASCII || !isSchemeByte(byte(c)) {
			return ""
		}
	}
	return " (" + scheme + ":)"
}

// image replaces a Markdown image with an imageNode carrying what will be
// rendered: alt text, the resolved variants, or no src at all when the URL
// is refused.
func (t *transformer) image(im *ast.Image) {
	n := &imageNode{title: im.Title}
	n.alt = altText(im, t.src)
	if isBlank(stdhtml.UnescapeString(string(n.alt))) {
		line := t.line(im)
		t.altMiss++
		t.problem(line, fmt.Sprintf("الصورة في السطر %d بلا نص بديل (اكتب وصفها بين القوسين المربعين)", line))
	}
	dest := util.URLEscape(im.Destination, true)
	if ok, scheme := allowedURL(dest); !ok {
		line := t.line(im)
		t.problem(line, fmt.Sprintf("رابط الصورة في السطر %d يستخدم بروتوكولًا غير مسموح%s؛ ارفع الصورة إلى الموقع أو استخدم رابطًا يبدأ بـ https://", line, schemeNote(scheme)))
	} else {
		n.src = dest
		if t.opts.Resolve != nil {
			written := util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(im.Destination)))
			if img, ok := t.opts.Resolve(string(written)); ok {
				n.resolved(img)
			}
		}
	}
	im.Parent().ReplaceChild(im.Parent(), im, n)
}

// resolved takes the stored image's variants, keeping only what is well
// formed: the resolver is trusted, but the HTML must not depend on it.
func (n *imageNode) resolved(img Image) {
	src := util.URLEscape([]byte(img.Src), false)
	if ok, _ := allowedURL(src); !ok || len(src) == 0 {
		return
	}
	n.src = src
	n.srcset = cleanSrcset(img.Srcset)
	if n.srcset != nil && validSizes(img.Sizes) {
		n.sizes = []byte(img.Sizes)
	}
	if img.Width > 0 && img.Height > 0 && img.Width < 100000 && img.Height < 100000 {
		n.width, n.height = img.Width, img.Height
	}
}

// cleanSrcset returns srcset as "URL 320w, URL 640w" with escaped URLs, or
// nil when any candidate is not a URL and a width.
func cleanSrcset(s string) []byte {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var b []byte
	for cand := range strings.SplitSeq(s, ",") {
		f := strings.Fields(cand)
		if len(f) != 2 || !isWidth(f[1]) {
			return nil
		}
		u := util.URLEscape([]byte(f[0]), false)
		if ok, _ := allowedURL(u); !ok {
			return nil
		}
		if len(b) > 0 {
			b = append(b, ", "...)
		}
		b = append(b, u...)
		b = append(b, ' ')
		b = append(b, f[1]...)
	}
	return b
}

// isWidth reports whether d is a width descriptor such as "640w".
func isWidth(d string) bool {
	if len(d) < 2 || len(d) > 6 || d[len(d)-1] != 'w' || d[0] == '0' {
		return false
	}
	for i := 0; i < len(d)-1; i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// validSizes keeps sizes to the characters of media conditions and
// lengths, so it cannot carry anything else into the attribute.
func validSizes(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(" ():,.-", c) >= 0) {
			return false
		}
	}
	return true
}

// lone turns a paragraph holding nothing but an image into a figure, and
// one holding nothing but a link to a known media host into a link card.
func (t *transformer) lone(p ast.Node) {
	parent := p.Parent()
	switch c := p.FirstChild().(type) {
	case *imageNode:
		f := &figureNode{caption: c.title}
		c.inFigure = true
		p.RemoveChild(p, c)
		f.AppendChild(f, c)
		parent.ReplaceChild(parent, p, f)
	case *ast.AutoLink:
		if c.AutoLinkType != ast.AutoLinkURL {
			return
		}
		if e := embedFor(c.URL(t.src)); e != nil {
			parent.ReplaceChild(parent, p, e)
		}
	}
}

// unwrap puts the children of n in its place.
func unwrap(n ast.Node) {
	parent := n.Parent()
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// altText renders the plain text inside an image as goldmark would for its
// alt attribute (escapes and entities resolved, HTML-escaped), with line
// breaks as spaces.
func altText(im *ast.Image, src []byte) []byte {
	var w bufWriter
	writeTexts(&w, im, src)
	return w.Bytes()
}

// bufWriter is a bytes.Buffer as goldmark's writers want it, without the
// copying of a bufio.Writer in front.
type bufWriter struct{ bytes.Buffer }

func (*bufWriter) Available() int { return 0 }
func (*bufWriter) Buffered() int  { return 0 }
func (*bufWriter) Flush() error   { return nil }

func writeTexts(w util.BufWriter, n ast.Node, src []byte) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			if c.IsRaw() {
				html.DefaultWriter.RawWrite(w, c.Segment.Value(src))
			} else {
				html.DefaultWriter.Write(w, c.Segment.Value(src))
			}
			if c.SoftLineBreak() || c.HardLineBreak() {
				_ = w.WriteByte(' ')
			}
		case *ast.String:
			if c.IsRaw() || c.IsCode() {
				html.DefaultWriter.RawWrite(w, c.Value)
			} else {
				html.DefaultWriter.Write(w, c.Value)
			}
		case *ast.AutoLink:
			html.DefaultWriter.RawWrite(w, c.Label(src))
		default:
			writeTexts(w, c, src)
		}
	}
}

// isBlank reports whether s has nothing a reader would see: spaces and
// format characters such as the bidi marks only.
func isBlank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// line returns the 1-based source line of n: its own position, or that of
// the nearest ancestor that has one.
func (t *transformer) line(n ast.Node) int {
	off := 0
	for ; n != nil; n = n.Parent() {
		if p := n.Pos(); p >= 0 {
			off = p
			break
		}
		if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
			off = n.Lines().At(0).Start
			break
		}
	}
	return t.lineAt(off)
}

// lineAt returns the 1-based line of byte offset off. Lines end at "\n",
// "\r\n" or a lone "\r", as in CommonMark.
func (t *transformer) lineAt(off int) int {
	if t.lines == nil {
		t.lines = append(t.lines, 0)
		for i := 0; i < len(t.src); i++ {
			switch t.src[i] {
			case '\r':
				if i+1 < len(t.src) && t.src[i+1] == '\n' {
					i++
				}
				t.lines = append(t.lines, i+1)
			case '\n':
				t.lines = append(t.lines, i+1)
			}
		}
	}
	lo, hi := 0, len(t.lines) // the answer is the count of starts ≤ off
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.lines[m] <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return max(lo, 1)
}
