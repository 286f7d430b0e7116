package htmlpage

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"sahafa/news"
)

const articleURL = "https://alofoq.example/economy/2024/03/05/central-bank-rates?utm_source=x"

// articleParagraphs are phrases of the test article's text, one from each
// part of it.
var articleParagraphs = []string{
	"قرر البنك المركزي، في ختام اجتماع لجنة السياسة النقدية اليوم الثلاثاء",
	"وأوضح البنك في بيان رسمي أن سعر عائد الإيداع لليلة واحدة",
	"تراجع التضخم",
	"وسجل معدل التضخم السنوي في المدن تراجعا للشهر الرابع",
	"نرى أن الظروف الحالية تتطلب الحفاظ على سياسة نقدية حذرة",
	"وحدد البنك في بيانه ثلاثة عوامل رئيسية",
	"تطورات سعر الصرف وتدفقات النقد الأجنبي",
	"ويأتي قرار التثبيت بعد سلسلة من الزيادات المتتالية",
	"ومن المقرر أن تعقد اللجنة اجتماعها المقبل في شهر مايو",
}

// articleChrome is the page's furniture around the article.
var articleChrome = []string{
	"آراء الكتاب", "ثقافة وفن", "عاجل: انطلاق معرض الكتاب", // nav bar, ticker
	"إعلان",                             // ad block
	"شارك", "فيسبوك", "تويتر", "واتساب", // share buttons
	"اقرأ أيضا", "أسعار الذهب ترتفع", "الصادرات غير البترولية", "البورصة تربح", // related links
	"التعليقات", "الأسعار ما زالت مرتفعة", "حتى تتحسن أوضاع الشركات", "أضف تعليقك", "إرسال", // comments
	"الكلمات المفتاحية", "الأكثر قراءة", "المنتخب يتأهل", "جميع الحقوق محفوظة", "سياسة الخصوصية",
	"الثلاثاء 5 مارس 2024", "القاهرة - سارة محمود", // meta line, shown apart
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkArticle(t *testing.T, d news.Draft) {
	t.Helper()
	if want := "البنك المركزي يثبت أسعار الفائدة للمرة الثالثة على التوالي"; d.Title != want {
		t.Errorf("Title = %q, want %q", d.Title, want)
	}
	if want := "قرر البنك المركزي الإبقاء على أسعار الفائدة دون تغيير في اجتماعه الدوري، للمرة الثالثة على التوالي، وسط تراجع معدلات التضخم."; d.Abstract != want {
		t.Errorf("Abstract = %q, want %q", d.Abstract, want)
	}
	canonical := "https://alofoq.example/economy/2024/03/05/central-bank-rates"
	if d.SourceURL != canonical || d.ExternalID != "url:"+canonical {
		t.Errorf("SourceURL, ExternalID = %q, %q, want the canonical URL", d.SourceURL, d.ExternalID)
	}
	if d.Source != "صحيفة الأفق" {
		t.Errorf("Source = %q", d.Source)
	}
	if d.SectionName != "اقتصاد" {
		t.Errorf("SectionName = %q, want اقتصاد", d.SectionName)
	}
	if !reflect.DeepEqual(d.Authors, []string{"سارة محمود"}) || d.Dateline != "القاهرة" {
		t.Errorf("Authors, Dateline = %q, %q, want [سارة محمود], القاهرة", d.Authors, d.Dateline)
	}
	if want := time.Date(2024, 3, 5, 6, 30, 0, 0, time.UTC); !d.PublishedAt.Equal(want) || d.PublishedAt.Location() != time.UTC {
		t.Errorf("PublishedAt = %v, want %v", d.PublishedAt, want)
	}
	if d.Image == nil || d.Image.URL != "https://alofoq.example/media/2024/03/bank.jpg" || d.Image.Alt != "مقر البنك المركزي في وسط القاهرة" {
		t.Errorf("Image = %+v", d.Image)
	}
	text := plainBody(d.Body)
	for _, p := range articleParagraphs {
		if strings.Count(text, p) != 1 {
			t.Errorf("body holds %q %d times, want once", p, strings.Count(text, p))
		}
	}
	for _, c := range articleChrome {
		if strings.Contains(text, c) {
			t.Errorf("body holds the page's chrome %q", c)
		}
	}
	for _, tag := range []string{"<h2>تراجع التضخم</h2>", "<blockquote><p>", "<ul><li>مسار أسعار السلع",
		`<figure><img src="https://alofoq.example/media/2024/03/bank-hall.jpg" alt="قاعة اجتماعات لجنة السياسة النقدية"><figcaption>لجنة السياسة النقدية خلال اجتماعها الأخير</figcaption></figure>`} {
		if !strings.Contains(d.Body, tag) {
			t.Errorf("body lacks %s", tag)
		}
	}
	for _, bad := range []string{"<div", "<span", "<a ", "class=", "<script", "<img src=\"/", "ads.example"} {
		if strings.Contains(d.Body, bad) {
			t.Errorf("body holds %q", bad)
		}
	}
	if t.Failed() {
		t.Logf("body:\n%s", d.Body)
	}
}

func TestExtractOwnPage(t *testing.T) {
	d, err := Extract(bytes.NewReader(readTestdata(t, "article.html")), articleURL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkArticle(t, d)
}

// The same page in Windows-1256, declared in its <meta> or not at all.
func TestExtractWindows1256(t *testing.T) {
	page := readTestdata(t, "article.html")
	for name, decl := range map[string]string{
		"declared":   `<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">`,
		"undeclared": ``,
	} {
		t.Run(name, func(t *testing.T) {
			p := bytes.Replace(page, []byte(`<meta charset="utf-8">`), []byte(decl), 1)
			enc, err := charmap.Windows1256.NewEncoder().Bytes(p)
			if err != nil {
				t.Fatal(err)
			}
			if utf8.Valid(enc) {
				t.Fatal("the encoded page is valid UTF-8")
			}
			d, err := Extract(bytes.NewReader(enc), articleURL, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkArticle(t, d)
		})
	}
}

func TestDecode(t *testing.T) {
	arabic := "<p>مرحبا بالعالم</p>"
	cp1256, _ := charmap.Windows1256.NewEncoder().String(arabic)
	iso, _ := charmap.ISO8859_6.NewEncoder().String(arabic)
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(arabic)
	tests := []struct {
		name, in, enc string
	}{
		{"utf-8", arabic, "utf-8"},
		{"bom", "\xef\xbb\xbf" + arabic, "utf-8"},
		{"utf-16 bom", utf16, "utf-16le"},
		{"cp1256 undeclared", cp1256, "windows-1256"},
		{"cp1256 declared late", "<html><head>" + strings.Repeat("<script>x()</script>", 200) + `<meta charset="cp1256"></head>` + cp1256, "windows-1256"},
		{"iso-8859-6 declared", `<meta http-equiv="content-type" content="text/html;charset='iso-8859-6'">` + iso, "iso-8859-6"},
		{"utf-8 declared, few bad bytes", arabic + strings.Repeat(arabic, 30) + "\xff", "utf-8"},
		{"utf-8 declared, legacy bytes", `<meta charset="utf-8">` + cp1256, "windows-1256"},
	}
	for _, tt := range tests {
		got, enc := decode([]byte(tt.in))
		if enc != tt.enc {
			t.Errorf("%s: encoding %q, want %q", tt.name, enc, tt.enc)
		}
		if !strings.Contains(got, "مرحبا بالعالم") || !utf8.ValidString(got) {
			t.Errorf("%s: decoded to %q", tt.name, clipRunes(got, 60))
		}
	}
}

func TestExtractErrors(t *testing.T) {
	page := readTestdata(t, "article.html")
	short := `<!doctype html><html><head><title>خبر قصير - موقع</title></head><body><article><h1>خبر قصير جدا</h1><p>هذا نص قصير لا يكفي ليكون مقالا.</p></article></body></html>`
	tests := []struct {
		name string
		in   []byte
		opts Options
		msg  string
	}{
		{"too large", page, Options{MaxBytes: 1000}, "the page is larger than 1000 bytes"},
		{"empty", []byte("  \n"), Options{}, "not an HTML page: it is empty"},
		{"plain text", []byte("هذا نص عادي وليس صفحة ويب."), Options{}, "not an HTML page: it has no HTML tags"},
		{"json", []byte(`{"title": "<not a tag>"}`), Options{}, "not an HTML page: it has no HTML tags"},
		{"binary", append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0, 1, 2, 3}, 100)...), Options{}, "not an HTML page: it is binary data"},
		{"short body", []byte(short), Options{}, "no article found"},
		{"nested too deeply", []byte("<title>عنوان الخبر</title>" + strings.Repeat("<div>", 600) + "<p>" + strings.Repeat("نص ", 100)), Options{}, "the page's HTML is nested too deeply to read (open stack of elements exceeds 512 nodes)"},
		{"no title", []byte(`<html><body><p>` + strings.Repeat("كلمة ", 5) + `</p></body></html>`), Options{}, "no article found"},
	}
	for _, tt := range tests {
		_, err := Extract(bytes.NewReader(tt.in), "", tt.opts)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if news.ErrorCode(err) != news.EINVALID || !strings.Contains(news.ErrorMessage(err), tt.msg) {
			t.Errorf("%s: error %q (code %s), want EINVALID with %q", tt.name, err, news.ErrorCode(err), tt.msg)
		}
	}
}

