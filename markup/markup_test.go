package markup_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sahafa/markup"
	"sahafa/publish"
)

// article is a news story written for these tests, with every construct
// the editor offers.
const article = `# الحكومة تعلن خطة لتوسيع شبكة النقل العام

أعلنت وزارة النقل صباح اليوم الثلاثاء عن **خطة جديدة** لتوسيع شبكة الحافلات في العاصمة، تشمل ١٢ خطًا إضافيًا بحلول عام 2027.

وقال المتحدث باسم الوزارة إن المشروع "سيخدم أكثر من 300 ألف راكب يوميًا"، مضيفًا أن التمويل يأتي من موازنة *البلدية* ومن قرض ميسّر.

![حافلة كهربائية جديدة في محطة وسط المدينة، صباح الثلاثاء](/media/42/bus.jpg "الحافلات الجديدة تعمل بالكهرباء بالكامل (تصوير: سارة المنصور)")

## ردود الفعل

رحّب سكان الأحياء الشرقية بالخطة، لكن بعضهم طالب بـ~~زيادة~~ خفض أسعار التذاكر.

> «نحتاج إلى خط يصل إلى المستشفى الجامعي قبل أي شيء آخر» — أم خالد، من سكان حي النزهة.

| الخط | عدد المحطات | موعد التشغيل |
|:---|---:|---|
| الخط الأول | ١٨ | مارس 2026 |
| الخط الثاني | 24 | يونيو 2026 |

https://www.youtube.com/watch?v=Xq3bL9a2kPz

### ما التالي؟

1. طرح المناقصات في الربع الأول.
2. بدء الأعمال الإنشائية ![رسم](/media/7 "مخطط") في الصيف.

للمزيد راجع [بيان الوزارة](https://example.gov/news/123 "البيان الرسمي") أو راسلنا على press@example.com.
`

// media resolves the site's own images as the newsroom's media store
// would.
func media(src string) (markup.Image, bool) {
	id, ok := strings.CutPrefix(src, "/media/")
	if !ok {
		return markup.Image{}, false
	}
	id, _, _ = strings.Cut(id, "/")
	base := "/media/" + id + "/"
	return markup.Image{
		Src:    base + "760.jpg",
		Srcset: base + "320.jpg 320w, " + base + "760.jpg 760w, " + base + "1520.jpg 1520w",
		Sizes:  "(max-width: 760px) 100vw, 760px",
		Width:  760, Height: 428,
	}, true
}

var withMedia = markup.Options{Resolve: media}

// parse reads HTML as a browser reads an article body.
func parse(t testing.TB, s string) *html.Node {
	t.Helper()
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	return body
}

func all(n *html.Node, a atom.Atom) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.DataAtom == a {
			out = append(out, d)
		}
	}
	return out
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attrKeys(n *html.Node) []string {
	var keys []string
	for _, a := range n.Attr {
		keys = append(keys, a.Key)
	}
	return keys
}

// textOf is the text a reader sees in n, without the line breaks
// between blocks at either end.
func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Trim(b.String(), "\n")
}

// elementChildren lists the element children of n, by tag name.
func elementChildren(n *html.Node) []string {
	var names []string
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			names = append(names, c.Data)
		}
	}
	return names
}

func render(t testing.TB, src string, opts markup.Options) (*html.Node, string, []markup.Problem) {
	t.Helper()
	out, problems := markup.Render(src, opts)
	return parse(t, out), out, problems
}

func noProblems(t testing.TB, problems []markup.Problem) {
	t.Helper()
	if len(problems) > 0 {
		t.Fatalf("unexpected problems: %+v", problems)
	}
}

