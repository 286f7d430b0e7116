package postgres

import (
	"context"
	"time"

	"sahafa/news"
)

// Sign-in attempts run outside writeTx, like sessions: they change no
// public page and must not drop any node's page cache.

// ReserveAttempt takes one attempt from key's budget (GCRA on one row:
// see migration 00006). The upsert's row lock makes it atomic across
// servers.
func (s *Store) ReserveAttempt(ctx context.Context, key string, now time.Time, every time.Duration, burst int) (time.Duration, error) {
	nowMs, everyMs := now.UnixMilli(), max(every.Milliseconds(), 1)
	window := everyMs * int64(max(burst, 1))
	var wait int64
	err := s.query(ctx, "reserve sign-in attempt", func(ctx context.Context, c querier) error {
		var taken bool
		var tat int64
		// One round trip: the CTE's upsert takes the attempt when the
		// budget allows; otherwise the stored row says how long to wait.
		err := c.QueryRow(ctx, `WITH up AS (
				INSERT INTO signin_attempts AS a (key, tat) VALUES ($1, $2::bigint + $3::bigint)
				ON CONFLICT (key) DO UPDATE SET tat = greatest(a.tat, $2::bigint) + $3::bigint
				WHERE greatest(a.tat, $2::bigint) + $3::bigint - $2::bigint <= $4::bigint
				RETURNING tat)
			SELECT true, tat FROM up
			UNION ALL
			SELECT false, tat FROM signin_attempts WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM up)`,
			key, nowMs, everyMs, window).Scan(&taken, &tat)
		if isNoRows(err) {
			// Refused by a row another server inserted after this
			// statement's snapshot: it was just taken, so a full interval.
			wait = everyMs
			return nil
		}
		if err != nil {
			return err
		}
		if !taken {
			wait = max(tat+everyMs-window-nowMs, 1)
		}
		return nil
	})
	return time.Duration(wait) * time.Millisecond, err
}

// ReturnAttempt gives back one attempt, or forgets key with all.
func (s *Store) ReturnAttempt(ctx context.Context, key string, every time.Duration, all bool) error {
	return s.query(ctx, "return sign-in attempt", func(ctx context.Context, c querier) error {
		var err error
		if all {
			_, err = c.Exec(ctx, `DELETE FROM signin_attempts WHERE key = $1`, key)
		} else {
			_, err = c.Exec(ctx, `UPDATE signin_attempts SET tat = tat - $2::bigint WHERE key = $1`, key, max(every.Milliseconds(), 1))
		}
		return err
	})
}

// PruneAttempts deletes the keys whose budget is full again.
func (s *Store) PruneAttempts(ctx context.Context, now time.Time) error {
	return s.query(ctx, "prune sign-in attempts", func(ctx context.Context, c querier) error {
		_, err := c.Exec(ctx, `DELETE FROM signin_attempts WHERE tat <= $1`, now.UnixMilli())
		return err
	})
}

var _ news.AttemptStore = (*Store)(nil)
