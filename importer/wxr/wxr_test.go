package wxr

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/charmap"

	"sahafa/news"
)

const fixturePath = "testdata/arabic-news.xml"

func fixture(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseBytes(t testing.TB, b []byte, opts Options) *Export {
	t.Helper()
	ex, err := Parse(bytes.NewReader(b), opts)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// lineOf is the line of the first occurrence of s in data.
func lineOf(t testing.TB, data []byte, s string) int {
	t.Helper()
	i := bytes.Index(data, []byte(s))
	if i < 0 {
		t.Fatalf("%q not in the fixture", s)
	}
	return bytes.Count(data[:i], []byte("\n")) + 1
}

// itemLine is the line of the <item> holding post id.
func itemLine(t testing.TB, data []byte, id string) int {
	t.Helper()
	i := bytes.Index(data, []byte("<wp:post_id>"+id+"</wp:post_id>"))
	if i < 0 {
		t.Fatalf("post %s not in the fixture", id)
	}
	j := bytes.LastIndex(data[:i], []byte("<item>"))
	return bytes.Count(data[:j], []byte("\n")) + 1
}

func post(t *testing.T, ex *Export, id string) news.Draft {
	t.Helper()
	for _, d := range ex.Posts {
		if d.ExternalID == "wp:almadina.example.com:"+id {
			return d
		}
	}
	t.Fatalf("no post %s", id)
	return news.Draft{}
}

// topBlocks parses an HTML body and returns its top-level elements; text at
// the top level is an error (wpautop puts every text in a block).
func topBlocks(t *testing.T, body string) []*html.Node {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(body), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatal(err)
	}
	var out []*html.Node
	for _, n := range nodes {
		switch n.Type {
		case html.ElementNode:
			out = append(out, n)
		case html.TextNode:
			if strings.TrimSpace(n.Data) != "" {
				t.Errorf("text outside any block: %q in\n%s", n.Data, body)
			}
		case html.CommentNode:
			t.Errorf("comment %q left in\n%s", n.Data, body)
		}
	}
	return out
}

func tagNames(ns []*html.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Data)
	}
	return out
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// all returns n's descendants named tag.
func all(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == tag {
			out = append(out, c)
		}
		out = append(out, all(c, tag)...)
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

const site = "https://almadina.example.com"

func TestFixtureChannel(t *testing.T) {
	ex := parseBytes(t, fixture(t), Options{})
	if ex.Title != "جريدة المدينة" || ex.Link != site || ex.Language != "ar" || ex.Version != "1.2" {
		t.Errorf("channel %q %q %q %q", ex.Title, ex.Link, ex.Language, ex.Version)
	}
	var ids []string
	for _, d := range ex.Posts {
		ids = append(ids, d.ExternalID)
		if d.Source != "wordpress" {
			t.Errorf("%s: source %q", d.ExternalID, d.Source)
		}
	}
	want := []string{"101", "102", "103", "104", "105", "106", "109", "111", "112"}
	for i := range want {
		want[i] = "wp:almadina.example.com:" + want[i]
	}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("posts %q\nwant  %q", ids, want)
	}
	// 2 authors; 4 categories (غير مصنف used by the post without one);
	// tags الميناء, النفط, كرة القدم, Port & Trade; 1 attachment; comments
	// 201 to 207, spam, trash and the pingback with their statuses.
	if ex.Authors != 2 || ex.Categories != 4 || ex.Tags != 4 || ex.Attachments != 1 || ex.Comments != 7 {
		t.Errorf("counts: %d authors, %d categories, %d tags, %d attachments, %d comments",
			ex.Authors, ex.Categories, ex.Tags, ex.Attachments, ex.Comments)
	}
}

func TestFixtureSkipped(t *testing.T) {
	data := fixture(t)
	ex := parseBytes(t, data, Options{})
	want := []Skip{
		{itemLine(t, data, "107"), `post 107 "خبر قديم حذفه المحرر"`, "in the trash"},
		{itemLine(t, data, "108"), `post 108 "مسودة تلقائية"`, "an auto-draft WordPress saved by itself"},
		{itemLine(t, data, "130"), `nav_menu_item 130`, "a menu item (nav_menu_item), not a post or a page (only those are imported)"},
		{itemLine(t, data, "110"), `post 110 "انقطاع المياه عن الأحياء الشرقية"`,
			fmt.Sprintf(`<wp:post_date_gmt> on line %d: not a date: "2019-13-45 10:00"`, lineOf(t, data, "2019-13-45 10:00"))},
		{itemLine(t, data, "113"), `revision 113 "افتتاح توسعة ميناء المدينة"`, "a revision, not a post or a page (only those are imported)"},
		{itemLine(t, data, "120"), `attachment 120 "ميناء المدينة عند الغروب"`, "an attachment: its URL is kept for the posts it illustrates, not imported as an article"},
	}
	if !reflect.DeepEqual(ex.Skipped, want) {
		t.Errorf("skipped:\n%s\nwant:\n%s", skips(ex.Skipped), skips(want))
	}
	if s := ex.Skipped[0].String(); s != fmt.Sprintf(`line %d: post 107 "خبر قديم حذفه المحرر": in the trash`, want[0].Line) {
		t.Errorf("Skip.String() = %q", s)
	}
}

func skips(ss []Skip) string {
	var b strings.Builder
	for _, s := range ss {
		fmt.Fprintf(&b, "  %s\n", s)
	}
	return b.String()
}

