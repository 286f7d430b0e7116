package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"sahafa/news"
)

// SaveRedirects adds redirects of old paths, all or none.
func (s *Store) SaveRedirects(ctx context.Context, rs []news.PathRedirect) error {
	const op = "save redirects"
	checked := make([]news.PathRedirect, len(rs))
	for i, r := range rs {
		var err error
		if checked[i], err = news.CheckRedirect(r); err != nil {
			return err
		}
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	for _, r := range checked {
		if _, err := tx.ExecContext(ctx, `INSERT INTO path_redirects (path, target) VALUES (?, ?)
			ON CONFLICT (path) DO UPDATE SET target = excluded.target`, r.From, r.To); err != nil {
			return wrapErr(op, err)
		}
	}
	return wrapErr(op, tx.Commit())
}

// RedirectTarget is where an old path goes.
func (s *Store) RedirectTarget(ctx context.Context, from string) (string, error) {
	var to string
	err := s.read().QueryRowContext(ctx, `SELECT target FROM path_redirects WHERE path = ?`, news.RedirectKey(from)).Scan(&to)
	if errors.Is(err, sql.ErrNoRows) {
		return "", news.Errorf(news.ENOTFOUND, "no redirect from %q", from)
	}
	return to, wrapErr("look up a redirect", err)
}
