package newsroom_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"sahafa/editorial"
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

// commentOn stores a reader's pending comment on a published article.
func (e *env) commentOn(actor string) news.Comment {
	e.t.Helper()
	a := e.articleIn(otherWriter, news.StatusPublished, "مقال للتعليق "+actor)
	c, err := e.store.AddComment(context.Background(), news.Comment{ArticleID: a.ID, Author: "قارئة", Text: "تعليق ينتظر المراجعة من " + actor,
		Status: news.CommentPending})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

var authzCases = []authzCase{
	{"read the comments queue", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		e.commentOn(actor)
		return "GET", "/newsroom/comments/", nil
	}},
	{"open a comment", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return "GET", fmt.Sprintf("/newsroom/comments/%d", e.commentOn(actor).ID), nil
	}},
	{"approve a comment", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		c := e.commentOn(actor)
		return "POST", "/newsroom/comments/", url.Values{"ids": {fmt.Sprint(c.ID)}, "to": {"approved"}}
	}},
	{"reply to a comment", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		c := e.commentOn(actor)
		return "POST", fmt.Sprintf("/newsroom/comments/%d/reply", c.ID), url.Values{"text": {"شكرًا لملاحظتك، صححنا الخطأ."}}
	}},
	{"close an article's comments", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		c := e.commentOn(actor)
		return "POST", "/newsroom/comments/mode", url.Values{"article": {fmt.Sprint(c.ArticleID)}, "mode": {"closed"}}
	}},
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
	{"trash own draft", everyone, func(e *env, actor string) (string, string, url.Values) {
		return trashReq(e.articleIn(actor, news.StatusDraft, "مسودة للحذف "+actor))
	}},
	{"trash another's draft", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return trashReq(e.articleIn(otherWriter, news.StatusDraft, "مسودة غيري للحذف "+actor))
	}},
	{"trash own published article", writersUp, func(e *env, actor string) (string, string, url.Values) {
		return trashReq(e.articleIn(actor, news.StatusPublished, "منشور لي للحذف "+actor))
	}},
	{"trash another's published article", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return trashReq(e.articleIn(otherWriter, news.StatusPublished, "منشور لغيري للحذف "+actor))
	}},
	{"take own draft out of the trash", everyone, func(e *env, actor string) (string, string, url.Values) {
		a := e.trashed(actor, "مسودة في السلة "+actor)
		return "POST", fmt.Sprintf("/newsroom/articles/%d/untrash", a.ID), url.Values{}
	}},
	{"take another's article out of the trash", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.trashed(otherWriter, "مسودة غيري في السلة "+actor)
		return "POST", fmt.Sprintf("/newsroom/articles/%d/untrash", a.ID), url.Values{}
	}},
	{"delete own trashed article for good", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.trashed(actor, "مسودة للحذف النهائي "+actor)
		return "POST", fmt.Sprintf("/newsroom/articles/%d/purge", a.ID), url.Values{}
	}},
	{"open the trash", everyone, func(e *env, actor string) (string, string, url.Values) {
		return "GET", "/newsroom/trash/", nil
	}},
	{"bulk: add a tag to own draft", everyone, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(actor, news.StatusDraft, "مسودة للوسم "+actor)
		return bulkReq("tag", url.Values{"bulk_tag": {"وسم جماعي"}}, a)
	}},
	{"bulk: publish own draft", writersUp, func(e *env, actor string) (string, string, url.Values) {
		return bulkReq("publish", nil, e.articleIn(actor, news.StatusDraft, "مسودة للنشر الجماعي "+actor))
	}},
	{"bulk: unpublish another's articles", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return bulkReq("unpublish", nil, e.articleIn(otherWriter, news.StatusPublished, "منشور أول "+actor),
			e.articleIn(otherWriter, news.StatusPublished, "منشور ثان "+actor))
	}},
	{"bulk: move another's article to a section", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return bulkReq("section", url.Values{"bulk_section": {"sport"}}, e.articleIn(otherWriter, news.StatusDraft, "للنقل "+actor))
	}},
	{"bulk: trash another's drafts", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return bulkReq("trash", nil, e.articleIn(otherWriter, news.StatusDraft, "مسودة أولى "+actor),
			e.articleIn(otherWriter, news.StatusReview, "مسودة ثانية "+actor))
	}},
	{"bulk: delete trashed articles for good", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return bulkReq("purge", nil, e.trashed(actor, "سلة أولى "+actor), e.trashed(otherWriter, "سلة ثانية "+actor))
	}},
	{"set the focal point of own image", everyone, func(e *env, actor string) (string, string, url.Values) {
		m := e.upload(actor)
		return "POST", fmt.Sprintf("/newsroom/media/%d/framing", m.ID), url.Values{"focus_x": {"25"}, "focus_y": {"40"}}
	}},
	{"crop another's image", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		m := e.upload(otherWriter)
		return "POST", fmt.Sprintf("/newsroom/media/%d/framing", m.ID), url.Values{"focus_x": {"50"}, "focus_y": {"50"},
			"crop_1x1": {"0 0 50 50"}}
	}},
	{"trash own image", everyone, func(e *env, actor string) (string, string, url.Values) {
		return "POST", fmt.Sprintf("/newsroom/media/%d/trash", e.upload(actor).ID), url.Values{}
	}},
	{"trash another's image", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return "POST", fmt.Sprintf("/newsroom/media/%d/trash", e.upload(otherWriter).ID), url.Values{}
	}},
	{"delete a trashed image for good", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		m := e.upload(actor)
		if err := e.ed.TrashMedia(context.Background(), e.users[actor], m.ID, true); err != nil {
			e.t.Fatal(err)
		}
		return "POST", fmt.Sprintf("/newsroom/media/%d/purge", m.ID), url.Values{}
	}},
	{"post breaking news", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return "POST", "/newsroom/breaking", url.Values{"text": {"انفجار في مرفأ المدينة، والدفاع المدني في المكان " + actor}, "minutes": {"30"}}
	}},
	{"take breaking news down", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		if _, err := e.ed.PostBreaking(context.Background(), e.users["editor"], "عاجل للإزالة "+actor, "", 30); err != nil {
			e.t.Fatal(err)
		}
		return "POST", "/newsroom/breaking/end", url.Values{}
	}},
	{"open the breaking news page", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return "GET", "/newsroom/breaking", nil
	}},
	{"pin an article to the home page", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn("writer", news.StatusPublished, "مقال للتثبيت في الواجهة "+actor)
		return "POST", "/newsroom/fronts/pin", url.Values{"front": {""}, "article": {fmt.Sprint(a.ID)}}
	}},
	{"unpin an article from a section's front", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn("writer", news.StatusPublished, "مقال مثبت للإلغاء "+actor)
		if _, err := e.ed.PinArticle(context.Background(), e.users["editor"], "world", fmt.Sprint(a.ID), 0, ""); err != nil {
			e.t.Fatal(err)
		}
		return "POST", "/newsroom/fronts/unpin", url.Values{"front": {"world"}, "id": {fmt.Sprint(a.ID)}}
	}},
	{"reorder a front", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn("writer", news.StatusPublished, "مقال مثبت للترتيب "+actor)
		if _, err := e.ed.PinArticle(context.Background(), e.users["editor"], "", fmt.Sprint(a.ID), 0, ""); err != nil {
			e.t.Fatal(err)
		}
		return "POST", "/newsroom/fronts/move", url.Values{"front": {""}, "id": {fmt.Sprint(a.ID)}, "dir": {"down"}}
	}},
	{"open the fronts", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return "GET", "/newsroom/fronts/", nil
	}},
	{"open the readership page", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return "GET", "/newsroom/readership", nil
	}},
	{"add an ad", adminsOnly, func(e *env, actor string) (string, string, url.Values) {
		return "POST", "/newsroom/ads/new", url.Values{"name": {"إعلان " + actor}, "kind": {"html"}, "html": {"<b>عرض</b>"},
			"slots": {"side"}, "weight": {"1"}}
	}},
	{"delete an ad", adminsOnly, func(e *env, actor string) (string, string, url.Values) {
		a, err := e.ed.SaveAd(context.Background(), e.users["admin"], editorial.AdInput{Name: "للحذف " + actor, Kind: "html",
			HTML: "<b>x</b>", Slots: []string{"side"}})
		if err != nil {
			e.t.Fatal(err)
		}
		return "POST", fmt.Sprintf("/newsroom/ads/%d/delete", a.ID), url.Values{}
	}},
	{"set the ad hosts", adminsOnly, func(e *env, actor string) (string, string, url.Values) {
		return "POST", "/newsroom/ads/hosts", url.Values{"hosts": {actor + ".ads.example"}}
	}},
	{"open the ads", adminsOnly, func(e *env, actor string) (string, string, url.Values) {
		return "GET", "/newsroom/ads/", nil
	}},
	{"make own published article live coverage", writersUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(actor, news.StatusPublished, "تغطية مباشرة لي "+actor)
		return "POST", fmt.Sprintf("/newsroom/articles/%d/live/start", a.ID), url.Values{}
	}},
	{"post an update to another's live page", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusPublished, "تغطية مباشرة لغيري "+actor)
		if err := e.ed.StartLive(context.Background(), e.users[otherWriter], a.ID); err != nil {
			e.t.Fatal(err)
		}
		return "POST", fmt.Sprintf("/newsroom/articles/%d/live/updates", a.ID), url.Values{"text": {"وصول فرق الإسعاف إلى المكان " + actor}}
	}},
	{"end another's live coverage", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusPublished, "تغطية تنتهي لغيري "+actor)
		if err := e.ed.StartLive(context.Background(), e.users[otherWriter], a.ID); err != nil {
			e.t.Fatal(err)
		}
		return "POST", fmt.Sprintf("/newsroom/articles/%d/live/end", a.ID), url.Values{}
	}},
	{"delete an update of another's live page", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		a := e.articleIn(otherWriter, news.StatusPublished, "تحديث يُحذف لغيري "+actor)
		ctx := context.Background()
		if err := e.ed.StartLive(ctx, e.users[otherWriter], a.ID); err != nil {
			e.t.Fatal(err)
		}
		up, err := e.ed.PostLiveUpdate(ctx, e.users[otherWriter], a.ID, "تحديث خاطئ")
		if err != nil {
			e.t.Fatal(err)
		}
		return "POST", fmt.Sprintf("/newsroom/articles/%d/live/updates/%d/delete", a.ID, up.ID), url.Values{}
	}},
	{"write a static page", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return "POST", "/newsroom/pages/new", url.Values{"title": {"من نحن " + actor}, "body": {"صحيفة مستقلة تأسست عام 2010."}, "footer": {"1"}}
	}},
	{"delete a static page", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		pg, err := e.ed.SavePage(context.Background(), e.users["editor"], editorial.PageInput{Title: "صفحة للحذف " + actor, Body: "نص."})
		if err != nil {
			e.t.Fatal(err)
		}
		return "POST", fmt.Sprintf("/newsroom/pages/%d/delete", pg.ID), url.Values{}
	}},
	{"open the static pages", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		return "GET", "/newsroom/pages/", nil
	}},
	{"open the author directory", everyone, func(e *env, actor string) (string, string, url.Values) {
		return "GET", "/newsroom/authors/?q=" + url.QueryEscape("الكاتبة"), nil
	}},
	{"edit an author's profile", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		au := e.author(e.users[otherWriter].Name)
		return "POST", fmt.Sprintf("/newsroom/authors/%d", au.ID), url.Values{"name": {au.Name}, "slug": {au.Slug},
			"bio": {"كاتبة في قسم العالم، من " + actor}, "links": {"https://example.org/nadia"}}
	}},
	{"merge two authors", editorsUp, func(e *env, actor string) (string, string, url.Values) {
		into := e.author(e.users[otherWriter].Name)
		a := e.articleIn(otherWriter, news.StatusDraft, "بتوقيع آخر "+actor)
		in := e.ed.InputFrom(a)
		in.Authors = "نادية - مراسلة " + actor
		if _, err := e.ed.Save(context.Background(), e.users["editor"], in); err != nil {
			e.t.Fatal(err)
		}
		from := e.author(in.Authors)
		return "POST", fmt.Sprintf("/newsroom/authors/%d/merge", into.ID), url.Values{"from": {fmt.Sprint(from.ID)}}
	}},
}

