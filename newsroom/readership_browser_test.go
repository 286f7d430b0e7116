package newsroom_test

import (
	"context"
	"testing"
	"time"

	"sahafa/browsertest"
	"sahafa/news"
	"sahafa/store/teststores"
)

// TestBrowserReadership: the readership page in Chromium at desktop and
// phone width: the chart has its 48 hours, the page does not scroll
// sideways, runs without errors; screenshots go to the artifacts.
func TestBrowserReadership(t *testing.T) {
	b := browsertest.New(t)
	e := newEnv(t, teststores.SQLite)
	titles := []string{"انقطاع المياه عن أحياء شرق المدينة", "افتتاح المكتبة العامة بعد تجديدها", "المنتخب يستعد لمباراة الإياب"}
	var ids []int64
	for _, title := range titles {
		ids = append(ids, e.articleIn("writer", news.StatusPublished, title).ID)
	}
	hour := time.Now().UTC().Truncate(time.Hour)
	views := map[news.HourKey]int{}
	for h := range 48 {
		for i, id := range ids {
			// A day's rhythm: more in the evening, the newest story most.
			views[news.HourKey{Hour: hour.Add(-time.Duration(h) * time.Hour), ArticleID: id}] = (h%24+3)*(3-i)*7 + 5
		}
	}
	if err := e.store.AddViews(context.Background(), news.ViewBatch{Articles: views,
		Referrers: map[news.HourDomain]int{{Hour: hour, Domain: "google.com"}: 420, {Hour: hour, Domain: "t.co"}: 130}}); err != nil {
		t.Fatal(err)
	}
	for _, vp := range []browsertest.Viewport{browsertest.Desktop, browsertest.Phone} {
		t.Run(vp.Name, func(t *testing.T) {
			tab := &newsroomTab{Tab: b.Tab(t, vp), base: e.srv.URL}
			tab.signIn(t, "editor@example.com")
			tab.open(t, "/newsroom/readership")
			var got struct {
				Hours, Days int
				ScrollWidth int
				ClientWidth int
			}
			tab.Eval(t, `({Hours: document.querySelectorAll('svg[aria-labelledby="chart-hours-title"] rect').length,
				Days: document.querySelectorAll('svg[aria-labelledby="chart-days-title"] rect').length,
				ScrollWidth: document.documentElement.scrollWidth, ClientWidth: document.documentElement.clientWidth})`, &got)
			if got.Hours != 48 || got.Days != 30 {
				t.Errorf("the charts have %d and %d bars, want 48 hours and 30 days", got.Hours, got.Days)
			}
			if got.ScrollWidth > got.ClientWidth {
				t.Errorf("the page scrolls sideways (%d > %d)", got.ScrollWidth, got.ClientWidth)
			}
			var wide []string
			tab.Eval(t, `[...document.querySelectorAll('body *')].filter(e => { const r = e.getBoundingClientRect();
				return r.width > 0 && !e.classList.contains('skip-link') && (r.left < -1 || r.right > document.documentElement.clientWidth + 1); }).slice(0, 6)
				.map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right))`, &wide)
			if len(wide) > 0 {
				t.Errorf("elements outside the viewport: %q", wide)
			}
			tab.screenshot(t, "newsroom-readership")
			tab.noErrors(t, "readership")
		})
	}
}
