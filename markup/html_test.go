package markup_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"sahafa/markup"
)

var htmlOpts = markup.HTMLOptions{
	Resolve: media,
	Article: func(id int64) (markup.ArticleRef, bool) {
		if id == 7 {
			return markup.ArticleRef{Title: "الحكومة تعلن خطة جديدة للنقل العام", Path: "/local/2026/11/30/خطة-النقل"}, true
		}
		return markup.ArticleRef{}, false
	},
}

func clean(t *testing.T, src string) (string, []markup.Problem) {
	t.Helper()
	out, problems := markup.CleanHTML(src, htmlOpts)
	again, _ := markup.CleanHTML(out, htmlOpts)
	if again != out {
		t.Errorf("CleanHTML is not stable:\nonce:  %s\ntwice: %s", out, again)
	}
	return out, problems
}

// TestCleanHTMLEditorBlocks: what the editor writes comes back the same
// shape, each block with its direction; headings sit under the page's h1.
func TestCleanHTMLEditorBlocks(t *testing.T) {
	src := `<h1>عنوان كبير</h1><p dir="rtl">قال <strong>Ahmed Zewail</strong> إن <em>العلم</em> <s>قديم</s> <a href="https://example.org/a">رابط</a></p>` +
		`<h4>فرعي صغير</h4><blockquote><p>اقتباس من التقرير</p></blockquote>` +
		`<blockquote class="pullquote"><p>«لن نتراجع»</p><p>قالها الوزير</p></blockquote>` +
		`<ul><li><p>بند أول</p><ul><li><p>بند داخلي</p></li></ul></li><li>بند ثانٍ</li></ul><ol><li><p>١</p></li></ol>` +
		`<table><tbody><tr><th>المدينة</th><th>السكان</th></tr><tr><td>القاهرة</td><td colspan="2">22 مليون</td></tr></tbody></table><hr>` +
		`<aside class="factbox"><p><strong>حقائق</strong></p><ul><li><p>أول</p></li></ul></aside>` +
		`<aside class="related-card" data-article="7"><a href="/old">عنوان قديم</a></aside>` +
		`<p dir="ltr">An English quote stays LTR.</p>`
	out, problems := clean(t, src)
	if len(problems) > 0 {
		t.Fatalf("problems: %+v", problems)
	}
	for _, want := range []string{
		`<h2 dir="rtl">عنوان كبير</h2>`,
		`<p dir="rtl">قال <strong>Ahmed Zewail</strong> إن <em>العلم</em> <s>قديم</s> <a href="https://example.org/a">رابط</a></p>`,
		`<h3 dir="rtl">فرعي صغير</h3>`,
		`<blockquote dir="rtl">`, `<p dir="rtl">اقتباس من التقرير</p>`,
		`<blockquote class="pullquote" dir="rtl"><p>«لن نتراجع»<br>قالها الوزير</p></blockquote>`,
		`<li dir="rtl"><p dir="rtl">بند أول</p>`, `<p dir="rtl">بند داخلي</p>`, `<li dir="rtl"><p dir="rtl">بند ثانٍ</p></li>`,
		`<ol dir="rtl">`, `<th dir="rtl">المدينة</th>`, `<td colspan="2" dir="rtl">22 مليون</td>`, "<hr>",
		`<aside class="factbox" dir="rtl">`,
		`<aside class="related-card" data-article="7" dir="rtl"><a href="/local/2026/11/30/خطة-النقل">الحكومة تعلن خطة جديدة للنقل العام</a></aside>`,
		`<p dir="ltr">An English quote stays LTR.</p>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s\n%s", want, out)
		}
	}
	if strings.Contains(out, "<h1") || strings.Contains(out, "<h4") || strings.Contains(out, "عنوان قديم") {
		t.Errorf("h1/h4 or the card's stale title kept:\n%s", out)
	}
}

// TestCleanHTMLImages: library images get their variants; caption and
// credit are kept apart; several images make a gallery; an image inside
// a paragraph moves after it; missing alt text is a problem.
func TestCleanHTMLImages(t *testing.T) {
	out, problems := clean(t, `<figure class="image"><img src="/media/42/640.jpg" alt="الميناء عند الفجر"><figcaption>سفن الصيد <span class="credit">تصوير: ليلى</span></figcaption></figure>`+
		`<figure class="gallery"><img src="/media/42" alt="أ"><img src="https://cdn.example.org/b.jpg" alt="ب"><figcaption>معرض</figcaption></figure>`+
		`<p>نص <img src="/media/42" alt="داخل الفقرة"> بعدها</p>`)
	if len(problems) > 0 {
		t.Fatalf("problems: %+v", problems)
	}
	for _, want := range []string{
		`<figure class="image"><img src="/media/42/760.jpg" alt="الميناء عند الفجر" srcset="/media/42/320.jpg 320w, /media/42/760.jpg 760w, /media/42/1520.jpg 1520w" sizes="(max-width: 760px) 100vw, 760px" width="760" height="428" loading="lazy" decoding="async"><figcaption dir="rtl">سفن الصيد <span class="credit">تصوير: ليلى</span></figcaption></figure>`,
		`<figure class="gallery"><img src="/media/42/760.jpg" alt="أ"`, `<img src="https://cdn.example.org/b.jpg" alt="ب" loading="lazy" decoding="async"><figcaption dir="rtl">معرض</figcaption></figure>`,
		`<p dir="rtl">نص بعدها</p>` + "\n" + `<figure class="image"><img src="/media/42/760.jpg" alt="داخل الفقرة"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s\n%s", want, out)
		}
	}
	_, problems = clean(t, `<p>أ</p><p>ب</p><figure><img src="/media/42"></figure>`)
	if len(problems) != 1 || problems[0].Line != 3 || !strings.Contains(problems[0].Message, "نص بديل") {
		t.Errorf("image without alt: %+v", problems)
	}
	_, problems = clean(t, `<img src="javascript:alert(1)" alt="x">`)
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "javascript") {
		t.Errorf("javascript: image: %+v", problems)
	}
}

