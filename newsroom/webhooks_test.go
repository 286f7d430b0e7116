package newsroom_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/teststores"
	"sahafa/webhook"
)

func TestWebhooks(t *testing.T) { teststores.Each(t, testWebhooks) }

// testWebhooks: an admin adds a webhook and is shown its secret once (not
// in an address, not on the page again); writers and editors cannot see
// or add webhooks; publishing an article from the editor reaches the
// receiver signed with that secret, and the delivery is in the log.
func testWebhooks(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	var mu sync.Mutex
	var bodies [][]byte
	var headers []http.Header
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, headers = append(bodies, b), append(headers, r.Header.Clone())
		mu.Unlock()
	}))
	defer recv.Close()
	admin := e.as("admin")
	for _, who := range []string{"writer", "editor"} {
		if r := e.as(who).get("/newsroom/webhooks/"); r.status != http.StatusForbidden {
			t.Errorf("%s on the webhooks page: %d", who, r.status)
		}
		if r := e.as(who).post("/newsroom/webhooks/", url.Values{"url": {recv.URL}, "events": {news.EventPublished}}); r.status != http.StatusForbidden {
			t.Errorf("%s adding a webhook: %d", who, r.status)
		}
	}
	if r := admin.post("/newsroom/webhooks/", url.Values{"url": {"javascript:alert(1)"}}); r.status != http.StatusUnprocessableEntity || len(r.errors()) < 2 {
		t.Errorf("a bad webhook form: %d %v", r.status, r.errors())
	}
	r := admin.post("/newsroom/webhooks/", url.Values{"url": {recv.URL + "/in"}, "events": {news.EventPublished, news.EventCorrected}})
	secret := regexp.MustCompile(`whsec_[0-9a-f]{64}`).FindString(r.body)
	if r.status != http.StatusOK || secret == "" {
		t.Fatalf("add a webhook: %d", r.status)
	}
	if page := admin.get("/newsroom/webhooks/"); strings.Contains(page.body, secret) || !strings.Contains(page.body, recv.URL+"/in") {
		t.Error("the secret is shown again, or the webhook is not listed")
	}

	// A writer's draft, published by the editor.
	writer, editor := e.as("writer"), e.as("editor")
	res := writer.post("/newsroom/articles/new", url.Values{"title": {"افتتاح مكتبة الحي الجديدة"}, "section": {"world"},
		"body": {"افتُتحت اليوم مكتبة عامة جديدة في الحي."}})
	id := res.createdID(t)
	a, _ := e.store.EditorialArticle(context.Background(), id)
	if r := editor.post("/newsroom/articles/"+itoa(id)+"/workflow", url.Values{"action": {"publish"}, "version": {itoa(int64(a.Version))}}); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d %v", r.status, r.errors())
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(bodies)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 {
		t.Fatalf("the receiver got %d deliveries, want 1 (the publish)", len(bodies))
	}
	if err := webhook.Verify(secret, headers[0], bodies[0], time.Now(), time.Minute); err != nil {
		t.Errorf("the delivery's signature: %v", err)
	}
	var p webhook.Payload
	if err := json.Unmarshal(bodies[0], &p); err != nil || p.Event != news.EventPublished || p.Article == nil || p.Article.ID != id || p.Article.Title != "افتتاح مكتبة الحي الجديدة" {
		t.Errorf("payload %s: %v", bodies[0], err)
	}
	// The receiver answers before the delivery's outcome is written: wait
	// for the log rather than read it at once.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		page := admin.get("/newsroom/webhooks/")
		if strings.Contains(page.body, "article.published") && strings.Contains(page.body, "وصل") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the delivery is not in the log")
		}
	}
}