func TestFixtureFields(t *testing.T) {
	ex := parseBytes(t, fixture(t), Options{})
	type want struct {
		title, slug, section, sectionSlug string
		status                            news.Status
		at                                time.Time
		timeSet                           bool
		tags, authors                     []string
		abstract, source                  string
	}
	local, economy := "أخبار محلية", "اقتصاد"
	samir, huda := []string{"سمير الحداد"}, []string{"هدى القاسم"}
	tests := map[string]want{
		"101": {"افتتاح توسعة ميناء المدينة & بدء التشغيل التجريبي", "افتتاح-توسعة-ميناء-المدينة", local, "local-news",
			news.StatusPublished, utc("2019-05-22 10:30"), true, []string{"الميناء", "Port & Trade"}, samir,
			"افتتاح الرصيف الشمالي في ميناء المدينة يرفع الطاقة إلى مليوني حاوية سنوياً.", // spaces collapsed
			site + "/2019/05/22/%d8%a7%d9%81%d8%aa%d8%aa%d8%a7%d8%ad-%d8%aa%d9%88%d8%b3%d8%b9%d8%a9-%d9%85%d9%8a%d9%86%d8%a7%d8%a1-%d8%a7%d9%84%d9%85%d8%af%d9%8a%d9%86%d8%a9/"},
		// The title keeps its RLM, LRM and the U+202E override with its
		// U+202C: the publish service strips what must go.
		"102": {"أسعار النفط \u200fBrent\u200e تتراجع إلى 62 دولاراً \u202eللبرميل\u202c", "أسعار-النفط-تتراجع", economy, economy,
			news.StatusPublished, utc("2019-05-23 05:05"), true, []string{"النفط"}, huda,
			"خام برنت يتراجع & الطلب يضعف",
			site + "/2019/05/23/%d8%a3%d8%b3%d8%b9%d8%a7%d8%b1-%d8%a7%d9%84%d9%86%d9%81%d8%b7-%d8%aa%d8%aa%d8%b1%d8%a7%d8%ac%d8%b9/"},
		// Drafts and pending posts have no UTC date: their local date is
		// read at the site's offset (+3, learnt from the other items).
		"103": {"مسودة: تشكيلة المنتخب قبل مباراة الأربعاء", "", "رياضة", "sport",
			news.StatusDraft, utc("2019-06-01 06:15"), false, nil, samir, "", site + "/?p=103"},
		"104": {"“النسور” يستعدون لنهائي الكأس", "النسور-يستعدون-لنهائي-الكأس", "رياضة", "sport",
			news.StatusReview, utc("2019-06-02 17:00"), false, []string{"كرة القدم"}, huda, "", site + "/?p=104"},
		"105": {"ميزانية 2030: ما الذي ينتظر المواطن؟", "ميزانية-2030", economy, economy,
			news.StatusScheduled, utc("2030-01-15 07:00"), true, nil, samir, "", site + "/?p=105"},
		// No category: WordPress's default one, as the channel names it.
		"106": {"ملاحظات داخلية لهيئة التحرير", "internal-notes", "غير مصنف", "غير-مصنف",
			news.StatusUnpublished, utc("2019-06-05 08:00"), true, nil, samir, "", site + "/?p=106"},
		"111": {"المنتخب يفوز في الدقيقة الأخيرة", "المنتخب-يفوز-في-الدقيقة-الأخيرة", "رياضة", "sport",
			news.StatusPublished, utc("2019-06-10 20:40"), true, []string{"كرة القدم"}, huda, "",
			site + "/2019/06/10/%d8%a7%d9%84%d9%85%d9%86%d8%aa%d8%ae%d8%a8-%d9%8a%d9%81%d9%88%d8%b2-%d9%81%d9%8a-%d8%a7%d9%84%d8%af%d9%82%d9%8a%d9%82%d8%a9-%d8%a7%d9%84%d8%a3%d8%ae%d9%8a%d8%b1%d8%a9/"},
		// Published with a password: it was not public.
		"112": {"نتائج المزاد السري", "نتائج-المزاد-السري", economy, economy,
			news.StatusUnpublished, utc("2019-06-12 09:00"), true, nil, samir, "",
			site + "/2019/06/12/%d9%86%d8%aa%d8%a7%d8%a6%d8%ac-%d8%a7%d9%84%d9%85%d8%b2%d8%a7%d8%af-%d8%a7%d9%84%d8%b3%d8%b1%d9%8a/"},
	}
	for id, w := range tests {
		d := post(t, ex, id)
		got := want{d.Title, d.Slug, d.SectionName, d.SectionSlug, d.Status, d.PublishedAt, d.TimeSet, d.Tags, d.Authors, d.Abstract, d.SourceURL}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("post %s:\n got %+v\nwant %+v", id, got, w)
		}
		if d.PublishedAt.Location() != time.UTC {
			t.Errorf("post %s: time %v not in UTC", id, d.PublishedAt)
		}
	}
}

func TestFixtureImages(t *testing.T) {
	ex := parseBytes(t, fixture(t), Options{})
	want := &news.Image{
		URL:     site + "/wp-content/uploads/2019/05/port.jpg", // kept remote
		Alt:     "رافعات الحاويات في ميناء المدينة",
		Caption: "تصوير: سمير الحداد – أرشيف الجريدة",
	}
	if got := post(t, ex, "101").Image; !reflect.DeepEqual(got, want) {
		t.Errorf("image %+v\nwant  %+v", got, want)
	}
	// 105 names attachment 999, which the export does not hold.
	for _, id := range []string{"102", "103", "104", "105", "106", "111", "112"} {
		if img := post(t, ex, id).Image; img != nil {
			t.Errorf("post %s: image %+v", id, img)
		}
	}
}

