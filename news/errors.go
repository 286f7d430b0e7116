package news

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Error codes shared by every layer. HTTP handlers map them to status codes;
// importers report them to the user.
const (
	ENOTFOUND     = "not_found"
	EINVALID      = "invalid"
	ECONFLICT     = "conflict"
	EUNAVAILABLE  = "unavailable" // the store cannot be reached right now
	EINTERNAL     = "internal"
	EUNAUTHORIZED = "unauthorized" // not signed in, or wrong credentials
	EFORBIDDEN    = "forbidden"    // signed in, but the role does not allow it
	ELIMITED      = "limited"      // too many attempts; try again later
)

// Error is a domain error with a code and a message fit for a user.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds a domain error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first domain error in err's chain, or
// EINTERNAL for any other non-nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var f FieldErrors
	if errors.As(err, &f) {
		return EINVALID
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of a domain error, or a
// generic one for internal errors (whose details belong in logs only).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	var f FieldErrors
	if errors.As(err, &f) {
		return f.Error()
	}
	return "internal error"
}

// FieldErrors is a validation failure of a form or an API call: a message,
// fit for the user, for each field at fault. Its code is EINVALID.
type FieldErrors map[string]string

func (f FieldErrors) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(f[k])
	}
	return b.String()
}

// Add records a message for a field, keeping the first one given.
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns f as an error, or nil when no field is at fault.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

// LimitedError is a refusal that says when to try again: ELIMITED (429)
// when the client went over its own limit, EUNAVAILABLE (503) when Busy,
// that is when the server is at its capacity for the work asked.
type LimitedError struct {
	Message    string
	RetryAfter time.Duration
	Busy       bool
}

func (e *LimitedError) Error() string { return e.Message }

// Unwrap gives the error its code, ELIMITED or EUNAVAILABLE, for ErrorCode.
func (e *LimitedError) Unwrap() error {
	if e.Busy {
		return &Error{Code: EUNAVAILABLE, Message: e.Message}
	}
	return &Error{Code: ELIMITED, Message: e.Message}
}

// RetryAfterSeconds is the Retry-After header value for a wait: whole
// seconds, rounded up, at least one.
func RetryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(max(1, int((d+time.Second-1)/time.Second)))
}