func TestArticle(t *testing.T) {
	doc, out, problems := render(t, article, withMedia)
	noProblems(t, problems)

	var levels []string
	for d := range doc.Descendants() {
		if d.Type == html.ElementNode && len(d.Data) == 2 && d.Data[0] == 'h' {
			levels = append(levels, d.Data+":"+textOf(d))
		}
	}
	want := []string{"h2:الحكومة تعلن خطة لتوسيع شبكة النقل العام", "h2:ردود الفعل", "h3:ما التالي؟"}
	if !slices.Equal(levels, want) {
		t.Errorf("headings = %q, want %q", levels, want)
	}
	if n := len(all(doc, atom.H1)); n != 0 {
		t.Errorf("%d h1 in the body; the headline is the page's only h1", n)
	}

	figs := all(doc, atom.Figure)
	if len(figs) != 2 {
		t.Fatalf("%d figures, want the photo and the video card:\n%s", len(figs), out)
	}
	photo := figs[0]
	if got := elementChildren(photo); !slices.Equal(got, []string{"img", "figcaption"}) {
		t.Errorf("photo figure children = %v, want img, figcaption", got)
	}
	if got := textOf(all(photo, atom.Figcaption)[0]); got != "الحافلات الجديدة تعمل بالكهرباء بالكامل (تصوير: سارة المنصور)" {
		t.Errorf("caption = %q", got)
	}
	img := all(photo, atom.Img)[0]
	wantAttrs := map[string]string{
		"src":      "/media/42/760.jpg",
		"alt":      "حافلة كهربائية جديدة في محطة وسط المدينة، صباح الثلاثاء",
		"srcset":   "/media/42/320.jpg 320w, /media/42/760.jpg 760w, /media/42/1520.jpg 1520w",
		"sizes":    "(max-width: 760px) 100vw, 760px",
		"width":    "760",
		"height":   "428",
		"loading":  "lazy",
		"decoding": "async",
	}
	for k, v := range wantAttrs {
		if got, _ := attr(img, k); got != v {
			t.Errorf("figure img %s = %q, want %q", k, got, v)
		}
	}
	if keys := attrKeys(img); len(keys) != len(wantAttrs) {
		t.Errorf("figure img attributes %v, want exactly %d (no title: it is the caption)", keys, len(wantAttrs))
	}

	// The image in the list item is inside running text: inline, resolved
	// too, with its title kept as a title.
	var inline *html.Node
	for _, im := range all(doc, atom.Img) {
		if im.Parent.DataAtom == atom.Li {
			inline = im
		}
	}
	if inline == nil {
		t.Fatalf("no inline image in the list:\n%s", out)
	}
	if src, _ := attr(inline, "src"); src != "/media/7/760.jpg" {
		t.Errorf("inline img src = %q", src)
	}
	if title, _ := attr(inline, "title"); title != "مخطط" {
		t.Errorf("inline img title = %q", title)
	}
	if l, _ := attr(inline, "loading"); l != "lazy" {
		t.Errorf("inline img loading = %q", l)
	}

	strong := all(doc, atom.Strong)
	if len(strong) != 1 || textOf(strong[0]) != "خطة جديدة" {
		t.Errorf("strong = %v", strong)
	}
	if del := all(doc, atom.Del); len(del) != 1 || textOf(del[0]) != "زيادة" {
		t.Errorf("strikethrough inside an Arabic word: %d <del>", len(del))
	}
	ths := all(doc, atom.Th)
	if len(ths) != 3 {
		t.Fatalf("%d th, want 3", len(ths))
	}
	if a, _ := attr(ths[0], "align"); a != "left" {
		t.Errorf("th align = %q: alignment must be an attribute, the sanitizer drops style", a)
	}
	if _, ok := attr(ths[0], "style"); ok {
		t.Error("th has a style attribute")
	}
	if tds := all(doc, atom.Td); textOf(tds[1]) != "١٨" {
		t.Errorf("Arabic-Indic digits in a cell: %q", textOf(tds[1]))
	}
	var mail, ministry bool
	for _, a := range all(doc, atom.A) {
		href, _ := attr(a, "href")
		switch {
		case href == "mailto:press@example.com":
			mail = true
		case href == "https://example.gov/news/123":
			ministry = textOf(a) == "بيان الوزارة"
		}
	}
	if !mail || !ministry {
		t.Errorf("links: mailto %v, ministry %v:\n%s", mail, ministry, out)
	}
}

// TestHeadingLevels: no h1 in a body (the headline is the page's); "#"
// and "##" are subheadings (h2), the rest keep their level.
func TestHeadingLevels(t *testing.T) {
	src := "# أ\n\n## ب\n\n### ج\n\n#### د\n\n##### هـ\n\n###### و\n\nعنوان سطري أول\n===\n\nعنوان سطري ثان\n---\n"
	doc, _, problems := render(t, src, markup.Options{})
	noProblems(t, problems)
	var got []string
	for d := range doc.Descendants() {
		if d.Type == html.ElementNode {
			got = append(got, d.Data)
		}
	}
	want := []string{"h2", "h2", "h3", "h4", "h5", "h6", "h2", "h2"}
	if !slices.Equal(got, want) {
		t.Errorf("elements = %v, want %v", got, want)
	}
}

