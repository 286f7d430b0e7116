package news

import (
	"context"
	"slices"
	"time"
)

// APIToken lets another system (a dashboard, an agency's or partner's
// integration) call the admin API without a person's session. Only a hash
// of its secret is stored; Prefix, the secret's first characters, tells
// tokens apart in the newsroom.
type APIToken struct {
	ID        int64
	Name      string
	Prefix    string
	Hash      []byte // SHA-256 of the secret
	Scopes    []string
	CreatedBy int64
	CreatedAt time.Time
	LastUsed  time.Time // zero: never used
	RevokedAt time.Time // zero: still valid
}

// Revoked reports whether the token was revoked.
func (t APIToken) Revoked() bool { return !t.RevokedAt.IsZero() }

// Allows reports whether the token grants scope.
func (t APIToken) Allows(scope string) bool { return slices.Contains(t.Scopes, scope) }

// TokenScope is something a token may be allowed to do.
type TokenScope struct {
	Key   string
	Label string // for the newsroom
}

// ScopeStatsRead lets a token read the readership and ad numbers
// (GET /api/v1/stats/...).
const ScopeStatsRead = "stats:read"

// ScopeArticlesWrite lets a token create, edit, publish and unpublish
// articles through the admin API (/api/v1/admin/articles), as the admin
// who made it, with the newsroom's checks.
const ScopeArticlesWrite = "articles:write"

// ScopeMediaWrite lets a token upload images (/api/v1/admin/media).
const ScopeMediaWrite = "media:write"

// TokenScopes are the scopes tokens can be given.
var TokenScopes = []TokenScope{
	{Key: ScopeStatsRead, Label: "قراءة أرقام الجمهور والإعلانات"},
	{Key: ScopeArticlesWrite, Label: "كتابة المقالات ونشرها وإلغاء نشرها"},
	{Key: ScopeMediaWrite, Label: "رفع الصور إلى المكتبة"},
}

// KnownScope reports whether key is one of TokenScopes.
func KnownScope(key string) bool {
	for _, s := range TokenScopes {
		if s.Key == key {
			return true
		}
	}
	return false
}

// MaxTokens bounds the tokens a site keeps, revoked ones included.
const MaxTokens = 100

// TokenStore keeps the admin API's tokens. Its writes change no page.
type TokenStore interface {
	// CreateToken stores a new token; a hash already stored is ECONFLICT.
	CreateToken(ctx context.Context, t APIToken) (APIToken, error)
	// Tokens lists every token, newest first.
	Tokens(ctx context.Context) ([]APIToken, error)
	// TokenByHash finds a token by its secret's hash (ENOTFOUND).
	TokenByHash(ctx context.Context, hash []byte) (APIToken, error)
	// RevokeToken revokes a token at at (ENOTFOUND when there is none;
	// revoking twice keeps the first time).
	RevokeToken(ctx context.Context, id int64, at time.Time) error
	// TouchToken records that a token was used at at.
	TouchToken(ctx context.Context, id int64, at time.Time) error
}
