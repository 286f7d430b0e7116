package newsroom_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"sahafa/news"
	"sahafa/store/teststores"
)

// The authorization matrix: every role tries every action. The expected
// roles are written out here by hand, from the definition of the
// roles, not derived from the code under test. A forbidden action must
// answer 403 and change nothing in the store; an allowed one must succeed.

// authzCase is one action. setup prepares what it acts on (for the acting
// user, whose key is actor) and returns the request.
type authzCase struct {
	name    string
	allowed string // the roles that may, space-separated
	setup   func(e *env, actor string) (method, path string, form url.Values)
}

const (
	everyone    = "contributor writer editor admin"
	writersUp   = "writer editor admin"
	editorsUp   = "editor admin"
	adminsOnly  = "admin"
	otherWriter = "writer2"
)

func editForm(e *env, a news.Article) url.Values {
	f := articleForm(a.Title+" (معدل)", sampleBody+"\n\nفقرة أضيفت في التعديل.")
	f.Set("version", fmt.Sprint(a.Version))
	return f
}

var authzCases = []authzCase{
	{"create an article", everyone, func(e *env, actor string) (string, string, url.Values) {
		return "POST", "/newsroom/articles/new", articleForm("مقال جديد من "+actor, sampleBody)
	}},
	{"edit own draft", everyone, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(actor, news.StatusDraft, "مسودتي "+actor)
		return "POST", fmt.Sprintf("/newsroom/articles/%d", a.ID), editForm(e, a)
	}},
	{"save own draft from the rich-text editor", everyone, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(actor, news.StatusDraft, "مسودة منسقة "+actor)
		f := editForm(e, a)
		f.Set("body", "<p>نص من المحرر المنسق <strong>"+actor+"</strong></p>")
		f.Set("body_format", "html")
		return "POST", fmt.Sprintf("/newsroom/articles/%d", a.ID), f
	}},
	{"save another's draft from the rich-text editor", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusDraft, "مسودة منسقة لغيري "+actor)
		f := editForm(e, a)
		f.Set("body", "<p>تعديل منسق</p>")
		f.Set("body_format", "html")
		return "POST", fmt.Sprintf("/newsroom/articles/%d", a.ID), f
	}},
	{"autosave own draft", everyone, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(actor, news.StatusDraft, "مسودة تُحفظ تلقائيًا "+actor)
		return "AUTOSAVE", fmt.Sprintf("/newsroom/articles/%d/autosave", a.ID), editForm(e, a)
	}},
	{"autosave another's draft", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusDraft, "مسودة غيري تُحفظ تلقائيًا "+actor)
		return "AUTOSAVE", fmt.Sprintf("/newsroom/articles/%d/autosave", a.ID), editForm(e, a)
	}},
	{"edit own article in review", everyone, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(actor, news.StatusReview, "قيد المراجعة "+actor)
		return "POST", fmt.Sprintf("/newsroom/articles/%d", a.ID), editForm(e, a)
	}},
	{"edit own published article", writersUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(actor, news.StatusPublished, "منشور لي "+actor)
		return "POST", fmt.Sprintf("/newsroom/articles/%d", a.ID), editForm(e, a)
	}},
	{"edit another's draft", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusDraft, "مسودة غيري "+actor)
		return "POST", fmt.Sprintf("/newsroom/articles/%d", a.ID), editForm(e, a)
	}},
	{"edit another's published article", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusPublished, "منشور لغيري "+actor)
		return "POST", fmt.Sprintf("/newsroom/articles/%d", a.ID), editForm(e, a)
	}},
	{"open another's draft", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusDraft, "مسودة للاطلاع "+actor)
		return "GET", fmt.Sprintf("/newsroom/articles/%d", a.ID), nil
	}},
	{"preview another's draft", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusDraft, "مسودة للمعاينة "+actor)
		return "GET", fmt.Sprintf("/newsroom/articles/%d/preview", a.ID), nil
	}},
	{"history of another's draft", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusDraft, "سجل مسودة "+actor)
		return "GET", fmt.Sprintf("/newsroom/articles/%d/history", a.ID), nil
	}},
	{"open another's published article", everyone, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusPublished, "منشور للاطلاع "+actor)
		return "GET", fmt.Sprintf("/newsroom/articles/%d", a.ID), nil
	}},
	{"submit own draft", everyone, func(e *env, actor string) (string, string, url.Values) {
		return workflowReq(e, e.articleIn(actor, news.StatusDraft, "للإرسال "+actor), "submit", "")
	}},
	{"submit another's draft", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return workflowReq(e, e.articleIn(otherWriter, news.StatusDraft, "إرسال لغيري "+actor), "submit", "")
	}},
	{"approve another's article", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return workflowReq(e, e.articleIn(otherWriter, news.StatusReview, "للموافقة "+actor), "approve", "")
	}},
	{"approve own article", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return workflowReq(e, e.articleIn(actor, news.StatusReview, "موافقة ذاتية "+actor), "approve", "")
	}},
	{"reject another's article", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return workflowReq(e, e.articleIn(otherWriter, news.StatusReview, "للرفض "+actor), "reject", "أضف مصدرًا ثانيًا للخبر")
	}},
	{"publish own draft", writersUp, func(e *env, actor string) (string, string, url.Values) {
		return workflowReq(e, e.articleIn(actor, news.StatusDraft, "نشر ذاتي "+actor), "publish", "")
	}},
	{"publish another's draft", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return workflowReq(e, e.articleIn(otherWriter, news.StatusDraft, "نشر لغيري "+actor), "publish", "")
	}},
	{"unpublish own article", writersUp, func(e *env, actor string) (string, string, url.Values) {
		return workflowReq(e, e.articleIn(actor, news.StatusPublished, "إلغاء نشر ذاتي "+actor), "unpublish", "")
	}},
	{"unpublish another's article", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return workflowReq(e, e.articleIn(otherWriter, news.StatusPublished, "إلغاء نشر لغيري "+actor), "unpublish", "")
	}},
	{"correct own article", writersUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(actor, news.StatusPublished, "تصحيح ذاتي "+actor)
		return "POST", fmt.Sprintf("/newsroom/articles/%d/corrections", a.ID), url.Values{"correction": {"صُحّح اسم المدينة."}}
	}},
	{"correct another's article", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusPublished, "تصحيح لغيري "+actor)
		return "POST", fmt.Sprintf("/newsroom/articles/%d/corrections", a.ID), url.Values{"correction": {"صُحّح الرقم."}}
	}},
	{"restore a revision of another's draft", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusDraft, "استعادة "+actor)
		in := e.ed.InputFrom(a)
		in.Title += " بعد التعديل"
		a, err := e.ed.Save(context.Background(), e.users[otherWriter], in)
		if err != nil {
			e.t.Fatal(err)
		}
		return "POST", fmt.Sprintf("/newsroom/articles/%d/restore", a.ID), url.Values{"revision": {"1"}, "version": {fmt.Sprint(a.Version)}}
	}},
	{"create a section", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return "POST", "/newsroom/sections/", url.Values{"name": {"منوعات " + actor}}
	}},
	{"rename a section", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return "POST", "/newsroom/sections/", url.Values{"id": {fmt.Sprint(e.world.ID)}, "slug": {"world"}, "name": {"العالم " + actor}}
	}},
	{"open the sections page", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return "GET", "/newsroom/sections/", nil
	}},
	{"create a tag", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return "POST", "/newsroom/tags/", url.Values{"name": {"وسم " + actor}}
	}},
	{"add a user", adminsOnly, func(e *env, actor string) (string, string, url.Values) {
		return "POST", "/newsroom/users/", url.Values{"email": {"new-" + actor + "@example.com"}, "name": {"مستخدم جديد"},
			"role": {"admin"}, "password": {testPassword}}
	}},
	{"make a writer an admin", adminsOnly, func(e *env, actor string) (string, string, url.Values) {
		u := e.users[otherWriter]
		return "POST", fmt.Sprintf("/newsroom/users/%d", u.ID), url.Values{"email": {u.Email}, "name": {u.Name}, "role": {"admin"}}
	}},
	{"disable a user", adminsOnly, func(e *env, actor string) (string, string, url.Values) {
		return "POST", fmt.Sprintf("/newsroom/users/%d", e.users[otherWriter].ID), url.Values{"op": {"disable"}}
	}},
	{"open the users page", adminsOnly, func(e *env, actor string) (string, string, url.Values) {
		return "GET", "/newsroom/users/", nil
	}},
	{"change site settings", adminsOnly, func(e *env, actor string) (string, string, url.Values) {
		return "POST", "/newsroom/settings", url.Values{"site_name": {"صحيفة " + actor}, "digits": {"arabic"},
			"hijri": {"false"}, "feed_content": {"summary"}}
	}},
	{"open site settings", adminsOnly, func(e *env, actor string) (string, string, url.Values) {
		return "GET", "/newsroom/settings", nil
	}},
	{"upload an image", everyone, func(e *env, actor string) (string, string, url.Values) {
		return "UPLOAD", "/newsroom/media/", url.Values{"alt": {"صورة من " + actor}}
	}},
	{"edit another's image", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		m := e.upload(otherWriter)
		return "POST", fmt.Sprintf("/newsroom/media/%d", m.ID), url.Values{"alt": {"وصف جديد من " + actor}}
	}},
	{"edit own image", everyone, func(e *env, actor string) (string, string, url.Values) {
		m := e.upload(actor)
		return "POST", fmt.Sprintf("/newsroom/media/%d", m.ID), url.Values{"alt": {"وصفي الجديد " + actor}}
	}},
}

