package sqlite

import (
	"context"
	"strings"
)

// MediaOrigins returns the library image of each address already fetched.
func (s *Store) MediaOrigins(ctx context.Context, urls []string) (map[string]int64, error) {
	out := make(map[string]int64, len(urls))
	for len(urls) > 0 {
		batch := urls[:min(len(urls), 500)]
		urls = urls[len(batch):]
		args := make([]any, len(batch))
		for i, u := range batch {
			args[i] = u
		}
		rows, err := s.r.QueryContext(ctx, `SELECT url, media_id FROM media_origins WHERE url IN (?`+
			strings.Repeat(", ?", len(batch)-1)+`)`, args...)
		if err != nil {
			return nil, wrapErr("look up fetched images", err)
		}
		for rows.Next() {
			var u string
			var id int64
			if err := rows.Scan(&u, &id); err != nil {
				rows.Close()
				return nil, wrapErr("look up fetched images", err)
			}
			out[u] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, wrapErr("look up fetched images", err)
		}
	}
	return out, nil
}

// SaveMediaOrigin records where image mediaID was fetched from.
func (s *Store) SaveMediaOrigin(ctx context.Context, url string, mediaID int64) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO media_origins (url, media_id) VALUES (?, ?)
		ON CONFLICT (url) DO UPDATE SET media_id = excluded.media_id`, url, mediaID)
	return wrapErr("record a fetched image", err)
}