func TestFixtureOldPaths(t *testing.T) {
	ex := parseBytes(t, fixture(t), Options{})
	tests := map[string][]string{
		"101": {
			"/2019/05/22/%d8%a7%d9%81%d8%aa%d8%aa%d8%a7%d8%ad-%d8%aa%d9%88%d8%b3%d8%b9%d8%a9-%d9%85%d9%8a%d9%86%d8%a7%d8%a1-%d8%a7%d9%84%d9%85%d8%af%d9%8a%d9%86%d8%a9/",
			"/?p=101",
			// the permalink with the slug the post had before (_wp_old_slug)
			"/2019/05/22/%d8%aa%d9%88%d8%b3%d8%b9%d8%a9-%d8%a7%d9%84%d9%85%d9%8a%d9%86%d8%a7%d8%a1/",
		},
		"102": {"/2019/05/23/%d8%a3%d8%b3%d8%b9%d8%a7%d8%b1-%d8%a7%d9%84%d9%86%d9%81%d8%b7-%d8%aa%d8%aa%d8%b1%d8%a7%d8%ac%d8%b9/", "/?p=102"},
		"103": {"/?p=103"},
		"105": {"/?p=105"},
	}
	for id, want := range tests {
		got := post(t, ex, id).OldPaths
		if !reflect.DeepEqual(got, want) {
			t.Errorf("post %s: old paths %q\nwant %q", id, got, want)
		}
		for _, p := range got {
			if news.RedirectKey(p) == "" {
				t.Errorf("post %s: %q has no redirect key", id, p)
			}
		}
	}
	// The store records the decoded path.
	if k := news.RedirectKey(tests["101"][0]); k != "/2019/05/22/افتتاح-توسعة-ميناء-المدينة" {
		t.Errorf("redirect key %q", k)
	}
}

func TestFixtureComments(t *testing.T) {
	ex := parseBytes(t, fixture(t), Options{})
	want := []news.Comment{
		{ExternalID: "201", Author: "أبو خالد", AuthorEmail: "abu.khaled@example.net",
			At: utc("2019-05-22 12:00"), Text: "مبروك للمدينة! متى يبدأ استقبال السفن السياحية؟", Status: news.CommentApproved},
		{ExternalID: "202", ParentID: "201", Author: "سمير الحداد", AuthorEmail: "samir@almadina.example.com",
			AuthorURL: site, At: utc("2019-05-22 12:30"), Text: "<p>في الخطة الثانية عام 2021 إن شاء الله.</p>", Status: news.CommentApproved},
		{ExternalID: "203", Author: "Karim", AuthorEmail: "karim@example.org", AuthorURL: "https://karim.example.org/blog",
			At: utc("2019-05-22 14:00"), Text: "Great news &amp; well done, مبروك", Status: news.CommentPending},
		{ExternalID: "204", Author: "best casino", AuthorEmail: "win@casino.example", AuthorURL: "https://casino.example",
			At: utc("2019-05-23 00:00"), Text: `Win big today!!! <a href="https://casino.example">click</a>`, Status: news.CommentSpam},
		{ExternalID: "205", Author: "مجهول", At: utc("2019-05-23 01:00"), Text: "تعليق حذفه المحرر", Status: news.CommentTrash},
		{ExternalID: "206", Author: "مدونة الموانئ", AuthorURL: "https://ports.example.net/2019/05/madina/",
			At: utc("2019-05-23 06:00"), Text: "[&#8230;] افتتاح توسعة ميناء المدينة [&#8230;]", Status: news.CommentApproved},
	}
	if got := post(t, ex, "101").Comments; !reflect.DeepEqual(got, want) {
		t.Errorf("comments of 101:\n got %+v\nwant %+v", got, want)
	}
	// no comment_date_gmt: the local date at the site's offset
	want = []news.Comment{{ExternalID: "207", Author: "زائر", At: utc("2019-06-10 18:00"), Text: "هدف تاريخي!", Status: news.CommentApproved}}
	if got := post(t, ex, "111").Comments; !reflect.DeepEqual(got, want) {
		t.Errorf("comments of 111:\n got %+v\nwant %+v", got, want)
	}
}

