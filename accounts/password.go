// Package accounts owns newsroom sign-in: password hashing (argon2id),
// the password policy, sessions (random tokens of which the store keeps
// only a hash, with a CSRF token each), sign-in rate limits per account and
// per address, and user management with validation in Arabic.
package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
	KeyLen  uint32
	SaltLen uint32
}

// DefaultParams are RFC 9106's second recommended option (t=3, 64 MiB,
// p=4): about 0.1 s per hash on the 2-core machines here, and memory-hard
// against GPU guessing. Hashes carry their parameters, so raising these
// later rehashes each password at its next sign-in.
var DefaultParams = Params{Time: 3, Memory: 64 * 1024, Threads: 4, KeyLen: 32, SaltLen: 16}

// TestParams are cheap parameters for tests, which hash many passwords.
var TestParams = Params{Time: 1, Memory: 64, Threads: 1, KeyLen: 32, SaltLen: 16}

var b64 = base64.RawStdEncoding

// HashPassword hashes a password into a PHC string:
// $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>.
func HashPassword(password string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed password hash")

// parseHash reads a PHC string made by HashPassword.
func parseHash(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return Params{}, nil, nil, errBadHash
	}
	var m, t uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &threads); err != nil {
		return Params{}, nil, nil, errBadHash
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return Params{}, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return Params{}, nil, nil, errBadHash
	}
	// Bounds keep a tampered hash from making verification allocate
	// gigabytes or spin for minutes.
	if m < 8 || m > 1<<21 || t < 1 || t > 16 || threads < 1 || len(key) < 16 || len(key) > 64 || len(salt) < 8 {
		return Params{}, nil, nil, errBadHash
	}
	return Params{Time: t, Memory: m, Threads: threads, KeyLen: uint32(len(key)), SaltLen: uint32(len(salt))}, salt, key, nil
}

// VerifyPassword reports whether password matches the encoded hash, in
// constant time, and whether the hash should be redone with current.
func VerifyPassword(password, encoded string, current Params) (ok, rehash bool, err error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	rehash = p.Time != current.Time || p.Memory != current.Memory || p.Threads != current.Threads || p.KeyLen != current.KeyLen
	return true, rehash, nil
}

// Password policy, after NIST SP 800-63B: length matters, composition
// rules do not; very common passwords and the account's own email are
// refused.
const (
	MinPasswordLen = 10  // characters
	MaxPasswordLen = 256 // bytes: argon2 hashes any length, but a form need not accept a novel
)

var commonPasswords = map[string]bool{
	"1234567890": true, "12345678910": true, "123456789a": true, "1q2w3e4r5t": true, "qwertyuiop": true,
	"password123": true, "password1234": true, "passw0rd123": true, "iloveyou12": true, "0123456789": true,
	"1111111111": true, "0000000000": true, "abcdefghij": true, "abc1234567": true, "qwerty1234": true,
	"administrator": true, "letmein123": true, "welcome123": true, "sahafa1234": true, "كلمةالمرور": true,
	"كلمة المرور": true, "١٢٣٤٥٦٧٨٩٠": true,
}

// CheckPassword says, in Arabic, what is wrong with a new password, or
// returns "".
func CheckPassword(password, email string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return "كلمة المرور تحتوي على رموز غير صالحة"
	case n < MinPasswordLen:
		return fmt.Sprintf("كلمة المرور قصيرة: %d أحرف على الأقل", MinPasswordLen)
	case len(password) > MaxPasswordLen:
		return fmt.Sprintf("كلمة المرور أطول من %d بايت", MaxPasswordLen)
	case commonPasswords[strings.ToLower(password)]:
		return "كلمة المرور شائعة جدًا ويسهل تخمينها"
	case email != "" && strings.EqualFold(strings.TrimSpace(password), email):
		return "لا تستخدم بريدك الإلكتروني كلمةً للمرور"
	case strings.Trim(password, password[:1]) == "" || strings.Trim(password, string([]rune(password)[:1])) == "":
		return "كلمة المرور حرف واحد مكرر"
	}
	return ""
}
