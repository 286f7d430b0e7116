// Package webhook tells other systems of the site's changes: an article
// published, updated, unpublished or corrected is POSTed as JSON to every
// webhook subscribed to the event, signed with the webhook's secret
// (HMAC-SHA256 over "timestamp.body"), and retried with backoff until the
// receiver answers 2xx or the attempts run out. Deliveries are stored
// first, so a restart loses none, and claimed with a lease, so two
// servers never send one twice at once; a webhook gets its events in
// order (its next one waits while one is retried).
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sahafa/fetch"
	"sahafa/news"
	"sahafa/seal"
)

// Headers of a delivery.
const (
	HeaderEvent     = "X-Sahafa-Event"
	HeaderDelivery  = "X-Sahafa-Delivery"
	HeaderTimestamp = "X-Sahafa-Timestamp"
	// HeaderSignature is "sha256=" and the hex HMAC-SHA256, keyed with the
	// webhook's secret, of the timestamp, ".", and the body.
	HeaderSignature = "X-Sahafa-Signature"
)

// Options configure a Service. Zero fields take the defaults.
type Options struct {
	Store   news.Store
	Sealer  *seal.Sealer
	BaseURL string // the site's, for the payload's links
	Logger  *slog.Logger
	// Timeout bounds one attempt (default 10 s); Workers the attempts at
	// once (default 4); Tick how often due deliveries are looked for
	// (default 2 s).
	Timeout time.Duration
	Workers int
	Tick    time.Duration
	// Backoff is the wait after the n-th failed attempt (default 30 s
	// doubling: 30 s, 1 min, 2 min … about an hour in all).
	Backoff func(attempt int) time.Duration
	// AllowPrivate lets receivers be on this machine or its private
	// network (a newsroom's own systems). Off, such addresses are refused
	// when connected to, as for every outbound fetch.
	AllowPrivate bool
	Now          func() time.Time
}

// Service enqueues and delivers webhook events.
type Service struct {
	opts   Options
	client *http.Client
	slots  chan struct{}
	stats  struct{ delivered, failed, gaveUp atomic.Int64 }
}

// Stats are what this server's deliveries did since it started.
type Stats struct {
	Delivered, FailedAttempts, GaveUp int64
}

// Stats reads the counts (for metrics).
func (s *Service) Stats() Stats {
	return Stats{Delivered: s.stats.delivered.Load(), FailedAttempts: s.stats.failed.Load(), GaveUp: s.stats.gaveUp.Load()}
}