func TestFixtureBodies(t *testing.T) {
	ex := parseBytes(t, fixture(t), Options{})

	// 101: paragraphs from blank lines, a [caption] figure, a <br> for a
	// single newline, entities, <!--more--> gone, blocks left unwrapped.
	b := topBlocks(t, post(t, ex, "101").Body)
	if got, want := tagNames(b), []string{"p", "figure", "p", "p", "h3", "ul", "blockquote"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("101 blocks %q, want %q\n%s", got, want, post(t, ex, "101").Body)
	}
	if s := all(b[0], "strong"); len(s) != 1 || text(s[0]) != "المدينة –" {
		t.Errorf("101 p1: %q", text(b[0]))
	}
	if !strings.Contains(text(b[0]), `توسعة "الرصيف الشمالي" في ميناء المدينة`) || !strings.Contains(text(b[0]), "(Port Madina Authority)") {
		t.Errorf("101 p1 text %q", text(b[0]))
	}
	imgs, caps := all(b[1], "img"), all(b[1], "figcaption")
	if len(imgs) != 1 || attr(imgs[0], "src") != site+"/wp-content/uploads/2019/05/port.jpg" || attr(imgs[0], "alt") != "رافعات الحاويات في ميناء المدينة" ||
		len(caps) != 1 || text(caps[0]) != "رافعات الحاويات الجديدة على الرصيف الشمالي" {
		t.Errorf("101 figure: %d img, captions %v", len(imgs), caps)
	}
	if brs := all(b[2], "br"); len(brs) != 1 || !strings.HasSuffix(text(b[2]), "يبدأ الأسبوع المقبل.") {
		t.Errorf("101 p2: %d <br>, text %q", len(brs), text(b[2]))
	}
	if p := text(b[3]); !strings.Contains(p, "“لن نتوقف عند هذا الحد”") || !strings.Contains(p, "ثانية\u00a0لعام") || !strings.Contains(p, "تعني’ شيئاً") {
		t.Errorf("101 p3 entities: %q", p)
	}
	if text(b[4]) != "أرقام التوسعة" || len(all(b[4], "p")) != 0 {
		t.Errorf("101 h3: %q", text(b[4]))
	}
	if lis := all(b[5], "li"); len(lis) != 3 || text(lis[2]) != "الكلفة: 450 مليون دولار" || len(all(b[5], "p")) != 0 || len(all(b[5], "br")) != 0 {
		t.Errorf("101 list: %d items", len(lis))
	}
	if ps := all(b[6], "p"); len(ps) != 1 || text(ps[0]) != "الميناء هو رئة المدينة الاقتصادية." {
		t.Errorf("101 blockquote: %v", ps)
	}

	// 102: [gallery] gone, [embed] and the bare URL line become links, the
	// table is left as it is, RLM and LRM stay in the text.
	body := post(t, ex, "102").Body
	b = topBlocks(t, body)
	if got, want := tagNames(b), []string{"p", "p", "p", "p", "p", "table"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("102 blocks %q, want %q\n%s", got, want, body)
	}
	if !strings.Contains(text(b[0]), "خام \u200fBrent\u200e في") {
		t.Errorf("102 p1 %q", text(b[0]))
	}
	for i, u := range map[int]string{2: "https://www.youtube.com/watch?v=Xy7_Qa1bC2d", 4: "https://youtu.be/Lm3nOp4QrSt"} {
		if as := all(b[i], "a"); len(as) != 1 || attr(as[0], "href") != u || text(b[i]) != u {
			t.Errorf("102 block %d: %q, want a link to %s", i, text(b[i]), u)
		}
	}
	if text(b[3]) != "وفي مقابلة أخرى:" {
		t.Errorf("102 p4 %q", text(b[3]))
	}
	if cells := all(b[5], "td"); len(cells) != 2 || len(all(b[5], "p")) != 0 {
		t.Errorf("102 table: %d cells", len(cells))
	}
	if strings.Contains(body, "[") {
		t.Errorf("102: a shortcode is left:\n%s", body)
	}

	// 103: single newlines are <br>, the blank line a new paragraph.
	b = topBlocks(t, post(t, ex, "103").Body)
	if len(b) != 2 || len(all(b[0], "br")) != 2 || text(b[1]) != "(قيد التحرير)" {
		t.Errorf("103 body %q", post(t, ex, "103").Body)
	}

	// 111: paragraphs inside a blockquote, an escaped shortcode kept as
	// text, [audio] and unknown shortcodes removed (an enclosing one keeps
	// its content), <pre> untouched.
	body = post(t, ex, "111").Body
	b = topBlocks(t, body)
	if got, want := tagNames(b), []string{"p", "blockquote", "p", "pre", "p"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("111 blocks %q, want %q\n%s", got, want, body)
	}
	if !strings.Contains(text(b[0]), "2–1") {
		t.Errorf("111 p1 %q", text(b[0]))
	}
	if ps := all(b[1], "p"); len(ps) != 2 || text(ps[1]) != "لكننا آمنّا بالفوز حتى النهاية." {
		t.Errorf("111 blockquote %v", ps)
	}
	if text(b[2]) != "لإضافة صورة مع تعليق استخدم الرمز [caption] في المحرر." {
		t.Errorf("111 escaped shortcode: %q", text(b[2]))
	}
	if got := text(b[3]); got != "النتيجة النهائية:\n\nالمنتخب  2\nالضيوف   1\n" || len(all(b[3], "br")) != 0 {
		t.Errorf("111 pre %q", got)
	}
	if text(b[4]) != "شارك الخبر مع أصدقائك" {
		t.Errorf("111 last %q", text(b[4]))
	}
	for _, s := range []string{"audio", "contact-form", "tweet_box", "[/"} {
		if strings.Contains(body, s) {
			t.Errorf("111: %q left in\n%s", s, body)
		}
	}
}

func TestSiteURL(t *testing.T) {
	data := fixture(t)
	ex := parseBytes(t, data, Options{SiteURL: "https://news.example.org/archive/"})
	d := ex.Posts[0]
	if d.ExternalID != "wp:news.example.org/archive:101" {
		t.Errorf("external id %q", d.ExternalID)
	}
	if !reflect.DeepEqual(d.OldPaths[1], "/archive/?p=101") {
		t.Errorf("old paths %q", d.OldPaths)
	}
	// The same export read twice gives the same IDs: a second import
	// updates.
	again := parseBytes(t, data, Options{})
	first := parseBytes(t, data, Options{})
	for i := range first.Posts {
		if first.Posts[i].ExternalID != again.Posts[i].ExternalID {
			t.Errorf("external id %q, then %q", first.Posts[i].ExternalID, again.Posts[i].ExternalID)
		}
	}
}

// wxr wraps items in a minimal export.
func wxr(channel, items string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>t</title>
<wp:wxr_version>1.2</wp:wxr_version>
` + channel + items + `
</channel>
</rss>
`
}

func testItem(id, status, date, dateGMT, extra string) string {
	return fmt.Sprintf(`<item><title>عنوان %s</title><wp:post_id>%s</wp:post_id><wp:post_type>post</wp:post_type><wp:status>%s</wp:status>
<wp:post_date>%s</wp:post_date><wp:post_date_gmt>%s</wp:post_date_gmt><content:encoded><![CDATA[نص.]]></content:encoded>%s</item>
`, id, id, status, date, dateGMT, extra)
}

func TestTimeZones(t *testing.T) {
	zero := "0000-00-00 00:00:00"
	// Samples at +2 in winter and +3 in summer (daylight saving time): a
	// draft takes the offset of the item nearest in time.
	in := wxr(`<link>https://example.com/</link>`,
		testItem("1", "publish", "2020-01-10 12:00:00", "2020-01-10 10:00:00", "")+
			testItem("2", "publish", "2020-07-10 12:00:00", "2020-07-10 09:00:00", "")+
			testItem("3", "draft", "2020-01-20 08:00:00", zero, "")+
			testItem("4", "draft", "2020-06-20 08:00:00", zero, "")+
			testItem("5", "draft", zero, zero, "")+
			testItem("6", "future", "2021-01-01 10:00:00", zero, ""))
	ex := parseBytes(t, []byte(in), Options{})
	want := map[string]struct {
		at  time.Time
		set bool
	}{
		"1": {utc("2020-01-10 10:00"), true},
		"2": {utc("2020-07-10 09:00"), true},
		"3": {utc("2020-01-20 06:00"), false},
		"4": {utc("2020-06-20 05:00"), false},
		"5": {time.Time{}, false}, // no date at all: the publish service uses the time of import
		"6": {utc("2021-01-01 07:00"), true},
	}
	for _, d := range ex.Posts {
		id := d.ExternalID[strings.LastIndexByte(d.ExternalID, ':')+1:]
		if w := want[id]; !d.PublishedAt.Equal(w.at) || d.TimeSet != w.set {
			t.Errorf("post %s: %v (set %v), want %v (set %v)", id, d.PublishedAt, d.TimeSet, w.at, w.set)
		}
	}
	// Without any sample, Options.Location, else UTC.
	in = wxr("", testItem("1", "draft", "2020-01-20 08:00:00", zero, ""))
	if d := parseBytes(t, []byte(in), Options{Location: time.FixedZone("AST", 3*3600)}).Posts[0]; !d.PublishedAt.Equal(utc("2020-01-20 05:00")) {
		t.Errorf("with Location: %v", d.PublishedAt)
	}
	if d := parseBytes(t, []byte(in), Options{}).Posts[0]; !d.PublishedAt.Equal(utc("2020-01-20 08:00")) {
		t.Errorf("without: %v", d.PublishedAt)
	}
}

