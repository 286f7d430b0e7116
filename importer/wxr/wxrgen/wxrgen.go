// Package wxrgen writes synthetic WordPress exports (WXR 1.2) of an Arabic
// news site, for benchmarks and tests of the wxr importer: posts in every
// status, categories with Latin and percent-encoded Arabic nicenames,
// tags, authors, comments with replies, [caption] and [gallery]
// shortcodes, bare video URLs, featured images (attachment items), pages
// and menu items. The text comes from a word list, not from real articles;
// the same seed gives the same file.
package wxrgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"
)

// Options shape the export.
type Options struct {
	Posts   int    // number of items of type post (default 20000)
	Seed    uint64 // default 1
	SiteURL string // default https://almadina.example.com
}

// Stats tell what Write wrote.
type Stats struct {
	Posts, Published, Attachments, Pages, MenuItems, Comments int
}

var words = strings.Fields(`
الحكومة الوزير المجلس البرلمان الرئيس الشعب المدينة العاصمة الميناء المطار
الاقتصاد السوق الأسعار النفط الغاز الذهب الدولار الميزانية الضرائب الاستثمار
الشركة المصنع العمال الرواتب البطالة التضخم النمو التجارة الصادرات الواردات
المنتخب المباراة الفريق الهدف الملعب المدرب اللاعب البطولة الكأس الدوري
المدرسة الجامعة الطلاب المعلمون المناهج الامتحانات الصحة المستشفى الأطباء اللقاح
الطقس الأمطار الحرارة الرياح العاصفة الصيف الشتاء الربيع الخريف الصحراء
الشرطة المحكمة القاضي القانون الدستور الانتخابات الأحزاب المعارضة الحوار الاتفاق
يعلن أعلن يفتتح افتتح يناقش ناقش يوقع وقع يرفض رفض يطالب طالب يؤكد أكد
يحذر حذر يستقبل استقبل يزور زار يبحث بحث يدعو دعا يقرر قرر يتوقع توقع
الجديد الجديدة الكبير الكبيرة الأول الأولى الأخير الأخيرة الوطني الوطنية
الدولي الدولية المحلي المحلية العربي العربية الخليجي الخليجية الرسمي الرسمية
اليوم أمس غدا صباح مساء الأسبوع الشهر العام القادم الماضي
في على من إلى عن مع بعد قبل خلال حول بين أمام ضد عبر
مشروع خطة برنامج قرار تقرير دراسة مؤتمر اجتماع زيارة جولة
مليون مليار ألف نسبة بالمئة ارتفاع انخفاض تراجع زيادة استقرار
المواطنين السكان الأسر الشباب النساء الأطفال المتقاعدين المستثمرين التجار المزارعين
الطرق الجسور الكهرباء المياه الإسكان النقل الاتصالات الإنترنت الطاقة الشمسية
`)

var latin = strings.Fields(`Brent OPEC FIFA UNESCO Airbus Boeing Tesla NASDAQ IMF WHO 5G AI`)

type author struct{ login, name, first, last string }

var authors = []author{
	{"samir", "سمير الحداد", "سمير", "الحداد"},
	{"huda.k", "", "هدى", "القاسم"},
	{"y.nasser", "يوسف ناصر", "يوسف", "ناصر"},
	{"mariam", "مريم العلي", "مريم", "العلي"},
	{"k.omar", "خالد عمر", "خالد", "عمر"},
	{"layla", "ليلى حسن", "ليلى", "حسن"},
	{"desk", "قسم الأخبار", "", ""},
	{"reuters.ar", "رويترز", "", ""},
}

type category struct{ nicename, name string }

var categories = []category{
	{"local-news", "أخبار محلية"},
	{"economy", "اقتصاد"},
	{"sport", "رياضة"},
	{pct("ثقافة-وفن"), "ثقافة وفن"},
	{pct("تكنولوجيا"), "تكنولوجيا"},
	{pct("الشرق-الأوسط"), "الشرق الأوسط"},
	{"world", "أخبار العالم"},
	{pct("رأي"), "رأي"},
	{pct("صحة"), "صحة"},
	{pct("غير-مصنف"), "غير مصنف"},
}

var commenters = []string{"أبو خالد", "أم سارة", "Karim", "زائر", "محمد", "نور", "مراقب", "Ahmed S."}

// pct percent-encodes a slug the way WordPress stores it.
func pct(s string) string { return strings.ToLower(url.PathEscape(s)) }

type gen struct {
	w    *bufio.Writer
	r    *rand.Rand
	site string
	st   Stats
	tags []string
}

