// Package importer tells the formats Sahafa imports apart; its subpackages
// parse them into news.Draft values: page (the text of a scraped news
// page), jsonl (news corpora as JSON Lines) and byline (credit lines), with
// wxr and html to follow.
package importer

import (
	"bytes"
	"errors"
	"unicode/utf8"
)

// Format is an input format.
type Format string

// The formats Detect knows.
const (
	FormatPage  Format = "page"  // plain text of a news page
	FormatJSONL Format = "jsonl" // JSON Lines, plain or gzipped
	FormatWXR   Format = "wxr"   // WordPress export (RSS/XML)
	FormatHTML  Format = "html"  // an HTML page
)

// ErrEmpty is returned by Detect for empty or all-space input.
var ErrEmpty = errors.New("importer: input is empty")

// ErrBinary is returned by Detect for input that is not UTF-8 text.
var ErrBinary = errors.New("importer: input is binary or not UTF-8 text (is it in another encoding, such as Windows-1256?)")

// Detect tells the format of an input from its first bytes (a few KiB are
// enough): gzip magic means gzipped JSON Lines, '{' JSON Lines, "<?xml" or
// "<rss" a WordPress export, "<!doctype" or "<html" an HTML page, and any
// other UTF-8 text a news page.
func Detect(head []byte) (Format, error) {
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		return FormatJSONL, nil
	}
	s := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	s = bytes.TrimLeft(s, " \t\r\n\f\v")
	if len(s) == 0 {
		return "", ErrEmpty
	}
	if s[0] == '{' {
		return FormatJSONL, nil
	}
	if s[0] == '<' {
		low := bytes.ToLower(s[:min(len(s), 16)])
		switch {
		case bytes.HasPrefix(low, []byte("<?xml")), bytes.HasPrefix(low, []byte("<rss")):
			return FormatWXR, nil
		case bytes.HasPrefix(low, []byte("<!doctype")), bytes.HasPrefix(low, []byte("<html")),
			bytes.HasPrefix(low, []byte("<head")), bytes.HasPrefix(low, []byte("<body")),
			bytes.HasPrefix(low, []byte("<!--")), bytes.HasPrefix(low, []byte("<meta")):
			return FormatHTML, nil
		}
	}
	if !isText(s) {
		return "", ErrBinary
	}
	return FormatPage, nil
}

// isText reports whether b is UTF-8 without control bytes other than
// white space; a rune cut at the end of b is allowed.
func isText(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			if len(b) < utf8.UTFMax && !utf8.FullRune(b) {
				return true // cut at the end of head
			}
			return false
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' || r == 0x7f {
			return false
		}
		b = b[size:]
	}
	return true
}
