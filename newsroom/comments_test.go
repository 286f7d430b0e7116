package newsroom_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sahafa/news"
	"sahafa/store/teststores"
)

func TestCommentModeration(t *testing.T) { teststores.Each(t, testCommentModeration) }

// testCommentModeration: an editor finds a reader's comment in the queue
// (its markup shown as text), publishes it and answers it; both are then
// on the article's public page, the answer marked as the newsroom's.
func testCommentModeration(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	ctx := context.Background()
	a := e.articleIn("writer", news.StatusPublished, "افتتاح معرض الكتاب في الرياض")
	spammy := `<img src=x onerror=alert(1)>`
	c, err := e.store.AddComment(ctx, news.Comment{ArticleID: a.ID, Author: "قارئ " + spammy, AuthorEmail: "reader@example.org",
		Text: "متى يفتح المعرض أبوابه للجمهور؟ " + spammy, Status: news.CommentPending})
	if err != nil {
		t.Fatal(err)
	}
	editor := e.as("editor")
	queue := editor.get("/newsroom/comments/")
	if queue.status != http.StatusOK {
		t.Fatalf("queue: %d", queue.status)
	}
	contains(t, "queue", queue.body, "متى يفتح المعرض أبوابه للجمهور؟", "reader@example.org", "افتتاح معرض الكتاب في الرياض",
		"بانتظار المراجعة <span class=\"count\">(1)</span>", "&lt;img src=x onerror=alert(1)&gt;")
	if strings.Contains(queue.body, "<img src=x") {
		t.Error("a comment's markup is markup in the newsroom")
	}
	if r := editor.post("/newsroom/comments/", url.Values{"ids": {fmt.Sprint(c.ID)}, "to": {"approved"}, "back": {"/newsroom/comments/?status=pending"}}); r.status != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%.800s", r.status, r.body)
	}
	if r := editor.get("/newsroom/comments/?status=pending&done=moderated&n=1&to=approved"); !strings.Contains(r.body, "نُقل 1 تعليق إلى «منشور»") {
		t.Error("no word of what the moderation did")
	}
	r := editor.post(fmt.Sprintf("/newsroom/comments/%d/reply", c.ID), url.Values{"text": {""}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "اكتب تعليقك") {
		t.Errorf("an empty reply: %d", r.status)
	}
	if r = editor.post(fmt.Sprintf("/newsroom/comments/%d/reply", c.ID), url.Values{"text": {"يفتح المعرض يوم السبت في العاشرة صباحًا."}}); r.status != http.StatusSeeOther {
		t.Fatalf("reply: %d\n%.800s", r.status, r.body)
	}
	pub, err := http.Get(e.srv.URL + a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, pub.Body); err != nil {
		t.Fatal(err)
	}
	contains(t, "public page", b.String(), "متى يفتح المعرض أبوابه للجمهور؟", "يفتح المعرض يوم السبت في العاشرة صباحًا.",
		"فريق التحرير", "هدى المحررة", `class="comment depth-1 staff"`)
	if strings.Contains(b.String(), "reader@example.org") {
		t.Error("the reader's email is on the public page")
	}
	if r := editor.post("/newsroom/comments/mode", url.Values{"article": {fmt.Sprint(a.ID)}, "mode": {"sometimes"}}); r.status != http.StatusBadRequest {
		t.Errorf("an unknown mode: %d, want 400", r.status)
	}
}

func contains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}
