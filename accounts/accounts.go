package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"sahafa/news"
)

// Options configure a Service.
type Options struct {
	Params Params           // default DefaultParams
	Now    func() time.Time // default time.Now
	// IdleTimeout ends a session unused for this long (default 14 days);
	// MaxAge ends any session this long after sign-in (default 60 days).
	IdleTimeout time.Duration
	MaxAge      time.Duration
	// Sign-in limits: an account may fail AccountBurst times in a row,
	// then once per AccountEvery; an address AddressBurst times, then once
	// per AddressEvery. Defaults 5 / 1 minute and 20 / 10 seconds.
	AccountBurst int
	AccountEvery time.Duration
	AddressBurst int
	AddressEvery time.Duration
}

// Service signs newsroom users in and out and manages their accounts.
type Service struct {
	store   news.UserStore
	opts    Options
	account *limiter
	address *limiter
	// dummyHash is verified against when an email is unknown, so that a
	// wrong email takes as long as a wrong password and does not tell an
	// attacker which accounts exist.
	dummyHash string
}

// New returns a Service on store.
func New(store news.UserStore, opts Options) *Service {
	if opts.Params == (Params{}) {
		opts.Params = DefaultParams
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 14 * 24 * time.Hour
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 60 * 24 * time.Hour
	}
	if opts.AccountBurst <= 0 {
		opts.AccountBurst = 5
	}
	if opts.AccountEvery <= 0 {
		opts.AccountEvery = time.Minute
	}
	if opts.AddressBurst <= 0 {
		opts.AddressBurst = 20
	}
	if opts.AddressEvery <= 0 {
		opts.AddressEvery = 10 * time.Second
	}
	dummy, _ := HashPassword("not a password of anyone", opts.Params)
	return &Service{
		store:     store,
		opts:      opts,
		account:   newLimiter(opts.AccountEvery, opts.AccountBurst),
		address:   newLimiter(opts.AddressEvery, opts.AddressBurst),
		dummyHash: dummy,
	}
}

// UserInput is what a form or the command line gives to create or edit a
// user.
type UserInput struct {
	Email    string
	Name     string
	Role     string
	Password string // required to create; empty keeps the password on edit
}

// validate checks input and returns the normalized email, name and role.
func (s *Service) validate(in UserInput, creating bool) (string, string, news.Role, news.FieldErrors) {
	errs := news.FieldErrors{}
	email, ok := news.NormalizeEmail(in.Email)
	if !ok {
		errs.Add("email", "اكتب بريدًا إلكترونيًا صحيحًا مثل name@example.com")
	}
	name := strings.Join(strings.Fields(in.Name), " ")
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		errs.Add("name", "اكتب الاسم كما يظهر في توقيع المقالات")
	case n > 100:
		errs.Add("name", "الاسم أطول من 100 حرف")
	}
	role := news.Role(in.Role)
	if role.Rank() == 0 {
		errs.Add("role", "اختر دورًا: مساهم أو كاتب أو محرر أو مدير")
	}
	if creating || in.Password != "" {
		if msg := CheckPassword(in.Password, email); msg != "" {
			errs.Add("password", msg)
		}
	}
	return email, name, role, errs
}

// CreateUser adds a user.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (news.User, error) {
	email, name, role, errs := s.validate(in, true)
	if err := errs.Err(); err != nil {
		return news.User{}, err
	}
	hash, err := HashPassword(in.Password, s.opts.Params)
	if err != nil {
		return news.User{}, err
	}
	u, err := s.store.CreateUser(ctx, news.User{Email: email, Name: name, Role: role, PasswordHash: hash})
	if news.ErrorCode(err) == news.ECONFLICT {
		return news.User{}, news.FieldErrors{"email": "هذا البريد مسجّل لمستخدم آخر"}
	}
	return u, err
}

// UpdateUser changes a user's email, name, role and, when given, password;
// a new password signs the user out everywhere.
func (s *Service) UpdateUser(ctx context.Context, id int64, in UserInput) (news.User, error) {
	email, name, role, errs := s.validate(in, false)
	if err := errs.Err(); err != nil {
		return news.User{}, err
	}
	u, err := s.store.User(ctx, id)
	if err != nil {
		return news.User{}, err
	}
	u.Email, u.Name, u.Role = email, name, role
	if in.Password != "" {
		if u.PasswordHash, err = HashPassword(in.Password, s.opts.Params); err != nil {
			return news.User{}, err
		}
	}
	if err := s.store.UpdateUser(ctx, u); err != nil {
		if news.ErrorCode(err) == news.ECONFLICT {
			return news.User{}, news.FieldErrors{"email": "هذا البريد مسجّل لمستخدم آخر"}
		}
		return news.User{}, err
	}
	if in.Password != "" {
		if _, err := s.store.DeleteUserSessions(ctx, u.ID, 0); err != nil {
			return news.User{}, err
		}
	}
	return u, nil
}

// SetDisabled disables or enables an account; disabling signs it out
// everywhere.
func (s *Service) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	u, err := s.store.User(ctx, id)
	if err != nil {
		return err
	}
	u.Disabled = disabled
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	if disabled {
		_, err = s.store.DeleteUserSessions(ctx, id, 0)
	}
	return err
}

// Messages of sign-in failures. One message for a wrong email, a wrong
// password and a disabled account, so the form tells nothing about which
// accounts exist.
const (
	msgBadCredentials = "البريد الإلكتروني أو كلمة المرور غير صحيحة"
	msgTooMany        = "محاولات كثيرة لتسجيل الدخول. انتظر قليلًا ثم حاول مرة أخرى"
)

