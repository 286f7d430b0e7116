package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

const webhookColumns = `id, url, events, secret, enabled, created_at, COALESCE(created_by, 0)`

func scanWebhook(row pgx.Row) (news.Webhook, error) {
	var w news.Webhook
	var events string
	err := row.Scan(&w.ID, &w.URL, &events, &w.Secret, &w.Enabled, &w.CreatedAt, &w.CreatedBy)
	w.Events, w.CreatedAt = strings.Fields(events), w.CreatedAt.UTC()
	return w, err
}

// Webhooks lists the webhooks.
func (s *Store) Webhooks(ctx context.Context) ([]news.Webhook, error) {
	var out []news.Webhook
	err := s.query(ctx, "list webhooks", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT `+webhookColumns+` FROM webhooks ORDER BY id`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (news.Webhook, error) { return scanWebhook(r) })
		return err
	})
	return out, err
}

// SaveWebhook creates or updates a webhook.
func (s *Store) SaveWebhook(ctx context.Context, w news.Webhook) (news.Webhook, error) {
	events := strings.Join(w.Events, " ")
	err := s.wireWrite(ctx, "save a webhook", func(ctx context.Context, tx pgx.Tx) error {
		if w.ID == 0 {
			if _, err := tx.Exec(ctx, `LOCK TABLE webhooks IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM webhooks`).Scan(&n); err != nil {
				return err
			}
			if n >= news.MaxWebhooks {
				return news.Errorf(news.EINVALID, "الحد %d رابطًا", news.MaxWebhooks)
			}
			w.CreatedAt = second(time.Now())
			return tx.QueryRow(ctx, `INSERT INTO webhooks (url, events, secret, enabled, created_at, created_by)
				VALUES ($1, $2, $3, $4, $5, NULLIF($6::bigint, 0)) RETURNING id`, w.URL, events, w.Secret, w.Enabled, w.CreatedAt, w.CreatedBy).Scan(&w.ID)
		}
		tag, err := tx.Exec(ctx, `UPDATE webhooks SET url = $1, events = $2, enabled = $3 WHERE id = $4`, w.URL, events, w.Enabled, w.ID)
		if err == nil && tag.RowsAffected() == 0 {
			return news.Errorf(news.ENOTFOUND, "webhook %d not found", w.ID)
		}
		return err
	})
	return w, err
}

// DeleteWebhook removes a webhook and its log.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	return s.wireWrite(ctx, "delete a webhook", func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM webhooks WHERE id = $1`, id)
		if err == nil && tag.RowsAffected() == 0 {
			return news.Errorf(news.ENOTFOUND, "webhook %d not found", id)
		}
		return err
	})
}

// EnqueueDeliveries stores the event's deliveries.
func (s *Store) EnqueueDeliveries(ctx context.Context, event string, articleID int64, payload []byte, only int64) (int, error) {
	var n int64
	err := s.wireWrite(ctx, "enqueue webhook deliveries", func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO webhook_deliveries (webhook_id, event, article_id, payload, next_attempt, created_at)
			SELECT id, $1, $2, $3, now(), now() FROM webhooks
			WHERE ($4::bigint <> 0 AND id = $4) OR ($4 = 0 AND enabled AND $1 = ANY(string_to_array(events, ' ')))`,
			event, articleID, payload, only)
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}

const deliveryColumns = `id, webhook_id, event, article_id, payload, state, attempts, last_status, last_error, next_attempt, created_at, delivered_at`

func scanDelivery(row pgx.Row) (news.WebhookDelivery, error) {
	var d news.WebhookDelivery
	var delivered *time.Time
	err := row.Scan(&d.ID, &d.WebhookID, &d.Event, &d.ArticleID, &d.Payload, &d.State, &d.Attempts, &d.LastStatus, &d.LastError,
		&d.NextAttempt, &d.CreatedAt, &delivered)
	d.NextAttempt, d.CreatedAt, d.DeliveredAt = d.NextAttempt.UTC(), d.CreatedAt.UTC(), timeOrZero(delivered)
	return d, err
}

func (s *Store) deliveries(ctx context.Context, op string, run func(ctx context.Context, q func(sql string, args ...any) (pgx.Rows, error)) (pgx.Rows, error)) ([]news.WebhookDelivery, error) {
	var out []news.WebhookDelivery
	err := s.wireWrite(ctx, op, func(ctx context.Context, tx pgx.Tx) error {
		rows, err := run(ctx, func(sql string, args ...any) (pgx.Rows, error) { return tx.Query(ctx, sql, args...) })
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (news.WebhookDelivery, error) { return scanDelivery(r) })
		return err
	})
	return out, err
}

// ClaimDeliveries takes the due deliveries: each webhook's oldest pending
// one only, so that a webhook gets its events in order; SKIP LOCKED lets
// two servers claim at once without taking the same one.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]news.WebhookDelivery, error) {
	return s.deliveries(ctx, "claim webhook deliveries", func(ctx context.Context, q func(string, ...any) (pgx.Rows, error)) (pgx.Rows, error) {
		return q(`UPDATE webhook_deliveries SET next_attempt = $1
			WHERE id IN (SELECT d.id FROM webhook_deliveries d WHERE d.state = 'pending' AND d.next_attempt <= $2
				AND d.id = (SELECT min(e.id) FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id AND e.state = 'pending')
				ORDER BY d.next_attempt, d.id LIMIT $3 FOR UPDATE SKIP LOCKED)
			RETURNING `+deliveryColumns, now.Add(lease), now, listLimit(limit))
	})
}

// FinishDelivery saves an attempt's outcome.
func (s *Store) FinishDelivery(ctx context.Context, d news.WebhookDelivery) error {
	return s.wireWrite(ctx, "finish a webhook delivery", func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET state = $1, attempts = $2, last_status = $3, last_error = $4,
			next_attempt = $5, delivered_at = $6 WHERE id = $7`,
			d.State, d.Attempts, d.LastStatus, d.LastError, d.NextAttempt, nilIfZero(d.DeliveredAt), d.ID)
		return err
	})
}

// WebhookDeliveries lists a webhook's log.
func (s *Store) WebhookDeliveries(ctx context.Context, webhookID int64, limit int) ([]news.WebhookDelivery, error) {
	return s.deliveries(ctx, "list webhook deliveries", func(ctx context.Context, q func(string, ...any) (pgx.Rows, error)) (pgx.Rows, error) {
		return q(`SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2`, webhookID, listLimit(limit))
	})
}

// PurgeDeliveries removes old finished deliveries.
func (s *Store) PurgeDeliveries(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.wireWrite(ctx, "purge webhook deliveries", func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < $1`, before)
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}
