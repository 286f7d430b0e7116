package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"sahafa/browsertest"
	"sahafa/editorial"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/teststores"
	"sahafa/web"
)

// browserBodyFont is the family site.css declares for body text (its
// --body-font), served from /static/fonts/.
const browserBodyFont = "Noto Naskh Arabic"

// browserDrafts are the articles of the browser test, stored through the
// publish service as the newsroom would. The first headline opens with a
// Latin name, which must not turn the line left to right.
var browserDrafts = []news.Draft{
	{ExternalID: "b-openai", Title: "OpenAI تطلق نموذجًا جديدًا", SectionName: "تقنية", SectionSlug: "tech",
		Abstract: "النموذج الجديد يفهم العربية ويكتبها بطلاقة أكبر.",
		Body: `<p>أعلنت شركة OpenAI اليوم إطلاق نموذج لغوي جديد تقول إنه أدق في فهم النصوص العربية وكتابتها.</p>
<p>وقالت الشركة في بيان إن النموذج متاح للمطورين عبر واجهة برمجية، وإن نسخته المجانية تصل إلى المستخدمين الأسبوع المقبل.</p>`,
		Authors: []string{"منى عبد الله"}, Dateline: "سان فرانسيسكو", PublishedAt: time.Date(2025, time.May, 14, 9, 30, 0, 0, time.UTC)},
	{ExternalID: "b-startups", Title: "الحكومة تطلق برنامجًا لدعم الشركات الناشئة", SectionName: "اقتصاد",
		Abstract: "تمويل وإعفاءات ضريبية لرواد الأعمال.",
		Body:     "<p>أطلقت الحكومة برنامجًا جديدًا لدعم الشركات الناشئة يشمل قروضًا ميسّرة وإعفاءات ضريبية لمدة ثلاث سنوات.</p>",
		Authors:  []string{"كريم حسن"}, Dateline: "الرياض", PublishedAt: time.Date(2025, time.May, 13, 12, 0, 0, 0, time.UTC)},
	{ExternalID: "b-gold", Title: "ارتفاع أسعار الذهب إلى مستوى قياسي", SectionName: "اقتصاد",
		Abstract: "الذهب يواصل الصعود.",
		Body:     "<p>واصلت أسعار الذهب صعودها مع تزايد الإقبال على الملاذات الآمنة.</p>",
		Authors:  []string{"كريم حسن"}, Dateline: "دبي", PublishedAt: time.Date(2025, time.May, 12, 8, 0, 0, 0, time.UTC)},
	{ExternalID: "b-final", Title: "المنتخب يتأهل إلى نهائي البطولة بعد فوز مثير", SectionName: "رياضة", SectionSlug: "sport",
		Abstract: "فوز في الدقائق الأخيرة.",
		Body:     "<p>حسم المنتخب المباراة في الدقائق الأخيرة وتأهل إلى النهائي.</p>",
		Authors:  []string{"ياسر رشاد"}, Dateline: "الدوحة", PublishedAt: time.Date(2025, time.May, 11, 20, 0, 0, 0, time.UTC)},
}