// A page whose main text is short says how short.
func TestExtractShortBody(t *testing.T) {
	page := `<!doctype html><html lang="ar"><head><title>عنوان الخبر هنا - موقع</title></head><body><article><h1>عنوان الخبر هنا</h1>` +
		`<p>` + strings.Repeat("نص ", 14) + `</p></article></body></html>`
	_, err := run(strings.NewReader(page), "", Options{}, func(doc *html.Node, base *url.URL, m *pageMeta, sites []string) (libResult, error) {
		n, _ := html.Parse(strings.NewReader(`<p>` + strings.Repeat("نص ", 14) + `</p>`))
		return libResult{Content: n}, nil
	})
	if want := "no article found (the body is 41 characters)"; news.ErrorMessage(err) != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestExtractRecoversPanic(t *testing.T) {
	_, err := run(bytes.NewReader(readTestdata(t, "article.html")), "", Options{}, func(*html.Node, *url.URL, *pageMeta, []string) (libResult, error) {
		panic("index out of range")
	})
	var e *news.Error
	if !errors.As(err, &e) || e.Code != news.EINVALID || !strings.Contains(e.Message, "the HTML extractor failed on it (index out of range)") {
		t.Errorf("error %v", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestExtractReadError(t *testing.T) {
	_, err := Extract(failingReader{}, "", Options{})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || news.ErrorCode(err) != news.EINTERNAL {
		t.Errorf("error %v", err)
	}
}

func TestChooseTitle(t *testing.T) {
	sites := []string{"اليوم السابع", "youm7.com", "youm7"}
	tests := []struct {
		name string
		m    pageMeta
		want string
	}{
		{"h1 in og:title with site suffix", pageMeta{ogTitle: "وزير الري يشهد توقيع عقد - اليوم السابع", h1s: []string{"اليوم السابع", "وزير الري يشهد توقيع عقد"}}, "وزير الري يشهد توقيع عقد"},
		{"site prefix", pageMeta{docTitle: "اليوم السابع | وزير الري يشهد توقيع عقد"}, "وزير الري يشهد توقيع عقد"},
		{"dash inside the headline", pageMeta{docTitle: "القاهرة - الرياض: رحلات جديدة - youm7"}, "القاهرة - الرياض: رحلات جديدة"},
		{"JSON-LD first", pageMeta{ldHeadline: "عنوان المقال", docTitle: "عنوان آخر"}, "عنوان المقال"},
		{"site name only", pageMeta{docTitle: "اليوم السابع"}, ""},
	}
	for _, tt := range tests {
		got, _ := chooseTitle(&tt.m, "", sites)
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParseISODate(t *testing.T) {
	for in, want := range map[string]string{
		"2020-12-25T01:59:50+02:00":       "2020-12-24T23:59:50Z",
		"2019-02-08T00:00:00+01:00":       "2019-02-07T23:00:00Z",
		"2020-08-24T09:23:13Z":            "2020-08-24T09:23:13Z",
		"2020-06-03T03:01:00.000+0400":    "2020-06-02T23:01:00Z",
		"2020-11-09 18:34:47":             "2020-11-09T18:34:47Z",
		"2020-10-07":                      "2020-10-07T00:00:00Z",
		"Tue, 01 Dec 2020 02:00:00 +0300": "2020-11-30T23:00:00Z",
	} {
		got, ok := parseISODate(in)
		if !ok || got.UTC().Format(time.RFC3339) != want {
			t.Errorf("parseISODate(%q) = %v, %v, want %s", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "yesterday", "1970-01-01", "2999-01-01T00:00:00Z", "الأربعاء، 07 أكتوبر 2020"} {
		if _, ok := parseISODate(in); ok {
			t.Errorf("parseISODate(%q) ok", in)
		}
	}
}

// A library date of January 1 at midnight is a bare year (go-htmldate's
// answer for arabic.cnn.com/2013/…); a structured date wins over the
// library's.
func TestChooseDate(t *testing.T) {
	jan1 := time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := chooseDate(&pageMeta{}, jan1); !got.IsZero() {
		t.Errorf("bare year kept: %v", got)
	}
	lib := time.Date(2020, 2, 19, 0, 0, 0, 0, time.UTC)
	meta := time.Date(2019, 2, 8, 0, 0, 0, 0, time.FixedZone("", 3600))
	if got := chooseDate(&pageMeta{published: meta}, lib); !got.Equal(meta) {
		t.Errorf("got %v, want the page's own date", got)
	}
	if got := chooseDate(&pageMeta{publishedWeak: meta}, lib); !got.Equal(lib) {
		t.Errorf("got %v, want the library's date over a weak one", got)
	}
}

func TestCleanBlocks(t *testing.T) {
	p := func(s string, links int) block {
		return block{tag: "p", html: "<p>" + s + "</p>", text: s, runes: utf8.RuneCountInString(s), links: links}
	}
	long := "هذه فقرة طويلة من نص المقال فيها ما يكفي من الكلمات لتكون فقرة حقيقية."
	related := "أسعار الذهب ترتفع في التعاملات المسائية"
	in := []block{
		p("عنوان المقال", 0),
		p("تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", 0),
		p(long, 0),
		p("إعلان", 0),
		p("اقرأ أيضاً:", 0),
		p(related, utf8.RuneCountInString(related)),
		p("منذ ساعتين", 0),
		p(long+" ثانية", 0),
		p(long, 0), // repeated
		p("الآراء الواردة أدناه لا تعبر عن رأي الموقع، بل تعكس وجهات نظر أصحابها فقط.", 0),
		p("مواضيع ساخنة اخرى", 0),
	}
	var got []string
	for _, b := range cleanBlocks(in, "عنوان المقال") {
		got = append(got, b.text)
	}
	if want := []string{long, long + " ثانية"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q,\nwant %q", got, want)
	}
}

func TestSourceURL(t *testing.T) {
	page := string(readTestdata(t, "article.html"))
	for _, tt := range []struct{ canonical, pageURL, want string }{
		{`<link rel="canonical" href="https://alofoq.example/">`, "https://alofoq.example/a/1", "https://alofoq.example/a/1"},
		{`<link rel="canonical" href="/a/2">`, "https://alofoq.example/a/1?x=1", "https://alofoq.example/a/2"},
		{``, "page.html", ""},
	} {
		p := strings.Replace(page, `<link rel="canonical" href="https://alofoq.example/economy/2024/03/05/central-bank-rates">`, tt.canonical, 1)
		d, err := Extract(strings.NewReader(p), tt.pageURL, Options{})
		if err != nil {
			t.Fatal(err)
		}
		wantID := ""
		if tt.want != "" {
			wantID = "url:" + tt.want
		}
		if d.SourceURL != tt.want || d.ExternalID != wantID {
			t.Errorf("canonical %q, page %q: SourceURL %q, ExternalID %q, want %q", tt.canonical, tt.pageURL, d.SourceURL, d.ExternalID, tt.want)
		}
		if tt.pageURL == "page.html" && (d.Image != nil || strings.Contains(d.Body, "<img")) {
			t.Errorf("relative images kept without a base URL: %+v", d.Image)
		}
	}
}