// Write writes an export of o.Posts posts to w.
func Write(w io.Writer, o Options) (Stats, error) {
	if o.Posts <= 0 {
		o.Posts = 20000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.SiteURL == "" {
		o.SiteURL = "https://almadina.example.com"
	}
	g := &gen{w: bufio.NewWriterSize(w, 1<<20), r: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), site: strings.TrimRight(o.SiteURL, "/")}
	for i := range 300 {
		g.tags = append(g.tags, g.phrase(1+i%2))
	}
	g.header()
	start := time.Date(2012, 1, 1, 6, 0, 0, 0, time.UTC)
	step := time.Duration(int64(12*365*24*time.Hour) / int64(o.Posts))
	id := 1000
	for i := range o.Posts {
		at := start.Add(time.Duration(i) * step).Truncate(time.Second)
		id++
		thumb := 0
		if i%4 == 0 {
			thumb = id + 1
		}
		g.post(id, at, thumb)
		if thumb != 0 {
			id++
			g.attachment(id, id-1, at.Add(-10*time.Minute))
		}
		if i%500 == 499 {
			id++
			g.page(id, at)
		}
		if i%2000 == 1999 {
			id++
			g.menuItem(id, at)
		}
	}
	g.p("</channel>\n</rss>\n")
	return g.st, g.w.Flush()
}

func (g *gen) p(s string)                   { g.w.WriteString(s) }
func (g *gen) f(format string, args ...any) { fmt.Fprintf(g.w, format, args...) }

func cdata(s string) string {
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

func (g *gen) word() string { return words[g.r.IntN(len(words))] }

func (g *gen) phrase(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word()
	}
	return strings.Join(ws, " ")
}

func (g *gen) sentence() string {
	n := 8 + g.r.IntN(18)
	ws := make([]string, n)
	for i := range ws {
		switch k := g.r.IntN(40); {
		case k == 0:
			ws[i] = latin[g.r.IntN(len(latin))]
		case k == 1:
			ws[i] = fmt.Sprint(g.r.IntN(2000))
		default:
			ws[i] = g.word()
		}
	}
	s := strings.Join(ws, " ")
	switch g.r.IntN(10) {
	case 0:
		s = "&#8220;" + s + "&#8221;"
	case 1:
		s += "&nbsp;(" + latin[g.r.IntN(len(latin))] + ")"
	}
	return s + "."
}

func (g *gen) paragraph() string {
	n := 1 + g.r.IntN(4)
	ss := make([]string, n)
	for i := range ss {
		ss[i] = g.sentence()
	}
	if g.r.IntN(6) == 0 { // a line break inside the paragraph
		return strings.Join(ss[:n/2+1], " ") + "\n" + strings.Join(ss[n/2+1:], " ")
	}
	return strings.Join(ss, " ")
}

func (g *gen) header() {
	g.p(`<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->
<!-- generator="sahafa/importer/wxr/wxrgen" -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>جريدة المدينة</title>
`)
	g.f("\t<link>%s</link>\n\t<description>أخبار المدينة على مدار الساعة</description>\n\t<language>ar</language>\n", g.site)
	g.f("\t<wp:wxr_version>1.2</wp:wxr_version>\n\t<wp:base_site_url>%s</wp:base_site_url>\n\t<wp:base_blog_url>%s</wp:base_blog_url>\n\n", g.site, g.site)
	for i, a := range authors {
		g.f("\t<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>%s</wp:author_login><wp:author_email>%s@example.com</wp:author_email><wp:author_display_name>%s</wp:author_display_name><wp:author_first_name>%s</wp:author_first_name><wp:author_last_name>%s</wp:author_last_name></wp:author>\n",
			i+1, cdata(a.login), a.login, cdata(a.name), cdata(a.first), cdata(a.last))
	}
	for i, c := range categories {
		g.f("\t<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>%s</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>%s</wp:cat_name></wp:category>\n",
			i+1, cdata(c.nicename), cdata(c.name))
	}
	for i, t := range g.tags {
		g.f("\t<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug>%s</wp:tag_slug><wp:tag_name>%s</wp:tag_name></wp:tag>\n",
			100+i, cdata(pct(strings.ReplaceAll(t, " ", "-"))), cdata(t))
	}
	g.p("\n")
}

func wpDate(t time.Time) string { return t.Format("2006-01-02 15:04:05") }

var local = time.FixedZone("AST", 3*3600)