func workflowReq(e *env, a news.Article, action, note string) (string, string, url.Values) {
	return "POST", fmt.Sprintf("/newsroom/articles/%d/workflow", a.ID),
		url.Values{"action": {action}, "version": {fmt.Sprint(a.Version)}, "note": {note}}
}

// upload stores an image as the user key, through the service.
func (e *env) upload(key string) news.Media {
	m, err := e.ed.Upload(context.Background(), e.users[key], strings.NewReader(string(jpegBytes(e.t, 64, 48))), "صورة اختبار", "", "")
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// snapshot is everything a newsroom action could change, as text.
func (e *env) snapshot() string {
	ctx := context.Background()
	var b strings.Builder
	// Every article in every status; a correction moves updated_at.
	list, err := e.store.ScanArticles(ctx, 0, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, a := range list {
		revs, _ := e.store.Revisions(ctx, a.ID)
		evs, _ := e.store.Events(ctx, a.ID)
		fmt.Fprintf(&b, "article %d v%d %s %q %q %s %s %d revisions %d events\n", a.ID, a.Version,
			a.Status, a.Title, a.Body, a.PublishedAt, a.UpdatedAt, len(revs), len(evs))
	}
	secs, _ := e.store.Sections(ctx)
	for _, s := range secs {
		fmt.Fprintf(&b, "section %d %s %s\n", s.ID, s.Slug, s.Name)
	}
	tags, _ := e.store.Tags(ctx)
	for _, t := range tags {
		fmt.Fprintf(&b, "tag %s %s\n", t.Slug, t.Name)
	}
	users, _ := e.store.Users(ctx)
	for _, u := range users {
		fmt.Fprintf(&b, "user %s %s %s %v %s\n", u.Email, u.Name, u.Role, u.Disabled, u.PasswordHash)
	}
	settings, _ := e.store.Settings(ctx)
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "setting %s=%s\n", k, settings[k])
	}
	media, _ := e.store.MediaList(ctx, news.MediaFilter{Limit: 100})
	for _, m := range media.Media {
		fmt.Fprintf(&b, "media %d %s %s\n", m.ID, m.Alt, m.Caption)
	}
	for _, u := range users {
		ids := []int64{0}
		for _, a := range list {
			ids = append(ids, a.ID)
		}
		for _, id := range ids {
			if as, err := e.store.Autosave(ctx, u.ID, id); err == nil {
				fmt.Fprintf(&b, "autosave %d %d %s %s\n", u.ID, id, as.SavedAt, as.Data)
			}
		}
	}
	return b.String()
}