func TestItemEdgeCases(t *testing.T) {
	now := "2020-01-10 10:00:00"
	in := wxr(`<link>https://example.com/blog/</link>
<wp:author><wp:author_login>ali</wp:author_login><wp:author_first_name>علي</wp:author_first_name><wp:author_last_name>حسن</wp:author_last_name></wp:author>`,
		testItem("1", "publish", now, now, `<dc:creator>ali</dc:creator>`)+
			testItem("1", "publish", now, now, "")+ // the same ID again
			testItem("x", "publish", now, now, "")+
			`<item><title>no id</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item>`+
			testItem("2", "wc-pending", now, now, `<dc:creator>nobody</dc:creator>`)+ // a plugin's status
			testItem("3", "publish", now, now, `<category domain="category" nicename="a">A</category>`+strings.Repeat(`<category domain="post_tag">t</category>`, 2)+
				func() string {
					var b strings.Builder
					for i := range MaxTags + 5 {
						fmt.Fprintf(&b, `<category domain="post_tag" nicename="t%d">وسم %d</category>`, i, i)
					}
					return b.String()
				}())+
			// a control character XML forbids, in a title
			"<item><title>خبر\x0b عاجل</title><wp:post_id>4</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item>"+
			// only invisible characters: no title
			"<item><title>&#8207;&#8203;</title><wp:post_id>5</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item>"+
			// a title with markup
			"<item><title>&lt;em&gt;عاجل&lt;/em&gt;: خبر</title><wp:post_id>6</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item>")
	ex := parseBytes(t, []byte(in), Options{})
	var ids []string
	for _, d := range ex.Posts {
		ids = append(ids, d.ExternalID)
	}
	if want := []string{"wp:example.com/blog:1", "wp:example.com/blog:2", "wp:example.com/blog:3", "wp:example.com/blog:4", "wp:example.com/blog:5", "wp:example.com/blog:6"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("posts %q, want %q", ids, want)
	}
	var reasons []string
	for _, s := range ex.Skipped {
		reasons = append(reasons, s.Reason)
	}
	wantReasons := []string{
		"the same <wp:post_id> 1 as the post on line 8",
		`<wp:post_id> is not a number: "x"`,
		"no <wp:post_id>",
	}
	if !reflect.DeepEqual(reasons, wantReasons) {
		t.Errorf("reasons %q\nwant %q", reasons, wantReasons)
	}
	p := ex.Posts
	if !reflect.DeepEqual(p[0].Authors, []string{"علي حسن"}) || !reflect.DeepEqual(p[1].Authors, []string{"nobody"}) {
		t.Errorf("authors %q, %q", p[0].Authors, p[1].Authors)
	}
	if p[0].OldPaths[0] != "/blog/?p=1" || p[1].Status != news.StatusDraft {
		t.Errorf("old paths %q, status %q", p[0].OldPaths, p[1].Status)
	}
	if len(p[2].Tags) != MaxTags || p[2].Tags[0] != "t" || p[2].SectionName != "A" || p[2].SectionSlug != "a" {
		t.Errorf("tags %q, section %q %q", p[2].Tags, p[2].SectionName, p[2].SectionSlug)
	}
	if p[0].SectionName != Uncategorized || p[0].SectionSlug != "" {
		t.Errorf("section %q %q", p[0].SectionName, p[0].SectionSlug)
	}
	if p[3].Title != "خبر عاجل" || p[5].Title != "عاجل: خبر" {
		t.Errorf("titles %q, %q", p[3].Title, p[5].Title)
	}
	// Untitled and empty: named by its number, stored empty, flagged.
	if u := p[4]; u.Title != "منشور بلا عنوان رقم 5" || !u.AllowEmpty || u.Event == nil ||
		!strings.Contains(u.Event.Note, "بلا عنوان") || !strings.Contains(u.Event.Note, "بلا نص") {
		t.Errorf("the untitled empty post: %q, empty allowed %v, event %+v", u.Title, u.AllowEmpty, u.Event)
	}
	if e := p[3].Event; e == nil || strings.Contains(e.Note, "بلا عنوان") || !strings.Contains(e.Note, "بلا نص") || !p[3].AllowEmpty {
		t.Errorf("a titled post without text: event %+v, empty allowed %v; want the empty flag alone", p[3].Event, p[3].AllowEmpty)
	}
}

