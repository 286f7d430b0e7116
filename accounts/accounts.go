package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"sahafa/admission"
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
	// per AddressEvery. Defaults 5 / 1 minute and 20 / 10 seconds. The
	// current-password check of a password change has the account's
	// limits. The budgets live in the store, so every server on one
	// database shares them.
	AccountBurst int
	AccountEvery time.Duration
	AddressBurst int
	AddressEvery time.Duration
	// HashMemory bounds the memory this process's password hashes may use
	// at once (default DefaultHashMemory): each argon2id hash takes
	// Params.Memory KiB, so it sets how many run concurrently (at least
	// one, and no more than the cores can compute at full speed: a hash
	// already runs on Params.Threads of them). A hash that finds every slot taken waits at most HashWait
	// (default 1 s) in a short queue, and is otherwise refused at once as
	// busy, so that a burst of sign-ins costs bounded memory and every
	// request gets a prompt answer.
	HashMemory int64
	HashWait   time.Duration
	// HashSlots, when set, is how many hashes run at once instead (still
	// within HashMemory).
	HashSlots int
	// Logger receives the security events (failed sign-ins, lockouts,
	// password changes) at warn level; default slog.Default().
	Logger *slog.Logger
}

// DefaultHashMemory is the default bound of Options.HashMemory: two
// hashes at RFC 9106's 64 MiB. On fewer than eight cores one runs at a
// time anyway (each hash uses four): a second one at once only doubled
// both hashes' time and the memory (bench/overload.sh).
const DefaultHashMemory = 128 << 20

// Store is what accounts keep: users, sessions, sign-in attempts and
// admin API tokens.
type Store interface {
	news.UserStore
	news.TokenStore
}

// Service signs newsroom users in and out and manages their accounts.
type Service struct {
	store  Store
	opts   Options
	log    *slog.Logger
	hashes *admission.Gate // password hashes running and waiting
	prunes atomic.Int64
	// dummyHash is verified against when an email is unknown, so that a
	// wrong email takes as long as a wrong password and does not tell an
	// attacker which accounts exist.
	dummyHash string
}

