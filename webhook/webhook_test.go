package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/seal"
	"sahafa/store/teststores"
	"sahafa/webhook"
)

// receiver is a partner's endpoint: it checks each delivery's signature,
// answers 503 to the first `down` requests, and keeps what it took.
type receiver struct {
	mu     sync.Mutex
	secret string
	down   int
	seen   int
	bad    []string
	events []webhook.Payload
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.seen++
	if err := webhook.Verify(rc.secret, r.Header, body, time.Now(), 5*time.Minute); err != nil {
		rc.bad = append(rc.bad, err.Error())
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if rc.seen <= rc.down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	var p webhook.Payload
	json.Unmarshal(body, &p)
	if p.Event != r.Header.Get(webhook.HeaderEvent) {
		rc.bad = append(rc.bad, "event header "+r.Header.Get(webhook.HeaderEvent))
	}
	rc.events = append(rc.events, p)
}

func (rc *receiver) got() []webhook.Payload {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]webhook.Payload(nil), rc.events...)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("after 5 s: %s", what)
		}
	}
}

func TestDeliveries(t *testing.T) { teststores.Each(t, testDeliveries) }

// testDeliveries: a publish, an update and a correction reach the
// receiver signed, in turn; a draft's save sends nothing; a receiver down
// for two attempts gets the event on the third and the log shows the
// attempts; a webhook not subscribed to an event gets nothing; one whose
// receiver never answers well gives up after the attempts, saying why.
func testDeliveries(t *testing.T, open teststores.OpenFunc) {
	st := open(t)
	ctx := context.Background()
	sealer, err := seal.LoadKey(filepath.Join(t.TempDir(), "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	secret := webhook.NewSecret()
	rc := &receiver{secret: secret, down: 2}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", 500) }))
	defer broken.Close()
	hook, err := st.SaveWebhook(ctx, news.Webhook{URL: srv.URL + "/hook", Events: []string{news.EventPublished, news.EventUpdated, news.EventCorrected},
		Secret: sealer.Seal(secret), Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	onlyUnpublish, err := st.SaveWebhook(ctx, news.Webhook{URL: broken.URL, Events: []string{news.EventUnpublished}, Secret: sealer.Seal("x"), Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	svc := webhook.New(webhook.Options{Store: st, Sealer: sealer, BaseURL: "https://news.example", AllowPrivate: true,
		Tick: 10 * time.Millisecond, Backoff: func(int) time.Duration { return 20 * time.Millisecond }})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { svc.Run(runCtx); close(done) }()
	defer func() { stop(); <-done }()

	draft := news.Article{ID: 7, Title: "مسودة", Status: news.StatusDraft, Section: news.Section{Slug: "world"}}
	svc.ArticleChanged(news.Article{}, draft) // nothing: readers never saw it
	published := draft
	published.Status, published.Title, published.Version = news.StatusPublished, "افتتاح معرض الكتاب", 2
	published.PublishedAt = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	svc.ArticleChanged(draft, published)
	waitFor(t, "the publish delivered after two 503s", func() bool { return len(rc.got()) == 1 })
	got := rc.got()[0]
	if got.Event != news.EventPublished || got.Article == nil || got.Article.ID != 7 || got.Article.Title != "افتتاح معرض الكتاب" ||
		got.Article.Ninjs != "https://news.example/api/v1/articles/7.ninjs" {
		t.Errorf("payload: %+v %+v", got, got.Article)
	}
	var log []news.WebhookDelivery
	waitFor(t, "the delivery logged as delivered", func() bool { // the receiver answers before the log is written
		log, err = st.WebhookDeliveries(ctx, hook.ID, 10)
		return err == nil && len(log) == 1 && log[0].State == news.DeliveryDelivered
	})
	if d := log[0]; d.State != news.DeliveryDelivered || d.Attempts != 3 || d.LastStatus != 200 || d.DeliveredAt.IsZero() {
		t.Errorf("the delivery after two failures: %+v", d)
	}

	updated := published
	updated.Version = 3
	svc.ArticleChanged(published, updated)
	corrected := updated
	corrected.Corrections = []news.Correction{{Text: "صُحح اسم المدينة"}}
	svc.ArticleChanged(updated, corrected)
	waitFor(t, "update and correction delivered", func() bool { return len(rc.got()) == 3 })
	if e := rc.got(); e[1].Event != news.EventUpdated || e[2].Event != news.EventCorrected || e[2].Article.Correction != "صُحح اسم المدينة" {
		t.Errorf("events: %+v", e)
	}
	// Unpublishing goes to the other webhook only, whose receiver fails
	// every time: it gives up after the attempts.
	unpublished := corrected
	unpublished.Status = news.StatusUnpublished
	svc.ArticleChanged(corrected, unpublished)
	waitFor(t, "the failing receiver given up on", func() bool {
		log, _ := st.WebhookDeliveries(ctx, onlyUnpublish.ID, 10)
		return len(log) == 1 && log[0].State == news.DeliveryFailed
	})
	log, _ = st.WebhookDeliveries(ctx, onlyUnpublish.ID, 10)
	if d := log[0]; d.Attempts != news.MaxWebhookAttempts || d.LastStatus != 500 || !strings.Contains(d.LastError, "500") {
		t.Errorf("the failed delivery: %+v", d)
	}
	if n := len(rc.got()); n != 3 {
		t.Errorf("the first webhook got the unpublish too: %d events", n)
	}
	if len(rc.bad) > 0 {
		t.Errorf("bad deliveries: %q", rc.bad)
	}
	// A test delivery for one webhook.
	if err := svc.Ping(ctx, hook.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the ping", func() bool { e := rc.got(); return len(e) == 4 && e[3].Event == news.EventPing })
}

// TestVerify: a receiver refuses a body changed after signing, another
// key, and an old timestamp.
func TestVerify(t *testing.T) {
	body := []byte(`{"event":"article.published"}`)
	now := time.Now()
	good := func(ts int64) http.Header {
		h := http.Header{}
		h.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts, 10))
		h.Set(webhook.HeaderSignature, webhook.Sign("key", ts, body))
		return h
	}
	if err := webhook.Verify("key", good(now.Unix()), body, now, time.Minute); err != nil {
		t.Errorf("a good delivery: %v", err)
	}
	if err := webhook.Verify("key", good(now.Unix()), append(body, ' '), now, time.Minute); err == nil {
		t.Error("a changed body passed")
	}
	if err := webhook.Verify("other", good(now.Unix()), body, now, time.Minute); err == nil {
		t.Error("another key passed")
	}
	if err := webhook.Verify("key", good(now.Add(-time.Hour).Unix()), body, now, time.Minute); err == nil {
		t.Error("an old delivery passed")
	}
}

// TestPrivateRefused: without AllowPrivate, a receiver on this machine is
// refused at connection, and the log says so.
func TestPrivateRefused(t *testing.T) {
	st := teststores.SQLite(t)
	ctx := context.Background()
	sealer, _ := seal.LoadKey(filepath.Join(t.TempDir(), "k"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	hook, _ := st.SaveWebhook(ctx, news.Webhook{URL: srv.URL, Events: []string{news.EventPublished}, Secret: sealer.Seal("s"), Enabled: true})
	svc := webhook.New(webhook.Options{Store: st, Sealer: sealer, Tick: 10 * time.Millisecond})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { svc.Run(runCtx); close(done) }()
	defer func() { stop(); <-done }()
	if err := svc.Ping(ctx, hook.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the attempt", func() bool {
		log, _ := st.WebhookDeliveries(ctx, hook.ID, 1)
		return len(log) == 1 && log[0].Attempts > 0
	})
	if log, _ := st.WebhookDeliveries(ctx, hook.ID, 1); !strings.Contains(log[0].LastError, "private") || log[0].State != news.DeliveryPending {
		t.Errorf("a private receiver: %+v", log[0])
	}
}
