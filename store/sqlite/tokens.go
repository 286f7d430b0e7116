package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"sahafa/news"
)

// CreateToken stores a new admin API token.
func (s *Store) CreateToken(ctx context.Context, t news.APIToken) (news.APIToken, error) {
	t.CreatedAt = t.CreatedAt.UTC().Truncate(time.Second)
	err := s.w.QueryRowContext(ctx, `INSERT INTO api_tokens (name, prefix, token_hash, scopes, created_by, created_at)
		VALUES (?, ?, ?, ?, NULLIF(?, 0), ?) RETURNING id`, t.Name, t.Prefix, t.Hash, strings.Join(t.Scopes, " "),
		t.CreatedBy, t.CreatedAt.Unix()).Scan(&t.ID)
	if err != nil {
		return news.APIToken{}, wrapErr("create token", err)
	}
	return t, nil
}

const tokenColumns = `id, name, prefix, token_hash, scopes, COALESCE(created_by, 0), created_at,
	COALESCE(last_used_at, 0), COALESCE(revoked_at, 0)`

func scanToken(sc scanner) (news.APIToken, error) {
	var t news.APIToken
	var scopes string
	var created, used, revoked int64
	if err := sc.Scan(&t.ID, &t.Name, &t.Prefix, &t.Hash, &scopes, &t.CreatedBy, &created, &used, &revoked); err != nil {
		return t, err
	}
	t.Scopes = strings.Fields(scopes)
	t.CreatedAt = fromUnix(created)
	if used != 0 {
		t.LastUsed = fromUnix(used)
	}
	if revoked != 0 {
		t.RevokedAt = fromUnix(revoked)
	}
	return t, nil
}

// Tokens lists every token, newest first.
func (s *Store) Tokens(ctx context.Context) ([]news.APIToken, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens ORDER BY id DESC LIMIT ?`, news.MaxTokens+1)
	if err != nil {
		return nil, wrapErr("list tokens", err)
	}
	defer rows.Close()
	var out []news.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, wrapErr("list tokens", err)
		}
		out = append(out, t)
	}
	return out, wrapErr("list tokens", rows.Err())
}

// TokenByHash finds a token by its secret's hash.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (news.APIToken, error) {
	t, err := scanToken(s.read().QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return news.APIToken{}, news.Errorf(news.ENOTFOUND, "no such token")
	}
	return t, wrapErr("get token", err)
}

// RevokeToken revokes a token.
func (s *Store) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, at.Unix(), id)
	if err == nil {
		err = mustAffect(res, news.Errorf(news.ENOTFOUND, "token %d not found", id))
	}
	return wrapErr("revoke token", err)
}

// TouchToken records a token's use.
func (s *Store) TouchToken(ctx context.Context, id int64, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, at.Unix(), id)
	return wrapErr("touch token", err)
}
