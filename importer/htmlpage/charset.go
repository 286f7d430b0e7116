package htmlpage

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// prescanBytes is how much of a page is searched for a <meta> charset
// declaration. The HTML standard looks at the first 1024 bytes only; real
// pages put a long <head> (scripts, styles) before it, so look further.
const prescanBytes = 64 << 10

// decode returns a page as UTF-8 text and the name of the encoding it was
// read in. It trusts, in order: a byte order mark; the bytes themselves when
// they are valid UTF-8 (text in a legacy Arabic code page practically never
// is); a <meta> charset declaration; UTF-8 again when only a few bytes are
// broken; and Windows-1256, the code page of legacy Arabic sites.
func decode(b []byte) (string, string) {
	switch {
	case bytes.HasPrefix(b, []byte("\xef\xbb\xbf")):
		return strings.ToValidUTF8(string(b[3:]), "\ufffd"), "utf-8"
	case bytes.HasPrefix(b, []byte("\xff\xfe")):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), b), "utf-16le"
	case bytes.HasPrefix(b, []byte("\xfe\xff")):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.UseBOM), b), "utf-16be"
	}
	if utf8.Valid(b) {
		return string(b), "utf-8"
	}
	enc, name := declaredEncoding(b[:min(len(b), prescanBytes)])
	if enc != nil && name != "utf-8" {
		return decodeWith(enc, b), name
	}
	if mostlyUTF8(b) {
		return strings.ToValidUTF8(string(b), "\ufffd"), "utf-8"
	}
	return decodeWith(charmap.Windows1256, b), "windows-1256"
}

func decodeWith(enc encoding.Encoding, b []byte) string {
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\ufffd")
	}
	return strings.ToValidUTF8(string(out), "\ufffd")
}

// declaredEncoding finds the encoding a page declares in <meta charset> or
// <meta http-equiv="Content-Type" content="…; charset=…">. A declaration
// of UTF-16 in a <meta> means UTF-8, as the HTML standard says: a page that
// can be read as ASCII to find the tag is not UTF-16.
func declaredEncoding(head []byte) (encoding.Encoding, string) {
	z := html.NewTokenizer(bytes.NewReader(head))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return nil, ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tag, hasAttr := z.TagName()
			if string(tag) != "meta" || !hasAttr {
				continue
			}
			var label, httpEquiv, content string
			for {
				k, v, more := z.TagAttr()
				switch string(k) {
				case "charset":
					label = string(v)
				case "http-equiv":
					httpEquiv = strings.ToLower(string(v))
				case "content":
					content = string(v)
				}
				if !more {
					break
				}
			}
			if label == "" && httpEquiv == "content-type" {
				label = charsetParam(content)
			}
			if label == "" {
				continue
			}
			enc, name := charset.Lookup(label)
			if enc == nil {
				continue
			}
			if strings.HasPrefix(name, "utf-16") {
				return encoding.Nop, "utf-8"
			}
			return enc, name
		}
	}
}

// charsetParam returns the charset parameter of a Content-Type value.
func charsetParam(contentType string) string {
	low := strings.ToLower(contentType)
	i := strings.Index(low, "charset")
	if i < 0 {
		return ""
	}
	s := strings.TrimLeft(low[i+len("charset"):], " \t")
	if !strings.HasPrefix(s, "=") {
		return ""
	}
	s = strings.Trim(strings.TrimLeft(s[1:], " \t"), `"' `)
	if j := strings.IndexAny(s, " ;\"'"); j >= 0 {
		s = s[:j]
	}
	return s
}

// mostlyUTF8 reports whether at most one in fifty of the non-ASCII
// characters of b is a broken UTF-8 sequence: a UTF-8 page with a few bad
// bytes, not a page in a single-byte code page.
func mostlyUTF8(b []byte) bool {
	var good, bad int
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			bad++
		} else {
			good++
		}
		b = b[size:]
	}
	return bad*50 <= good
}
