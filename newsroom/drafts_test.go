package newsroom_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sahafa/news"
	"sahafa/store/teststores"
)

func TestAutosaveAndPresence(t *testing.T) { teststores.Each(t, testAutosaveAndPresence) }

// testAutosaveAndPresence: autosave keeps the form for its writer only,
// changes nothing of the article, is refused to those who may not edit
// it, is offered on the editor page and restored or discarded there; who
// else has the article open shows, and the editing can be taken over.
func testAutosaveAndPresence(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	ctx := context.Background()
	w := e.as("writer")
	a := e.articleIn("writer", news.StatusDraft, "أزمة المياه في حوض النيل")
	form := articleForm(a.Title, "<p>فقرة كُتبت ولم تُحفظ بعد</p>")
	form.Set("body_format", "html")
	form.Set("version", fmt.Sprint(a.Version))
	res := w.post(fmt.Sprintf("/newsroom/articles/%d/autosave", a.ID), form)
	var st struct {
		SavedAt  string `json:"saved_at"`
		Conflict bool
	}
	if res.status != http.StatusOK || json.Unmarshal([]byte(res.body), &st) != nil || st.SavedAt == "" || st.Conflict {
		t.Fatalf("autosave: %d %s", res.status, res.body)
	}
	if cur, _ := e.store.EditorialArticle(ctx, a.ID); cur.Version != a.Version || strings.Contains(cur.Body, "لم تُحفظ") {
		t.Fatalf("the autosave changed the article: version %d", cur.Version)
	}
	// Someone who may not edit the draft may not autosave it either.
	if res := e.as("contributor").post(fmt.Sprintf("/newsroom/articles/%d/autosave", a.ID), form); res.status != http.StatusForbidden {
		t.Errorf("a contributor autosaving another's draft: %d", res.status)
	}
	// The editor page offers it; ?restore=autosave fills the form with it.
	page := w.get(fmt.Sprintf("/newsroom/articles/%d", a.ID))
	if !strings.Contains(page.body, "autosave-offer") || !strings.Contains(page.body, st.SavedAt) {
		t.Errorf("no offer of the autosave on the editor page")
	}
	if page := e.as("editor").get(fmt.Sprintf("/newsroom/articles/%d", a.ID)); strings.Contains(page.body, "autosave-offer") {
		t.Error("another user is offered the writer's autosave")
	}
	page = w.get(fmt.Sprintf("/newsroom/articles/%d?restore=autosave", a.ID))
	if !strings.Contains(page.body, "فقرة كُتبت ولم تُحفظ بعد") || !strings.Contains(page.body, "استُعيدت") {
		t.Errorf("restoring the autosave: %s", fieldHTML(page.body, "body-html"))
	}
	// Discarding it.
	if res := w.post(fmt.Sprintf("/newsroom/articles/%d/autosave/discard", a.ID), nil); res.status != http.StatusSeeOther {
		t.Fatalf("discard: %d", res.status)
	}
	if strings.Contains(w.get(fmt.Sprintf("/newsroom/articles/%d", a.ID)).body, "autosave-offer") {
		t.Error("the discarded autosave is still offered")
	}
	// A new article's autosave comes back on the new-article page.
	nf := articleForm("مقال لم يُنشأ بعد", "<p>بداية مقال جديد</p>")
	nf.Set("body_format", "html")
	if res := w.post("/newsroom/articles/new/autosave", nf); res.status != http.StatusOK {
		t.Fatalf("new-article autosave: %d %s", res.status, res.body)
	}
	if page := w.get("/newsroom/articles/new?restore=autosave"); !strings.Contains(page.body, "بداية مقال جديد") {
		t.Error("the new article's autosave did not come back")
	}
	// Taking over needs the right to edit.
	other := e.articleIn("writer2", news.StatusDraft, "مسودة كاتبة أخرى")
	if res := e.as("contributor").post(fmt.Sprintf("/newsroom/articles/%d/takeover", other.ID), nil); res.status != http.StatusForbidden {
		t.Errorf("a contributor taking over another's draft: %d", res.status)
	}
	// Presence and taking over, as forms.
	ed := e.as("editor")
	if res := ed.post(fmt.Sprintf("/newsroom/articles/%d/presence", a.ID), url.Values{}); res.status != http.StatusOK {
		t.Fatalf("presence: %d %s", res.status, res.body)
	}
	page = w.get(fmt.Sprintf("/newsroom/articles/%d", a.ID))
	if !strings.Contains(page.body, e.users["editor"].Name+"</strong> تحرر هذا المقال منذ") || !strings.Contains(page.body, "/takeover") {
		t.Errorf("the writer does not see the editor on the article:\n%s", fieldHTML(page.body, "presence"))
	}
	if res := w.post(fmt.Sprintf("/newsroom/articles/%d/takeover", a.ID), nil); res.status != http.StatusSeeOther {
		t.Fatalf("take over: %d", res.status)
	}
	res = ed.post(fmt.Sprintf("/newsroom/articles/%d/presence", a.ID), url.Values{})
	if !strings.Contains(res.body, `"taken_by":"`+e.users["writer"].Name+`"`) {
		t.Errorf("the editor is not told the writer took over: %s", res.body)
	}
}