func TestFigure(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		opts      markup.Options
		wantSrc   string // the img src expected
		caption   string // "" for no figcaption
		resolved  bool
		inFigure  bool
	}{
		{"caption", `![وزير الخارجية يصافح نظيره في مطار القاهرة](https://cdn.example.net/a.jpg "الوزير لدى وصوله، الأحد")`, markup.Options{}, "https://cdn.example.net/a.jpg", "الوزير لدى وصوله، الأحد", false, true},
		{"no caption", `![مدرجات الملعب ممتلئة قبل المباراة](/media/9)`, withMedia, "/media/9/760.jpg", "", true, true},
		{"not resolved", `![لافتة على طريق الساحل](/media/9)`, markup.Options{Resolve: func(string) (markup.Image, bool) { return markup.Image{}, false }}, "/media/9", "", false, true},
		{"in a quote", "> ![غلاف التقرير السنوي](/media/3 \"غلاف التقرير\")", withMedia, "/media/3/760.jpg", "غلاف التقرير", true, true},
		{"in a tight list", "- ![الفائز بالجائزة](/media/5)\n- بند ثان", withMedia, "/media/5/760.jpg", "", true, true},
		{"in running text", `شاهد ![خريطة](/media/8) هنا`, withMedia, "/media/8/760.jpg", "", true, false},
		{"beside another image", "![أ](/media/1) ![ب](/media/2)", withMedia, "/media/1/760.jpg", "", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, out, problems := render(t, tc.src, tc.opts)
			noProblems(t, problems)
			img := all(doc, atom.Img)[0]
			if src, _ := attr(img, "src"); src != tc.wantSrc {
				t.Errorf("src = %q, want %q", src, tc.wantSrc)
			}
			_, hasSrcset := attr(img, "srcset")
			_, hasWidth := attr(img, "width")
			if hasSrcset != tc.resolved || hasWidth != tc.resolved {
				t.Errorf("srcset %v, width %v, want %v:\n%s", hasSrcset, hasWidth, tc.resolved, out)
			}
			figs := all(doc, atom.Figure)
			if (len(figs) == 1) != tc.inFigure {
				t.Fatalf("%d figures, want in figure %v:\n%s", len(figs), tc.inFigure, out)
			}
			if !tc.inFigure {
				if img.Parent.DataAtom != atom.P {
					t.Errorf("inline image parent = %s, want p", img.Parent.Data)
				}
				return
			}
			want := []string{"img"}
			if tc.caption != "" {
				want = append(want, "figcaption")
			}
			if got := elementChildren(figs[0]); !slices.Equal(got, want) {
				t.Errorf("figure children = %v, want %v", got, want)
			}
			if tc.caption != "" && textOf(all(figs[0], atom.Figcaption)[0]) != tc.caption {
				t.Errorf("caption = %q", textOf(figs[0]))
			}
			if len(all(doc, atom.P)) != 0 {
				t.Errorf("a figure must not sit in a <p>:\n%s", out)
			}
		})
	}
}

func TestResolveGetsURLAsWritten(t *testing.T) {
	var got []string
	opts := markup.Options{Resolve: func(src string) (markup.Image, bool) {
		got = append(got, src)
		return markup.Image{}, false
	}}
	_, out, problems := render(t, "![جسر المدينة](/media/42/جسر-المدينة.jpg)\n\n![بوابة](</media/43/a b.jpg>)\n\n![ساحة](/media/44/a\\_b.jpg)", opts)
	noProblems(t, problems)
	want := []string{"/media/42/جسر-المدينة.jpg", "/media/43/a b.jpg", "/media/44/a_b.jpg"}
	if !slices.Equal(got, want) {
		t.Errorf("Resolve got %q, want %q", got, want)
	}
	if !strings.Contains(out, `src="/media/43/a%20b.jpg"`) {
		t.Errorf("unresolved URL not escaped as goldmark does:\n%s", out)
	}
}

