package newsroom_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/teststores"
)

func TestWireDesk(t *testing.T) { teststores.Each(t, testWireDesk) }

// testWireDesk: an admin adds an agency behind a token (stored sealed,
// never shown), polls it, and the desk finds the Arabic story by a
// spelling without hamza or taa marbuta; a writer makes a draft that
// credits the agency and carries its dateline; the agency's embargo stops
// the editor publishing; the agency's correction is flagged on the draft;
// writers cannot manage sources.
func testWireDesk(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	ctx := context.Background()
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join("..", "ingest", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	embargo := time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	var mu sync.Mutex
	served := strings.Replace(read("ar-newsml.xml"), "2026-12-04T12:00:00Z", embargo, 1)
	const token = "رمز-سري-للوكالة-7781"
	agency := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		w.Write([]byte(served))
	}))
	defer agency.Close()

	admin, writer, editor := e.as("admin"), e.as("writer"), e.as("editor")
	if r := writer.get("/newsroom/wire/sources/"); r.status != http.StatusForbidden {
		t.Errorf("a writer on the sources page: %d", r.status)
	}
	form := url.Values{"name": {"وكالة المثال"}, "kind": {"http"}, "address": {"ftp://nowhere"}, "format": {"newsml"},
		"minutes": {"0.1"}, "priority": {"5"}, "auth": {"bearer"}, "secret": {token}, "enabled": {"1"},
		"section": {itoa(e.world.ID)}}
	r := admin.post("/newsroom/wire/sources/", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "https://") || !strings.Contains(r.body, "نصف دقيقة") {
		t.Fatalf("a bad source form: %d %v", r.status, r.errors())
	}
	form.Set("address", agency.URL+"/ar")
	form.Set("minutes", "5")
	if r := writer.post("/newsroom/wire/sources/", form); r.status != http.StatusForbidden {
		t.Errorf("a writer adding a source: %d", r.status)
	}
	r = admin.post("/newsroom/wire/sources/", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("add a source: %d %v", r.status, r.errors())
	}
	sources, _ := e.store.WireSources(ctx)
	if len(sources) != 1 || strings.Contains(string(sources[0].Secret), "سري") || len(sources[0].Secret) == 0 {
		t.Fatalf("the stored source: %+v", sources)
	}
	src := sources[0]
	if page := admin.get("/newsroom/wire/sources/" + itoa(src.ID)); page.status != 200 || strings.Contains(page.body, token) || !strings.Contains(page.body, "محفوظة مشفّرة") {
		t.Errorf("the source page shows the secret or not that one is kept: %d", page.status)
	}
	if r := admin.post("/newsroom/wire/sources/"+itoa(src.ID)+"/poll", nil); r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), url.QueryEscape("1 جديد")) {
		t.Fatalf("poll now: %d %s", r.status, r.header.Get("Location"))
	}

	// The queue, found by a careless spelling.
	q := writer.get("/newsroom/wire/?q=" + url.QueryEscape("الاسكندريه"))
	if q.status != 200 || !strings.Contains(q.body, "إضراب عمال ميناء الإسكندرية") || !strings.Contains(q.body, "محظور النشر") {
		t.Fatalf("queue search: %d\n%s", q.status, q.body)
	}
	if q := writer.get("/newsroom/wire/?q=" + url.QueryEscape("مطار")); strings.Contains(q.body, "إضراب عمال") {
		t.Error("a search for another word lists the story")
	}
	if q := writer.get("/newsroom/wire/?urgent=1"); !strings.Contains(q.body, "wire-urgent") {
		t.Error("the urgent filter leaves out an urgency 2 story")
	}
	items, _, _ := e.store.WireItems(ctx, news.WireFilter{Limit: 5})
	item := items[0]
	page := writer.get("/newsroom/wire/items/" + itoa(item.ID))
	if page.status != 200 || !strings.Contains(page.body, "حركة السفن") || !strings.Contains(page.body, "استخدم كمسودة") {
		t.Fatalf("the item page: %d", page.status)
	}

	// A draft from it.
	r = writer.post("/newsroom/wire/items/"+itoa(item.ID)+"/draft", nil)
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "done=created") {
		t.Fatalf("make a draft: %d %s %s", r.status, r.header.Get("Location"), r.body)
	}
	id := r.createdID(t)
	a, err := e.store.EditorialArticle(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != item.Headline || a.Dateline != "الإسكندرية" || a.Section.ID != e.world.ID || a.Status != news.StatusDraft ||
		!strings.Contains(a.Body, "المصدر: وكالة المثال") || !strings.Contains(a.Body, "حركة السفن") || a.CreatedBy != writer.user.ID {
		t.Errorf("the draft: title %q dateline %q section %d status %s body %s", a.Title, a.Dateline, a.Section.ID, a.Status, a.Body)
	}
	if r := writer.post("/newsroom/wire/items/"+itoa(item.ID)+"/draft", nil); !strings.Contains(r.header.Get("Location"), "/newsroom/articles/"+itoa(id)+"?done=opened") {
		t.Errorf("a second draft of the story: %s", r.header.Get("Location"))
	}

	// The embargo holds the publish button.
	r = editor.post("/newsroom/articles/"+itoa(id)+"/workflow", url.Values{"action": {"publish"}, "version": {itoa(int64(a.Version))}})
	if r.status == http.StatusSeeOther || !strings.Contains(r.body, "محظور النشر") {
		t.Errorf("publishing before the embargo: %d", r.status)
	}
	if a, _ := e.store.EditorialArticle(ctx, id); a.Status != news.StatusDraft {
		t.Errorf("the embargoed draft became %s", a.Status)
	}

	// The agency's correction is flagged on the draft.
	mu.Lock()
	served = read("ar-newsml-correction.xml")
	mu.Unlock()
	if _, err := e.desk.PollNow(ctx, src.ID); err != nil {
		t.Fatal(err)
	}
	ed := writer.get("/newsroom/articles/" + itoa(id))
	if !strings.Contains(ed.body, "وصلت بعد ذلك النسخة 2") || !strings.Contains(ed.body, "(تصحيح)") {
		t.Errorf("the editor does not flag the correction:\n%s", ed.body)
	}
	// The story's page lists its two versions.
	if page := writer.get("/newsroom/wire/items/" + itoa(item.ID)); !strings.Contains(page.body, "النسخة 2") || !strings.Contains(page.body, "منها المسودة") {
		t.Error("the versions are not listed")
	}
	if r := e.anonymous().get("/newsroom/wire/"); r.status != http.StatusSeeOther {
		t.Errorf("the queue without a session: %d", r.status)
	}
}
