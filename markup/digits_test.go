package markup_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"sahafa/arabic"
	"sahafa/markup"
)

func TestArabicDigitsText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"قُتل 15 شخصا عام 2024", "قُتل ١٥ شخصا عام ٢٠٢٤"},
		{"ارتفعت الأسعار 30% في الربع الأول", "ارتفعت الأسعار ٣٠% في الربع الأول"},
		{"وصل الوفد في الساعة 10:45 صباحا", "وصل الوفد في الساعة ١٠:٤٥ صباحا"},
		{"نما الاقتصاد 3.5 في المئة وبلغ الدين 1,200 مليار", "نما الاقتصاد ٣.٥ في المئة وبلغ الدين ١,٢٠٠ مليار"},
		{"موسم 2023/2024 والفترة 2020-2022", "موسم ٢٠٢٣/٢٠٢٤ والفترة ٢٠٢٠-٢٠٢٢"},
		{"(15) قتيلا و«20» جريحا.", "(١٥) قتيلا و«٢٠» جريحا."},
		// Latin names keep their digits, next to their letters or in their run.
		{"فيروس COVID-19 ينتشر منذ 2020", "فيروس COVID-19 ينتشر منذ ٢٠٢٠"},
		{"طائرات F-16 وقمة G20 في 2024", "طائرات F-16 وقمة G20 في ٢٠٢٤"},
		{"هاتف iPhone 15 ونظام Windows 11 وشبكات 5G و4K", "هاتف iPhone 15 ونظام Windows 11 وشبكات 5G و4K"},
		{"لقاح 19-COVID", "لقاح 19-COVID"},
		{"حمل الملف من example.com/files/2024 اليوم", "حمل الملف من example.com/files/2024 اليوم"},
		// Addresses, however written.
		{"الموقع https://مثال.مصر/2024/05 والبريد 2024@مثال.مصر", "الموقع https://مثال.مصر/2024/05 والبريد 2024@مثال.مصر"},
		{"زوروا www.3arabi.net", "زوروا www.3arabi.net"},
		// Already Arabic-Indic, or none: unchanged.
		{"عام ٢٠٢٤", "عام ٢٠٢٤"},
		{"نص بلا أرقام", "نص بلا أرقام"},
		// Plain text: markup-looking text is text.
		{"<b>2024</b> عام", "<b>٢٠٢٤</b> عام"},
		{"&#49; و 1", "&#٤٩; و ١"},
	} {
		if got := markup.ArabicDigitsText(c.in); got != c.want {
			t.Errorf("ArabicDigitsText(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestArabicDigitsHTML(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`<p>قُتل 15 شخصا عام 2024، وارتفعت الأسعار 30%.</p>`, `<p>قُتل ١٥ شخصا عام ٢٠٢٤، وارتفعت الأسعار ٣٠%.</p>`},
		// Attributes are never touched; a link's text is converted unless
		// it is an address.
		{`<p><a href="https://x.example/2024/05/a">تقرير 2024</a> <img src="/media/12/320.jpg" alt="صورة 3" width="320"></p>`,
			`<p><a href="https://x.example/2024/05/a">تقرير ٢٠٢٤</a> <img src="/media/12/320.jpg" alt="صورة 3" width="320"></p>`},
		{`<p>الرابط <a href="https://x.example/2024">https://x.example/2024</a></p>`, `<p>الرابط <a href="https://x.example/2024">https://x.example/2024</a></p>`},
		// After isolation: the runs' digits stay, and so do digits touching a run.
		{markup.IsolateHTML(`<p>فيروس COVID-19 في 2020 وشبكات 5G وهاتف iPhone 15</p>`),
			`<p>فيروس <bdi dir="ltr">COVID-19</bdi> في ٢٠٢٠ وشبكات <bdi dir="ltr">5G</bdi> وهاتف <bdi dir="ltr">iPhone 15</bdi></p>`},
		{`<p>شبكات 5<b>G</b> و<b>15</b> قتيلا</p>`, `<p>شبكات 5<b>G</b> و<b>١٥</b> قتيلا</p>`},
		// A Latin run goes on through inline markup, as it would in plain text.
		{markup.IsolateHTML(`<p>نقلت <a href="/r">Reuters</a> 15 قتيلا و20 جريحا، وهاتف <b>iPhone</b> 15</p>`),
			`<p>نقلت <a href="/r"><bdi dir="ltr">Reuters</bdi></a> 15 قتيلا و٢٠ جريحا، وهاتف <b><bdi dir="ltr">iPhone</bdi></b> 15</p>`},
		// A paragraph ends the text: the next one's Latin does not touch it.
		{`<p>عام 2024</p><p>Apple</p><ul><li>10</li><li>G7</li></ul>`, `<p>عام ٢٠٢٤</p><p>Apple</p><ul><li>١٠</li><li>G7</li></ul>`},
		// Code, left-to-right and other-language markup.
		{`<p>شغّل <code>sleep 10</code> ثم <kbd>F5</kbd> لمدة 10 ثوان</p><pre>x = 42</pre><samp>err 404</samp>`,
			`<p>شغّل <code>sleep 10</code> ثم <kbd>F5</kbd> لمدة ١٠ ثوان</p><pre>x = 42</pre><samp>err 404</samp>`},
		{`<p dir="ltr">In 2024, 15 people</p><blockquote lang="en"><p>15 dead</p></blockquote><p dir="rtl">عام 2024</p>`,
			`<p dir="ltr">In 2024, 15 people</p><blockquote lang="en"><p>15 dead</p></blockquote><p dir="rtl">عام ٢٠٢٤</p>`},
		{`<p lang="ar-EG">عام 2024 <bdi>2025</bdi> <bdo dir="rtl">2026</bdo></p>`, `<p lang="ar-EG">عام ٢٠٢٤ <bdi>2025</bdi> <bdo dir="rtl">٢٠٢٦</bdo></p>`},
		// Character references are text and stay as written.
		{`<p>&#49;&#50; و &amp; 12 و &frac12;3</p>`, `<p>&#49;&#50; و &amp; ١٢ و &frac12;٣</p>`},
		// A stray end tag closes nothing; misnesting still closes code.
		{`<p><code>10</b>20</code> 30</p>`, `<p><code>10</b>20</code> ٣٠</p>`},
		{`<table><tr><td>2024</td><td>15%</td></tr></table>`, `<table><tr><td>٢٠٢٤</td><td>١٥%</td></tr></table>`},
		{`<style>p{width:10px}</style><script>x=1</script><textarea>5</textarea>`, `<style>p{width:10px}</style><script>x=1</script><textarea>5</textarea>`},
		{`<svg><text>12</text></svg>`, `<svg><text>12</text></svg>`},
		{`<!-- 2024 --><p>نص</p>`, `<!-- 2024 --><p>نص</p>`},
	} {
		if got := markup.ArabicDigitsHTML(c.in); got != c.want {
			t.Errorf("ArabicDigitsHTML(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

// FuzzArabicDigitsHTML: for any fragment, before or after isolation, the
// only changes are ASCII digits of text made Arabic-Indic: the tokens are
// the same and so is their text once digits are read back; and doing it
// twice does nothing more.
func FuzzArabicDigitsHTML(f *testing.F) {
	for _, s := range []string{`<p>قُتل 15 شخصا عام 2024</p>`, `<p>فيروس COVID-19 في 2020</p>`, `<code>10</code> 20`,
		`<a href="/2024">https://x.example/1</a> 3`, `&#49;2&frac12;3&amp4 5`, `<p dir="ltr">In 2024</p>`, `5<b>G</b> 6`,
		`<p>غير مغلق <b>2024`, `</i>12 نص`, `<style>a{b:1}</style>1`, "1\r\n2\x003"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !utf8.ValidString(in) || len(in) > 4096 {
			return
		}
		for _, src := range []string{in, markup.IsolateHTML(in)} {
			out := markup.ArabicDigitsHTML(src)
			if !onlyDigitsMapped(src, out) {
				t.Fatalf("more than digits changed:\n in %q\nout %q", src, out)
			}
			if got, want := tokenShapes(out), tokenShapes(src); got != want {
				t.Fatalf("tokens changed:\n in %q\nout %q\n%q\n%q", src, out, want, got)
			}
			if again := markup.ArabicDigitsHTML(out); again != out {
				t.Fatalf("not idempotent:\n in %q\nout %q\nagain %q", src, out, again)
			}
		}
	})
}

// onlyDigitsMapped reports whether out is in with some ASCII digits made
// Arabic-Indic, and nothing else changed.
func onlyDigitsMapped(in, out string) bool {
	i, j := 0, 0
	for i < len(in) && j < len(out) {
		if in[i] == out[j] {
			i, j = i+1, j+1
			continue
		}
		r, size := utf8.DecodeRuneInString(out[j:])
		if in[i] < '0' || in[i] > '9' || r != 0x660+rune(in[i]-'0') {
			return false
		}
		i, j = i+1, j+size
	}
	return i == len(in) && j == len(out)
}

// tokenShapes is a fragment's tokens, tags as written and text as read,
// with digits read back as ASCII.
func tokenShapes(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String()
		}
		b.WriteString(tt.String())
		b.WriteByte('|')
		if tt == html.TextToken {
			b.WriteString(arabic.FormatDigits(string(z.Text()), arabic.LatinDigits))
		} else {
			b.Write(z.Raw())
		}
		b.WriteByte('\n')
	}
}

func BenchmarkArabicDigitsHTML(b *testing.B) {
	body := markup.IsolateHTML(strings.Repeat(`<p>قُتل 15 شخصا عام 2024 في هجوم نسبته وكالة <a href="https://x.example/2024">Reuters</a> إلى فيروس COVID-19، وارتفعت الأسعار 30% منذ الساعة 10:45.</p>`, 25))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		markup.ArabicDigitsHTML(body)
	}
}