func TestResolvedVariantsChecked(t *testing.T) {
	for _, tc := range []struct {
		name string
		img  markup.Image
		want map[string]string // attribute → value; "" value means absent
	}{
		{"bad srcset URL", markup.Image{Src: "/m/1.jpg", Srcset: "javascript:x 320w", Sizes: "100vw", Width: 10, Height: 5},
			map[string]string{"src": "/m/1.jpg", "srcset": "", "sizes": "", "width": "10"}},
		{"density descriptor", markup.Image{Src: "/m/1.jpg", Srcset: "/m/2.jpg 2x"},
			map[string]string{"srcset": ""}},
		{"spaces normalized", markup.Image{Src: "/m/1.jpg", Srcset: " /m/320.jpg  320w ,/m/640.jpg 640w", Sizes: "100vw"},
			map[string]string{"srcset": "/m/320.jpg 320w, /m/640.jpg 640w", "sizes": "100vw"}},
		{"sizes with markup", markup.Image{Src: "/m/1.jpg", Srcset: "/m/320.jpg 320w", Sizes: `100vw" onerror="x`},
			map[string]string{"srcset": "/m/320.jpg 320w", "sizes": ""}},
		{"one dimension", markup.Image{Src: "/m/1.jpg", Width: 640},
			map[string]string{"width": "", "height": ""}},
		{"bad src ignored", markup.Image{Src: "data:image/png;base64,AAAA", Srcset: "/m/320.jpg 320w"},
			map[string]string{"src": "/media/1", "srcset": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := markup.Options{Resolve: func(string) (markup.Image, bool) { return tc.img, true }}
			doc, out, problems := render(t, "![ميناء الصيد عند الفجر](/media/1)", opts)
			noProblems(t, problems)
			img := all(doc, atom.Img)[0]
			for k, v := range tc.want {
				got, ok := attr(img, k)
				if v == "" && ok || v != "" && got != v {
					t.Errorf("%s = %q (present %v), want %q:\n%s", k, got, ok, v, out)
				}
			}
		})
	}
}

func TestAltRequired(t *testing.T) {
	src := "مقدمة الخبر.\n\n![](/media/1)\n\n> نص ![ ](/media/2) داخل اقتباس\n\n- ![\u200f](/media/3 \"علامة اتجاه فقط\")\n\n![**بوضوح**](/media/4)\n\nوسط النص ![][صورة] أيضًا\n\n[صورة]: /media/5\n"
	_, out, problems := render(t, src, withMedia)
	var lines []int
	for _, p := range problems {
		lines = append(lines, p.Line)
		if !strings.Contains(p.Message, fmt.Sprintf("السطر %d", p.Line)) || !strings.Contains(p.Message, "نص بديل") {
			t.Errorf("message %q does not name line %d and the alt text", p.Message, p.Line)
		}
	}
	if want := []int{3, 5, 7, 11}; !slices.Equal(lines, want) {
		t.Errorf("problem lines = %v, want %v:\n%+v", lines, want, problems)
	}
	// The preview still shows the images.
	if n := strings.Count(out, "<img "); n != 5 {
		t.Errorf("%d images rendered, want 5:\n%s", n, out)
	}
}

func TestAltTextEscapedAndFlattened(t *testing.T) {
	doc, out, problems := render(t, "![صورة \"الوزير\" <b>مع</b> *الوفد* &amp; `x<y`\nفي الرياض](/media/1)", markup.Options{})
	noProblems(t, problems)
	alt, _ := attr(all(doc, atom.Img)[0], "alt")
	if want := `صورة "الوزير" مع الوفد & x<y في الرياض`; alt != want {
		t.Errorf("alt = %q, want %q\n%s", alt, want, out)
	}
	if len(all(doc, atom.B)) != 0 || len(all(doc, atom.Em)) != 0 {
		t.Errorf("markup escaped from the alt attribute:\n%s", out)
	}
}

func TestRefusedURLs(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		scheme    string // named in the message; "" when not
	}{
		{"javascript link", "اضغط [هنا](javascript:alert(1)) للتصويت", "javascript"},
		{"mixed case", "[هنا](JaVaScRiPt:alert(1))", "javascript"},
		{"entity", "[هنا](&#106;avascript:alert(1))", "javascript"},
		{"leading space in angle brackets", "[هنا](< javascript:alert(1)>)", ""}, // "%20javascript:", refused all the same
		{"vbscript", "[هنا](vbscript:msgbox)", "vbscript"},
		{"data image", "![شعار الصحيفة](data:image/png;base64,iVBORw0KGgo=)", "data"},
		{"data image in figure", "![شعار الصحيفة](data:image/svg+xml,<svg/onload=alert(1)>)", "data"},
		{"reference", "[التقرير][1]\n\n[1]: javascript:alert(1)", "javascript"},
		{"autolink", "<javascript:alert(1)>", "javascript"},
		{"ftp", "الملف على ftp://files.example.org/report.pdf", "ftp"},
		{"raw html link", `<p><a href="javascript:void(0)">اقرأ</a></p>`, "javascript"},
		{"raw html image", `<img src="vbscript:x" alt="رسم بياني">`, "vbscript"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, out, problems := render(t, tc.src, markup.Options{})
			if len(problems) != 1 {
				t.Fatalf("problems = %+v, want one:\n%s", problems, out)
			}
			if p := problems[0]; p.Line != 1 || !strings.Contains(p.Message, "غير مسموح") || (tc.scheme != "") != strings.Contains(p.Message, "("+tc.scheme+":)") {
				t.Errorf("problem = %+v", p)
			}
			if strings.HasPrefix(tc.name, "raw") {
				return // passed through; the sanitizer removes it
			}
			for d := range doc.Descendants() {
				for _, a := range d.Attr {
					if (a.Key == "href" || a.Key == "src") && strings.Contains(strings.ToLower(a.Val), "script:") || strings.HasPrefix(a.Val, "data:") {
						t.Errorf("%s=%q still in the output:\n%s", a.Key, a.Val, out)
					}
				}
			}
		})
	}
}