// TestCleanHTMLWordPaste: a paste from Word arrives as paragraphs with
// their bold and italic, no classes, styles, spans or Office tags.
func TestCleanHTMLWordPaste(t *testing.T) {
	word := `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head><body lang=AR-SA>
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]-->
<p class=MsoNormal dir=RTL style='text-align:right;direction:rtl;unicode-bidi:embed'><b><span lang=AR-SA style='font-family:"Simplified Arabic"'>عاجل:</span></b><span lang=AR-SA style='font-size:14.0pt;mso-bidi-font-family:Arial'> أعلنت الوزارة <i>اليوم</i> نتائج الامتحانات</span><o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='mso-list:l0 level1 lfo1'><span style='mso-list:Ignore'>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><span lang=AR-SA>نسبة النجاح ارتفعت</span></p>
<p class=MsoNormal><span style='color:red;font-weight:bold'>تنبيه مهم</span></p>
</body></html>`
	out, problems := clean(t, word)
	if len(problems) > 0 {
		t.Fatalf("problems: %+v", problems)
	}
	for _, bad := range []string{"class=", "style=", "<span", "o:p", "lang=", "mso", "Simplified", "<style", "<html", "<body"} {
		if strings.Contains(out, bad) {
			t.Errorf("Word markup %q kept:\n%s", bad, out)
		}
	}
	for _, want := range []string{`<p dir="rtl"><strong>عاجل:</strong> أعلنت الوزارة <em>اليوم</em> نتائج الامتحانات</p>`,
		`<p dir="rtl"><strong>تنبيه مهم</strong></p>`, "نسبة النجاح ارتفعت"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s\n%s", want, out)
		}
	}
}