// TestFixturePage: the published page "من نحن" becomes a static page with
// its slug, its text and its old addresses.
func TestFixturePage(t *testing.T) {
	ex := parseBytes(t, fixture(t), Options{})
	if len(ex.Pages) != 1 {
		t.Fatalf("%d pages, want 1", len(ex.Pages))
	}
	pg := ex.Pages[0]
	if pg.Page.Title != "من نحن" || pg.Page.Slug == "" || !strings.Contains(pg.Page.Body, "<p>") ||
		!slices.Contains(pg.OldPaths, "/?page_id=2") || !slices.Contains(pg.OldPaths, "/?p=2") || pg.Untitled {
		t.Errorf("page: %+v", pg)
	}
}

// TestFixtureArchives: the category, tag and author pages of the posts are
// recorded once each, with a post that leads to their new home.
func TestFixtureArchives(t *testing.T) {
	ex := parseBytes(t, fixture(t), Options{})
	got := map[string]Archive{}
	for _, a := range ex.Archives {
		if _, dup := got[a.Path]; dup {
			t.Errorf("%s recorded twice", a.Path)
		}
		got[a.Path] = a
	}
	if a := got["/category/local-news/"]; a.Kind != "section" || a.Post != "wp:almadina.example.com:101" {
		t.Errorf("local news: %+v", a)
	}
	var tags, authors int
	for _, a := range ex.Archives {
		switch {
		case a.Kind == "tag" && strings.HasPrefix(a.Path, "/tag/") && a.Name != "":
			tags++
		case a.Kind == "author" && strings.HasPrefix(a.Path, "/author/") && a.Name != "":
			authors++
		}
	}
	if tags == 0 || authors != 2 {
		t.Errorf("%d tag and %d author pages: %+v", tags, authors, ex.Archives)
	}
}

// TestUntitledPost: a post WordPress published without a title is
// imported under its first words, flagged for an editor in its history.
func TestUntitledPost(t *testing.T) {
	ex := parseBytes(t, fixture(t), Options{})
	for _, d := range ex.Posts {
		if d.ExternalID != "wp:almadina.example.com:109" {
			continue
		}
		if d.Title != "خبر نُشر بلا عنوان." || d.AllowEmpty || d.Event == nil || !strings.Contains(d.Event.Note, "راجِع العنوان") {
			t.Errorf("post 109: title %q, empty allowed %v, event %+v", d.Title, d.AllowEmpty, d.Event)
		}
		return
	}
	t.Error("post 109 (untitled) was not imported")
}

func TestWindows1256(t *testing.T) {
	in := strings.Replace(wxr("", testItem("1", "publish", "2020-01-10 10:00:00", "2020-01-10 10:00:00", "")), `encoding="UTF-8"`, `encoding="windows-1256"`, 1)
	enc, err := charmap.Windows1256.NewEncoder().String(in)
	if err != nil {
		t.Fatal(err)
	}
	ex := parseBytes(t, []byte(enc), Options{})
	if len(ex.Posts) != 1 || ex.Posts[0].Title != "عنوان 1" || ex.Posts[0].Body != "<p>نص.</p>" {
		t.Errorf("posts %+v", ex.Posts)
	}
}

// parseErr parses in and returns its *Error.
func parseErr(t *testing.T, in string) *Error {
	t.Helper()
	ex, err := Parse(strings.NewReader(in), Options{})
	if err == nil {
		t.Fatalf("no error for %.200q", in)
	}
	if ex != nil {
		t.Errorf("an export with the error %v", err)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v, want *Error", err, err)
	}
	if e.Line <= 0 {
		t.Errorf("error %v: line %d", e, e.Line)
	}
	return e
}

func TestErrors(t *testing.T) {
	data := string(fixture(t))
	mismatch := strings.Replace(data, "<wp:post_id>104</wp:post_id>", "<wp:post_id>104</wp:post_idx>", 1)
	entity := strings.Replace(data, "<title>ملاحظات داخلية", "<title>&bogus; ملاحظات داخلية", 1)
	utf := strings.Replace(data, "ملاحظات داخلية", "ملاحظات \xff داخلية", 1)
	deep := wxr("", `<item><title>x</title>`+strings.Repeat("<a>", 100)+strings.Repeat("</a>", 100)+`</item>`)
	cut := data[:strings.Index(data, "<wp:post_id>106<")]          // between two elements of an item
	cutCDATA := data[:strings.Index(data, "اجتماع التحرير ينتقل")] // inside a CDATA section
	tests := []struct {
		name, in      string
		line          int
		element, want string
	}{
		{"empty", "", 1, "rss", "not a WordPress export: no <rss> element"},
		{"text", "just some text\n", 2, "rss", "not a WordPress export: no <rss> element"},
		{"atom", `<?xml version="1.0"?>` + "\n" + `<feed xmlns="http://www.w3.org/2005/Atom"></feed>`, 2, "feed", "not a WordPress export: the document is <feed>, not <rss>"},
		{"no channel", `<rss version="2.0">` + "\n" + `</rss>`, 1, "rss", "not a WordPress export: <rss> has no <channel>"},
		{"plain RSS", "<rss>\n<channel>\n<title>x</title>\n<item><title>a</title></item>\n</channel>\n</rss>", 2, "channel", "not a WordPress export: no <wp:wxr_version>"},
		{"bad version", strings.Replace(wxr("", ""), ">1.2<", ">one<", 1), 6, "wp:wxr_version", `not a WXR version: "one"`},
		{"cut short", cut, strings.Count(cut, "\n") + 1, "item", "the file ends inside <item> (opened on line " + fmt.Sprint(itemLine(t, []byte(data), "106")) + "): is it cut short?"},
		{"cut in CDATA", cutCDATA, strings.Count(cutCDATA, "\n") + 1, "content:encoded", "the file ends inside <content:encoded> (opened on line " + fmt.Sprint(lineOf(t, []byte(data), "اجتماع التحرير ينتقل")) + "): is it cut short?"},
		{"mismatch", mismatch, lineOf(t, []byte(data), "<wp:post_id>104<"), "wp:post_id", "not well-formed XML: element <post_id> closed by </post_idx>"},
		{"entity", entity, lineOf(t, []byte(data), "<title>ملاحظات داخلية"), "title", "not well-formed XML: invalid character entity &bogus;"},
		{"utf-8", utf, lineOf(t, []byte(data), "<title>ملاحظات داخلية"), "title", "not well-formed XML: invalid UTF-8"},
		{"deep", deep, 7, "a", "elements nested more than 64 deep"},
		{"second root", wxr("", "") + "<rss></rss>", 10, "rss", "second document element"},
	}
	for _, tt := range tests {
		e := parseErr(t, tt.in)
		if e.Line != tt.line || (tt.element != "" && e.Element != tt.element) || !strings.Contains(e.Msg, tt.want) {
			t.Errorf("%s: %v\nwant line %d, <%s>, %q", tt.name, e, tt.line, tt.element, tt.want)
		}
		if e.Element == "" || !strings.HasPrefix(e.Error(), fmt.Sprintf("line %d: <%s>: ", e.Line, e.Element)) {
			t.Errorf("%s: Error() = %q", tt.name, e.Error())
		}
	}
}