func TestAllowedURLs(t *testing.T) {
	src := strings.Join([]string{
		"[أ](https://example.com/a)", "[ب](http://example.com/b)", "[ج](mailto:desk@example.com)",
		"[د](/archive/2025/05)", "[هـ](#section-2)", "[و](?page=2)", "[ز](../older)", "[ح](//cdn.example.com/x)",
		"[ط](أخبار/محلية)", "[ي](</ar/news/رياضة:كرة>)", "[ك]()", "<https://example.com/auto>", "desk@example.com",
	}, "\n\n")
	doc, out, problems := render(t, src, markup.Options{})
	noProblems(t, problems)
	if n := len(all(doc, atom.A)); n != 13 {
		t.Errorf("%d links, want 13:\n%s", n, out)
	}
}

func TestBareURLs(t *testing.T) {
	for _, tc := range []struct{ src, href, text string }{
		{"انظر https://ar.wikipedia.org/wiki/القاهرة للمزيد", "https://ar.wikipedia.org/wiki/%D8%A7%D9%84%D9%82%D8%A7%D9%87%D8%B1%D8%A9", "https://ar.wikipedia.org/wiki/القاهرة"},
		{"المصدر: www.example.com/أخبار/محلية، أمس", "http://www.example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/%D9%85%D8%AD%D9%84%D9%8A%D8%A9", "www.example.com/أخبار/محلية"},
		{"راجع https://example.com/report.", "https://example.com/report", "https://example.com/report"},
		{"(https://example.com/a)", "https://example.com/a", "https://example.com/a"},
	} {
		doc, out, problems := render(t, tc.src, markup.Options{})
		noProblems(t, problems)
		a := all(doc, atom.A)
		if len(a) != 1 {
			t.Errorf("%q: %d links:\n%s", tc.src, len(a), out)
			continue
		}
		if href, _ := attr(a[0], "href"); href != tc.href || textOf(a[0]) != tc.text {
			t.Errorf("%q: link %q → %q, want %q → %q", tc.src, textOf(a[0]), href, tc.text, tc.href)
		}
	}
}

func TestEmbeds(t *testing.T) {
	for _, tc := range []struct {
		url, class, label, caption, href string
	}{
		{"https://www.youtube.com/watch?v=Xq3bL9a2kPz", "youtube", "▶ شاهد الفيديو على يوتيوب", "youtube.com", ""},
		{"https://m.youtube.com/watch?feature=share&v=Xq3bL9a2kPz", "youtube", "▶ شاهد الفيديو على يوتيوب", "youtube.com", ""},
		{"https://youtu.be/Xq3bL9a2kPz?t=42", "youtube", "▶ شاهد الفيديو على يوتيوب", "youtube.com", ""},
		{"www.youtube.com/watch?v=Xq3bL9a2kPz", "youtube", "▶ شاهد الفيديو على يوتيوب", "youtube.com", "https://www.youtube.com/watch?v=Xq3bL9a2kPz"},
		{"http://vimeo.com/76979871", "vimeo", "▶ شاهد الفيديو على فيميو", "vimeo.com", "https://vimeo.com/76979871"},
		{"https://x.com/newsdesk/status/1790000000000000000", "x", "اقرأ المنشور على إكس", "x.com", ""},
		{"https://twitter.com/newsdesk/status/1790000000000000000", "x", "اقرأ المنشور على إكس", "x.com", ""},
		{"https://soundcloud.com/radio-station/episode-12", "soundcloud", "▶ استمع على ساوندكلاود", "soundcloud.com", ""},
		{"https://www.instagram.com/p/C7abcDEF123/", "instagram", "اقرأ المنشور على إنستغرام", "instagram.com", ""},
		{"https://www.instagram.com/reel/C7abcDEF123/", "instagram", "▶ شاهد الفيديو على إنستغرام", "instagram.com", ""},
		{"https://www.facebook.com/newsdesk/videos/1234567890/", "facebook", "▶ شاهد الفيديو على فيسبوك", "facebook.com", ""},
		{"https://www.tiktok.com/@newsdesk/video/7350000000000000000", "tiktok", "▶ شاهد الفيديو على تيك توك", "tiktok.com", ""},
		{"<https://youtu.be/Xq3bL9a2kPz>", "youtube", "▶ شاهد الفيديو على يوتيوب", "youtube.com", "https://youtu.be/Xq3bL9a2kPz"},
	} {
		t.Run(tc.class+" "+tc.url, func(t *testing.T) {
			doc, out, problems := render(t, "قبل الفيديو.\n\n"+tc.url+"\n\nبعد الفيديو.", markup.Options{})
			noProblems(t, problems)
			figs := all(doc, atom.Figure)
			if len(figs) != 1 {
				t.Fatalf("%d figures:\n%s", len(figs), out)
			}
			f := figs[0]
			if c, _ := attr(f, "class"); c != "embed embed-"+tc.class {
				t.Errorf("class = %q", c)
			}
			if got := elementChildren(f); !slices.Equal(got, []string{"a", "figcaption"}) {
				t.Errorf("children = %v", got)
			}
			a := all(f, atom.A)[0]
			want := tc.href
			if want == "" {
				want = tc.url
			}
			if href, _ := attr(a, "href"); href != want {
				t.Errorf("href = %q, want %q", href, want)
			}
			if c, _ := attr(a, "class"); c != "embed-link" {
				t.Errorf("link class = %q", c)
			}
			if got := textOf(a); got != tc.label {
				t.Errorf("label = %q, want %q", got, tc.label)
			}
			if got := textOf(all(f, atom.Figcaption)[0]); got != tc.caption {
				t.Errorf("caption = %q, want %q", got, tc.caption)
			}
			if len(all(doc, atom.Iframe)) != 0 {
				t.Error("an iframe")
			}
		})
	}
}