// TestCleanHTMLGoogleDocsPaste: Google Docs wraps everything in a bold
// tag that is not bold, and marks bold with a style.
func TestCleanHTMLGoogleDocsPaste(t *testing.T) {
	docs := `<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-4a1b"><p dir="rtl" style="line-height:1.38"><span style="font-size:11pt;font-family:Arial;font-weight:700;">الخبر الرئيسي</span><span style="font-size:11pt;font-family:Arial;font-weight:400;"> من مراسلنا في </span><span style="font-style:italic;">بيروت</span></p><br><ul><li dir="rtl"><p dir="rtl"><span>نقطة</span></p></li></ul></b>`
	out, problems := clean(t, docs)
	if len(problems) > 0 {
		t.Fatalf("problems: %+v", problems)
	}
	want := `<p dir="rtl"><strong>الخبر الرئيسي</strong> من مراسلنا في <em>بيروت</em></p>`
	if !strings.Contains(out, want) || strings.Contains(out, "<strong><p") || strings.Contains(out, "docs-internal") {
		t.Errorf("Google Docs paste:\n%s\nwant %s", out, want)
	}
	if !strings.Contains(out, `<li dir="rtl"><p dir="rtl">نقطة</p></li>`) {
		t.Errorf("the list: %s", out)
	}
}

// TestCleanHTMLDropsActiveContent: the XSS payloads of the newsroom's
// tests never reach the output as anything but text.
func TestCleanHTMLDropsActiveContent(t *testing.T) {
	for _, src := range []string{
		`<script>alert(1)</script><p>نص</p>`,
		`<p onclick="alert(1)">نص</p>`,
		`<img src=x onerror=alert(1) alt="صورة">`,
		`<a href="javascript:alert(1)">رابط</a>`,
		`<a href=" JaVa&#x09;Script:alert(1)">رابط</a>`,
		`<svg onload=alert(1)><p>x</p></svg>`,
		`<iframe src="https://evil.example"></iframe><p>بعده</p>`,
		`<p style="background:url(javascript:alert(1))">نص</p>`,
		`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
		`<p>نص` + "\u202e" + `عكس</p>`,
		`<form action=/x><input name=a></form><p>ب</p>`,
		`<table><tr><td><script>alert(1)</script>خلية</td></tr></table>`,
		`<aside class="related-card" data-article="1 onclick=alert(1)"><a href="javascript:x">x</a></aside>`,
		`<figure class="embed"><a href="javascript:alert(1)">x</a></figure>`,
	} {
		out, _ := markup.CleanHTML(src, htmlOpts)
		low := strings.ToLower(out)
		for _, bad := range []string{"<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<svg", "<math", "style=", "<form", "<input"} {
			if strings.Contains(low, bad) {
				t.Errorf("%q gave %q", src, out)
			}
		}
	}
}

func TestCleanHTMLEmbedsAndLimits(t *testing.T) {
	out, problems := clean(t, `<figure class="embed embed-youtube"><a class="embed-link" href="http://www.youtube.com/watch?v=Xq3bL9a2kPz">شاهد</a></figure><figure class="embed"><a href="https://example.org/x">رابط عادي</a></figure>`)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if !strings.Contains(out, `<figure class="embed embed-youtube"><a class="embed-link" href="https://www.youtube.com/watch?v=Xq3bL9a2kPz">▶ شاهد الفيديو على يوتيوب</a><figcaption>youtube.com</figcaption></figure>`) ||
		!strings.Contains(out, `<p dir="ltr"><a href="https://example.org/x">https://example.org/x</a></p>`) {
		t.Errorf("embeds:\n%s", out)
	}
	deep := strings.Repeat("<blockquote>", 40) + "نص" + strings.Repeat("</blockquote>", 40)
	if _, problems := markup.CleanHTML(deep, htmlOpts); len(problems) == 0 {
		t.Error("40 nested quotes: no problem")
	}
	big := strings.Repeat("<p>فقرة طويلة من خبر.</p>", markup.MaxSourceBytes/30)
	if _, problems := markup.CleanHTML(big, htmlOpts); len(problems) != 1 {
		t.Errorf("a %d-byte body: %+v", len(big), problems)
	}
	if _, problems := clean(t, `<aside class="related-card" data-article="99"><a href="/x">x</a></aside>`); len(problems) != 1 {
		t.Errorf("a card of a missing article: %+v", problems)
	}
}

