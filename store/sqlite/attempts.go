package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"sahafa/news"
)

// ReserveAttempt takes one attempt from key's budget (GCRA on one row:
// see migration 00005): the upsert succeeds only while the theoretical
// arrival time stays within burst intervals of now. The single writer
// connection makes it atomic across goroutines and processes.
func (s *Store) ReserveAttempt(ctx context.Context, key string, now time.Time, every time.Duration, burst int) (time.Duration, error) {
	const op = "reserve sign-in attempt"
	nowMs, everyMs := now.UnixMilli(), max(every.Milliseconds(), 1)
	window := everyMs * int64(max(burst, 1))
	var tat int64
	err := s.w.QueryRowContext(ctx, `INSERT INTO signin_attempts (key, tat) VALUES (?1, ?2 + ?3)
		ON CONFLICT (key) DO UPDATE SET tat = max(tat, ?2) + ?3 WHERE max(tat, ?2) + ?3 - ?2 <= ?4
		RETURNING tat`, key, nowMs, everyMs, window).Scan(&tat)
	if err == nil {
		return 0, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, wrapErr(op, err)
	}
	if err := s.w.QueryRowContext(ctx, `SELECT tat FROM signin_attempts WHERE key = ?`, key).Scan(&tat); err != nil {
		return 0, wrapErr(op, err)
	}
	return time.Duration(max(tat+everyMs-window-nowMs, 1)) * time.Millisecond, nil
}

// ReturnAttempt gives back one attempt, or forgets key with all.
func (s *Store) ReturnAttempt(ctx context.Context, key string, every time.Duration, all bool) error {
	var err error
	if all {
		_, err = s.w.ExecContext(ctx, `DELETE FROM signin_attempts WHERE key = ?`, key)
	} else {
		_, err = s.w.ExecContext(ctx, `UPDATE signin_attempts SET tat = tat - ? WHERE key = ?`, max(every.Milliseconds(), 1), key)
	}
	return wrapErr("return sign-in attempt", err)
}

// PruneAttempts deletes the keys whose budget is full again.
func (s *Store) PruneAttempts(ctx context.Context, now time.Time) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM signin_attempts WHERE tat <= ?`, now.UnixMilli())
	return wrapErr("prune sign-in attempts", err)
}

var _ news.AttemptStore = (*Store)(nil)