// New returns a Service on store.
func New(store Store, opts Options) *Service {
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
	if opts.HashMemory <= 0 {
		opts.HashMemory = DefaultHashMemory
	}
	if opts.HashWait <= 0 {
		opts.HashWait = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	slots := max(1, opts.HashMemory/(int64(opts.Params.Memory)<<10))
	if opts.HashSlots > 0 {
		slots = min(slots, int64(opts.HashSlots))
	} else {
		slots = min(slots, int64(max(1, runtime.GOMAXPROCS(0)/int(max(1, opts.Params.Threads)))))
	}
	slots = min(slots, 64)
	dummy, _ := HashPassword("not a password of anyone", opts.Params)
	return &Service{
		store:     store,
		opts:      opts,
		log:       opts.Logger,
		hashes:    admission.New(int(slots), int(4*slots), opts.HashWait),
		dummyHash: dummy,
	}
}

// HashSlots is how many password hashes may run at once.
func (s *Service) HashSlots() int { return s.hashes.Limit() }

// HashesRunning and HashesWaiting say what the hash slots are doing now,
// for metrics.
func (s *Service) HashesRunning() int { return s.hashes.Running() }

func (s *Service) HashesWaiting() int { return s.hashes.Waiting() }

// Messages of refusals for load, not for the request itself.
const msgBusy = "الخادم مشغول الآن بطلبات دخول كثيرة. حاول بعد ثوانٍ"

// errBusy is returned when every hash slot is taken and the queue is full
// or did not move within HashWait.
func errBusy() error {
	return &news.LimitedError{Message: msgBusy, RetryAfter: time.Second, Busy: true}
}

// withHashSlot runs fn, a password hash, once a slot is free: at once, or
// after a wait of at most HashWait in a queue of bounded length.
func (s *Service) withHashSlot(ctx context.Context, fn func()) error {
	if err := s.hashes.Enter(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return errBusy()
	}
	defer s.hashes.Leave()
	fn()
	return nil
}

// hashPassword is HashPassword within the hash slots.
func (s *Service) hashPassword(ctx context.Context, password string) (string, error) {
	var hash string
	var err error
	if serr := s.withHashSlot(ctx, func() { hash, err = HashPassword(password, s.opts.Params) }); serr != nil {
		return "", serr
	}
	return hash, err
}

// verifyPassword is VerifyPassword within the hash slots.
func (s *Service) verifyPassword(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	if serr := s.withHashSlot(ctx, func() { ok, rehash, err = VerifyPassword(password, encoded, s.opts.Params) }); serr != nil {
		return false, false, serr
	}
	return ok, rehash, err
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
	hash, err := s.hashPassword(ctx, in.Password)
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
		if u.PasswordHash, err = s.hashPassword(ctx, in.Password); err != nil {
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
// Failures are EUNAUTHORIZED, or a *news.LimitedError after too many (or
// when the server is too busy hashing to try).
//
// The attempt is taken from the account's and the address's budgets
// before the password is hashed, and given back when it succeeds: checking
// the limit first and counting the failure after the hash let any number
// of concurrent guesses through.
func (s *Service) SignIn(ctx context.Context, email, password, address, userAgent string) (string, news.Session, news.User, error) {
	now := s.opts.Now()
	email, _ = news.NormalizeEmail(email)
	accountKey := "account:" + email
	addressKey := "address:" + address
	if err := s.reserve(ctx, addressKey, now, s.opts.AddressEvery, s.opts.AddressBurst, "address", address); err != nil {
		return "", news.Session{}, news.User{}, err
	}
	if err := s.reserve(ctx, accountKey, now, s.opts.AccountEvery, s.opts.AccountBurst, "account", email); err != nil {
		s.giveBack(ctx, addressKey, s.opts.AddressEvery, false)
		return "", news.Session{}, news.User{}, err
	}
	s.maybePrune(ctx, now)
	fail := func(reason string) (string, news.Session, news.User, error) {
		s.log.WarnContext(ctx, "security: sign-in failed", "email", email, "address", address, "reason", reason)
		return "", news.Session{}, news.User{}, news.Errorf(news.EUNAUTHORIZED, msgBadCredentials)
	}
	if len(password) > MaxPasswordLen {
		return fail("password too long")
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && news.ErrorCode(err) != news.ENOTFOUND {
		s.giveBackBoth(ctx, accountKey, addressKey)
		return "", news.Session{}, news.User{}, err
	}
	known := err == nil
	hash := u.PasswordHash
	if !known {
		hash = s.dummyHash
	}
	ok, rehash, verr := s.verifyPassword(ctx, password, hash)
	var le *news.LimitedError
	if errors.As(verr, &le) || errors.Is(verr, context.Canceled) {
		// Not tried: the attempt goes back to both budgets.
		s.giveBackBoth(ctx, accountKey, addressKey)
		return "", news.Session{}, news.User{}, verr
	}
	switch {
	case !known:
		return fail("unknown email")
	case verr != nil:
		return fail("unreadable password hash")
	case !ok:
		return fail("wrong password")
	case u.Disabled:
		return fail("account disabled")
	}
	s.giveBack(ctx, accountKey, s.opts.AccountEvery, true)
	s.giveBack(ctx, addressKey, s.opts.AddressEvery, false)
	if rehash {
		if h, err := s.hashPassword(ctx, password); err == nil {
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

// reserve takes an attempt from key's budget, or returns the LimitedError
// that says how long to wait (and logs the lockout).
func (s *Service) reserve(ctx context.Context, key string, now time.Time, every time.Duration, burst int, kind, who string) error {
	wait, err := s.store.ReserveAttempt(ctx, key, now, every, burst)
	if err != nil {
		return err
	}
	if wait > 0 {
		s.log.WarnContext(ctx, "security: too many attempts", "limit", kind, "key", who, "retry_after", wait.Round(time.Second).String())
		return &news.LimitedError{Message: msgTooMany, RetryAfter: max(wait, time.Second)}
	}
	return nil
}

// giveBack returns an attempt (all: forgets the key's failures). It runs
// even when the request's context has ended, since the attempt was not
// the user's to lose; a store error only leaves the budget lower.
func (s *Service) giveBack(ctx context.Context, key string, every time.Duration, all bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.store.ReturnAttempt(ctx, key, every, all); err != nil {
		s.log.WarnContext(ctx, "sign-in limits: return an attempt", "err", err)
	}
}

func (s *Service) giveBackBoth(ctx context.Context, accountKey, addressKey string) {
	s.giveBack(ctx, accountKey, s.opts.AccountEvery, false)
	s.giveBack(ctx, addressKey, s.opts.AddressEvery, false)
}

// pruneEvery is how many reservations pass between two prunes of the
// full budgets, which bounds the table under a spray of made-up emails.
const pruneEvery = 500

func (s *Service) maybePrune(ctx context.Context, now time.Time) {
	if s.prunes.Add(1)%pruneEvery != 0 {
		return
	}
	if err := s.store.PruneAttempts(ctx, now); err != nil {
		s.log.WarnContext(ctx, "sign-in limits: prune", "err", err)
	}
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
// ends the user's other sessions. Wrong current passwords are limited like
// sign-ins to the account, so a stolen session cannot guess it.
func (s *Service) ChangePassword(ctx context.Context, u news.User, keep int64, current, next, confirm string) error {
	key := "password:" + strconv.FormatInt(u.ID, 10)
	if err := s.reserve(ctx, key, s.opts.Now(), s.opts.AccountEvery, s.opts.AccountBurst, "password change", u.Email); err != nil {
		return err
	}
	errs := news.FieldErrors{}
	ok, _, err := s.verifyPassword(ctx, current, u.PasswordHash)
	var le *news.LimitedError
	if errors.As(err, &le) || errors.Is(err, context.Canceled) {
		s.giveBack(ctx, key, s.opts.AccountEvery, false)
		return err
	}
	if err != nil || !ok {
		s.log.WarnContext(ctx, "security: wrong current password on a password change", "user", u.ID, "email", u.Email)
		errs.Add("current", "كلمة المرور الحالية غير صحيحة")
	} else {
		s.giveBack(ctx, key, s.opts.AccountEvery, true)
	}
	if msg := CheckPassword(next, u.Email); msg != "" {
		errs.Add("password", msg)
	} else if next != confirm {
		errs.Add("confirm", "التأكيد لا يطابق كلمة المرور الجديدة")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if u.PasswordHash, err = s.hashPassword(ctx, next); err != nil {
		return err
	}
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	s.log.WarnContext(ctx, "security: password changed", "user", u.ID, "email", u.Email)
	_, err = s.store.DeleteUserSessions(ctx, u.ID, keep)
	return err
}
