package markup

import "strings"

// allowedURL reports whether u is relative or uses one of the schemes the
// site links to (http, https, mailto), reading the scheme as a browser
// does: leading spaces and controls dropped, tabs and newlines ignored.
// Anything before a ':' that comes ahead of the first '/', '?' or '#'
// counts as a scheme, so "java%09script:" is refused too. The scheme found
// is returned lower-cased for the message.
func allowedURL(u []byte) (ok bool, scheme string) {
	var b [32]byte
	s := b[:0]
	for _, c := range u {
		switch {
		case c == '\t' || c == '\n' || c == '\r':
			continue
		case len(s) == 0 && c <= ' ':
			continue
		case c == ':':
			scheme = strings.ToLower(string(s))
			return scheme == "http" || scheme == "https" || scheme == "mailto", scheme
		case c == '/' || c == '?' || c == '#':
			return true, ""
		}
		s = append(s, c)
	}
	return true, ""
}

func isSchemeByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}
