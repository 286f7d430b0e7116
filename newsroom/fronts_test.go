package newsroom_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sahafa/editorial"
	"sahafa/news"
	"sahafa/store/teststores"
)

// leadStory is the headline of a page's lead story, "" for none.
func leadStory(body string) string {
	_, rest, ok := strings.Cut(body, `<article class="lead-story">`)
	if !ok {
		return ""
	}
	lead, _, _ := strings.Cut(rest, "</article>")
	_, title, _ := strings.Cut(lead, `class="lead-story-title">`)
	title, _, _ = strings.Cut(title, "</h2>")
	return title
}

// TestFronts: an editor pins an older article on the home page and on its
// section's page; readers see it as the lead story at once, then in the
// places the editor ordered; a pin of an article taken down gives its
// place to the next; writers may not curate; a bad reference or a past
// end time is refused with a message on the field.
func TestFronts(t *testing.T) { teststores.Each(t, testFronts) }

func testFronts(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	older := e.articleIn("writer", news.StatusPublished, "قمة عربية طارئة في القاهرة لبحث الأزمة")
	second := e.articleIn("writer", news.StatusPublished, "ارتفاع أسعار الذهب في الأسواق المحلية")
	newest := e.articleIn("writer", news.StatusPublished, "افتتاح معرض الكتاب بمشاركة ثلاثين دولة")
	editor, writer, anon := e.as("editor"), e.as("writer"), e.anonymous()
	if lead := leadStory(anon.get("/").body); !strings.Contains(lead, newest.Title) {
		t.Fatalf("uncurated, the lead story is %q, want the newest", lead)
	}
	if r := writer.post("/newsroom/fronts/pin", url.Values{"front": {""}, "article": {strconv.FormatInt(older.ID, 10)}}); r.status != http.StatusForbidden {
		t.Errorf("a writer pins: %d, want 403", r.status)
	}
	if r := writer.get("/newsroom/fronts/"); r.status != http.StatusForbidden {
		t.Errorf("a writer opens the fronts: %d, want 403", r.status)
	}
	for ref, why := range map[string]string{"https://example.org/world/2024/01/01/x": "لم نجد", "999999": "لم نجد", "": "الصق رابط"} {
		r := editor.post("/newsroom/fronts/pin", url.Values{"front": {""}, "article": {ref}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(strings.Join(r.errors(), " "), why) {
			t.Errorf("pin %q: %d %q", ref, r.status, r.errors())
		}
	}
	past := time.Now().Add(-time.Hour).UTC().Format(editorial.FormTime)
	if r := editor.post("/newsroom/fronts/pin", url.Values{"front": {""}, "article": {strconv.FormatInt(older.ID, 10)}, "until": {past}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("pin until an hour ago: %d, want 422", r.status)
	}

	// Pinned by its public address (as pasted from the site), percent-encoded.
	mustSee(t, editor.post("/newsroom/fronts/pin", url.Values{"front": {""}, "article": {"http://localhost" + older.Path()}, "position": {"first"}}))
	home := anon.get("/").body
	if lead := leadStory(home); !strings.Contains(lead, older.Title) {
		t.Errorf("after the pin the lead story is %q, want %q", lead, older.Title)
	}
	if latest, _, _ := strings.Cut(home, "section-group"); strings.Count(latest, older.Title) != 1 {
		t.Errorf("the pinned article is shown %d times above the section blocks, want once", strings.Count(latest, older.Title))
	}
	mustSee(t, editor.post("/newsroom/fronts/pin", url.Values{"front": {""}, "article": {strconv.FormatInt(second.ID, 10)}, "position": {"first"}}))
	if lead := leadStory(anon.get("/").body); !strings.Contains(lead, second.Title) {
		t.Errorf("pinned first, %q should lead; the lead is %q", second.Title, lead)
	}
	mustSee(t, editor.post("/newsroom/fronts/move", url.Values{"front": {""}, "id": {strconv.FormatInt(older.ID, 10)}, "dir": {"up"}}))
	if lead := leadStory(anon.get("/").body); !strings.Contains(lead, older.Title) {
		t.Errorf("moved up, %q should lead; the lead is %q", older.Title, lead)
	}
	page := editor.get("/newsroom/fronts/")
	if !strings.Contains(page.body, older.Title) || !strings.Contains(page.body, second.Title) {
		t.Errorf("the fronts page does not list the pins")
	}

	// The section's front.
	mustSee(t, editor.post("/newsroom/fronts/pin", url.Values{"front": {"world"}, "article": {strconv.FormatInt(second.ID, 10)}}))
	if lead := leadStory(anon.get("/world/").body); !strings.Contains(lead, second.Title) {
		t.Errorf("the section's lead story is %q, want the pinned %q", lead, second.Title)
	}
	if r := editor.post("/newsroom/fronts/pin", url.Values{"front": {"no-such-section"}, "article": {"1"}}); r.status != http.StatusNotFound {
		t.Errorf("pin on a section that does not exist: %d, want 404", r.status)
	}

	// Taken down: its place goes to the next pin; the newsroom says why.
	if _, err := e.ed.Transition(context.Background(), e.users["editor"], older.ID, older.Version, editorial.ActUnpublish, ""); err != nil {
		t.Fatal(err)
	}
	home = anon.get("/").body
	if lead := leadStory(home); !strings.Contains(lead, second.Title) {
		t.Errorf("the pinned lead was unpublished; the lead is %q, want %q", lead, second.Title)
	}
	if strings.Contains(home, older.Title) {
		t.Error("an unpublished pinned article is still on the home page")
	}
	if page := editor.get("/newsroom/fronts/"); !strings.Contains(page.body, "لم يعد منشورًا") {
		t.Error("the fronts page does not say the pinned article is no longer published")
	}
	mustSee(t, editor.post("/newsroom/fronts/unpin", url.Values{"front": {""}, "id": {strconv.FormatInt(second.ID, 10)}}))
	mustSee(t, editor.post("/newsroom/fronts/unpin", url.Values{"front": {""}, "id": {strconv.FormatInt(older.ID, 10)}}))
	if lead := leadStory(anon.get("/").body); !strings.Contains(lead, newest.Title) {
		t.Errorf("unpinned, the lead is %q, want the newest again", lead)
	}
}

// TestPinsEnd: a pin with an end time stops at it, and the scheduler takes
// it off the stored front (so that cached pages drop it).
func TestPinsEnd(t *testing.T) { teststores.Each(t, testPinsEnd) }

func testPinsEnd(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	a := e.articleIn("writer", news.StatusPublished, "الانتخابات البلدية: النتائج الأولية")
	now := time.Now().UTC().Truncate(time.Minute) // the form's precision
	ed := newEnvClock(e, now)
	ctx := context.Background()
	until := now.Add(30 * time.Minute).Format(editorial.FormTime)
	if _, err := ed.PinArticle(ctx, e.users["editor"], news.HomeFront, strconv.FormatInt(a.ID, 10), 0, until); err != nil {
		t.Fatal(err)
	}
	pins, err := ed.Front(ctx, e.users["editor"], news.HomeFront)
	if err != nil || len(pins) != 1 || !pins[0].Until.Equal(now.Add(30*time.Minute)) {
		t.Fatalf("Front = %+v, %v", pins, err)
	}
	later := newEnvClock(e, now.Add(31*time.Minute))
	if pins, _ := later.Front(ctx, e.users["editor"], news.HomeFront); len(pins) != 0 {
		t.Errorf("31 minutes later the front still has %+v", pins)
	}
	bg, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { later.RunScheduler(bg); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, _ := e.store.Settings(ctx)
		if st[news.FrontSetting(news.HomeFront)] == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scheduler did not take the ended pin down")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	<-done
}
