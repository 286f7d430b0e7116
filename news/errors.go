package news

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer. HTTP handlers map them to status codes;
// importers report them to the user.
const (
	ENOTFOUND    = "not_found"
	EINVALID     = "invalid"
	ECONFLICT    = "conflict"
	EUNAVAILABLE = "unavailable" // the store cannot be reached right now
	EINTERNAL    = "internal"
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
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of a domain error, or a
// generic one for internal errors (whose details belong in logs only).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
