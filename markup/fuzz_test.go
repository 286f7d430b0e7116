package markup_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sahafa/markup"
)

// FuzzRender checks what must hold for any source: no panic, valid UTF-8
// out of valid UTF-8 in, problems on real lines, and no image a browser
// would show without alt text unless the writer is told to fix something.
func FuzzRender(f *testing.F) {
	for _, seed := range []string{
		article,
		"![](/media/1)\n\n![وصف](javascript:x \"عنوان\")",
		"**عاجل**: [رابط](https://example.com) ~~قديم~~ \u200fنص\u200f\n\n| أ | ب |\n|---|---|\n| ١ | ٢ |",
		"https://youtu.be/Xq3bL9a2kPz\n\n<https://x.com/a/status/1>\n\nwww.youtube.com/watch?v=a",
		"<div>\n<img src=/media/1 alt=\"\"\n\n![صورة](/media/2)",
		"<image src=x>\n\n<svg><title><img src=y></title></svg>\n\n<!-- <img src=z> -->",
		"> - ![أ][r]\n>   ![ب](<a b> 'ت')\n\n[r]: data:x \"ث\"\n# عنوان\n\n###### ستة",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, problems := markup.Render(src, withMedia)
		if utf8.ValidString(src) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of valid input %q: %q", src, out)
		}
		lines := 1 + strings.Count(src, "\n") + strings.Count(src, "\r")
		for _, p := range problems {
			if p.Line < 1 || p.Line > lines || p.Message == "" {
				t.Fatalf("problem %+v outside the %d lines of %q", p, lines, src)
			}
		}
		if len(problems) > 0 {
			return
		}
		doc, err := html.Parse(strings.NewReader(out))
		if err != nil {
			t.Fatalf("parse output: %v", err)
		}
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode || n.DataAtom != atom.Img || n.Namespace != "" {
				continue
			}
			alt, ok := firstAttr(n, "alt")
			if !ok || strings.TrimFunc(alt, func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }) == "" {
				t.Fatalf("image without alt text and no problem\nsource: %q\noutput: %q", src, out)
			}
		}
	})
}

func firstAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}