func TestTooLong(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 33 MiB export")
	}
	big := strings.Repeat("نص طويل جدا ", MaxText/20)
	e := parseErr(t, wxr("", testItem("1", "publish", "", "", "<wp:postmeta><wp:meta_key>k</wp:meta_key><wp:meta_value><![CDATA["+big+"]]></wp:meta_value></wp:postmeta>")))
	if e.Element != "wp:meta_value" || !strings.Contains(e.Msg, "longer than 32 MiB") {
		t.Errorf("%v", e)
	}
	// Text in many CDATA sections adds up.
	half := strings.Repeat("x", MaxText/2+10)
	e = parseErr(t, wxr("", "<item><title><![CDATA["+half+"]]><![CDATA["+half+"]]></title></item>"))
	if e.Element != "title" || !strings.Contains(e.Msg, "longer than 32 MiB") {
		t.Errorf("%v", e)
	}
}

// sharedWXR is the WordPress importer's test data, if present.
func sharedWXR(t testing.TB) string {
	dir := filepath.Join("..", "..", "..", "shared", "samples", "wxr")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("WordPress samples %s not available (%v): skipping", dir, err)
	}
	return dir
}

func TestSharedSamples(t *testing.T) {
	dir := sharedWXR(t)
	// Posts each valid file holds: its items of type post, less those in
	// the trash, auto-drafts and those without a title (the theme and a11y
	// test data's "Edge Case: No Title"; namespace-edge-cases.xml's item
	// whose wp: prefix names another namespace has no post type).
	valid := map[string]int{
		"a11y-unit-test-data.xml": 47, "authors-multiline.xml": 1, "backslashes.xml": 1, "blank-lines.xml": 1,
		"cdata-edge.xml": 1, "chunked-meta.xml": 1, "crazy-cdata-escaped.xml": 1, "large-authors.xml": 0,
		"missing-tags.xml": 1, "multiple-cdata.xml": 1, "namespace-edge-cases.xml": 5, "post-content-blank-lines.xml": 1,
		"slashes.xml": 1, "small-export.xml": 6, "term-formats.xml": 0, "term-meta.xml": 0,
		"test-serialized-comment-meta.xml": 1, "test-serialized-postmeta-no-cdata.xml": 1,
		"test-serialized-postmeta-with-cdata.xml": 1, "test-serialized-term-meta.xml": 1,
		"test-utw-post-meta-import.xml": 1, "theme-unit-test-data.xml": 58, "valid-wxr-1.0.xml": 3,
		"valid-wxr-1.1.xml": 1, "wxr-flat-attachment-different-site.xml": 1, "wxr-flat-attachment-same-site.xml": 1,
		"wxr-simple.xml": 1, "wxr-utf-8-challenges.xml": 1, "wxr-with-sub-data.xml": 1,
	}
	broken := map[string]Error{
		// "]]>" inside a CDATA section: only WordPress's regex parser reads it
		"crazy-cdata.xml": {18, "content:encoded", "unescaped ]]> not in CDATA section"},
		// WordPress: "missing/invalid WXR version number"
		"invalid-version-tag.xml": {33, "wp:wxr_version", `not a WXR version: "abc"`},
		"missing-version-tag.xml": {27, "channel", "no <wp:wxr_version>"},
		"malformed-simple.xml":    {14, "item", "the file ends inside <item> (opened on line 9)"},
		"malformed.xml":           {90, "notachanneltag", "element <notachanneltag> closed by </channel>"},
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples in %s (%v)", dir, err)
	}
	for _, f := range files {
		base := filepath.Base(f)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := Parse(bytes.NewReader(data), Options{})
		if want, ok := broken[base]; ok {
			var e *Error
			if !errors.As(err, &e) || e.Line != want.Line || e.Element != want.Element || !strings.Contains(e.Msg, want.Msg) || ex != nil {
				t.Errorf("%s: %v, want line %d: <%s>: …%s…", base, err, want.Line, want.Element, want.Msg)
			}
			continue
		}
		n, ok := valid[base]
		if !ok {
			t.Errorf("%s: a new sample; add it to the test", base)
		}
		if err != nil {
			t.Errorf("%s: %v", base, err)
			continue
		}
		if len(ex.Posts) != n {
			t.Errorf("%s: %d posts, want %d", base, len(ex.Posts), n)
		}
		for _, d := range ex.Posts {
			if !visible(d.Title) || !d.Status.Valid() || d.Source != Source || !strings.HasPrefix(d.ExternalID, "wp:") {
				t.Errorf("%s: draft %q: status %q source %q id %q", base, d.Title, d.Status, d.Source, d.ExternalID)
			}
			if _, err := html.Parse(strings.NewReader(d.Body)); err != nil {
				t.Errorf("%s: %q: body %v", base, d.Title, err)
			}
			if strings.Contains(d.Body, "[/caption]") || strings.Contains(d.Body, "[gallery") {
				t.Errorf("%s: %q: shortcode left in %s", base, d.Title, d.Body)
			}
			if img := d.Image; img != nil && (img.Alt == "" || !strings.HasPrefix(img.URL, "http")) {
				t.Errorf("%s: %q: image %+v", base, d.Title, img)
			}
		}
		for _, s := range ex.Skipped {
			if s.Line <= 0 || s.Reason == "" || s.Ref == "" {
				t.Errorf("%s: skip %+v", base, s)
			}
		}
	}
}