// TestBrowserPublicPages loads the public pages in headless Chromium at a
// phone and a desktop size and checks what only a browser can tell: the
// pages are right to left, the self-hosted Arabic font really loads, nothing
// is fetched from another host, the phone layout does not scroll sideways,
// the CSP lets the page run without errors, and search highlights matches.
// It skips when Chromium is not installed (fails with
// SAHAFA_REQUIRE_BROWSER=1); screenshots go to browsertest.ArtifactsDir().
func TestBrowserPublicPages(t *testing.T) {
	b := browsertest.New(t)

	ctx := context.Background()
	st := teststores.SQLite(t)
	// Lead images through the library, as the newsroom uploads them: the
	// lists show their crops.
	pub := publish.New(st, publish.Options{})
	ed := editorial.New(st, pub, nil, editorial.Options{})
	photographer, err := st.CreateUser(ctx, news.User{Email: "photo@example.com", Name: "مصوّر", Role: news.RoleWriter, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	// A home page as full as a news site's: a dozen stories with photos.
	drafts := append([]news.Draft(nil), browserDrafts...)
	for i, topic := range []string{"افتتاح مستشفى جديد في المدينة", "الأمطار تغلق طرقًا في الجنوب", "مهرجان للكتاب يستقبل زواره",
		"انخفاض أسعار الوقود مطلع الشهر", "الفريق يستعد لمباراة الإياب", "جامعة تطلق برنامجًا للذكاء الاصطناعي",
		"وزارة الصحة تبدأ حملة تطعيم", "معرض للفنون التشكيلية في العاصمة"} {
		drafts = append(drafts, news.Draft{ExternalID: fmt.Sprint("b-fill-", i), Title: topic, SectionName: []string{"اقتصاد", "رياضة", "تقنية", "محليات"}[i%4],
			Abstract: "تفاصيل الخبر في المتن.", Body: "<p>" + topic + "، بحسب ما أفاد به مراسلنا اليوم.</p>",
			Authors: []string{"سلمى يوسف"}, Dateline: "عمّان", PublishedAt: time.Date(2025, time.May, 10, 9, i, 0, 0, time.UTC)})
	}
	for i := range drafts {
		if i == 3 {
			continue // one story without a photo, as some have
		}
		m, err := ed.Upload(ctx, photographer, bytes.NewReader(browserPhoto(t, 1200, 800, i)), "صورة "+drafts[i].Title, "", "تصوير: سلمى")
		if err == nil {
			m, err = ed.AwaitMedia(ctx, m.ID, time.Minute)
		}
		if err != nil || !m.Ready() {
			t.Fatalf("upload: %+v, %v", m, err)
		}
		drafts[i].Image = &news.Image{MediaID: m.ID, Alt: m.Alt}
	}
	res, err := pub.Save(ctx, drafts)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if len(res.Skipped) > 0 || len(res.IDs) != len(drafts) {
		t.Fatalf("publish: stored %d of %d, skipped %+v", len(res.IDs), len(drafts), res.Skipped)
	}
	openai, err := st.Article(ctx, res.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	about, err := st.SavePage(ctx, news.Page{Slug: "من-نحن", Title: "من نحن", Footer: true,
		Body: "<h2>قصتنا</h2><p>صحيفة عربية مستقلة تأسست في Beirut عام 2010، يكتب فيها صحفيون من عشرين بلدًا.</p>" +
			"<p>للتواصل: <a href=\"mailto:desk@example.org\">desk@example.org</a></p>"})
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New(st, web.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")

	const searchWord = "تطلق" // in two headlines
	pages := []struct{ name, path string }{
		{"home", "/"},
		{"section", news.SectionPath(openai.Section.Slug)},
		{"article", openai.Path()},
		{"search", "/search/?q=" + url.QueryEscape(searchWord)},
		{"page", news.PagePath(about.Slug)},
	}

	for _, vp := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(vp.Name, func(t *testing.T) {
			tab := b.Tab(t, vp)
			var (
				mu       sync.Mutex
				requests []string
			)
			if err := chromedp.Listen(tab.Context(), func(ev any) {
				if ev, ok := ev.(*network.EventRequestWillBeSent); ok && ev.Request != nil {
					mu.Lock()
					requests = append(requests, ev.Request.URL)
					mu.Unlock()
				}
			}); err != nil {
				t.Fatal(err)
			}
			// chromedp enables the network domain on every tab; say so
			// here too, since the request checks depend on it.
			tab.Run(t, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
				_, err := cdp.Call(ctx, tgt, network.Enable, network.EnableParams{})
				return err
			}))
			// Every page is weighed as a first visit: nothing from the cache.
			tab.Run(t, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
				_, err := cdp.Call(ctx, tgt, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
				return err
			}))

			for _, pg := range pages {
				target := srv.URL + pg.path
				if status := tab.Navigate(t, target); status != http.StatusOK {
					t.Errorf("%s: GET %s: status %d, want 200", pg.name, pg.path, status)
					continue
				}
				browserCheckPage(t, tab, vp, pg.name)
				browserLayoutShift(t, tab, vp, pg.name)
				browserFirstView(t, tab, vp, pg.name)
				switch pg.name {
				case "article":
					browserCheckHeadline(t, tab, vp)
				case "search":
					var marks []string
					tab.Eval(t, `[...document.querySelectorAll('.search-results mark')].map(m => m.textContent)`, &marks)
					if len(marks) == 0 || !strings.Contains(strings.Join(marks, " "), searchWord) {
						t.Errorf("search: highlighted %q, want a <mark> around %q", marks, searchWord)
					}
				}
				tab.Screenshot(t, "public-"+pg.name)
				if errs := tab.Errors(); len(errs) > 0 {
					t.Errorf("%s: console errors or CSP violations:\n  %s", pg.name, strings.Join(errs, "\n  "))
					tab.ClearErrors()
				}
			}

			mu.Lock()
			defer mu.Unlock()
			fonts := 0
			for _, u := range requests {
				pu, err := url.Parse(u)
				if err != nil {
					t.Errorf("request to an unparsable URL %q", u)
					continue
				}
				switch pu.Scheme {
				case "data", "about", "blob":
					continue // nothing leaves the browser
				}
				if pu.Host != host {
					t.Errorf("request to another host: %s (only %s is allowed)", u, host)
				}
				if strings.HasSuffix(pu.Path, ".woff2") {
					fonts++
				}
			}
			if fonts == 0 {
				t.Errorf("no font was requested from the test server; requests: %q", requests)
			}
		})
	}
}

