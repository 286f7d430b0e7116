package newsroom_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sahafa/browsertest"
	"sahafa/editorial"
	"sahafa/news"
	"sahafa/store/teststores"
)

// TestBrowserAutosave: the writer types in the rich-text editor, the
// editor autosaves, and the tab crashes mid-typing; a new tab offers the
// autosaved work and restores it, and saving stores it. Then an editor
// saves the article meanwhile (the writer is warned at the next
// autosave), has it open (the writer's page says so) and takes over (the
// writer's editor stops and turns read-only).
func TestBrowserAutosave(t *testing.T) {
	b := browsertest.New(t)
	e := newEnv(t, teststores.SQLite)
	ctx := context.Background()
	a := e.articleIn("writer", news.StatusDraft, "مشروع قانون الإعلام الجديد")
	path := fmt.Sprintf("/newsroom/articles/%d", a.ID)
	const typed = "وأضاف الوزير أن القانون يضمن حق الصحفيين في الوصول إلى المعلومات."

	tab := &newsroomTab{Tab: b.Tab(t, browsertest.Desktop), base: e.srv.URL}
	tab.Timeout = 20 * time.Second
	tab.signIn(t, "writer@example.com")
	tab.open(t, path)
	tab.Run(t,
		chromedp.WaitVisible(chromedp.CSS(".ed-content")),
		chromedp.Click(chromedp.CSS(".ed-content p:last-of-type")),
		chromedp.KeyEvent("\ue010"), // End
		chromedp.SendKeys(chromedp.CSS(".ed-content"), "\r"+typed),
		chromedp.Poll[chromedp.Void](`document.getElementById('ed-state').textContent.includes('حُفظ تلقائيًا')`,
			chromedp.WithPollingTimeout(15*time.Second)),
	)
	state := tab.text(t, "#ed-state")
	tab.noErrors(t, "editor while typing")
	// More typing, then the tab dies before the next autosave.
	tab.Run(t, chromedp.SendKeys(chromedp.CSS(".ed-content"), " ولم يُحفظ هذا"))
	tab.Crash(t)
	t.Logf("before the crash: %q", state)

	as, err := e.store.Autosave(ctx, e.users["writer"].ID, a.ID)
	if err != nil || !strings.Contains(string(as.Data), typed) {
		t.Fatalf("the server's autosave: %v %.300s", err, as.Data)
	}
	stored, _ := e.store.EditorialArticle(ctx, a.ID)
	if strings.Contains(stored.Body, typed) || stored.Version != a.Version {
		t.Fatalf("the autosave changed the article itself (version %d)", stored.Version)
	}

	// A new tab: the page offers the autosaved work.
	tab2 := &newsroomTab{Tab: b.Tab(t, browsertest.Desktop), base: e.srv.URL}
	tab2.Timeout = 20 * time.Second
	tab2.open(t, path)
	tab2.expectText(t, ".autosave-offer", "حُفظت تلقائيًا")
	tab2.clickLoad(t, `.autosave-offer a[href="?restore=autosave"]`)
	tab2.Run(t, chromedp.WaitVisible(chromedp.CSS(".ed-content")))
	if got := tab2.text(t, ".ed-content"); !strings.Contains(got, typed) {
		t.Fatalf("after restoring, the editor holds %q", browserTail(got, 120))
	}
	tab2.clickLoad(t, "#article-form .actions button[type=submit]")
	tab2.expectText(t, ".flash", "حُفظ المقال")
	stored, _ = e.store.EditorialArticle(ctx, a.ID)
	if !strings.Contains(stored.Body, typed) {
		t.Fatalf("the restored work was not saved: %s", stored.Body)
	}
	if _, err := e.store.Autosave(ctx, e.users["writer"].ID, a.ID); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("the autosave outlived the save: %v", err)
	}
	tab2.noErrors(t, "editor after restoring")

	// An editor saves the article meanwhile: the writer's next autosave
	// warns, and the writer's work is kept.
	editor := e.users["editor"]
	in := e.ed.InputFrom(stored)
	in.Title += " (نسخة المحرر)"
	if _, err := e.ed.Save(ctx, editor, in); err != nil {
		t.Fatal(err)
	}
	tab2.Run(t,
		chromedp.SendKeys(chromedp.CSS(".ed-content"), " وتابع الوزير حديثه."),
		chromedp.Poll[chromedp.Void](`document.getElementById('ed-state').textContent.includes('نسخة أحدث')`,
			chromedp.WithPollingTimeout(15*time.Second)),
	)

	// The editor has it open: the writer's page says so, with a button.
	if _, _, err := e.ed.Presence(ctx, editor, a.ID); err != nil {
		t.Fatal(err)
	}
	tab2.open(t, path)
	tab2.expectText(t, ".alert.presence", editor.Name+" تحرر هذا المقال منذ")
	// ... and takes over: at the writer's next autosave the editor stops.
	if err := e.ed.TakeOver(ctx, editor, a.ID); err != nil {
		t.Fatal(err)
	}
	var editable bool
	tab2.Run(t,
		chromedp.WaitVisible(chromedp.CSS(".ed-content")),
		chromedp.Click(chromedp.CSS(".ed-content p:last-of-type")),
		chromedp.SendKeys(chromedp.CSS(".ed-content"), " تعديل أخير"),
		chromedp.Poll[chromedp.Void](`document.getElementById('ed-state').textContent.includes('تولّت')`,
			chromedp.WithPollingTimeout(15*time.Second)),
	)
	tab2.Eval(t, `window.sahafaEditor.isEditable`, &editable)
	if editable {
		t.Error("the writer's editor is still editable after the editor took over")
	}
	tab2.screenshot(t, "newsroom-autosave")
	tab2.noErrors(t, "editor after the takeover")
	_ = editorial.PresenceWindow
}