// SignIn checks an email and password and opens a session. It returns the
// token for the browser's cookie (the store keeps only its hash).
// Failures are EUNAUTHORIZED, or a *news.LimitedError after too many.
func (s *Service) SignIn(ctx context.Context, email, password, address, userAgent string) (string, news.Session, news.User, error) {
	now := s.opts.Now()
	email, _ = news.NormalizeEmail(email)
	accountKey := "account:" + email
	addressKey := "address:" + address
	if wait := max(s.account.wait(accountKey, now), s.address.wait(addressKey, now)); wait > 0 {
		return "", news.Session{}, news.User{}, &news.LimitedError{Message: msgTooMany, RetryAfter: wait}
	}
	fail := func() (string, news.Session, news.User, error) {
		s.account.fail(accountKey, now)
		s.address.fail(addressKey, now)
		return "", news.Session{}, news.User{}, news.Errorf(news.EUNAUTHORIZED, msgBadCredentials)
	}
	if len(password) > MaxPasswordLen {
		return fail()
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && news.ErrorCode(err) != news.ENOTFOUND {
		return "", news.Session{}, news.User{}, err
	}
	hash := u.PasswordHash
	if err != nil {
		hash = s.dummyHash
	}
	ok, rehash, verr := VerifyPassword(password, hash, s.opts.Params)
	if err != nil || verr != nil || !ok || u.Disabled {
		return fail()
	}
	s.account.reset(accountKey)
	if rehash {
		if h, err := HashPassword(password, s.opts.Params); err == nil {
			u.PasswordHash = h
			if err := s.store.UpdateUser(ctx, u); err != nil {
				return "", news.Session{}, news.User{}, err
			}
		}
	}
	token, sess, err := s.newSession(ctx, u.ID, address, userAgent, now)
	if err != nil {
		return "", news.Session{}, news.User{}, err
	}
	return token, sess, u, nil
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// TokenHash is what the store keeps of a session token.
func TokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func (s *Service) newSession(ctx context.Context, userID int64, address, userAgent string, now time.Time) (string, news.Session, error) {
	token, err := randomToken()
	if err != nil {
		return "", news.Session{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", news.Session{}, err
	}
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	if !utf8.ValidString(userAgent) {
		userAgent = strings.ToValidUTF8(userAgent, "")
	}
	now = now.UTC().Truncate(time.Second)
	sess, err := s.store.CreateSession(ctx, news.Session{
		TokenHash: TokenHash(token), UserID: userID, CSRFToken: csrf,
		CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(s.opts.IdleTimeout),
		UserAgent: userAgent, Address: address,
	})
	return token, sess, err
}

// touchEvery is how stale a session's last-seen time may get before a
// request writes it again: one write per session per few minutes, not one
// per request.
const touchEvery = 5 * time.Minute

// Authenticate returns the session and user of a cookie's token. An
// unknown, expired or disabled one is EUNAUTHORIZED.
func (s *Service) Authenticate(ctx context.Context, token string) (news.Session, news.User, error) {
	if token == "" || len(token) > 100 {
		return news.Session{}, news.User{}, news.Errorf(news.EUNAUTHORIZED, "not signed in")
	}
	now := s.opts.Now()
	sess, u, err := s.store.SessionByToken(ctx, TokenHash(token), now)
	if news.ErrorCode(err) == news.ENOTFOUND {
		return news.Session{}, news.User{}, news.Errorf(news.EUNAUTHORIZED, "the session has ended")
	}
	if err != nil {
		return news.Session{}, news.User{}, err
	}
	if u.Disabled || now.Sub(sess.CreatedAt) > s.opts.MaxAge {
		s.store.DeleteSession(ctx, sess.ID)
		return news.Session{}, news.User{}, news.Errorf(news.EUNAUTHORIZED, "the session has ended")
	}
	if now.Sub(sess.LastSeen) > touchEvery {
		expires := now.Add(s.opts.IdleTimeout)
		if limit := sess.CreatedAt.Add(s.opts.MaxAge); expires.After(limit) {
			expires = limit
		}
		if err := s.store.TouchSession(ctx, sess.ID, now, expires); err == nil {
			sess.LastSeen, sess.ExpiresAt = now, expires
		}
	}
	return sess, u, nil
}

// SignOut ends one session.
func (s *Service) SignOut(ctx context.Context, sess news.Session) error {
	return s.store.DeleteSession(ctx, sess.ID)
}

// SignOutEverywhere ends every session of the user but keep (0: all).
func (s *Service) SignOutEverywhere(ctx context.Context, userID, keep int64) (int, error) {
	return s.store.DeleteUserSessions(ctx, userID, keep)
}

// ChangePassword sets a new password after checking the current one, and
// ends the user's other sessions.
func (s *Service) ChangePassword(ctx context.Context, u news.User, keep int64, current, next, confirm string) error {
	errs := news.FieldErrors{}
	ok, _, err := VerifyPassword(current, u.PasswordHash, s.opts.Params)
	if err != nil || !ok {
		errs.Add("current", "كلمة المرور الحالية غير صحيحة")
	}
	if msg := CheckPassword(next, u.Email); msg != "" {
		errs.Add("password", msg)
	} else if next != confirm {
		errs.Add("confirm", "التأكيد لا يطابق كلمة المرور الجديدة")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if u.PasswordHash, err = HashPassword(next, s.opts.Params); err != nil {
		return err
	}
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	_, err = s.store.DeleteUserSessions(ctx, u.ID, keep)
	return err
}