// browserCheckPage runs the checks every page gets: direction and language,
// the web font, and no sideways scrolling.
func browserCheckPage(t *testing.T, tab *browsertest.Tab, vp browsertest.Viewport, name string) {
	t.Helper()
	var doc struct {
		Dir, Lang         string
		ScrollWidth       int
		InnerWidth        int
		ClientWidth       int
		BodyFont          string
		CheckDefault      bool
		CheckArabic       bool
		Loaded, NotLoaded []string
	}
	tab.Eval(t, `document.fonts.ready.then(() => {
		const faces = [...document.fonts];
		const describe = f => f.family.replace(/["']/g, '') + ' ' + f.weight + ' ' + f.unicodeRange.split(',')[0];
		return {
			Dir: document.documentElement.dir,
			Lang: document.documentElement.lang,
			ScrollWidth: document.documentElement.scrollWidth,
			InnerWidth: window.innerWidth,
			ClientWidth: document.documentElement.clientWidth,
			BodyFont: getComputedStyle(document.body).fontFamily,
			CheckDefault: document.fonts.check('16px "`+browserBodyFont+`"'),
			CheckArabic: document.fonts.check('16px "`+browserBodyFont+`"', 'صحافة'),
			Loaded: faces.filter(f => f.status === 'loaded').map(describe),
			NotLoaded: faces.filter(f => f.status !== 'loaded').map(f => describe(f) + ' ' + f.status),
		};
	})`, &doc)
	if doc.Dir != "rtl" || doc.Lang != "ar" {
		t.Errorf("%s: <html dir=%q lang=%q>, want rtl and ar", name, doc.Dir, doc.Lang)
	}
	if !strings.HasPrefix(strings.Trim(doc.BodyFont, `"'`), browserBodyFont) {
		t.Errorf("%s: body font-family %s, want %q first", name, doc.BodyFont, browserBodyFont)
	}
	if !doc.CheckDefault || !doc.CheckArabic {
		t.Errorf("%s: document.fonts.check(%q) = %v, with Arabic text = %v; faces loaded %q, not loaded %q",
			name, browserBodyFont, doc.CheckDefault, doc.CheckArabic, doc.Loaded, doc.NotLoaded)
	}
	arabicLoaded := false
	for _, f := range doc.Loaded {
		if strings.HasPrefix(f, browserBodyFont+" 400 U+600") {
			arabicLoaded = true
		}
	}
	if !arabicLoaded {
		t.Errorf("%s: the Arabic face of %s (400) is not loaded; loaded: %q, not loaded: %q",
			name, browserBodyFont, doc.Loaded, doc.NotLoaded)
	}
	// scrollWidth <= innerWidth alone passes a page that is too wide on a
	// phone: the mobile browser zooms out to fit it, and innerWidth (the
	// visual viewport) grows with it. The page must fit the layout viewport
	// (clientWidth) and leave the visual viewport at the device width.
	if doc.ScrollWidth > doc.InnerWidth || doc.ScrollWidth > doc.ClientWidth || doc.InnerWidth > vp.Width {
		var wide []string
		// what sticks out of the layout viewport; in a right-to-left page
		// only overflow to the left can be scrolled to (the skip link
		// waits out of sight to the right)
		tab.Eval(t, `[...document.querySelectorAll('body *')].filter(e => {
			const r = e.getBoundingClientRect(), w = document.documentElement.clientWidth;
			return r.width > 0 && r.left < w && (r.left < -1 || r.right > w + 1);
		}).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') +
			' ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right))`, &wide)
		t.Errorf("%s: the page is wider than the %s screen (%dpx): scrollWidth %d, innerWidth %d, clientWidth %d; elements outside the viewport: %q",
			name, vp.Name, vp.Width, doc.ScrollWidth, doc.InnerWidth, doc.ClientWidth, wide)
	}
}