// New returns a Service.
func New(o Options) *Service {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Tick <= 0 {
		o.Tick = 2 * time.Second
	}
	if o.Backoff == nil {
		o.Backoff = func(n int) time.Duration { return 30 * time.Second << min(n-1, 10) }
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	dialer := fetch.Dialer(o.AllowPrivate)
	client := &http.Client{
		Timeout:   o.Timeout,
		Transport: &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second, MaxIdleConns: 8, IdleConnTimeout: 30 * time.Second},
		// A receiver's redirect is not followed: the signature is for the
		// address the newsroom gave.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Service{opts: o, client: client, slots: make(chan struct{}, o.Workers)}
}

// NewSecret makes a webhook's signing key: 32 random bytes in hex.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

// Sign is the signature header's value for a body sent at timestamp.
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.", timestamp)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a delivery as a receiver would: the signature matches and
// the timestamp is within tolerance of now.
func Verify(secret string, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(header.Get(HeaderTimestamp), 10, 64)
	if err != nil {
		return errors.New("no timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return errors.New("the timestamp is too far from now")
	}
	if !hmac.Equal([]byte(header.Get(HeaderSignature)), []byte(Sign(secret, ts, body))) {
		return errors.New("the signature does not match")
	}
	return nil
}

// Payload is the JSON body of a delivery.
type Payload struct {
	Event      string          `json:"event"`
	OccurredAt string          `json:"occurred_at"`
	Article    *PayloadArticle `json:"article,omitempty"`
}

// PayloadArticle is the article an event is about; the full text is one
// request away (its ninjs or NewsML-G2 form).
type PayloadArticle struct {
	ID          int64  `json:"id"`
	URL         string `json:"url"`
	Title       string `json:"title"`
	Section     string `json:"section"`
	Status      string `json:"status"`
	Version     int    `json:"version"`
	PublishedAt string `json:"published_at"`
	UpdatedAt   string `json:"updated_at"`
	API         string `json:"api"`
	Ninjs       string `json:"ninjs"`
	NewsML      string `json:"newsml"`
	Correction  string `json:"correction,omitempty"`
}

// EventOf names what a write did to readers: published, updated,
// unpublished or corrected ("" for a write readers never saw: a draft).
func EventOf(before, after news.Article) string {
	was := before.ID != 0 && before.Status == news.StatusPublished
	is := after.Status == news.StatusPublished
	switch {
	case !was && is:
		return news.EventPublished
	case was && !is:
		return news.EventUnpublished
	case was && len(after.Corrections) > len(before.Corrections):
		return news.EventCorrected
	case was:
		return news.EventUpdated
	}
	return ""
}

// ArticleChanged enqueues the event a write made, for every webhook
// subscribed to it. It is editorial.Options.ArticleChanged's shape.
func (s *Service) ArticleChanged(before, after news.Article) {
	event := EventOf(before, after)
	if event == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	body, err := json.Marshal(s.payload(event, after))
	if err != nil {
		s.opts.Logger.Error("webhook: payload", "err", err)
		return
	}
	if _, err := s.opts.Store.EnqueueDeliveries(ctx, event, after.ID, body, 0); err != nil {
		s.opts.Logger.Warn("webhook: enqueue", "event", event, "article", after.ID, "err", err)
	}
}

// Ping enqueues a test delivery for one webhook.
func (s *Service) Ping(ctx context.Context, webhookID int64) error {
	body, err := json.Marshal(Payload{Event: news.EventPing, OccurredAt: s.opts.Now().UTC().Format(time.RFC3339)})
	if err != nil {
		return err
	}
	n, err := s.opts.Store.EnqueueDeliveries(ctx, news.EventPing, 0, body, webhookID)
	if err == nil && n == 0 {
		err = news.Errorf(news.ENOTFOUND, "webhook %d not found", webhookID)
	}
	return err
}

func (s *Service) payload(event string, a news.Article) Payload {
	base := strings.TrimRight(s.opts.BaseURL, "/")
	api := fmt.Sprintf("%s/api/v1/articles/%d", base, a.ID)
	p := Payload{Event: event, OccurredAt: s.opts.Now().UTC().Format(time.RFC3339), Article: &PayloadArticle{
		ID: a.ID, URL: base + a.Path(), Title: a.Title, Section: a.Section.Slug, Status: string(a.Status), Version: a.Version,
		PublishedAt: a.PublishedAt.UTC().Format(time.RFC3339), UpdatedAt: a.UpdatedAt.UTC().Format(time.RFC3339),
		API: api, Ninjs: api + ".ninjs", NewsML: api + ".newsml",
	}}
	if event == news.EventCorrected && len(a.Corrections) > 0 {
		p.Article.Correction = a.Corrections[len(a.Corrections)-1].Text
	}
	return p
}

// lease covers one attempt with room to spare.
func (s *Service) lease() time.Duration { return 2*s.opts.Timeout + 30*time.Second }

// Run delivers due deliveries until ctx ends, and purges the log daily.
func (s *Service) Run(ctx context.Context) {
	tick := time.NewTicker(s.opts.Tick)
	defer tick.Stop()
	var sending sync.WaitGroup
	defer sending.Wait()
	lastPurge := time.Time{}
	for {
		if now := s.opts.Now(); now.Sub(lastPurge) > 24*time.Hour {
			lastPurge = now
			if _, err := s.opts.Store.PurgeDeliveries(ctx, now.Add(-news.WebhookLogKeep)); err != nil && ctx.Err() == nil {
				s.opts.Logger.Warn("webhook: purge the log", "err", err)
			}
		}
		if free := s.opts.Workers - len(s.slots); free > 0 {
			due, err := s.opts.Store.ClaimDeliveries(ctx, s.opts.Now().UTC(), s.lease(), free)
			if err != nil && ctx.Err() == nil {
				s.opts.Logger.Warn("webhook: claim deliveries", "err", err)
			}
			for _, d := range due {
				s.slots <- struct{}{}
				sending.Go(func() {
					defer func() { <-s.slots }()
					s.attempt(ctx, d)
				})
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// webhook finds a webhook and opens its secret.
func (s *Service) webhook(ctx context.Context, id int64) (news.Webhook, string, error) {
	hooks, err := s.opts.Store.Webhooks(ctx)
	if err != nil {
		return news.Webhook{}, "", err
	}
	for _, h := range hooks {
		if h.ID == id {
			if s.opts.Sealer == nil {
				return h, "", errors.New("no secret key on this server")
			}
			secret, err := s.opts.Sealer.Open(h.Secret)
			return h, secret, err
		}
	}
	return news.Webhook{}, "", news.Errorf(news.ENOTFOUND, "webhook %d not found", id)
}

// attempt sends one delivery and saves what came of it.
func (s *Service) attempt(ctx context.Context, d news.WebhookDelivery) {
	h, secret, err := s.webhook(ctx, d.WebhookID)
	if news.ErrorCode(err) == news.ENOTFOUND {
		return // deleted meanwhile, with its deliveries
	}
	d.Attempts++
	status := 0
	if err == nil {
		status, err = s.send(ctx, h, secret, d)
	}
	if ctx.Err() != nil {
		return // stopping: the lease ends and another attempt is made
	}
	d.LastStatus = status
	now := s.opts.Now().UTC()
	switch {
	case err == nil:
		s.stats.delivered.Add(1)
		d.State, d.LastError, d.DeliveredAt, d.NextAttempt = news.DeliveryDelivered, "", now, now
	case d.Attempts >= news.MaxWebhookAttempts:
		s.stats.failed.Add(1)
		s.stats.gaveUp.Add(1)
		d.State, d.LastError, d.NextAttempt = news.DeliveryFailed, clip(err.Error(), 300), now
	default:
		s.stats.failed.Add(1)
		d.LastError, d.NextAttempt = clip(err.Error(), 300), now.Add(s.opts.Backoff(d.Attempts))
	}
	if err != nil {
		s.opts.Logger.Warn("webhook: delivery failed", "webhook", d.WebhookID, "delivery", d.ID, "event", d.Event,
			"attempt", d.Attempts, "status", status, "err", err)
	}
	if ferr := s.opts.Store.FinishDelivery(context.WithoutCancel(ctx), d); ferr != nil {
		s.opts.Logger.Warn("webhook: save a delivery", "delivery", d.ID, "err", ferr)
	}
}

func (s *Service) send(ctx context.Context, h news.Webhook, secret string, d news.WebhookDelivery) (int, error) {
	ts := s.opts.Now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return 0, fmt.Errorf("the address %q cannot be used", h.URL)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Sahafa webhooks")
	req.Header.Set(HeaderEvent, d.Event)
	req.Header.Set(HeaderDelivery, strconv.FormatInt(d.ID, 10))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(secret, ts, d.Payload))
	res, err := s.client.Do(req)
	if err != nil {
		if errors.Is(err, fetch.ErrPrivate) {
			return 0, errors.New("refused: the receiver is on this machine or a private network")
		}
		var ue *url.Error
		if errors.As(err, &ue) && ue.Timeout() {
			return 0, fmt.Errorf("no answer within %v", s.opts.Timeout)
		}
		return 0, errors.New("the receiver could not be reached")
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Errorf("the receiver answered %d", res.StatusCode)
	}
	return res.StatusCode, nil
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