func TestNotEmbeds(t *testing.T) {
	for _, src := range []string{
		"https://www.youtube.com/channel/UCabc",
		"https://www.youtube.com/watch",
		"https://vimeo.com/about",
		"https://x.com/newsdesk",
		"https://soundcloud.com/radio-station",
		"https://www.instagram.com/newsdesk/",
		"https://www.tiktok.com/@newsdesk",
		"https://youtube.com.example.net/watch?v=x",
		"https://user@youtu.be/x",
		"https://youtu.be:8443/x",
		"شاهد الحلقة https://youtu.be/Xq3bL9a2kPz الليلة",
		"[الحلقة كاملة](https://youtu.be/Xq3bL9a2kPz)",
		"https://youtu.be/Xq3bL9a2kPz https://youtu.be/Yq3bL9a2kPz",
	} {
		doc, out, problems := render(t, src, markup.Options{})
		noProblems(t, problems)
		if len(all(doc, atom.Figure)) != 0 || len(all(doc, atom.A)) == 0 {
			t.Errorf("%q: want a plain link, got\n%s", src, out)
		}
	}
}

func TestArabicText(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		check     func(t *testing.T, doc *html.Node, out string)
	}{
		{"bold breaking news", "**عاجل**: انقطاع الكهرباء عن ثلاث محافظات", func(t *testing.T, doc *html.Node, _ string) {
			s := all(doc, atom.Strong)
			if len(s) != 1 || textOf(s[0]) != "عاجل" || textOf(doc) != "عاجل: انقطاع الكهرباء عن ثلاث محافظات" {
				t.Errorf("text %q", textOf(doc))
			}
		}},
		{"bold before Arabic comma", "قال **الوزير**، في مؤتمر صحفي، إن *الموازنة*؛ ستُعلن ~~غدًا~~ الأحد.", func(t *testing.T, doc *html.Node, _ string) {
			if len(all(doc, atom.Strong)) != 1 || len(all(doc, atom.Em)) != 1 || len(all(doc, atom.Del)) != 1 {
				t.Errorf("emphasis lost in %q", textOf(doc))
			}
			if textOf(doc) != "قال الوزير، في مؤتمر صحفي، إن الموازنة؛ ستُعلن غدًا الأحد." {
				t.Errorf("text %q", textOf(doc))
			}
		}},
		{"inside a word", "الـ**فيفا** تعلن", func(t *testing.T, doc *html.Node, _ string) {
			if s := all(doc, atom.Strong); len(s) != 1 || textOf(s[0]) != "فيفا" {
				t.Errorf("strong in %q", textOf(doc))
			}
		}},
		{"mixed directions and digits", "أعلنت شركة Acme Corp عن نمو بنسبة ٪١٥ في الربع الثالث (Q3 2025) مقابل 12% العام الماضي.", func(t *testing.T, doc *html.Node, _ string) {
			if textOf(doc) != "أعلنت شركة Acme Corp عن نمو بنسبة ٪١٥ في الربع الثالث (Q3 2025) مقابل 12% العام الماضي." {
				t.Errorf("text %q", textOf(doc))
			}
		}},
		{"bidi marks kept", "رقم الرحلة \u200eMS-985\u200e تصل \u2067القاهرة\u2069 عند ١٠:٣٠\u200f.", func(t *testing.T, doc *html.Node, out string) {
			for _, m := range []string{"\u200e", "\u200f", "\u2067", "\u2069"} {
				if !strings.Contains(out, m) {
					t.Errorf("bidi mark %U dropped: %q", []rune(m)[0], out)
				}
			}
		}},
		{"diacritics and tatweel", "قَالَ المُتَحَدِّثُ: الـــحـــل قريب", func(t *testing.T, doc *html.Node, _ string) {
			if textOf(doc) != "قَالَ المُتَحَدِّثُ: الـــحـــل قريب" {
				t.Errorf("text %q", textOf(doc))
			}
		}},
		{"Arabic-Indic list numbers stay text", "١. البند الأول\n٢. البند الثاني", func(t *testing.T, doc *html.Node, _ string) {
			if len(all(doc, atom.Ol)) != 0 || !strings.Contains(textOf(doc), "١. البند الأول") {
				t.Errorf("CommonMark lists need ASCII digits; got %q", textOf(doc))
			}
		}},
		{"html special characters", "الفرق بين <٥ و>٣ & \"الأرقام\"", func(t *testing.T, doc *html.Node, out string) {
			if textOf(doc) != "الفرق بين <٥ و>٣ & \"الأرقام\"" || strings.Contains(out, "<٥") {
				t.Errorf("out %q", out)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, out, problems := render(t, tc.src, markup.Options{})
			noProblems(t, problems)
			tc.check(t, doc, out)
		})
	}
}

