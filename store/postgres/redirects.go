package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// SaveRedirects adds redirects of old paths, all or none.
func (s *Store) SaveRedirects(ctx context.Context, rs []news.PathRedirect) error {
	checked := make([]news.PathRedirect, len(rs))
	for i, r := range rs {
		var err error
		if checked[i], err = news.CheckRedirect(r); err != nil {
			return err
		}
	}
	return s.writeTx(ctx, "save redirects", func(ctx context.Context, tx pgx.Tx) error {
		for _, r := range checked {
			if _, err := tx.Exec(ctx, `INSERT INTO path_redirects (path, target) VALUES ($1, $2)
				ON CONFLICT (path) DO UPDATE SET target = excluded.target`, r.From, r.To); err != nil {
				return err
			}
		}
		return nil
	})
}

// RedirectTarget is where an old path goes.
func (s *Store) RedirectTarget(ctx context.Context, from string) (string, error) {
	var to string
	err := s.read(ctx, "look up a redirect", func(ctx context.Context, c querier) error {
		return c.QueryRow(ctx, `SELECT target FROM path_redirects WHERE path = $1`, news.RedirectKey(from)).Scan(&to)
	})
	if isNoRows(err) {
		return "", news.Errorf(news.ENOTFOUND, "no redirect from %q", from)
	}
	return to, err
}
