package wire_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/teststores"
	"sahafa/wire"
)

func TestWebSubSubscription(t *testing.T) { teststores.Each(t, testWebSubSubscription) }

// testWebSubSubscription: a partner feed naming a hub is subscribed to
// after a poll; the hub's check is answered with its challenge and the
// lease recorded; a signed push is stored at once, a forged one ignored;
// a check for another topic is refused.
func testWebSubSubscription(t *testing.T, open teststores.OpenFunc) {
	st := open(t)
	ctx := context.Background()
	seal := sealer(t)
	var desk *wire.Desk
	callback := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { desk.Callback().ServeHTTP(w, r) }))
	defer callback.Close()

	var mu sync.Mutex
	var sub url.Values
	subscribed := make(chan struct{}, 1)
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		sub = r.PostForm
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		subscribed <- struct{}{}
	}))
	defer hub.Close()
	feedBody := func(guid, title string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>شريك</title><language>ar</language>
<atom:link rel="self" href="https://partner.example/feed/"/><atom:link rel="hub" href="` + hub.URL + `"/>
<item><guid>` + guid + `</guid><title>` + title + `</title><description>نص الخبر كاملًا.</description></item></channel></rss>`
	}
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, feedBody("p-1", "افتتاح معرض الكتاب"))
	}))
	defer partner.Close()
	src := addSource(t, st, news.WireSource{Name: "شريك", Address: partner.URL, Format: "feed"})
	desk = wire.New(wire.Options{Store: st, Sealer: seal, AllowPrivate: true, PublicURL: callback.URL})
	if rep, err := desk.PollNow(ctx, src.ID); err != nil || rep.Stored != 1 {
		t.Fatalf("poll: %+v %v", rep, err)
	}
	select {
	case <-subscribed:
	case <-time.After(5 * time.Second):
		t.Fatal("the desk did not subscribe at the hub")
	}
	mu.Lock()
	form := sub
	mu.Unlock()
	if form.Get("hub.mode") != "subscribe" || form.Get("hub.topic") != "https://partner.example/feed/" ||
		form.Get("hub.callback") != callback.URL+"/websub/"+itoa(src.ID) || len(form.Get("hub.secret")) < 32 {
		t.Fatalf("subscription request: %v", form)
	}
	if s, _ := st.WireSource(ctx, src.ID); s.WebSubExpires.Before(time.Now().Add(47 * time.Hour)) {
		t.Errorf("while the hub's check is awaited the end should be two days off: %v", s.WebSubExpires)
	}
	if _, err := desk.PollNow(ctx, src.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case <-subscribed:
		t.Error("a second poll asked the hub again before a day passed")
	case <-time.After(200 * time.Millisecond):
	}
	// A hub that never checked is asked again a day later (a desk whose
	// clock is 25 hours on), with a new secret.
	later := wire.New(wire.Options{Store: st, Sealer: seal, AllowPrivate: true, PublicURL: callback.URL,
		Now: func() time.Time { return time.Now().Add(25 * time.Hour) }})
	if _, err := later.PollNow(ctx, src.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case <-subscribed:
	case <-time.After(5 * time.Second):
		t.Fatal("a day on, the unchecked subscription was not asked again")
	}
	mu.Lock()
	if sub.Get("hub.secret") == form.Get("hub.secret") {
		t.Error("the second request reused the first's secret")
	}
	form = sub
	mu.Unlock()
	get := func(q url.Values) (int, string) {
		res, err := http.Get(form.Get("hub.callback") + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get(url.Values{"hub.mode": {"subscribe"}, "hub.topic": {"https://other.example/"}, "hub.challenge": {"x"}}); code != 404 {
		t.Errorf("a check for another topic: %d", code)
	}
	code, body := get(url.Values{"hub.mode": {"subscribe"}, "hub.topic": {form.Get("hub.topic")}, "hub.challenge": {"تحدٍّ-42"}, "hub.lease_seconds": {"3600"}})
	if code != 200 || body != "تحدٍّ-42" {
		t.Fatalf("the hub's check: %d %q", code, body)
	}
	if s, _ := st.WireSource(ctx, src.ID); s.WebSubExpires.Before(time.Now().Add(50*time.Minute)) || s.WebSubExpires.After(time.Now().Add(2*time.Hour)) {
		t.Errorf("the hour's lease was not recorded: ends %v", s.WebSubExpires)
	}
	push := func(payload, signature string) int {
		req, _ := http.NewRequest("POST", form.Get("hub.callback"), strings.NewReader(payload))
		req.Header.Set("Content-Type", "application/rss+xml")
		req.Header.Set("X-Hub-Signature", signature)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	sign := func(payload string) string {
		mac := hmac.New(sha256.New, []byte(form.Get("hub.secret")))
		mac.Write([]byte(payload))
		return "sha256=" + hex.EncodeToString(mac.Sum(nil))
	}
	forged := feedBody("p-forged", "خبر مزور")
	if code := push(forged, "sha256="+strings.Repeat("0", 64)); code != http.StatusAccepted {
		t.Errorf("a forged push answered %d", code)
	}
	pushed := feedBody("p-2", "وزير الثقافة يزور المعرض")
	if code := push(pushed, sign(pushed)); code != http.StatusAccepted {
		t.Errorf("a signed push answered %d", code)
	}
	items, n, _ := st.WireItems(ctx, news.WireFilter{Limit: 10})
	if n != 2 || items[0].GUID != "p-2" {
		t.Errorf("after the pushes the queue holds %d stories (%+v), want the polled one and the signed push", n, items)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
