package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// CreateToken stores a new admin API token.
func (s *Store) CreateToken(ctx context.Context, t news.APIToken) (news.APIToken, error) {
	t.CreatedAt = second(t.CreatedAt)
	err := s.query(ctx, "create token", func(ctx context.Context, c querier) error {
		return c.QueryRow(ctx, `INSERT INTO api_tokens (name, prefix, token_hash, scopes, created_by, created_at)
			VALUES ($1, $2, $3, $4, NULLIF($5::bigint, 0), $6) RETURNING id`, t.Name, t.Prefix, t.Hash,
			strings.Join(t.Scopes, " "), t.CreatedBy, t.CreatedAt).Scan(&t.ID)
	})
	if err != nil {
		return news.APIToken{}, err
	}
	return t, nil
}

const tokenColumns = `id, name, prefix, token_hash, scopes, COALESCE(created_by, 0), created_at, last_used_at, revoked_at`

func scanToken(row pgx.Row) (news.APIToken, error) {
	var t news.APIToken
	var scopes string
	var used, revoked *time.Time
	if err := row.Scan(&t.ID, &t.Name, &t.Prefix, &t.Hash, &scopes, &t.CreatedBy, &t.CreatedAt, &used, &revoked); err != nil {
		return t, err
	}
	t.Scopes = strings.Fields(scopes)
	t.CreatedAt = t.CreatedAt.UTC()
	if used != nil {
		t.LastUsed = used.UTC()
	}
	if revoked != nil {
		t.RevokedAt = revoked.UTC()
	}
	return t, nil
}

// Tokens lists every token, newest first.
func (s *Store) Tokens(ctx context.Context) ([]news.APIToken, error) {
	var out []news.APIToken
	err := s.query(ctx, "list tokens", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens ORDER BY id DESC LIMIT $1`, news.MaxTokens+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanToken(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}

// TokenByHash finds a token by its secret's hash.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (news.APIToken, error) {
	var t news.APIToken
	err := s.query(ctx, "get token", func(ctx context.Context, c querier) error {
		var err error
		t, err = scanToken(c.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, hash))
		if errors.Is(err, pgx.ErrNoRows) {
			return news.Errorf(news.ENOTFOUND, "no such token")
		}
		return err
	})
	return t, err
}

// RevokeToken revokes a token.
func (s *Store) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	return s.query(ctx, "revoke token", func(ctx context.Context, c querier) error {
		ct, err := c.Exec(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2`, second(at), id)
		if err == nil && ct.RowsAffected() == 0 {
			return news.Errorf(news.ENOTFOUND, "token %d not found", id)
		}
		return err
	})
}

// TouchToken records a token's use.
func (s *Store) TouchToken(ctx context.Context, id int64, at time.Time) error {
	return s.query(ctx, "touch token", func(ctx context.Context, c querier) error {
		_, err := c.Exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, second(at), id)
		return err
	})
}
