// Package markup owns Sahafa's Markdown dialect: it renders what
// journalists write in the editor into the article HTML the site stores,
// and lists what the writer must fix before saving (images without alt
// text, links with schemes the site refuses). The dialect is CommonMark
// with GFM tables, strikethrough and linkified URLs; headings sit below the
// headline ("#" and "##" are h2, "###" h3), a lone image becomes a captioned figure and a lone
// link to a known media host becomes a link card (never an iframe).
package markup

import (
	"bytes"
	"regexp"
	"sort"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Image is what a media reference resolves to.
type Image struct {
	Src           string // URL of the default variant
	Srcset        string // "URL 320w, URL 640w, …" (may be empty)
	Sizes         string // e.g. "(max-width: 760px) 100vw, 760px" (may be empty)
	Width, Height int    // intrinsic size of Src, 0 when unknown
}

// Options configures one Render call.
type Options struct {
	// Resolve maps an image URL from the Markdown to a stored image (the
	// site's own media, e.g. "/media/42" or "/media/42/anything.jpg"); ok
	// false leaves the URL as written.
	Resolve func(src string) (img Image, ok bool)
}

// Problem is something in the source the writer must fix, in Arabic, with
// its 1-based line.
type Problem struct {
	Line    int
	Message string
}

// urlPattern and wwwPattern are goldmark's Linkify patterns with letters,
// marks and digits of any script allowed in the path: the default stops a
// bare "https://ar.wikipedia.org/wiki/القاهرة" at "/wiki/".
var (
	urlPattern = regexp.MustCompile(`^(?:http|https|ftp)://[-a-zA-Z0-9@:%._\+~#=]{1,256}\.[a-z]+(?::\d+)?(?:[/#?][-a-zA-Z0-9@:%_+.~#$!?&/=\(\);,'">\^{}\[\]` + "`" + `\p{L}\p{M}\p{N}]*)?`)
	wwwPattern = regexp.MustCompile(`^www\.[-a-zA-Z0-9@:%._\+~#=]{1,256}\.[a-z]+(?:[/#?][-a-zA-Z0-9@:%_\+.~#!?&/=\(\);,'">\^{}\[\]` + "`" + `\p{L}\p{M}\p{N}]*)?`)
)

// md is shared by every call: goldmark's parser and renderer keep no state
// between documents, and the per-call work happens on the tree in between.
var md = goldmark.New(
	goldmark.WithExtensions(
		// Alignment as the align attribute: the sanitizer drops style.
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
		extension.NewLinkify(
			extension.WithLinkifyURLRegexp(urlPattern),
			extension.WithLinkifyWWWRegexp(wwwPattern),
		),
	),
	goldmark.WithRendererOptions(
		// Imported articles are stored as HTML and edited as such; the
		// sanitizer downstream (publish.BodyPolicy) removes what is unsafe.
		html.WithUnsafe(),
		renderer.WithNodeRenderers(util.Prioritized(nodeRenderer{}, 100)),
	),
)

// Render converts Markdown to HTML. Problems are returned, not fatal: the
// caller refuses to save while there are any. The HTML is the same for the
// same source and options.
func Render(src string, opts Options) (string, []Problem) {
	source := []byte(src)
	if problems := checkLimits(source); len(problems) > 0 {
		return plainHTML(source), problems
	}
	doc := md.Parser().Parse(text.NewReader(source))
	t := &transformer{src: source, opts: opts}
	t.transform(doc)

	var out bytes.Buffer
	out.Grow(len(source) + len(source)/2)
	if err := md.Renderer().Render(&out, source, doc); err != nil {
		// Only the writer can fail, and a bytes.Buffer does not; should it
		// ever, saving is refused rather than storing half a body.
		t.problem(1, "تعذّر تحويل النص إلى HTML: "+err.Error())
	}
	t.checkOutput(out.Bytes())

	sort.SliceStable(t.problems, func(i, j int) bool { return t.problems[i].Line < t.problems[j].Line })
	return out.String(), t.problems
}
