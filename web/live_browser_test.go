package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sahafa/browsertest"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/teststores"
	"sahafa/web"
)

// TestBrowserLivePage: a reader has a live page open in Chromium; an
// update posted meanwhile is offered without a reload (the page is the
// same document: a mark set on it stays) by a button that moves nothing
// (CLS), and shown on top when pressed; the script runs under the page's
// policy without errors; when the coverage ends the page says so and
// stops asking. Screenshots of the live page at
// both sizes go to the artifacts.
func TestBrowserLivePage(t *testing.T) {
	b := browsertest.New(t)
	ctx := context.Background()
	st := teststores.SQLite(t)
	pub := publish.New(st, publish.Options{})
	res, err := pub.Save(ctx, []news.Draft{{ExternalID: "live-1", Title: "تغطية مباشرة: قمة المناخ COP30 في بيليم", SectionName: "العالم", SectionSlug: "world",
		Abstract: "آخر التطورات من قاعة المفاوضات لحظة بلحظة.", Body: "<p>تتواصل في مدينة بيليم البرازيلية أعمال قمة المناخ بمشاركة وفود من نحو 190 دولة.</p>",
		Authors: []string{"ليلى حداد"}, Dateline: "بيليم", PublishedAt: time.Now().Add(-2 * time.Hour)}})
	if err != nil || len(res.IDs) != 1 {
		t.Fatalf("publish: %+v, %v", res, err)
	}
	a, err := st.Article(ctx, res.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now().Add(-90 * time.Minute)
	if err := st.SetLive(ctx, a.ID, started, time.Time{}); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"افتتاح الجلسة العامة بكلمة الأمين العام للأمم المتحدة.", "الوفد المصري يطالب بتمويل أكبر للتكيف مع تغير المناخ."} {
		if _, err := st.AddLiveUpdate(ctx, news.LiveUpdate{ArticleID: a.ID, At: started.Add(time.Duration(i+1) * 20 * time.Minute),
			Body: "<p>" + text + "</p>", Author: "ليلى حداد"}); err != nil {
			t.Fatal(err)
		}
	}
	site, err := web.New(st, web.Options{Logger: slog.New(slog.DiscardHandler), LivePoll: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)

	for _, vp := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(vp.Name, func(t *testing.T) {
			tab := b.Tab(t, vp)
			if status := tab.Navigate(t, srv.URL+a.Path()); status != http.StatusOK {
				t.Fatalf("GET %s: %d", a.Path(), status)
			}
			browserCheckPage(t, tab, vp, "live")
			browserFirstView(t, tab, vp, "live")
			tab.Eval(t, `window.sahafaMark = 1; document.querySelectorAll('.live-update').length`, nil)
			text := "عاجل من القاعة: اتفاق مبدئي على صندوق الخسائر والأضرار (" + vp.Name + ")."
			posted := time.Now()
			up, err := st.AddLiveUpdate(ctx, news.LiveUpdate{ArticleID: a.ID, At: posted, Body: "<p>" + text + "</p>", Author: "ليلى حداد"})
			if err != nil {
				t.Fatal(err)
			}
			site.InvalidateArticle(a.ID)
			// The update is offered, not pushed in: a button in the count's
			// line says so, and nothing on the page moves.
			var offer struct {
				Button      string
				First       string
				Mark        int
				Navigations int
			}
			tab.Eval(t, `new Promise(done => {
				const start = Date.now();
				const look = () => {
					const more = document.querySelector('.live-more');
					if (more.classList.contains('waiting') || Date.now() - start > 8000) {
						done({Button: getComputedStyle(more).visibility === 'visible' ? more.textContent : '',
							First: document.querySelector('.live-update').dataset.id, Mark: window.sahafaMark || 0,
							Navigations: performance.getEntriesByType('navigation').length});
					} else setTimeout(look, 50);
				};
				look();
			})`, &offer)
			if offer.Button != "تحديث جديد: اعرضه" {
				t.Fatalf("8 s after an update was posted the page offers %q", offer.Button)
			}
			t.Logf("%s: the open page offered the update %v after it was stored", vp.Name, time.Since(posted).Round(10*time.Millisecond))
			if offer.First == itoa(up.ID) || offer.Mark != 1 || offer.Navigations != 1 {
				t.Errorf("the update was pushed in unasked, or the page reloaded: %+v", offer)
			}
			browserLayoutShift(t, tab, vp, "live, an update offered")
			var first string
			tab.Eval(t, `document.querySelector('.live-more').click(); document.querySelector('.live-update').textContent`, &first)
			if !strings.Contains(first, text) {
				t.Errorf("after the click the first update is %q, want the new one", first)
			}
			tab.Screenshot(t, "public-live")
			if errs := tab.Errors(); len(errs) > 0 {
				t.Errorf("console errors or CSP violations:\n  %s", strings.Join(errs, "\n  "))
			}
		})
	}
	// Ended: an open page says so without a reload.
	tab := b.Tab(t, browsertest.Phone)
	tab.Navigate(t, srv.URL+a.Path())
	if err := st.SetLive(ctx, a.ID, started, time.Now()); err != nil {
		t.Fatal(err)
	}
	site.Invalidate()
	var badge string
	tab.Eval(t, `new Promise(done => {
		const start = Date.now();
		const look = () => {
			const b = document.querySelector('.live-badge').textContent;
			if (b !== 'مباشر' || Date.now() - start > 8000) done(b); else setTimeout(look, 50);
		};
		look();
	})`, &badge)
	if badge != "انتهت التغطية" {
		t.Errorf("the open page's badge after the coverage ended: %q", badge)
	}
}