func TestRawHTML(t *testing.T) {
	src := "<p dir=\"ltr\">Statement in English, as issued.</p>\n\nنص عادي فيه <abbr title=\"منظمة الصحة العالمية\">WHO</abbr> بين قوسين.\n\n<figure>\n<img src=\"/media/1\">\n</figure>\n\nثم <img src=\"/media/2\" alt=\"  \"> في السطر.\n\n<img src=\"/media/3\" alt=\"رسم بياني للأسعار\">\n"
	doc, out, problems := render(t, src, markup.Options{})
	if len(all(doc, atom.Abbr)) != 1 {
		t.Errorf("inline raw HTML not passed through:\n%s", out)
	}
	if p := all(doc, atom.P)[0]; textOf(p) != "Statement in English, as issued." {
		t.Errorf("raw block not passed through:\n%s", out)
	}
	var lines []int
	for _, p := range problems {
		lines = append(lines, p.Line)
	}
	if want := []int{6, 9}; !slices.Equal(lines, want) {
		t.Errorf("problem lines = %v, want %v: %+v", lines, want, problems)
	}
}

// A tag left open in a raw HTML block takes in what follows: the check
// reads the page as a browser does.
func TestRawHTMLUnclosedTag(t *testing.T) {
	for _, src := range []string{
		"<div>\n<img src=/media/1 alt=\"\"\n\n![صورة](/media/2)",
		"<img src=/media/1\n\nنص بعدها",
		"<svg><title><img src=/media/1></title></svg>",
	} {
		doc, out, problems := render(t, src, markup.Options{})
		missing := 0
		for _, im := range all(doc, atom.Img) {
			if a, _ := attr(im, "alt"); strings.TrimSpace(a) == "" {
				missing++
			}
		}
		if missing > 0 && len(problems) == 0 {
			t.Errorf("%q: image without alt and no problem:\n%s", src, out)
		}
	}
}

func TestEscaping(t *testing.T) {
	src := "![لقطة \"شاشة\"](/media/1 \"<script>alert(1)</script> & \\\"عنوان\\\"\")\n\nنص ![أ](/x.jpg \"عنوان 'مقتبس' \\\"مزدوج\\\"\")\n\n[رابط](/a?x=1&y=\"2\" \"ع<b>\")\n\n<https://example.com/?a=1&b=<2>"
	doc, out, problems := render(t, src, markup.Options{})
	noProblems(t, problems)
	if len(all(doc, atom.Script)) != 0 || len(all(doc, atom.B)) != 0 {
		t.Fatalf("markup from attributes or captions became elements:\n%s", out)
	}
	if got := textOf(all(doc, atom.Figcaption)[0]); got != `<script>alert(1)</script> & "عنوان"` {
		t.Errorf("caption = %q", got)
	}
	imgs := all(doc, atom.Img)
	if alt, _ := attr(imgs[0], "alt"); alt != `لقطة "شاشة"` {
		t.Errorf("alt = %q", alt)
	}
	if title, _ := attr(imgs[1], "title"); title != `عنوان 'مقتبس' "مزدوج"` {
		t.Errorf("title = %q", title)
	}
}