func (g *gen) itemHead(title, link, creator, guid, content, excerpt string, id int) {
	g.f("\t<item>\n\t\t<title>%s</title>\n\t\t<link>%s</link>\n\t\t<dc:creator>%s</dc:creator>\n\t\t<guid isPermaLink=\"false\">%s</guid>\n\t\t<description></description>\n",
		cdata(title), link, cdata(creator), guid)
	g.f("\t\t<content:encoded>%s</content:encoded>\n\t\t<excerpt:encoded>%s</excerpt:encoded>\n\t\t<wp:post_id>%d</wp:post_id>\n", cdata(content), cdata(excerpt), id)
}

func (g *gen) dates(at time.Time, gmtKnown bool) {
	gmt := "0000-00-00 00:00:00"
	if gmtKnown {
		gmt = wpDate(at)
	}
	g.f("\t\t<wp:post_date>%s</wp:post_date>\n\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>\n", cdata(wpDate(at.In(local))), cdata(gmt))
}

func (g *gen) meta(key, value string) {
	g.f("\t\t<wp:postmeta>\n\t\t\t<wp:meta_key>%s</wp:meta_key>\n\t\t\t<wp:meta_value>%s</wp:meta_value>\n\t\t</wp:postmeta>\n", cdata(key), cdata(value))
}

func (g *gen) post(id int, at time.Time, thumb int) {
	g.st.Posts++
	status := "publish"
	switch k := g.r.IntN(100); {
	case k < 4:
		status = "draft"
	case k < 6:
		status = "pending"
	case k < 7:
		status = "private"
	case k < 8:
		status = "future"
		at = at.Add(24 * time.Hour)
	}
	if status == "publish" {
		g.st.Published++
	}
	title := g.phrase(5 + g.r.IntN(8))
	slug := strings.ReplaceAll(title, " ", "-")
	link := fmt.Sprintf("%s/%s/%s/", g.site, at.In(local).Format("2006/01/02"), pct(slug))
	if status != "publish" {
		link = fmt.Sprintf("%s/?p=%d", g.site, id)
	}
	var body strings.Builder
	n := 3 + g.r.IntN(6)
	for i := range n {
		if i > 0 {
			body.WriteString("\n\n")
		}
		switch k := g.r.IntN(30); {
		case i == 1 && thumb != 0:
			fmt.Fprintf(&body, `[caption id="attachment_%d" align="aligncenter" width="1200"]<img class="size-large wp-image-%d" src="%s/wp-content/uploads/%s/photo-%d.jpg" alt="%s" width="1200" height="800" /> %s[/caption]`,
				thumb, thumb, g.site, at.Format("2006/01"), thumb, g.phrase(3), g.phrase(6))
		case k == 0:
			fmt.Fprintf(&body, "<h3>%s</h3>", g.phrase(4))
		case k == 1:
			fmt.Fprintf(&body, "<ul>\n\t<li>%s</li>\n\t<li>%s</li>\n\t<li>%s</li>\n</ul>", g.phrase(5), g.phrase(6), g.phrase(4))
		case k == 2:
			fmt.Fprintf(&body, "https://www.youtube.com/watch?v=%08x", g.r.Uint32())
		case k == 3:
			fmt.Fprintf(&body, `[gallery ids="%d,%d,%d" columns="3"]`, id*3, id*3+1, id*3+2)
		case k == 4:
			fmt.Fprintf(&body, "<blockquote>%s</blockquote>", g.sentence())
		default:
			body.WriteString(g.paragraph())
		}
		if i == 0 && g.r.IntN(3) == 0 {
			body.WriteString("<!--more-->")
		}
	}
	a := authors[g.r.IntN(len(authors))]
	g.itemHead(title, link, a.login, fmt.Sprintf("%s/?p=%d", g.site, id), body.String(), g.sentence(), id)
	g.dates(at, status != "draft" && status != "pending")
	g.f("\t\t<wp:comment_status>open</wp:comment_status>\n\t\t<wp:ping_status>open</wp:ping_status>\n\t\t<wp:post_name>%s</wp:post_name>\n\t\t<wp:status>%s</wp:status>\n", cdata(pct(slug)), cdata(status))
	g.p("\t\t<wp:post_parent>0</wp:post_parent>\n\t\t<wp:menu_order>0</wp:menu_order>\n\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n\t\t<wp:is_sticky>0</wp:is_sticky>\n")
	c := categories[g.r.IntN(len(categories))]
	g.f("\t\t<category domain=\"category\" nicename=\"%s\">%s</category>\n", c.nicename, cdata(c.name))
	for range g.r.IntN(5) {
		t := g.tags[g.r.IntN(len(g.tags))]
		g.f("\t\t<category domain=\"post_tag\" nicename=\"%s\">%s</category>\n", pct(strings.ReplaceAll(t, " ", "-")), cdata(t))
	}
	g.meta("_edit_last", "1")
	if thumb != 0 {
		g.meta("_thumbnail_id", fmt.Sprint(thumb))
	}
	g.meta("_yoast_wpseo_meta", fmt.Sprintf(`a:2:{s:5:"focus";s:%d:"%s";s:5:"score";i:%d;}`, len(c.name), c.name, g.r.IntN(100)))
	if status == "publish" {
		nc := g.r.IntN(6)
		for k := range nc {
			cid := id*10 + k
			parent := 0
			if k > 0 && g.r.IntN(3) == 0 {
				parent = cid - 1
			}
			approved := "1"
			switch g.r.IntN(10) {
			case 0:
				approved = "0"
			case 1:
				approved = "spam"
			}
			g.st.Comments++ // every one is imported, spam with its status
			cat := at.Add(time.Duration(k+1) * 37 * time.Minute)
			g.f("\t\t<wp:comment>\n\t\t\t<wp:comment_id>%d</wp:comment_id>\n\t\t\t<wp:comment_author>%s</wp:comment_author>\n\t\t\t<wp:comment_author_email>reader%d@example.net</wp:comment_author_email>\n\t\t\t<wp:comment_author_url></wp:comment_author_url>\n",
				cid, cdata(commenters[g.r.IntN(len(commenters))]), g.r.IntN(1000))
			g.f("\t\t\t<wp:comment_date>%s</wp:comment_date>\n\t\t\t<wp:comment_date_gmt>%s</wp:comment_date_gmt>\n\t\t\t<wp:comment_content>%s</wp:comment_content>\n",
				cdata(wpDate(cat.In(local))), cdata(wpDate(cat)), cdata(g.sentence()))
			g.f("\t\t\t<wp:comment_approved>%s</wp:comment_approved>\n\t\t\t<wp:comment_type><![CDATA[comment]]></wp:comment_type>\n\t\t\t<wp:comment_parent>%d</wp:comment_parent>\n\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n\t\t</wp:comment>\n",
				cdata(approved), parent)
		}
	}
	g.p("\t</item>\n")
}

