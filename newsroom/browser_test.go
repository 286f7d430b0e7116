package newsroom_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"sahafa/browsertest"
	"sahafa/news"
	"sahafa/store/teststores"
)

// TestBrowserNewsroom is the newsroom's scenario end to end in headless
// Chromium, through its UI only (typing and clicks, no HTTP shortcuts): a
// contributor signs in, uploads a photo, writes an Arabic article with the
// toolbar and the media picker while the live preview follows, saves it and
// sends it for review; an editor signs in, opens it from the dashboard and
// approves it; the article is then on the public site with its image.
// Every newsroom page must run without a JavaScript error or a CSP
// violation. Screenshots of the editor and of the published page at phone
// and desktop widths go to browsertest.ArtifactsDir(). SQLite only, to keep
// the run short; it skips when Chromium is not installed (fails with
// SAHAFA_REQUIRE_BROWSER=1).
func TestBrowserNewsroom(t *testing.T) {
	b := browsertest.New(t)
	start := time.Now()
	e := newEnv(t, teststores.SQLite)
	desk := &newsroomTab{Tab: b.Tab(t, browsertest.Desktop), base: e.srv.URL}
	desk.Timeout = 15 * time.Second

	const (
		headline = "افتتاح مهرجان Jazz في قرطاج"
		abstract = "عشرون حفلًا في عشرة أيام على المسرح الأثري، بمشاركة موسيقيين من ثلاث قارات."
		alt      = "جمهور المهرجان أمام المسرح الأثري في قرطاج"
		caption  = "حفل الافتتاح مساء الجمعة"
		boldWord = "الموسيقى الإفريقية"
		credit   = "سلمى المساهمة"
	)
	tags := []string{"مهرجانات", "موسيقى", "تونس"}

	// 1. The contributor signs in and lands on the dashboard.
	desk.signIn(t, "contributor@example.com")
	desk.expectText(t, "h1", "أهلًا "+e.users["contributor"].Name)
	desk.noErrors(t, "dashboard")

	// 2. A photo for the library: a real JPEG on the file input, an
	// Arabic alt text, and the image's page after the upload.
	photo := filepath.Join(t.TempDir(), "carthage.jpg")
	if err := os.WriteFile(photo, jpegBytes(t, 1200, 800), 0o644); err != nil {
		t.Fatal(err)
	}
	desk.open(t, "/newsroom/media/")
	desk.Run(t,
		chromedp.WaitVisible(chromedp.CSS(".upload-form #alt")),
		chromedp.SetUploadFiles(chromedp.CSS(".upload-form #file"), []string{photo}),
		chromedp.SendKeys(chromedp.CSS(".upload-form #alt"), alt),
		chromedp.SendKeys(chromedp.CSS(".upload-form #caption"), caption),
		chromedp.SendKeys(chromedp.CSS(".upload-form #credit"), credit),
	)
	mediaURL := desk.clickLoad(t, ".upload-form button[type=submit]")
	m := regexp.MustCompile(`^/newsroom/media/(\d+)$`).FindStringSubmatch(mediaURL.Path)
	if m == nil || mediaURL.Query().Get("done") != "uploaded" {
		t.Fatalf("after the upload: at %s, want /newsroom/media/<id>?done=uploaded; page says %q", mediaURL, desk.text(t, "main"))
	}
	mediaID := m[1]
	desk.expectText(t, ".flash", "رُفعت الصورة")
	desk.imageLoaded(t, ".media-full img", "the uploaded image")
	desk.noErrors(t, "media page")

	// 3. A new article, written in the rich-text editor: a paragraph that
	// opens with a Latin name (it must still read right to left), a
	// subheading from the toolbar, bold with Ctrl+B, an English paragraph
	// (left to right), the library image from the picker, and a paste from
	// Word, which must arrive clean.
	desk.open(t, "/newsroom/articles/new")
	desk.Run(t,
		chromedp.WaitVisible(chromedp.CSS(".ed-content")), // made by the script
		chromedp.SendKeys(chromedp.CSS("#title"), headline),
		chromedp.SendKeys(chromedp.CSS("#abstract"), abstract),
		chromedp.Click(chromedp.CSS(".ed-content")),
		chromedp.SendKeys(chromedp.CSS(".ed-content"), "Jazz في قرطاج: افتتحت مساء الجمعة الدورة الجديدة من المهرجان بحضور جمهور غفير من تونس وخارجها.\r"),
		chromedp.Click(chromedp.CSS(`.ed-toolbar [aria-label="عنوان فرعي"]`)),
		chromedp.SendKeys(chromedp.CSS(".ed-content"), "برنامج الدورة\rيضم البرنامج "),
		chromedp.KeyEvent("b", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.SendKeys(chromedp.CSS(".ed-content"), "عشرين حفلًا"),
		chromedp.KeyEvent("b", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.SendKeys(chromedp.CSS(".ed-content"), " على مدى عشرة أيام، وتحتفي بـ"),
		chromedp.KeyEvent("b", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.SendKeys(chromedp.CSS(".ed-content"), boldWord),
		chromedp.KeyEvent("b", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.SendKeys(chromedp.CSS(".ed-content"), ".\rThe festival closes with a concert in the Roman theatre.\r"),
	)
	// The library's image, from the picker.
	desk.Run(t,
		chromedp.Click(chromedp.CSS(`.ed-toolbar [aria-label="صورة"]`)),
		chromedp.WaitVisible(chromedp.CSS(".ed-dialog .ed-media-grid button")),
		chromedp.Click(chromedp.CSS(".ed-dialog .ed-media-grid button")),
		chromedp.WaitVisible(chromedp.CSS(".ed-content figure.image img")),
	)
	// A paste from Word: classes, styles, spans and Office tags.
	desk.Eval(t, `(() => { const dt = new DataTransfer();
		dt.setData('text/html', '<html><body><!--[if gte mso 9]><xml></xml><![endif]--><p class=MsoNormal style="color:red;mso-bidi-font-family:Arial"><span style="font-weight:bold">وفي الختام</span><span lang=AR-SA> شكرت الإدارة الرعاة<o:p></o:p></span></p></body></html>');
		dt.setData('text/plain', 'وفي الختام شكرت الإدارة الرعاة');
		document.querySelector('.ed-content').dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
		return true; })()`, nil)
	var dom struct {
		Dirs    []string
		Bold    []string
		H2      string
		Figures int
		Pasted  string
	}
	desk.Eval(t, `(() => { const c = document.querySelector('.ed-content');
		return {Dirs: [...c.querySelectorAll(':scope > p')].map(p => p.dir + ':' + p.textContent.slice(0, 12)),
			Bold: [...c.querySelectorAll('strong')].map(s => s.textContent),
			H2: (c.querySelector('h2') || {}).textContent || '',
			Figures: c.querySelectorAll('figure.image').length,
			Pasted: [...c.querySelectorAll('p')].map(p => p.outerHTML).filter(h => h.includes('الختام')).join('')}; })()`, &dom)
	if len(dom.Dirs) < 3 || !strings.HasPrefix(dom.Dirs[0], "rtl:Jazz") || !slices.ContainsFunc(dom.Dirs, func(d string) bool { return strings.HasPrefix(d, "ltr:The festiv") }) {
		t.Errorf("paragraph directions in the editor: %q; want the Latin-first Arabic one rtl and the English one ltr", dom.Dirs)
	}
	if strings.Join(dom.Bold, "|") != "عشرين حفلًا|"+boldWord+"|وفي الختام" || dom.H2 != "برنامج الدورة" || dom.Figures != 1 {
		t.Errorf("the editor: bold %q, subheading %q, %d figures", dom.Bold, dom.H2, dom.Figures)
	}
	if strings.Contains(dom.Pasted, "class=") || strings.Contains(dom.Pasted, "style=") || strings.Contains(dom.Pasted, "span") {
		t.Errorf("the Word paste kept its markup: %s", dom.Pasted)
	}
	desk.Run(t,
		chromedp.SetValue(chromedp.CSS("#section"), "world"), // a native <select>: no popup to click in headless Chromium
		chromedp.SendKeys(chromedp.CSS("#dateline"), "قرطاج"),
		chromedp.SendKeys(chromedp.CSS("#tags"), strings.Join(tags, "، ")),
		chromedp.SendKeys(chromedp.CSS("#note"), "المسودة الأولى"),
	)
	editURL := desk.clickLoad(t, "#article-form .actions button[type=submit]")
	m = regexp.MustCompile(`^/newsroom/articles/(\d+)$`).FindStringSubmatch(editURL.Path)
	if m == nil {
		t.Fatalf("after saving: at %s; page says %q", editURL, desk.text(t, "main"))
	}
	articleID := m[1]
	desk.expectText(t, ".flash", "أُنشئ المقال مسودةً")
	var stored news.Article
	if id, err := strconv.ParseInt(articleID, 10, 64); err == nil {
		stored, _ = e.store.EditorialArticle(context.Background(), id)
	}
	for _, want := range []string{`<p dir="rtl">Jazz في قرطاج`, `<h2 dir="rtl">برنامج الدورة</h2>`, "<strong>عشرين حفلًا</strong>",
		`<p dir="ltr">The festival closes`, `<figure class="image"><img src="/media/` + mediaID + `/`, `srcset="/media/` + mediaID + `/`,
		`<p dir="rtl"><strong>وفي الختام</strong> شكرت الإدارة الرعاة</p>`} {
		if !strings.Contains(stored.Body, want) {
			t.Errorf("the stored body lacks %s:\n%s", want, stored.Body)
		}
	}
	for _, bad := range []string{"class=\"Mso", "style=", "<span lang", "o:p"} {
		if strings.Contains(stored.Body, bad) {
			t.Errorf("the stored body keeps %q:\n%s", bad, stored.Body)
		}
	}
	if stored.BodySource != "" {
		t.Errorf("an editor body is HTML, its source empty; got source %q", browserTail(stored.BodySource, 80))
	}
	desk.expectText(t, ".nr-meta .status", "مسودة")
	var saved struct{ Title, Section, Tags string }
	desk.Eval(t, `({Title: document.getElementById('title').value,
		Section: document.getElementById('section').selectedOptions[0].textContent,
		Tags: document.getElementById('tags').value})`, &saved)
	if saved.Title != headline || saved.Section != "أخبار العالم" || saved.Tags != strings.Join(tags, "، ") {
		t.Errorf("the saved form: %+v", saved)
	}
	desk.noErrors(t, "editor")

	// 4. The editor at both widths; the phone tab shares the browser's
	// cookies, so it is signed in as the contributor too.
	desk.imageLoaded(t, ".ed-content figure img", "the editor's image")
	desk.screenshot(t, "newsroom-editor")
	phone := &newsroomTab{Tab: b.Tab(t, browsertest.Phone), base: e.srv.URL}
	phone.Timeout = 15 * time.Second
	if u := phone.open(t, editURL.Path); u.Path != editURL.Path {
		t.Fatalf("the phone tab went to %s, not the editor (no shared session?)", u)
	}
	phone.expectText(t, ".nr-meta .status", "مسودة")
	phone.imageLoaded(t, ".ed-content figure img", "the editor's image (phone)")
	var width struct{ Scroll, Client int }
	phone.Eval(t, `({Scroll: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth})`, &width)
	if width.Scroll > width.Client {
		t.Errorf("the editor on a phone scrolls sideways (%d > %d)", width.Scroll, width.Client)
	}
	phone.screenshot(t, "newsroom-editor")
	phone.noErrors(t, "editor (phone)")

	// 5. Sent for review, then signed out.
	desk.clickLoad(t, `.workflow form:has(input[name=action][value=submit]) button`)
	desk.expectText(t, ".flash", "أُرسل المقال للمراجعة")
	desk.expectText(t, ".nr-meta .status", "بانتظار المراجعة")
	desk.noErrors(t, "editor after submit")
	if u := desk.clickLoad(t, ".nr-user form button"); u.Path != "/newsroom/login" {
		t.Errorf("signing out went to %s", u)
	}

	// 6. The editor finds it under بانتظار المراجعة and approves it.
	desk.signIn(t, "editor@example.com")
	var pending struct {
		Index int
		Hrefs []string
	}
	desk.Eval(t, `(() => { const secs = [...document.querySelectorAll('.nr-grid > section')];
		const i = secs.findIndex(s => s.querySelector('h2').textContent.startsWith('بانتظار المراجعة'));
		return {Index: i + 1, Hrefs: i < 0 ? [] : [...secs[i].querySelectorAll('a')].map(a => a.getAttribute('href'))}; })()`, &pending)
	href := "/newsroom/articles/" + articleID
	if pending.Index == 0 || !slices.Contains(pending.Hrefs, href) {
		t.Fatalf("the editor's dashboard: the review list (section %d) links to %q, want %s", pending.Index, pending.Hrefs, href)
	}
	desk.noErrors(t, "editor's dashboard")
	if u := desk.clickLoad(t, fmt.Sprintf(`.nr-grid > section:nth-child(%d) a[href="%s"]`, pending.Index, href)); u.Path != href {
		t.Fatalf("the review link went to %s", u)
	}
	desk.clickLoad(t, `.workflow form:has(input[name=action][value=approve]) button`)
	desk.expectText(t, ".flash", "وافقت على المقال")
	desk.expectText(t, ".nr-meta .status", "منشورة")
	desk.noErrors(t, "editor after approval")

	// 7. The public page, by the editor's link to it.
	var public string
	desk.Eval(t, `(() => { const a = [...document.querySelectorAll('.nr-meta a')].find(a => a.textContent.includes('على الموقع'));
		return a ? a.href : ''; })()`, &public)
	if !strings.HasPrefix(public, e.srv.URL+"/") {
		t.Fatalf("the على الموقع link is %q", public)
	}
	for _, tab := range []*newsroomTab{desk, phone} {
		name := "published (" + tab.Viewport().Name + ")"
		if status := tab.Navigate(t, public); status != http.StatusOK {
			t.Fatalf("%s: GET %s: %d", name, public, status)
		}
		tab.imageLoaded(t, ".article-body figure img", name+" image")
		var pg struct {
			Dir, H1, H2, Srcset, Alt, Caption, Credit string
			Tags                                      []string
			ScrollWidth, ClientWidth                  int
		}
		tab.Eval(t, `document.fonts.ready.then(() => { const img = document.querySelector('.article-body figure img');
			return {Dir: document.documentElement.dir, H1: document.querySelector('h1').textContent.trim(),
				H2: (document.querySelector('.article-body h2') || {}).textContent || '',
				Srcset: img.getAttribute('srcset') || '', Alt: img.alt,
				Caption: (document.querySelector('.article-body figcaption') || {}).textContent || '',
				Credit: (document.querySelector('.article-body figcaption .credit') || {}).textContent || '',
				Tags: [...document.querySelectorAll('nav.tags a[rel=tag]')].map(a => a.textContent.trim()),
				ScrollWidth: document.documentElement.scrollWidth, ClientWidth: document.documentElement.clientWidth}; })`, &pg)
		if pg.Dir != "rtl" || pg.H1 != headline || pg.H2 != "برنامج الدورة" {
			t.Errorf("%s: dir %q, h1 %q, subheading %q; want rtl, %q and برنامج الدورة", name, pg.Dir, pg.H1, pg.H2, headline)
		}
		if !strings.Contains(pg.Srcset, "/media/") || pg.Alt != alt || pg.Caption != caption+" "+credit || pg.Credit != credit {
			t.Errorf("%s: figure srcset %q, alt %q, caption %q, credit %q", name, pg.Srcset, pg.Alt, pg.Caption, pg.Credit)
		}
		if strings.Join(pg.Tags, "|") != strings.Join(tags, "|") {
			t.Errorf("%s: tag links %q, want %q", name, pg.Tags, tags)
		}
		if pg.ScrollWidth > pg.ClientWidth {
			t.Errorf("%s: the page scrolls sideways (%d > %d)", name, pg.ScrollWidth, pg.ClientWidth)
		}
		tab.screenshot(t, "newsroom-published")
		tab.noErrors(t, name)
	}
	t.Logf("the scenario took %v", time.Since(start).Round(time.Millisecond))
}

// newsroomTab is a browser tab on the test site, with the steps the
// newsroom scenario repeats.
type newsroomTab struct {
	*browsertest.Tab
	base string // the test server's URL
}

func (tab *newsroomTab) ctx() (context.Context, context.CancelFunc) {
	d := tab.Timeout
	if d == 0 {
		d = browsertest.DefaultTimeout
	}
	return context.WithTimeout(tab.Context(), d)
}

// open loads a path of the test site and returns where the browser ended
// up (after redirects); the page must answer 200.
func (tab *newsroomTab) open(t *testing.T, path string) *url.URL {
	t.Helper()
	ctx, cancel := tab.ctx()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tab.base+path))
	return tab.landed(t, "GET "+path, resp, err)
}

// clickLoad clicks the element and waits for the page the click loads
// (following the redirect after a POST), which must answer 200; it returns
// that page's URL.
func (tab *newsroomTab) clickLoad(t *testing.T, sel string) *url.URL {
	t.Helper()
	ctx, cancel := tab.ctx()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.ScrollIntoView(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
	return tab.landed(t, "click "+sel, resp, err)
}

func (tab *newsroomTab) landed(t *testing.T, what string, resp *network.Response, err error) *url.URL {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		t.Fatalf("%s: no response", what)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("%s: status %d at %s; page says %q", what, resp.Status, resp.URL, tab.text(t, "body"))
	}
	u, err := url.Parse(resp.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// signIn fills and sends the sign-in form and expects the dashboard.
func (tab *newsroomTab) signIn(t *testing.T, email string) {
	t.Helper()
	tab.open(t, "/newsroom/login")
	tab.Run(t,
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	tab.noErrors(t, "sign-in page")
	if u := tab.clickLoad(t, ".nr-login button[type=submit]"); u.Path != "/newsroom/" {
		t.Fatalf("signing in as %s went to %s; page says %q", email, u, tab.text(t, "main"))
	}
}

// text is the text of the first element matching sel, "" if there is none.
func (tab *newsroomTab) text(t *testing.T, sel string) string {
	t.Helper()
	var s string
	tab.Eval(t, fmt.Sprintf(`(document.querySelector(%q) || {}).innerText || ''`, sel), &s)
	return strings.TrimSpace(s)
}

// expectText checks that the first element matching sel contains want.
func (tab *newsroomTab) expectText(t *testing.T, sel, want string) {
	t.Helper()
	if got := tab.text(t, sel); !strings.Contains(got, want) {
		t.Errorf("%s (%s): %q, want %q in it", sel, tab.Viewport().Name, got, want)
	}
}

// imageLoaded scrolls the image into view (it may be lazy) and waits until
// the browser has decoded it.
func (tab *newsroomTab) imageLoaded(t *testing.T, sel, name string) {
	t.Helper()
	ctx, cancel := tab.ctx()
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.ScrollIntoView(chromedp.CSS(sel)),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`(() => { const img = document.querySelector(%q);
			return !!img && img.complete && img.naturalWidth > 0; })()`, sel), chromedp.WithPollingTimeout(10*time.Second)),
	)
	if err != nil {
		var state string
		tab.Eval(t, fmt.Sprintf(`(() => { const img = document.querySelector(%q);
			return img ? img.outerHTML + ' complete=' + img.complete + ' naturalWidth=' + img.naturalWidth : 'none'; })()`, sel), &state)
		t.Errorf("%s (%s) did not load: %v; %s", name, sel, err, state)
	}
}

// screenshot waits for the fonts, goes back to the top and saves a
// full-page screenshot.
func (tab *newsroomTab) screenshot(t *testing.T, name string) {
	t.Helper()
	tab.Eval(t, `document.fonts.ready.then(() => { window.scrollTo(0, 0); return true; })`, nil)
	tab.Screenshot(t, name)
}

// noErrors fails the test on the JavaScript errors and CSP violations the
// tab has seen, and forgets them.
func (tab *newsroomTab) noErrors(t *testing.T, page string) {
	t.Helper()
	if errs := tab.Errors(); len(errs) > 0 {
		t.Errorf("%s (%s): console errors or CSP violations:\n  %s", page, tab.Viewport().Name, strings.Join(errs, "\n  "))
		tab.ClearErrors()
	}
}

// browserTail is the end of s, at most n runes, for messages.
func browserTail(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return "…" + string(r[len(r)-n:])
	}
	return s
}
