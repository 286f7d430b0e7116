package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"sahafa/news"
)

// TokenPrefix begins every admin API token's secret, so that one pasted
// where it should not be is recognizable (and found by secret scanners).
const TokenPrefix = "sahafa_"

// CreateToken makes a token for another system to call the admin API with
// (admins only): it returns the secret, shown once and never stored, and
// the token as stored.
func (s *Service) CreateToken(ctx context.Context, admin news.User, name string, scopes []string) (string, news.APIToken, error) {
	if !canManageTokens(admin) {
		return "", news.APIToken{}, news.Errorf(news.EFORBIDDEN, "only administrators manage API tokens")
	}
	errs := news.FieldErrors{}
	name = strings.Join(strings.Fields(name), " ")
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		errs.Add("name", "اكتب اسمًا يدل على من يستعمل الرمز (مثل: لوحة أرقام التحرير)")
	case n > 100:
		errs.Add("name", "الاسم أطول من 100 حرف")
	}
	var kept []string
	for _, sc := range scopes {
		if !news.KnownScope(sc) {
			errs.Add("scopes", "صلاحية غير معروفة: "+sc)
		} else if !slices.Contains(kept, sc) {
			kept = append(kept, sc)
		}
	}
	if len(kept) == 0 && errs["scopes"] == "" {
		errs.Add("scopes", "اختر صلاحية واحدة على الأقل")
	}
	if err := errs.Err(); err != nil {
		return "", news.APIToken{}, err
	}
	if list, err := s.store.Tokens(ctx); err != nil {
		return "", news.APIToken{}, err
	} else if len(list) >= news.MaxTokens {
		return "", news.APIToken{}, news.Errorf(news.ECONFLICT, "بلغ الموقع الحد الأقصى من الرموز (%d)؛ احذف رمزًا لا يُستعمل أولًا", news.MaxTokens)
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t, err := s.store.CreateToken(ctx, news.APIToken{Name: name, Prefix: secret[:len(TokenPrefix)+6], Hash: TokenHash(secret),
		Scopes: kept, CreatedBy: admin.ID, CreatedAt: s.opts.Now()})
	if err != nil {
		return "", news.APIToken{}, err
	}
	s.log.Warn("security: API token created", "token", t.ID, "name", t.Name, "scopes", strings.Join(kept, " "), "by", admin.ID)
	return secret, t, nil
}

// Tokens lists the site's tokens (admins only).
func (s *Service) Tokens(ctx context.Context, admin news.User) ([]news.APIToken, error) {
	if !canManageTokens(admin) {
		return nil, news.Errorf(news.EFORBIDDEN, "only administrators manage API tokens")
	}
	return s.store.Tokens(ctx)
}

// RevokeToken stops a token from working, at once on every server.
func (s *Service) RevokeToken(ctx context.Context, admin news.User, id int64) error {
	if !canManageTokens(admin) {
		return news.Errorf(news.EFORBIDDEN, "only administrators manage API tokens")
	}
	if err := s.store.RevokeToken(ctx, id, s.opts.Now()); err != nil {
		return err
	}
	s.log.Warn("security: API token revoked", "token", id, "by", admin.ID)
	return nil
}

// tokenTouchEvery is how stale a token's last-used time may get: one write
// per token per minute, not one per call.
const tokenTouchEvery = time.Minute

// TokenFor checks an Authorization header ("Bearer <secret>") for scope:
// EUNAUTHORIZED when it carries no valid token (missing, unknown or
// revoked), EFORBIDDEN when the token lacks scope.
func (s *Service) TokenFor(ctx context.Context, authorization, scope string) (news.APIToken, error) {
	secret, ok := strings.CutPrefix(authorization, "Bearer ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return news.APIToken{}, news.Errorf(news.EUNAUTHORIZED, "send an API token as Authorization: Bearer %s…", TokenPrefix)
	}
	t, err := s.store.TokenByHash(ctx, TokenHash(secret))
	if news.ErrorCode(err) == news.ENOTFOUND {
		return news.APIToken{}, news.Errorf(news.EUNAUTHORIZED, "the API token is not valid")
	}
	if err != nil {
		return news.APIToken{}, err
	}
	if t.Revoked() {
		return news.APIToken{}, news.Errorf(news.EUNAUTHORIZED, "the API token was revoked")
	}
	if !t.Allows(scope) {
		return news.APIToken{}, news.Errorf(news.EFORBIDDEN, "the API token does not allow %s", scope)
	}
	if now := s.opts.Now(); now.Sub(t.LastUsed) > tokenTouchEvery {
		if err := s.store.TouchToken(ctx, t.ID, now); err == nil {
			t.LastUsed = now
		}
	}
	return t, nil
}

func canManageTokens(u news.User) bool {
	return u.ID != 0 && !u.Disabled && u.Role.AtLeast(news.RoleAdmin)
}