// FuzzCleanHTML: for any input, no panic, valid UTF-8 out of valid UTF-8
// in, a stable result, and nothing active in it.
func FuzzCleanHTML(f *testing.F) {
	for _, s := range []string{
		`<p dir="auto">نص <strong>عريض</strong> <a href="https://x.org">رابط</a></p>`,
		`<figure class="image"><img src="/media/42" alt="أ"><figcaption>ت <span class="credit">ص</span></figcaption></figure>`,
		`<ul><li><p>أ</p><ol><li>ب</li></ol></li></ul><table><tr><td colspan=3>ج</td></tr></table>`,
		`<b style="font-weight:normal"><p><span style="font-weight:700">د</span></p></b>`,
		`<blockquote class="pullquote"><p>هـ</p></blockquote><aside class="factbox"><p>و</p></aside><hr>`,
		`<img src=x onerror=alert(1)><script>x</script><p onclick=y>ز</p>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, _ := markup.CleanHTML(src, htmlOpts)
		if utf8.ValidString(src) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", src, out)
		}
		again, _ := markup.CleanHTML(out, htmlOpts)
		if again != out {
			t.Fatalf("not stable for %q:\nonce:  %q\ntwice: %q", src, out, again)
		}
		low := strings.ToLower(out)
		for _, bad := range []string{"<script", " on", "javascript:", "<iframe", "style="} {
			if strings.Contains(low, bad) && !strings.Contains(strings.ToLower(src), strings.TrimSpace(bad)) {
				t.Fatalf("%q in the output of %q: %q", bad, src, out)
			}
		}
		if strings.Contains(low, "<script") || strings.Contains(low, "javascript:") {
			t.Fatalf("active content kept from %q: %q", src, out)
		}
	})
}

// TestCleanHTMLDirectionFromText: a block without its own ltr or rtl
// gets the direction of its text, so a paragraph that opens with a Latin
// name or a number still reads right to left, and an English quote left
// to right; dir="auto" would follow the first letter.
func TestCleanHTMLDirectionFromText(t *testing.T) {
	for src, want := range map[string]string{
		`<p>Ahmed Zewail فاز بجائزة نوبل في الكيمياء عام 1999</p>`:           `<p dir="rtl">Ahmed Zewail`,
		`<p dir="auto">Samsung Galaxy S24 Ultra يصل إلى الأسواق العربية</p>`: `<p dir="rtl">Samsung`,
		`<p>He said «نعم» twice during the interview.</p>`:                   `<p dir="ltr">He said`,
		`<p>2026: عام الانتخابات</p>`:                                        `<p dir="rtl">2026`,
		`<p>123 456</p>`:                                     `<p dir="rtl">123`,
		`<ul><li>Apple</li><li>Google</li></ul>`:             `<ul dir="ltr">`,
		`<blockquote><p>To be or not to be</p></blockquote>`: `<blockquote dir="ltr">`,
		`<p dir="ltr">نص عربي بطلب الكاتب من اليسار</p>`:     `<p dir="ltr">`,
	} {
		out, _ := clean(t, src)
		if !strings.Contains(out, want) {
			t.Errorf("%s\n gave %s\n want %s", src, out, want)
		}
	}
	if markup.TextDirection("Ahmed Zewail") != "ltr" || markup.TextDirection("أحمد زويل Ahmed Zewail") != "rtl" {
		t.Error("TextDirection on names")
	}
}
