package sqlite

import (
	"context"
	"strings"
	"time"

	"sahafa/news"
)

const webhookColumns = `id, url, events, secret, enabled, created_at, COALESCE(created_by, 0)`

func scanWebhook(sc interface{ Scan(...any) error }) (news.Webhook, error) {
	var w news.Webhook
	var events string
	var created int64
	err := sc.Scan(&w.ID, &w.URL, &events, &w.Secret, &w.Enabled, &created, &w.CreatedBy)
	w.Events, w.CreatedAt = strings.Fields(events), fromUnix(created)
	return w, err
}

// Webhooks lists the webhooks.
func (s *Store) Webhooks(ctx context.Context) ([]news.Webhook, error) {
	rows, err := s.w.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks ORDER BY id`)
	return collectRows(rows, err, "list webhooks", scanWebhook)
}

// SaveWebhook creates or updates a webhook.
func (s *Store) SaveWebhook(ctx context.Context, w news.Webhook) (news.Webhook, error) {
	events := strings.Join(w.Events, " ")
	if w.ID == 0 {
		var n int
		if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM webhooks`).Scan(&n); err != nil {
			return w, wrapErr("count webhooks", err)
		}
		if n >= news.MaxWebhooks {
			return w, news.Errorf(news.EINVALID, "الحد %d رابطًا", news.MaxWebhooks)
		}
		w.CreatedAt = time.Now().UTC().Truncate(time.Second)
		err := s.w.QueryRowContext(ctx, `INSERT INTO webhooks (url, events, secret, enabled, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, NULLIF(?, 0)) RETURNING id`, w.URL, events, w.Secret, w.Enabled, w.CreatedAt.Unix(), w.CreatedBy).Scan(&w.ID)
		return w, wrapErr("create a webhook", err)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE webhooks SET url = ?, events = ?, enabled = ? WHERE id = ?`, w.URL, events, w.Enabled, w.ID)
	if err != nil {
		return w, wrapErr("update a webhook", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return w, news.Errorf(news.ENOTFOUND, "webhook %d not found", w.ID)
	}
	return w, nil
}

// DeleteWebhook removes a webhook and its log.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ?`, id)
	if err != nil {
		return wrapErr("delete a webhook", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return news.Errorf(news.ENOTFOUND, "webhook %d not found", id)
	}
	return nil
}

// EnqueueDeliveries stores the event's deliveries.
func (s *Store) EnqueueDeliveries(ctx context.Context, event string, articleID int64, payload []byte, only int64) (int, error) {
	now := time.Now().Unix()
	res, err := s.w.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event, article_id, payload, next_attempt, created_at)
		SELECT id, ?, ?, ?, ?, ? FROM webhooks
		WHERE (? <> 0 AND id = ?) OR (? = 0 AND enabled AND (' ' || events || ' ') LIKE '% ' || ? || ' %')`,
		event, articleID, payload, now, now, only, only, only, event)
	if err != nil {
		return 0, wrapErr("enqueue webhook deliveries", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

const deliveryColumns = `id, webhook_id, event, article_id, payload, state, attempts, last_status, last_error, next_attempt, created_at, delivered_at`

func scanDelivery(sc interface{ Scan(...any) error }) (news.WebhookDelivery, error) {
	var d news.WebhookDelivery
	var next, created, delivered int64
	err := sc.Scan(&d.ID, &d.WebhookID, &d.Event, &d.ArticleID, &d.Payload, &d.State, &d.Attempts, &d.LastStatus, &d.LastError,
		&next, &created, &delivered)
	d.NextAttempt, d.CreatedAt, d.DeliveredAt = fromUnix(next), fromUnix(created), unixOrZero(delivered)
	return d, err
}

// ClaimDeliveries takes the due deliveries: each webhook's oldest pending
// one only, so that a webhook gets its events in order.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]news.WebhookDelivery, error) {
	rows, err := s.w.QueryContext(ctx, `UPDATE webhook_deliveries SET next_attempt = ?
		WHERE id IN (SELECT d.id FROM webhook_deliveries d WHERE d.state = 'pending' AND d.next_attempt <= ?
			AND d.id = (SELECT min(e.id) FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id AND e.state = 'pending')
			ORDER BY d.next_attempt, d.id LIMIT ?)
		RETURNING `+deliveryColumns, now.Add(lease).Unix(), now.Unix(), listLimit(limit))
	return collectRows(rows, err, "claim webhook deliveries", scanDelivery)
}

// FinishDelivery saves an attempt's outcome.
func (s *Store) FinishDelivery(ctx context.Context, d news.WebhookDelivery) error {
	_, err := s.w.ExecContext(ctx, `UPDATE webhook_deliveries SET state = ?, attempts = ?, last_status = ?, last_error = ?,
		next_attempt = ?, delivered_at = ? WHERE id = ?`,
		d.State, d.Attempts, d.LastStatus, d.LastError, d.NextAttempt.Unix(), zeroOrUnix(d.DeliveredAt), d.ID)
	return wrapErr("finish a webhook delivery", err)
}

// WebhookDeliveries lists a webhook's log.
func (s *Store) WebhookDeliveries(ctx context.Context, webhookID int64, limit int) ([]news.WebhookDelivery, error) {
	rows, err := s.w.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ?`,
		webhookID, listLimit(limit))
	return collectRows(rows, err, "list webhook deliveries", scanDelivery)
}

// PurgeDeliveries removes old finished deliveries.
func (s *Store) PurgeDeliveries(ctx context.Context, before time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < ?`, before.Unix())
	if err != nil {
		return 0, wrapErr("purge webhook deliveries", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