// The HTML must come through the body sanitizer (publish.BodyPolicy) as
// it is: the policy allows what markup emits, Arabic alt text included.
// Only the rel and target attributes the policy adds to external links may
// differ.
func TestSurvivesSanitizer(t *testing.T) {
	p := publish.BodyPolicy()
	docs := []string{
		article,
		"![مبنى البرلمان \"الجديد\"، بعد الترميم (٢٠٢٥) — صورة: أ.ف.ب؟](/media/1 \"المبنى بعد الترميم\")",
		"شاهد ![خريطة المنطقة؛ تُظهر الطرق المُغلقة](/media/2 \"خريطة: «الطرق»، ٢٠٢٥؟\") ثم تابع.",
		"https://youtu.be/Xq3bL9a2kPz\n\nhttps://soundcloud.com/radio-station/episode-12\n\nhttps://x.com/newsdesk/status/1790000000000000000",
		"[بيان «الوزارة»](https://example.gov/a \"البيان الرسمي، كاملًا؟\") و[الأرشيف](/archive/2024)",
		"1. أول\n2. ثان\n\n- نقطة\n- أخرى\n\n---\n\n```\nالشيفرة <b>\n```\n\n`كود`",
	}
	for i, src := range docs {
		out, problems := markup.Render(src, withMedia)
		noProblems(t, problems)
		clean := p.Sanitize(out)
		if a, b := canonical(parse(t, out)), canonical(parse(t, clean)); a != b {
			t.Errorf("doc %d changed by the sanitizer:\nmarkup: %s\nclean:  %s", i, a, b)
		}
	}
}

// canonical writes the tree in one form: attributes sorted, text decoded,
// rel and target on links left out.
func canonical(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			var attrs []string
			for _, a := range n.Attr {
				if n.DataAtom == atom.A && (a.Key == "rel" || a.Key == "target") {
					continue
				}
				attrs = append(attrs, fmt.Sprintf(" %s=%q", a.Key, a.Val))
			}
			sort.Strings(attrs)
			b.WriteString("<" + n.Data + strings.Join(attrs, "") + ">")
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
			b.WriteString("</" + n.Data + ">")
		default:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

func TestDeterministicAndConcurrent(t *testing.T) {
	want, wantProblems := markup.Render(article+"\n![](/media/1)", withMedia)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				got, problems := markup.Render(article+"\n![](/media/1)", withMedia)
				if got != want || !slices.Equal(problems, wantProblems) {
					t.Error("output differs between calls")
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestEmpty(t *testing.T) {
	for _, src := range []string{"", "\n\n", "   "} {
		out, problems := markup.Render(src, markup.Options{})
		if out != "" || problems != nil {
			t.Errorf("Render(%q) = %q, %v", src, out, problems)
		}
	}
}

// longArticle is about 1,500 words of news copy.
func longArticle() string {
	var b strings.Builder
	b.WriteString(article)
	for i := 0; b.Len() < 16000; i++ {
		fmt.Fprintf(&b, "\n## محور %d\n\nأكد مسؤولون في **الهيئة العامة للإحصاء** أن معدل التضخم تراجع إلى %d%% خلال الشهر الماضي، وهو أدنى مستوى منذ عامين، مشيرين إلى أن أسعار *المواد الغذائية* استقرت بعد موسم حصاد جيد. وأضافوا في [تقرير مفصل](https://example.gov/stats/%d) أن قطاع الإسكان ما زال يشهد ضغوطًا.\n\n![رسم بياني لمعدل التضخم الشهري](/media/%d \"التضخم الشهري خلال عامين\")\n\nوتوقع خبراء اقتصاديون تحدثوا إلى صحافة أن يواصل البنك المركزي سياسته الحذرة، فيما طالبت غرفة التجارة بخفض الرسوم على الواردات الأساسية قبل حلول الصيف.\n", i+1, i+3, i, i)
	}
	return b.String()
}

func BenchmarkRender(b *testing.B) {
	src := longArticle()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		markup.Render(src, withMedia)
	}
	// After the loop: b.Loop's start drops metrics reported before it.
	b.ReportMetric(float64(len(strings.Fields(src))), "words")
}
