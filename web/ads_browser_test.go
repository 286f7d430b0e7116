package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sahafa/browsertest"
	"sahafa/editorial"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/teststores"
	"sahafa/web"
)

// TestBrowserArticleWithAds: an article page with ads in its header, side,
// in-article and end slots, in Chromium at phone and desktop width: every
// slot's frame loads its ad, nothing moves as they load (CLS), the frames
// run without errors under their policies; screenshots go to artifacts.
func TestBrowserArticleWithAds(t *testing.T) {
	b := browsertest.New(t)
	ctx := context.Background()
	st := teststores.SQLite(t)
	pub := publish.New(st, publish.Options{})
	ed := editorial.New(st, pub, nil, editorial.Options{})
	owner, err := st.CreateUser(ctx, news.User{Email: "ads@example.com", Name: "المعلن", Role: news.RoleAdmin, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var images []int64
	for i, size := range [][2]int{{728, 90}, {300, 250}} {
		m, err := ed.Upload(ctx, owner, bytes.NewReader(browserPhoto(t, size[0], size[1], i+3)), "إعلان", "", "")
		if err == nil {
			m, err = ed.AwaitMedia(ctx, m.ID, time.Minute)
		}
		if err != nil {
			t.Fatal(err)
		}
		images = append(images, m.ID)
	}
	body := "<p>تراجعت أسعار النفط في تعاملات اليوم مع ارتفاع المخزونات الأمريكية للأسبوع الثالث على التوالي.</p>" +
		"<p>وقال محللون إن الطلب الضعيف في آسيا يضغط على الأسعار منذ بداية الشهر.</p>" +
		"<p>وتترقب الأسواق اجتماع المنتجين الأسبوع المقبل لبحث مستويات الإنتاج.</p>" +
		"<p>ويرى خبراء أن أي خفض جديد قد يعيد الأسعار إلى الارتفاع قبل نهاية العام.</p>"
	var drafts []news.Draft
	for i, title := range []string{"أسعار النفط تتراجع مع زيادة المخزونات", "البورصة تغلق على ارتفاع", "الذهب يستقر قرب مستوى قياسي"} {
		drafts = append(drafts, news.Draft{ExternalID: "ad-" + title, Title: title, SectionName: "اقتصاد", SectionSlug: "economy",
			Body: body, Authors: []string{"كريم حسن"}, PublishedAt: time.Date(2025, 5, 10, 9, i, 0, 0, time.UTC)})
	}
	res, err := pub.Save(ctx, drafts)
	if err != nil {
		t.Fatal(err)
	}
	ads, _ := news.EncodeAds([]news.Ad{
		{ID: 1, Name: "بنك", ImageID: images[0], Link: "https://bank.example/", Alt: "عروض البنك الوطني", Slots: []string{"header", "article-end"}, Weight: 1},
		{ID: 2, Name: "طيران", ImageID: images[1], Link: "https://air.example/", Alt: "رحلات إلى القاهرة", Slots: []string{"side", "article"}, Weight: 1},
	})
	if err := st.SaveSettings(ctx, map[string]string{news.SettingAds: ads}); err != nil {
		t.Fatal(err)
	}
	a, err := st.Article(ctx, res.IDs[2])
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New(st, web.Options{Logger: slog.New(slog.DiscardHandler)})
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
			// Scroll through the page so that the lazy frames load.
			var loaded []string
			tab.Eval(t, `new Promise(done => {
				const frames = [...document.querySelectorAll('iframe.ad-frame')];
				let y = 0;
				const step = () => {
					window.scrollTo(0, y); y += 400;
					const ready = frames.filter(f => { try { return f.contentDocument === null || true } catch (e) { return true } });
					if (y < document.body.scrollHeight + 800) setTimeout(step, 120);
					else setTimeout(() => { window.scrollTo(0, 0); done(frames.map(f => f.src.replace(/^.*\/ad-frame\//, ''))) }, 600);
				};
				step();
			})`, &loaded)
			if len(loaded) != 4 {
				t.Errorf("ad frames on the page: %q, want header, article, side and article-end", loaded)
			}
			browserLayoutShift(t, tab, vp, "article with ads")
			tab.Screenshot(t, "public-article-ads")
			if errs := tab.Errors(); len(errs) > 0 {
				t.Errorf("console errors or CSP violations:\n  %s", strings.Join(errs, "\n  "))
			}
		})
	}
}
