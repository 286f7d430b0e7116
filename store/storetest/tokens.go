package storetest

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"sahafa/news"
)

var tokenTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"Tokens", testTokens},
}

// testTokens: a token is found by its hash alone, keeps its scopes and
// creator, records its last use, and stays listed once revoked (with the
// first revocation time).
func testTokens(t *testing.T, s news.Store) {
	ctx := context.Background()
	admin, err := s.CreateUser(ctx, newUser("tokens-admin@example.com", news.RoleAdmin))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 10, 30, 0, 0, time.UTC)
	hash := bytes.Repeat([]byte{7}, 32)
	tok, err := s.CreateToken(ctx, news.APIToken{Name: "لوحة أرقام التحرير", Prefix: "sahafa_abc", Hash: hash,
		Scopes: []string{news.ScopeStatsRead}, CreatedBy: admin.ID, CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateToken(ctx, news.APIToken{Name: "نسخة", Prefix: "sahafa_abc", Hash: hash, Scopes: []string{news.ScopeStatsRead},
		CreatedAt: now}); news.ErrorCode(err) != news.ECONFLICT {
		t.Errorf("a second token with the same hash: %v, want ECONFLICT", err)
	}
	other, err := s.CreateToken(ctx, news.APIToken{Name: "شريك", Prefix: "sahafa_def", Hash: bytes.Repeat([]byte{9}, 32),
		Scopes: []string{news.ScopeStatsRead, "articles:write"}, CreatedAt: now.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.TokenByHash(ctx, hash)
	if err != nil || got.ID != tok.ID || got.Name != "لوحة أرقام التحرير" || got.CreatedBy != admin.ID ||
		!slices.Equal(got.Scopes, []string{news.ScopeStatsRead}) || !got.CreatedAt.Equal(now) || !got.LastUsed.IsZero() || got.Revoked() {
		t.Errorf("TokenByHash = %+v, %v", got, err)
	}
	if _, err := s.TokenByHash(ctx, bytes.Repeat([]byte{8}, 32)); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("an unknown hash: %v, want ENOTFOUND", err)
	}
	if err := s.TouchToken(ctx, tok.ID, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, other.ID, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, other.ID, now.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, other.ID+100, now); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("revoking no token: %v, want ENOTFOUND", err)
	}
	list, err := s.Tokens(ctx)
	if err != nil || len(list) != 2 || list[0].ID != other.ID || list[1].ID != tok.ID {
		t.Fatalf("Tokens = %+v, %v", list, err)
	}
	if !list[0].RevokedAt.Equal(now.Add(2*time.Hour)) || !slices.Equal(list[0].Scopes, []string{news.ScopeStatsRead, "articles:write"}) {
		t.Errorf("the revoked token reads %+v", list[0])
	}
	if !list[1].LastUsed.Equal(now.Add(time.Hour)) || list[1].Revoked() {
		t.Errorf("the used token reads %+v", list[1])
	}
}
