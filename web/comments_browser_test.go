package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sahafa/browsertest"
	"sahafa/comments"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/teststores"
	"sahafa/web"
)

// TestBrowserComments: in Chromium, an article's comments read right to
// left with answers indented toward the left (after what they answer),
// a Latin comment reads left to right in its own box, the honeypot is
// out of sight, and a reader who fills the form and presses the button
// lands on the page saying the comment waits for moderation — with no
// script on the page. Screenshots at both sizes go to the artifacts.
func TestBrowserComments(t *testing.T) {
	b := browsertest.New(t)
	ctx := context.Background()
	st := teststores.SQLite(t)
	pub := publish.New(st, publish.Options{})
	res, err := pub.Save(ctx, []news.Draft{{ExternalID: "c-1", Title: "افتتاح معرض الكتاب بمشاركة 900 دار نشر", SectionName: "ثقافة", SectionSlug: "culture",
		Abstract: "الدورة الجديدة تخصص جناحًا للكتب الصوتية.", Body: "<p>افتتح معرض الكتاب دورته الجديدة بمشاركة تسعمئة دار نشر من أربعين دولة.</p>",
		Authors: []string{"يوسف الملا"}, Dateline: "الشارقة", PublishedAt: time.Now().Add(-3 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	id := res.IDs[0]
	base := time.Now().Add(-2 * time.Hour)
	first, err := st.AddComment(ctx, news.Comment{ArticleID: id, Author: "ليلى", Text: "هل جناح الكتب الصوتية مجاني للزوار؟", Status: news.CommentApproved, At: base})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []news.Comment{
		{ArticleID: id, Author: "إدارة المعرض", Text: "نعم، الدخول إلى الجناح مجاني طوال أيام المعرض.", ParentID: first.ExternalID},
		{ArticleID: id, Author: "Sam", Text: "Great news, see you there!"},
	} {
		c.Status, c.At = news.CommentApproved, base.Add(time.Duration(i+1)*10*time.Minute)
		if _, err := st.AddComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	svc := comments.New(comments.Options{Store: st})
	site, err := web.New(st, web.Options{Logger: slog.New(slog.DiscardHandler), Comments: svc})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	a, err := st.Article(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, vp := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(vp.Name, func(t *testing.T) {
			tab := b.Tab(t, vp)
			if status := tab.Navigate(t, srv.URL+a.Path()+"#comments"); status != http.StatusOK {
				t.Fatalf("GET %s: %d", a.Path(), status)
			}
			browserCheckPage(t, tab, vp, "comments")
			var got struct {
				Count                     int
				RootRight, ReplyRight     float64
				LatinDirection, ArabicDir string
				HoneypotVisible           bool
				Scripts                   int
				FormWidth, CommentsWidth  float64
			}
			tab.Eval(t, `(() => {
				const items = document.querySelectorAll('.comment');
				const hp = document.querySelector('.hp').getBoundingClientRect();
				const texts = document.querySelectorAll('.comment-text p');
				return {Count: items.length,
					RootRight: items[0].getBoundingClientRect().right, ReplyRight: items[1].getBoundingClientRect().right,
					ArabicDir: getComputedStyle(texts[0]).direction, LatinDirection: getComputedStyle(texts[2]).direction,
					HoneypotVisible: hp.right > 0 && hp.left < innerWidth && hp.width > 1,
					Scripts: [...document.scripts].filter(s => s.type !== 'application/ld+json').length,
					FormWidth: document.querySelector('.comment-form').getBoundingClientRect().width,
					CommentsWidth: document.querySelector('.comments').getBoundingClientRect().width};
			})()`, &got)
			if got.Count != 3 || got.ReplyRight >= got.RootRight-10 {
				t.Errorf("%d comments; the answer's right edge %.0f, its comment's %.0f (want it indented from the right)", got.Count, got.ReplyRight, got.RootRight)
			}
			if got.ArabicDir != "rtl" || got.LatinDirection != "ltr" {
				t.Errorf("comment directions: Arabic %s, Latin %s", got.ArabicDir, got.LatinDirection)
			}
			if got.HoneypotVisible {
				t.Error("the honeypot field is visible")
			}
			if got.Scripts != 0 {
				t.Errorf("%d scripts on an article page with comments", got.Scripts)
			}
			if got.FormWidth < got.CommentsWidth-1 {
				t.Errorf("the form is %.0f px wide in a %.0f px block", got.FormWidth, got.CommentsWidth)
			}
			tab.Screenshot(t, "public-comments")
			tab.Run(t, chromedp.SetValue(chromedp.CSS("#comment-name"), "قارئة من "+vp.Name),
				chromedp.SetValue(chromedp.CSS("#comment-text"), "متى ينتهي المعرض؟ ("+vp.Name+")"),
				chromedp.Click(chromedp.CSS(".comment-form button")),
				chromedp.WaitVisible(chromedp.CSS(".comment-sent")))
			var landed string
			tab.Eval(t, `document.querySelector('h1').textContent`, &landed)
			if landed != "وصل تعليقك" {
				t.Errorf("after sending the form the page's heading is %q", landed)
			}
			if errs := tab.Errors(); len(errs) > 0 {
				t.Errorf("console errors or CSP violations:\n  %s", strings.Join(errs, "\n  "))
			}
		})
	}
	list, err := st.CommentQueue(ctx, news.CommentFilter{Status: news.CommentPending})
	if err != nil || list.Total != 2 {
		t.Errorf("pending after the two posts: %d, %v", list.Total, err)
	}
}