func TestAuthorizationMatrix(t *testing.T) { teststores.Each(t, testAuthorizationMatrix) }

func testAuthorizationMatrix(t *testing.T, open teststores.OpenFunc) {
	photo := jpegBytes(t, 640, 480)
	for _, role := range strings.Fields(everyone) {
		// A fresh site per role keeps the snapshots small.
		e := newEnv(t, open)
		clients := map[string]*client{role: e.as(role)}
		for _, tc := range authzCases {
			t.Run(role+"/"+tc.name, func(t *testing.T) {
				method, path, form := tc.setup(e, role)
				before := e.snapshot()
				c := clients[role]
				var r response
				switch method {
				case "GET":
					r = c.get(path)
				case "UPLOAD":
					fields := map[string]string{}
					for k := range form {
						fields[k] = form.Get(k)
					}
					r = c.upload(path, fields, photo)
				default:
					r = c.post(path, form)
				}
				after := e.snapshot()
				allowed := strings.Contains(" "+tc.allowed+" ", " "+role+" ")
				switch {
				case allowed && method == "GET" && r.status != http.StatusOK:
					t.Errorf("%s may, but GET %s answered %d:\n%.1500s", role, path, r.status, r.body)
				case allowed && method == "AUTOSAVE" && r.status != http.StatusOK:
					t.Errorf("%s may, but the autosave to %s answered %d:\n%.500s", role, path, r.status, r.body)
				case allowed && method != "GET" && method != "AUTOSAVE" && r.status != http.StatusSeeOther:
					t.Errorf("%s may, but %s answered %d:\n%.1500s", role, path, r.status, r.body)
				case allowed && method != "GET" && before == after:
					t.Errorf("%s may, and %s answered %d, but nothing changed", role, path, r.status)
				case !allowed && r.status != http.StatusForbidden:
					t.Errorf("%s may not, but %s %s answered %d, want 403", role, method, path, r.status)
				case !allowed && before != after:
					t.Errorf("%s may not, and %s changed the store:\nbefore:\n%s\nafter:\n%s", role, path, before, after)
				}
				if !allowed && !strings.Contains(r.body, "صلاحية") && method != "AUTOSAVE" {
					t.Errorf("the 403 page does not say why (no صلاحية):\n%.500s", r.body)
				}
			})
		}
	}
}
