package newsroom_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sahafa/browsertest"
	"sahafa/news"
	"sahafa/store/teststores"
)

// TestBrowserWireDesk: the queue in Chromium at desktop and phone width —
// right to left, urgent items marked, nothing wider than the screen, no
// console errors — and «استخدم كمسودة» lands in the editor with the
// agency's headline. Screenshots of the queue.
func TestBrowserWireDesk(t *testing.T) {
	b := browsertest.New(t)
	e := newEnv(t, teststores.SQLite)
	ctx := context.Background()
	dir := t.TempDir()
	for _, name := range []string{"ar-newsml.xml", "ar-rss.xml", "ar-nitf.xml", "ar-ninjs.json"} {
		data, err := os.ReadFile(filepath.Join("..", "ingest", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		os.WriteFile(path, data, 0o644)
		old := time.Now().Add(-time.Minute)
		os.Chtimes(path, old, old)
	}
	src, err := e.store.SaveWireSource(ctx, news.WireSource{Name: "وكالة المثال", Kind: news.WireFolder, Address: dir,
		Interval: time.Hour, Priority: 5, Enabled: true, SectionID: e.world.ID})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := e.desk.PollNow(ctx, src.ID); err != nil || rep.Stored != 4 {
		t.Fatalf("poll: %+v, %v", rep, err)
	}
	for _, vp := range []browsertest.Viewport{browsertest.Desktop, browsertest.Phone} {
		t.Run(vp.Name, func(t *testing.T) {
			tab := &newsroomTab{Tab: b.Tab(t, vp), base: e.srv.URL}
			tab.signIn(t, "writer@example.com")
			tab.open(t, "/newsroom/wire/")
			var got struct {
				Dir, Lang           string
				Items, Urgent       int
				ScrollWidth, Client int
			}
			tab.Eval(t, `({Dir: document.documentElement.dir, Lang: document.documentElement.lang,
				Items: document.querySelectorAll('.wire-item').length, Urgent: document.querySelectorAll('.wire-item.wire-urgent').length,
				ScrollWidth: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth})`, &got)
			if got.Dir != "rtl" || got.Lang != "ar" || got.Items != 4 || got.Urgent != 1 {
				t.Errorf("the queue: %+v", got)
			}
			if got.ScrollWidth > got.Client {
				t.Errorf("the queue scrolls sideways (%d > %d)", got.ScrollWidth, got.Client)
			}
			var wide []string
			tab.Eval(t, `[...document.querySelectorAll('body *')].filter(e => { const r = e.getBoundingClientRect();
				return r.width > 0 && !e.classList.contains('skip-link') && (r.left < -1 || r.right > document.documentElement.clientWidth + 1); }).slice(0, 6)
				.map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right))`, &wide)
			if len(wide) > 0 {
				t.Errorf("elements outside the viewport: %q", wide)
			}
			tab.screenshot(t, "newsroom-wire")
			tab.noErrors(t, "wire")
		})
	}
	tab := &newsroomTab{Tab: b.Tab(t, browsertest.Desktop), base: e.srv.URL}
	tab.signIn(t, "writer@example.com")
	tab.open(t, "/newsroom/wire/")
	tab.clickLoad(t, ".wire-urgent .wire-headline a")
	tab.expectText(t, ".wire-story h1", "إضراب عمال ميناء الإسكندرية يدخل يومه الثالث")
	u := tab.clickLoad(t, ".wire-story button.primary")
	var title string
	tab.Run(t, chromedp.WaitVisible(chromedp.CSS("#title")))
	tab.Eval(t, `document.getElementById('title').value`, &title)
	if title != "إضراب عمال ميناء الإسكندرية يدخل يومه الثالث" {
		t.Errorf("the editor at %s has the headline %q", u, title)
	}
	tab.noErrors(t, "wire draft")
}
