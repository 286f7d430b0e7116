package newsroom_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sahafa/browsertest"
	"sahafa/news"
	"sahafa/store/teststores"
)

// TestBrowserEditorPanels: in the editor, the SEO panel's previews follow
// what is typed (and fall back as the public page does), the lead image
// is chosen by thumbnail from the library, the byline completes from
// the author directory, and what was chosen is saved; then the list's
// "select all" checks every row. Screenshots at phone and desktop width.
func TestBrowserEditorPanels(t *testing.T) {
	b := browsertest.New(t)
	e := newEnv(t, teststores.SQLite)
	ctx := context.Background()
	photo := e.upload("writer")
	e.articleIn(otherWriter, news.StatusDraft, "مسودة لنادية") // puts نادية الكاتبة in the directory
	const seoTitle = "خطة دعم الصحافة المحلية: ما الذي تتضمنه؟"

	for _, vp := range []browsertest.Viewport{browsertest.Desktop, browsertest.Phone} {
		a := e.articleIn("writer", news.StatusDraft, "الحكومة تعلن خطة لدعم الصحافة المحلية")
		path := fmt.Sprintf("/newsroom/articles/%d", a.ID)
		tab := &newsroomTab{Tab: b.Tab(t, vp), base: e.srv.URL}
		tab.Timeout = 20 * time.Second
		tab.signIn(t, "writer@example.com")
		tab.open(t, path)
		tab.Run(t,
			chromedp.WaitVisible(chromedp.CSS(".ed-content")),
			chromedp.Click(chromedp.CSS(".seo-panel summary")),
			chromedp.WaitVisible(chromedp.CSS("#seo_title")),
		)
		// Empty SEO fields: the previews show the headline.
		tab.expectText(t, ".search-preview .sp-title", a.Title)
		tab.expectText(t, ".share-preview .sp-title", a.Title)
		tab.Run(t, chromedp.SendKeys(chromedp.CSS("#seo_title"), seoTitle))
		tab.expectText(t, ".search-preview .sp-title", seoTitle)
		tab.expectText(t, ".share-preview .sp-title", seoTitle) // no share title: the SEO title
		tab.expectText(t, "[data-count-for=seo_title]", fmt.Sprintf("(%d / 60)", len([]rune(seoTitle))))
		tab.Run(t, chromedp.SendKeys(chromedp.CSS("#social_title"), "عاجل: خطة للصحافة"))
		tab.expectText(t, ".share-preview .sp-title", "عاجل: خطة للصحافة")
		tab.expectText(t, ".search-preview .sp-title", seoTitle)

		// The lead image from the library, by thumbnail.
		tab.Run(t,
			chromedp.ScrollIntoView(chromedp.CSS(`[data-pick-image="image_id"]`)),
			chromedp.Click(chromedp.CSS(`[data-pick-image="image_id"]`)),
			chromedp.WaitVisible(chromedp.CSS(".ed-dialog .ed-media-grid button")),
			chromedp.Click(chromedp.CSS(".ed-dialog .ed-media-grid button")),
			chromedp.WaitNotPresent(chromedp.CSS(".ed-dialog")),
		)
		var leadID string
		tab.Eval(t, `document.getElementById('image_id').value`, &leadID)
		if leadID != fmt.Sprint(photo.ID) {
			t.Errorf("%s: image_id is %q after choosing image %d", vp.Name, leadID, photo.ID)
		}
		tab.imageLoaded(t, "#lead-preview img", "the lead image's thumbnail")

		// The byline completes from the directory.
		var options []string
		tab.Eval(t, `document.getElementById('authors').value = ''`, nil)
		tab.Run(t,
			chromedp.ScrollIntoView(chromedp.CSS("#authors")),
			chromedp.SendKeys(chromedp.CSS("#authors"), "كريم الكاتب، نادي"),
			chromedp.Poll[chromedp.Void](`document.querySelectorAll('#authors-suggestions option').length > 0`,
				chromedp.WithPollingTimeout(10*time.Second)),
		)
		tab.Eval(t, `[...document.querySelectorAll('#authors-suggestions option')].map(o => o.value)`, &options)
		if len(options) == 0 || options[0] != "كريم الكاتب، نادية الكاتبة" {
			t.Errorf("%s: byline suggestions %q", vp.Name, options)
		}
		tab.screenshot(t, "newsroom-editor-panels")
		tab.noErrors(t, "editor panels")

		if vp == browsertest.Desktop {
			tab.Eval(t, `document.getElementById('authors').value = 'كريم الكاتب'`, nil)
			tab.clickLoad(t, "#article-form .actions button[type=submit]")
			tab.expectText(t, ".flash", "حُفظ المقال")
			got, _ := e.store.EditorialArticle(ctx, a.ID)
			if got.SEO.Title != seoTitle || got.SEO.SocialTitle != "عاجل: خطة للصحافة" {
				t.Errorf("saved SEO fields %+v", got.SEO)
			}
			if got.Image == nil || got.Image.MediaID != photo.ID {
				t.Errorf("saved lead image %+v, want library image %d", got.Image, photo.ID)
			}
			// After the save the server renders the same previews.
			tab.Run(t, chromedp.Click(chromedp.CSS(".seo-panel summary")))
			tab.expectText(t, ".search-preview .sp-title", seoTitle)

			// The list's "select all".
			tab.open(t, "/newsroom/articles/")
			var checked, boxes int
			tab.Run(t, chromedp.Click(chromedp.CSS(".bulk-all")))
			tab.Eval(t, `document.querySelectorAll('input[name=ids]:checked').length`, &checked)
			tab.Eval(t, `document.querySelectorAll('input[name=ids]').length`, &boxes)
			if boxes == 0 || checked != boxes {
				t.Errorf("select all checked %d of %d rows", checked, boxes)
			}
			tab.screenshot(t, "newsroom-bulk-actions")
			tab.noErrors(t, "article list")
		}
	}
}
