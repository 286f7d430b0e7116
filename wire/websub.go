package wire

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sahafa/fetch"
	"sahafa/ingest"
	"sahafa/news"
)

// WebSub: a partner's feed that names a hub is subscribed to after a
// good poll, so that the hub pushes new entries to the site as they come
// (polling goes on at the source's interval as the safety net). The hub
// verifies the subscription with a GET to the callback, and signs each
// push with the secret given it.

// CallbackPrefix is where hubs reach the desk: CallbackPrefix + source id.
const CallbackPrefix = "/websub/"

// leaseSeconds is the subscription asked for: ten days, renewed by the
// first good poll in its last day.
const leaseSeconds = 10 * 24 * 3600

// maybeSubscribe subscribes a feed source to the hub its feed names, when
// the desk has a public address and the source is not subscribed to that
// hub (or its lease ends within a day).
func (d *Desk) maybeSubscribe(ctx context.Context, src news.WireSource, body []byte) {
	if d.opts.PublicURL == "" || d.opts.Sealer == nil {
		return
	}
	hub, self := ingest.FeedHub(body)
	if hub == "" {
		return
	}
	topic := self
	if topic == "" {
		topic = src.Address
	}
	same := src.WebSubHub == hub && src.WebSubTopic == topic
	if same && d.opts.Now().Before(src.WebSubExpires.Add(-24*time.Hour)) {
		return // good for more than a day yet, or asked less than a day ago
	}
	key := make([]byte, 32)
	rand.Read(key)
	secret := hex.EncodeToString(key)
	// Until the hub's check comes, the end recorded is two days off: a
	// hub that never checks is asked again a day later.
	if err := d.opts.Store.SaveWireSubscription(ctx, src.ID, hub, topic, d.opts.Sealer.Seal(secret), d.opts.Now().Add(48*time.Hour)); err != nil {
		d.opts.Logger.Warn("wire: save a subscription", "source", src.Name, "err", err)
		return
	}
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.secret": {secret},
		"hub.callback":      {strings.TrimRight(d.opts.PublicURL, "/") + CallbackPrefix + strconv.FormatInt(src.ID, 10)},
		"hub.lease_seconds": {strconv.Itoa(leaseSeconds)}}
	if _, err := d.fetch.Do(ctx, fetch.Request{URL: hub, Form: form, UserAgent: "Sahafa wire desk"}); err != nil {
		d.opts.Logger.Warn("wire: subscribe at the hub", "source", src.Name, "hub", hub, "err", err)
		return
	}
	d.opts.Logger.Info("wire: subscribed at the hub", "source", src.Name, "hub", hub)
}

// Callback answers the hubs: their checks of a subscription (GET) and
// their pushes (POST, signed). Mount it at CallbackPrefix.
func (d *Desk) Callback() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		id, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, CallbackPrefix), 10, 64)
		if err != nil || id < 1 {
			http.NotFound(w, r)
			return
		}
		src, err := d.opts.Store.WireSource(r.Context(), id)
		if err != nil || src.WebSubHub == "" {
			http.NotFound(w, r)
			return
		}
		switch r.Method {
		case http.MethodGet:
			d.verify(w, r, src)
		case http.MethodPost:
			d.push(w, r, src)
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

// verify confirms a subscription the desk asked for, and records its end.
func (d *Desk) verify(w http.ResponseWriter, r *http.Request, src news.WireSource) {
	q := r.URL.Query()
	if q.Get("hub.topic") != src.WebSubTopic {
		http.NotFound(w, r) // not a subscription this desk asked for
		return
	}
	switch q.Get("hub.mode") {
	case "subscribe":
		lease, err := strconv.Atoi(q.Get("hub.lease_seconds"))
		if err != nil || lease <= 0 {
			lease = leaseSeconds
		}
		expires := d.opts.Now().Add(time.Duration(min(lease, 365*24*3600)) * time.Second)
		if err := d.opts.Store.SaveWireSubscription(r.Context(), src.ID, src.WebSubHub, src.WebSubTopic, src.WebSubSecret, expires); err != nil {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
	case "denied":
		d.opts.Logger.Warn("wire: the hub denied the subscription", "source", src.Name, "reason", q.Get("hub.reason"))
		d.opts.Store.SaveWireSubscription(r.Context(), src.ID, "", "", nil, time.Time{})
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, q.Get("hub.challenge"))
}

// push stores what a hub pushed, when it carries the subscription's
// signature. A push that does not is ignored, but answered 2xx as WebSub
// asks (a hub must not learn which signatures pass).
func (d *Desk) push(w http.ResponseWriter, r *http.Request, src news.WireSource) {
	select {
	case d.slots <- struct{}{}:
		defer func() { <-d.slots }()
	default:
		w.Header().Set("Retry-After", "10")
		http.Error(w, "busy", http.StatusServiceUnavailable) // the hub retries
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, d.opts.MaxBytes))
	if err != nil {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		return
	}
	secret, err := d.opts.Sealer.Open(src.WebSubSecret)
	if err != nil || !signedBy(secret, r.Header.Get("X-Hub-Signature"), body) {
		d.opts.Logger.Warn("wire: a push without the subscription's signature, ignored", "source", src.Name)
		w.WriteHeader(http.StatusAccepted)
		return
	}
	var rep Report
	if err := d.ingest(r.Context(), src, body, &rep); err != nil {
		d.opts.Logger.Warn("wire: a pushed feed could not be read", "source", src.Name, "err", err)
		if news.ErrorCode(err) == news.EUNAVAILABLE {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
	}
	d.stats.stored.Add(int64(rep.Stored))
	w.WriteHeader(http.StatusAccepted)
}

// signedBy checks a WebSub signature header, "method=hex".
func signedBy(secret, header string, body []byte) bool {
	method, sig, ok := strings.Cut(header, "=")
	if !ok {
		return false
	}
	var h func() hash.Hash
	switch method {
	case "sha1":
		h = sha1.New
	case "sha256":
		h = sha256.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	default:
		return false
	}
	want, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write(body)
	return hmac.Equal(mac.Sum(nil), want)
}