// samplePosts parses a shared sample, by title.
func samplePosts(t *testing.T, name string) (*Export, map[string]news.Draft) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedWXR(t), name))
	if err != nil {
		t.Fatal(err)
	}
	ex := parseBytes(t, data, Options{})
	m := map[string]news.Draft{}
	for _, d := range ex.Posts {
		m[d.Title] = d
	}
	return ex, m
}

func TestSampleDetails(t *testing.T) {
	sharedWXR(t)
	// WXR 1.0 writes tags as domain="tag".
	_, v10 := samplePosts(t, "valid-wxr-1.0.xml")
	if d := v10["Alpha post"]; !reflect.DeepEqual(d.Tags, []string{"news", "roar"}) || d.SectionName != "alpha" || d.SectionSlug != "alpha" {
		t.Errorf("1.0 alpha: tags %q section %q", d.Tags, d.SectionName)
	}
	if d := v10["Hello world!"]; len(d.Comments) != 1 || d.Comments[0].Author != "Mr WordPress" || !d.Comments[0].At.Equal(utc("2010-10-20 14:08").Add(20*time.Second)) ||
		d.Comments[0].AuthorURL != "http://wordpress.org/" || d.OldPaths[0] != "/?p=1" || len(d.OldPaths) != 1 {
		t.Errorf("1.0 hello: %+v %q", d.Comments, d.OldPaths)
	}
	_, v11 := samplePosts(t, "valid-wxr-1.1.xml")
	if d := v11["Hello world!"]; !reflect.DeepEqual(d.Tags, []string{"Clippable"}) || !reflect.DeepEqual(d.Authors, []string{"John Doe"}) || d.SectionName != "alpha" {
		t.Errorf("1.1 hello: %+v", d)
	}
	// Bidi overrides stay in titles and slugs; the publish service strips them.
	_, utf := samplePosts(t, "wxr-utf-8-challenges.xml")
	for title, d := range utf {
		if !strings.Contains(title, "Road \u202eNot\u202c Taken") || d.Slug != "hello-w\u202eorld\u202c-utf8-💫-test" {
			t.Errorf("utf-8: %q slug %q", title, d.Slug)
		}
	}
	// Backslashes are content, not escapes.
	_, sl := samplePosts(t, "slashes.xml")
	if d := sl["Hello world!"]; d.Body != `<p>Slashes aren\'t \"cool\"</p>` || d.SectionName != `a \"great\" category` || d.Comments[0].Text != `\o/ ¯\_(ツ)_/¯` {
		t.Errorf("slashes: %q %q %+v", d.Body, d.SectionName, d.Comments)
	}
	_, mc := samplePosts(t, "multiple-cdata.xml")
	if d := mc["Multi"]; d.Body != "<p>line oneline twoline three</p>" {
		t.Errorf("multiple CDATA: %q", d.Body)
	}
	_, esc := samplePosts(t, "crazy-cdata-escaped.xml")
	if d := esc["Hello world!"]; !strings.HasPrefix(d.Body, "<p>Content with nested") || !strings.HasSuffix(d.Body, ":)</p>") {
		t.Errorf("escaped CDATA: %q", d.Body)
	}
	_, bl := samplePosts(t, "post-content-blank-lines.xml")
	if b := topBlocks(t, bl["Hello world!"].Body); len(b) != 2 || len(all(b[0], "br")) != 1 {
		t.Errorf("blank lines: %q", bl["Hello world!"].Body)
	}
	// Drafts of WXR 1.0 with serialized meta: no UTC date, no sample: UTC.
	for _, f := range []string{"test-serialized-postmeta-no-cdata.xml", "test-serialized-postmeta-with-cdata.xml"} {
		ex, _ := samplePosts(t, f)
		if d := ex.Posts[0]; d.Status != news.StatusDraft || !d.PublishedAt.Equal(utc("2009-10-20 16:13").Add(20*time.Second)) || d.TimeSet || d.Body != "<p>This is my content</p>" {
			t.Errorf("%s: %q %v %v %q", f, d.Status, d.PublishedAt, d.TimeSet, d.Body)
		}
	}
	// The wp: prefix bound to another namespace is not WordPress's.
	ns, nsPosts := samplePosts(t, "namespace-edge-cases.xml")
	if d, ok := nsPosts["Mixed Namespaces"]; !ok || d.ExternalID != "wp::1" {
		t.Errorf("namespaces: mixed %+v", d)
	}
	if _, ok := nsPosts["Hijacked Namespace"]; ok || len(ns.Skipped) != 1 || !strings.Contains(ns.Skipped[0].Reason, "wp:post_type") || ns.Authors != 2 {
		t.Errorf("namespaces: skipped %+v, %d authors", ns.Skipped, ns.Authors)
	}
	if d := nsPosts["No Prefix"]; d.ExternalID != "wp::2" {
		t.Errorf("namespaces: no prefix %q", d.ExternalID)
	}
	// Featured images, kept remote.
	theme, _ := samplePosts(t, "theme-unit-test-data.xml")
	statuses, images := map[news.Status]int{}, 0
	for _, d := range theme.Posts {
		statuses[d.Status]++
		if d.Image != nil {
			images++
		}
	}
	if statuses[news.StatusDraft] != 1 || statuses[news.StatusScheduled] != 1 || images == 0 || theme.Attachments != 37 {
		t.Errorf("theme unit test: statuses %v, %d images, %d attachments", statuses, images, theme.Attachments)
	}
}
