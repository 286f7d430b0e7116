package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// MediaOrigins returns the library image of each address already fetched.
func (s *Store) MediaOrigins(ctx context.Context, urls []string) (map[string]int64, error) {
	out := make(map[string]int64, len(urls))
	err := s.query(ctx, "look up fetched images", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT url, media_id FROM media_origins WHERE url = ANY($1)`, urls)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u string
			var id int64
			if err := rows.Scan(&u, &id); err != nil {
				return err
			}
			out[u] = id
		}
		return rows.Err()
	})
	return out, err
}

// SaveMediaOrigin records where image mediaID was fetched from.
func (s *Store) SaveMediaOrigin(ctx context.Context, url string, mediaID int64) error {
	return s.inTx(ctx, "record a fetched image", pgx.TxOptions{}, noNotify, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO media_origins (url, media_id) VALUES ($1, $2)
			ON CONFLICT (url) DO UPDATE SET media_id = excluded.media_id`, url, mediaID)
		return err
	})
}
