package news

import (
	"context"
	"slices"
	"time"
)

// Webhook tells another system of the site's changes: each event it is
// subscribed to is POSTed to URL as JSON, signed with its secret
// (HMAC-SHA256), and retried with backoff until the receiver takes it.
type Webhook struct {
	ID     int64
	URL    string
	Events []string // of WebhookEvents
	// Secret is the signing key sealed with the server's key; the newsroom
	// shows it once, when the webhook is made.
	Secret    []byte
	Enabled   bool
	CreatedAt time.Time
	CreatedBy int64
}

// Wants reports whether the webhook is subscribed to event.
func (w Webhook) Wants(event string) bool { return w.Enabled && slices.Contains(w.Events, event) }

// Webhook events.
const (
	EventPublished   = "article.published"
	EventUpdated     = "article.updated"
	EventUnpublished = "article.unpublished"
	EventCorrected   = "article.corrected"
	EventPing        = "ping" // the newsroom's "send a test"
)

// WebhookEvents are the events webhooks may subscribe to, with labels.
var WebhookEvents = []struct{ Key, Label string }{
	{EventPublished, "نشر مقال"},
	{EventUpdated, "تعديل مقال منشور"},
	{EventUnpublished, "إلغاء نشر مقال"},
	{EventCorrected, "تصحيح مقال"},
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // retries given up
)

// WebhookDelivery is one event on its way to one webhook, with what its
// attempts got: the delivery log.
type WebhookDelivery struct {
	ID          int64
	WebhookID   int64
	Event       string
	ArticleID   int64
	Payload     []byte
	State       string
	Attempts    int
	LastStatus  int    // the receiver's last HTTP status; 0 when it did not answer
	LastError   string // what went wrong, for the log
	NextAttempt time.Time
	CreatedAt   time.Time
	DeliveredAt time.Time
}

// Bounds on webhooks.
const (
	MaxWebhooks         = 20
	MaxWebhookAttempts  = 8
	WebhookLogKeep      = 14 * 24 * time.Hour
	MaxWebhookBodyBytes = 64 << 10
)

// WebhookStore keeps the webhooks and their deliveries. Its writes change
// no page.
type WebhookStore interface {
	Webhooks(ctx context.Context) ([]Webhook, error)
	// SaveWebhook creates (ID 0) or updates a webhook.
	SaveWebhook(ctx context.Context, w Webhook) (Webhook, error)
	DeleteWebhook(ctx context.Context, id int64) error
	// EnqueueDeliveries stores a pending delivery of the event for every
	// enabled webhook subscribed to it (ping: for the one webhook given),
	// and returns how many.
	EnqueueDeliveries(ctx context.Context, event string, articleID int64, payload []byte, onlyWebhook int64) (int, error)
	// ClaimDeliveries returns up to limit pending deliveries due at now and
	// moves their next attempt to now+lease in the same statement.
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]WebhookDelivery, error)
	// FinishDelivery saves an attempt's outcome (state, attempts, last
	// status and error, next attempt, delivered time).
	FinishDelivery(ctx context.Context, d WebhookDelivery) error
	// WebhookDeliveries lists a webhook's newest deliveries first.
	WebhookDeliveries(ctx context.Context, webhookID int64, limit int) ([]WebhookDelivery, error)
	// PurgeDeliveries removes finished deliveries created before t.
	PurgeDeliveries(ctx context.Context, before time.Time) (int, error)
}