// browserCheckHeadline checks that the article headline, which opens with
// the Latin word "OpenAI", is laid out right to left: its direction is rtl,
// its text hugs the right edge, and "OpenAI" (the first word) is the
// rightmost word of its line.
func browserCheckHeadline(t *testing.T, tab *browsertest.Tab, vp browsertest.Viewport) {
	t.Helper()
	var h struct {
		Found                bool
		Direction, TextAlign string
		BoxRight, TextRight  float64
		BoxLeft, TextLeft    float64
		LatinLeft, LatinTop  float64
		ArabicRight          float64
		ArabicTop            float64
	}
	tab.Eval(t, `(() => {
		const h1 = document.querySelector('h1.headline');
		if (!h1) return {Found: false};
		const cs = getComputedStyle(h1);
		const all = document.createRange();
		all.selectNodeContents(h1);
		const word = (w) => {
			// the text node holding w (Latin runs sit in their own <bdi>)
			const walk = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
			let text;
			while ((text = walk.nextNode()) && text.data.indexOf(w) < 0) {}
			const i = text.data.indexOf(w);
			const r = document.createRange();
			r.setStart(text, i); r.setEnd(text, i + w.length);
			return r.getClientRects()[0];
		};
		const box = h1.getBoundingClientRect(), txt = all.getBoundingClientRect();
		const latin = word('OpenAI'), arabic = word('تطلق');
		return {
			Found: true, Direction: cs.direction, TextAlign: cs.textAlign,
			BoxRight: box.right - parseFloat(cs.paddingRight), TextRight: txt.right,
			BoxLeft: box.left + parseFloat(cs.paddingLeft), TextLeft: txt.left,
			LatinLeft: latin.left, LatinTop: latin.top,
			ArabicRight: arabic.right, ArabicTop: arabic.top,
		};
	})()`, &h)
	if !h.Found {
		t.Error("article: no h1.headline")
		return
	}
	if h.Direction != "rtl" {
		t.Errorf("article: headline direction %q, want rtl", h.Direction)
	}
	if d := h.BoxRight - h.TextRight; d > 2 || d < -2 {
		t.Errorf("article (%s): headline text ends %.0fpx from the right edge of its box (text-align %s); want it right-aligned",
			vp.Name, d, h.TextAlign)
	}
	if h.LatinTop == h.ArabicTop && h.LatinLeft < h.ArabicRight {
		t.Errorf("article (%s): \"OpenAI\" (left %.0f) is not to the right of \"تطلق\" (right %.0f): the headline is laid out left to right",
			vp.Name, h.LatinLeft, h.ArabicRight)
	}
}

