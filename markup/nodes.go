package markup

import (
	"strconv"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// The nodes below carry everything their HTML needs, decided by the
// transformer, so that the shared renderer needs no per-call state.

var (
	kindImage  = ast.NewNodeKind("SahafaImage")
	kindFigure = ast.NewNodeKind("SahafaFigure")
	kindEmbed  = ast.NewNodeKind("SahafaEmbed")
)

// imageNode is an image as rendered: <img> with the resolved variants.
type imageNode struct {
	ast.BaseInline
	src           []byte // URL-escaped; nil when the URL was refused
	alt           []byte // HTML-escaped
	title         []byte // as in the Markdown, written through the HTML writer
	srcset, sizes []byte // checked by resolved; nil when absent
	width, height int
	inFigure      bool // the title is the figure's caption, not an attribute
}

func (n *imageNode) Kind() ast.NodeKind { return kindImage }

func (n *imageNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// figureNode is a paragraph that held only an image: the image and its
// caption.
type figureNode struct {
	ast.BaseBlock
	caption []byte // the image's Markdown title; nil for none
}

func (n *figureNode) Kind() ast.NodeKind { return kindFigure }

func (n *figureNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// embedNode is a paragraph that held only a link to a known media host.
type embedNode struct {
	ast.BaseBlock
	url  []byte // URL-escaped
	rule *embedRule
}

func (n *embedNode) Kind() ast.NodeKind { return kindEmbed }

func (n *embedNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

type nodeRenderer struct{}

func (nodeRenderer) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(kindImage, renderImage)
	r.Register(kindFigure, renderFigure)
	r.Register(kindEmbed, renderEmbed)
}

func renderImage(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*imageNode)
	_, _ = w.WriteString("<img")
	if n.src != nil {
		_, _ = w.WriteString(` src="`)
		_, _ = w.Write(util.EscapeHTML(n.src))
		_ = w.WriteByte('"')
	}
	_, _ = w.WriteString(` alt="`)
	_, _ = w.Write(n.alt)
	_ = w.WriteByte('"')
	if n.srcset != nil {
		_, _ = w.WriteString(` srcset="`)
		_, _ = w.Write(util.EscapeHTML(n.srcset))
		_ = w.WriteByte('"')
		if n.sizes != nil {
			_, _ = w.WriteString(` sizes="`)
			_, _ = w.Write(util.EscapeHTML(n.sizes))
			_ = w.WriteByte('"')
		}
	}
	if n.width > 0 {
		_, _ = w.WriteString(` width="`)
		_, _ = w.WriteString(strconv.Itoa(n.width))
		_, _ = w.WriteString(`" height="`)
		_, _ = w.WriteString(strconv.Itoa(n.height))
		_ = w.WriteByte('"')
	}
	if len(n.title) > 0 && !n.inFigure {
		_, _ = w.WriteString(` title="`)
		html.DefaultWriter.Write(w, n.title)
		_ = w.WriteByte('"')
	}
	_, _ = w.WriteString(` loading="lazy" decoding="async">`)
	return ast.WalkSkipChildren, nil
}

func renderFigure(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*figureNode)
	if entering {
		_, _ = w.WriteString("<figure>")
		return ast.WalkContinue, nil
	}
	if !isBlank(string(n.caption)) {
		_, _ = w.WriteString("<figcaption>")
		html.DefaultWriter.Write(w, n.caption)
		_, _ = w.WriteString("</figcaption>")
	}
	_, _ = w.WriteString("</figure>\n")
	return ast.WalkContinue, nil
}

func renderEmbed(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*embedNode)
	p := n.rule.provider
	_, _ = w.WriteString(`<figure class="embed embed-`)
	_, _ = w.WriteString(p.class)
	_, _ = w.WriteString(`"><a class="embed-link" href="`)
	_, _ = w.Write(util.EscapeHTML(n.url))
	_, _ = w.WriteString(`">`)
	_, _ = w.Write(util.EscapeHTML([]byte(n.rule.kind.label() + p.name)))
	_, _ = w.WriteString("</a><figcaption>")
	_, _ = w.Write(util.EscapeHTML([]byte(p.domain)))
	_, _ = w.WriteString("</figcaption></figure>\n")
	return ast.WalkSkipChildren, nil
}