func (g *gen) attachment(id, parent int, at time.Time) {
	g.st.Attachments++
	file := fmt.Sprintf("%s/photo-%d.jpg", at.Format("2006/01"), id)
	u := g.site + "/wp-content/uploads/" + file
	g.itemHead(g.phrase(3), fmt.Sprintf("%s/?attachment_id=%d", g.site, id), authors[0].login, u, "", g.phrase(5), id)
	g.dates(at, true)
	g.f("\t\t<wp:post_name>photo-%d</wp:post_name>\n\t\t<wp:status>inherit</wp:status>\n\t\t<wp:post_parent>%d</wp:post_parent>\n\t\t<wp:post_type>attachment</wp:post_type>\n\t\t<wp:attachment_url>%s</wp:attachment_url>\n", id, parent, cdata(u))
	g.meta("_wp_attached_file", file)
	g.meta("_wp_attachment_metadata", fmt.Sprintf(`a:3:{s:5:"width";i:1200;s:6:"height";i:800;s:4:"file";s:%d:"%s";}`, len(file), file))
	g.meta("_wp_attachment_image_alt", g.phrase(4))
	g.p("\t</item>\n")
}

func (g *gen) page(id int, at time.Time) {
	g.st.Pages++
	g.itemHead(g.phrase(3), fmt.Sprintf("%s/page-%d/", g.site, id), authors[0].login, fmt.Sprintf("%s/?page_id=%d", g.site, id), g.paragraph(), "", id)
	g.dates(at, true)
	g.f("\t\t<wp:post_name>page-%d</wp:post_name>\n\t\t<wp:status>publish</wp:status>\n\t\t<wp:post_type>page</wp:post_type>\n", id)
	g.p("\t</item>\n")
}

func (g *gen) menuItem(id int, at time.Time) {
	g.st.MenuItems++
	g.itemHead("", fmt.Sprintf("%s/?p=%d", g.site, id), authors[0].login, fmt.Sprintf("%s/?p=%d", g.site, id), "", "", id)
	g.dates(at, true)
	g.f("\t\t<wp:post_name>%d</wp:post_name>\n\t\t<wp:status>publish</wp:status>\n\t\t<wp:post_type>nav_menu_item</wp:post_type>\n", id)
	g.meta("_menu_item_type", "taxonomy")
	g.meta("_menu_item_classes", `a:1:{i:0;s:0:"";}`)
	g.p("\t</item>\n")
}