func trashReq(a news.Article) (string, string, url.Values) {
	return "POST", fmt.Sprintf("/newsroom/articles/%d/trash", a.ID), url.Values{"version": {fmt.Sprint(a.Version)}}
}

func bulkReq(action string, extra url.Values, list ...news.Article) (string, string, url.Values) {
	form := url.Values{"bulk_action": {action}, "back": {"/newsroom/articles/"}}
	for k, v := range extra {
		form[k] = v
	}
	for _, a := range list {
		form.Add("ids", fmt.Sprint(a.ID))
	}
	return "POST", "/newsroom/articles/bulk", form
}

// trashed is a draft by owner, in the trash.
func (e *env) trashed(owner, title string) news.Article {
	e.t.Helper()
	a := e.articleIn(owner, news.StatusDraft, title)
	a, err := e.ed.Trash(context.Background(), e.users[owner], a.ID, a.Version)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// author finds the directory's author of a byline name.
func (e *env) author(name string) news.Author {
	e.t.Helper()
	list, _, err := e.store.Authors(context.Background(), news.AuthorFilter{Query: name, Limit: 5})
	if err != nil || len(list) == 0 {
		e.t.Fatalf("author %q: %v, %v", name, list, err)
	}
	return list[0].Author
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
	if m, err = e.ed.AwaitMedia(context.Background(), m.ID, 30*time.Second); err != nil || !m.Ready() {
		e.t.Fatalf("the upload was not processed: %+v, %v", m, err)
	}
	return m
}

// settleMedia waits until every image of the library has been processed
// (variants and crops are stored together), so that background work does
// not show as a change in a snapshot.
func (e *env) settleMedia() {
	e.t.Helper()
	ctx := context.Background()
	for _, trash := range []bool{false, true} {
		list, err := e.store.MediaList(ctx, news.MediaFilter{Trash: trash, Limit: 100})
		if err != nil {
			e.t.Fatal(err)
		}
		for _, m := range list.Media {
			if m.State == news.MediaPending {
				if _, err := e.ed.AwaitMedia(ctx, m.ID, 30*time.Second); err != nil {
					e.t.Fatalf("image %d was not processed: %v", m.ID, err)
				}
			}
		}
	}
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
		full, _ := e.store.EditorialArticle(ctx, a.ID)
		var tags []string
		for _, t := range full.Tags {
			tags = append(tags, t.Name)
		}
		fmt.Fprintf(&b, "article %d v%d %s %q %q %s %s %d revisions %d events deleted %s section %s tags %v\n", a.ID, a.Version,
			a.Status, a.Title, a.Body, a.PublishedAt, a.UpdatedAt, len(revs), len(evs), full.DeletedAt, full.Section.Slug, tags)
		if c, err := e.store.LiveCoverage(ctx, a.ID, news.LiveUpdatesShown); err == nil {
			fmt.Fprintf(&b, "live %d from %s to %s, %d updates:", a.ID, c.Started, c.Ended, c.Total)
			for _, u := range c.Updates {
				fmt.Fprintf(&b, " %d %q", u.ID, u.Body)
			}
			b.WriteString("\n")
		}
	}
	for _, a := range list {
		all, _ := e.store.Comments(ctx, a.ID)
		_, mode, _ := e.store.ArticleComments(ctx, a.ID)
		if len(all) > 0 || mode != "" {
			fmt.Fprintf(&b, "comments of %d (mode %q):", a.ID, mode)
			for _, c := range all {
				fmt.Fprintf(&b, " %d %s %q", c.ID, c.Status, c.Text)
			}
			b.WriteString("\n")
		}
	}
	pages, _ := e.store.Pages(ctx)
	for _, pg := range pages {
		fmt.Fprintf(&b, "page %d %s %s %v\n", pg.ID, pg.Slug, pg.Title, pg.Footer)
	}
	authors, _, _ := e.store.Authors(ctx, news.AuthorFilter{Limit: 1000})
	for _, au := range authors {
		fmt.Fprintf(&b, "author %d %s %s %+v %d\n", au.ID, au.Slug, au.Name, au.Profile, au.Articles)
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
		fmt.Fprintf(&b, "media %d %s %s framing %+v v%d crops %d\n", m.ID, m.Alt, m.Caption, m.Framing.FocusPoint(), m.Framing.Version, len(m.Crops))
	}
	trashed, _ := e.store.MediaList(ctx, news.MediaFilter{Trash: true, Limit: 100})
	for _, m := range trashed.Media {
		fmt.Fprintf(&b, "trashed media %d %s\n", m.ID, m.DeletedAt)
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
				e.settleMedia() // an earlier case's upload, processed in the background, is no change of this one
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
