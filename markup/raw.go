package markup

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Raw HTML passes through (imported articles are HTML), so the rules on
// images and links apply to its tags too: an <img> needs alt text, and
// href/src need an allowed scheme.

// checkRaw reads the tags of one raw HTML block or inline.
func (t *transformer) checkRaw(n ast.Node) {
	var segs []text.Segment
	switch n := n.(type) {
	case *ast.HTMLBlock:
		lines := n.Lines()
		for i := range lines.Len() {
			segs = append(segs, lines.At(i))
		}
		if n.HasClosure() {
			segs = append(segs, n.ClosureLine)
		}
	case *ast.RawHTML:
		for i := range n.Segments.Len() {
			segs = append(segs, n.Segments.At(i))
		}
	}
	var buf []byte
	starts := make([]int, len(segs)) // offset of each segment in buf
	for i, s := range segs {
		starts[i] = len(buf)
		buf = append(buf, s.Value(t.src)...)
	}
	// srcLine maps an offset in buf back to its line in the source.
	srcLine := func(off int) int {
		i := len(starts) - 1
		for i > 0 && starts[i] > off {
			i--
		}
		if i < 0 {
			return t.line(n)
		}
		return t.lineAt(segs[i].Start + off - starts[i])
	}

	z := html.NewTokenizer(bytes.NewReader(buf))
	off := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return // io.EOF, or a tag cut short: checkOutput sees the result
		}
		start := off
		off += len(z.Raw())
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, more := z.TagName()
		isImg := string(name) == "img" || string(name) == "image" // the parser reads <image> as <img>
		var seen [3]bool                                          // alt, href, src: the first of each counts
		alt := false
		for more {
			var key, val []byte
			key, val, more = z.TagAttr()
			switch string(key) {
			case "alt":
				if !seen[0] {
					seen[0] = true
					alt = !isBlank(string(val))
				}
			case "href", "src":
				i := 1
				if string(key) == "src" {
					i = 2
				}
				if seen[i] {
					continue
				}
				seen[i] = true
				if ok, scheme := allowedURL(val); !ok {
					line := srcLine(start)
					t.problem(line, fmt.Sprintf("الرابط في وسم <%s> في السطر %d يستخدم بروتوكولًا غير مسموح%s؛ استخدم رابطًا يبدأ بـ https:// أو http:// أو mailto: أو رابطًا داخليًا في الموقع", name, line, schemeNote(scheme)))
				}
			}
		}
		if isImg && !alt {
			line := srcLine(start)
			t.altMiss++
			t.problem(line, fmt.Sprintf("وسم الصورة <img> في السطر %d بلا نص بديل؛ أضف إليه alt=\"وصف الصورة\"", line))
		}
	}
}

// checkOutput is the last word on alt text: when raw HTML is mixed with
// Markdown, a tag left open in one block can take in what follows, so the
// page is read as a browser reads it. It costs a parse only for documents
// with raw HTML and an <img> in the output.
func (t *transformer) checkOutput(out []byte) {
	if len(t.raws) == 0 || !containsFold(out, []byte("<img")) {
		return
	}
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		return // html.Parse fails only on reader errors
	}
	missing := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Img && n.Namespace == "" && !hasAlt(n) {
			missing++
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if missing > t.altMiss {
		line := t.line(t.raws[0])
		t.problem(line, fmt.Sprintf("في وسوم HTML ابتداءً من السطر %d صورة بلا نص بديل؛ تأكد من اكتمال كل وسم (علامة > في آخره) ومن أن لكل <img> وصفًا في alt", line))
	}
}

// hasAlt reports whether an element's first alt attribute has visible text.
func hasAlt(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == "alt" {
			return !isBlank(a.Val)
		}
	}
	return false
}

// containsFold reports whether s contains the ASCII lower-case sub,
// ignoring ASCII case in s.
func containsFold(s, sub []byte) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for j < len(sub) && s[i+j]|0x20 == sub[j] {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}