// browserPhoto is a photo-like JPEG, different for each n.
func browserPhoto(t *testing.T, w, h, n int) []byte {
	t.Helper()
	// A gradient with grain: a plain gradient compresses far better than
	// a photograph, and would make the page weights look lighter than
	// they are.
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	grain := rand.New(rand.NewPCG(uint64(n), 7))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := grain.IntN(14)
			img.Set(x, y, color.RGBA{uint8(x*255/w + n*70 + d), uint8(y*255/h + d), uint8(90 + n*50 + d), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// browserLayoutShift waits for the page's images and fonts, and prints its
// Cumulative Layout Shift and Largest Contentful Paint (measured with a
// PerformanceObserver, buffered from the start of the load). Images carry
// their width and height and fonts are preloaded, so the shift should be
// 0; it is printed, not asserted, as the issue asks.
func browserLayoutShift(t *testing.T, tab *browsertest.Tab, vp browsertest.Viewport, name string) {
	t.Helper()
	var m struct {
		CLS float64
		LCP float64
		Els int
	}
	tab.Eval(t, `new Promise(resolve => {
		let cls = 0, lcp = 0;
		new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) cls += e.value; })
			.observe({type: 'layout-shift', buffered: true});
		new PerformanceObserver(list => { for (const e of list.getEntries()) lcp = Math.max(lcp, e.startTime); })
			.observe({type: 'largest-contentful-paint', buffered: true});
		const imgs = [...document.images].filter(i => i.loading !== 'lazy');
		Promise.all([document.fonts.ready, ...imgs.map(i => i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r; }))])
			.then(() => setTimeout(() => resolve({CLS: cls, LCP: lcp, Els: document.images.length}), 300));
	})`, &m)
	t.Logf("%s (%s): CLS %.3f, LCP %.0f ms, %d images", name, vp.Name, m.CLS, m.LCP, m.Els)
}

// firstViewBudget is what a page may weigh on a first visit, everything
// the browser fetched counted (HTML, CSS, fonts, images, scripts).
const firstViewBudget = 250 << 10

// browserFirstView logs what the browser fetched for the page, by kind, as
// bytes on the wire: a first visit (the tab's cache is off) once the page
// has loaded, lazy images near the viewport included — Chromium fetches
// those a screen or two ahead, so this counts more than the fold. The
// budget is printed, not enforced: bench/pageweight.sh reports it.
func browserFirstView(t *testing.T, tab *browsertest.Tab, vp browsertest.Viewport, name string) {
	t.Helper()
	var w struct {
		Total, HTML, CSS, Fonts, Images, Scripts, Other int
		Requests                                        int
		Largest                                         []string
	}
	tab.Eval(t, `new Promise(done => setTimeout(() => {
		const nav = performance.getEntriesByType('navigation')[0];
		const out = {Total: nav.transferSize, HTML: nav.transferSize, CSS: 0, Fonts: 0, Images: 0, Scripts: 0, Other: 0, Requests: 1};
		for (const r of performance.getEntriesByType('resource')) {
			const kind = /\.woff2$/.test(r.name) ? 'Fonts' : /\.css$/.test(r.name) ? 'CSS' : r.initiatorType === 'img' ? 'Images' :
				r.initiatorType === 'script' ? 'Scripts' : 'Other';
			out[kind] += r.transferSize; out.Total += r.transferSize; out.Requests++;
		}
		out.Largest = performance.getEntriesByType('resource').sort((a, b) => b.transferSize - a.transferSize).slice(0, 4)
			.map(r => new URL(r.name).pathname.split('/').slice(-2).join('/') + ' ' + (r.transferSize / 1024).toFixed(1));
		done(out);
	}, 500))`, &w)
	kb := func(n int) string { return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) }
	t.Logf("first view %s (%s): %s KB in %d requests (HTML %s, CSS %s, fonts %s, images %s, scripts %s, other %s; budget %d KB); largest: %s",
		name, vp.Name, kb(w.Total), w.Requests, kb(w.HTML), kb(w.CSS), kb(w.Fonts), kb(w.Images), kb(w.Scripts), kb(w.Other), firstViewBudget>>10,
		strings.Join(w.Largest, ", "))
}
