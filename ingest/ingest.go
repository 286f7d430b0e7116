// Package ingest reads agency and partner copy — IPTC NewsML-G2 and NITF,
// IPTC ninjs, RSS, Atom and JSON Feed — into one Item type for the wire
// desk. Parsers never panic on input and bound what a file may hold; a
// file they refuse gets an Error that says what is wrong and where.
package ingest

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Item is one version of one wire story as received.
type Item struct {
	// GUID is the agency's id of the story, the same for all its
	// versions (NewsML-G2 guid, NITF doc-id, ninjs uri, a feed's guid).
	GUID string
	// Version counts the agency's versions of the story, from 1.
	Version  int
	Headline string
	Summary  string
	// Body is safe HTML in the editor's dialect; empty for a headline-only
	// flash.
	Body     string
	Byline   string
	Dateline string // as the agency wrote it ("القاهرة", "MOSCOW, Monday (Reuters)")
	Language string // BCP 47 tag when given ("ar", "en-US")
	// Urgency is the agency's priority, 1 (flash) to 9; 0 when not given.
	Urgency  int
	Subjects []string
	Slugline string
	// Status is the agency's publishing status: "usable", "withheld"
	// (not to be used until further notice) or "canceled" (withdrawn).
	Status string
	// Signal marks what this version is: "update", "correction" or "".
	Signal string
	// Embargo is the time before which the story must not be published;
	// zero when none.
	Embargo        time.Time
	FirstCreated   time.Time
	VersionCreated time.Time
	Link           string // the story's web address, for feeds
	Provider       string // the agency as the item names it
}

// Statuses of an item.
const (
	StatusUsable   = "usable"
	StatusWithheld = "withheld"
	StatusCanceled = "canceled"
)

// Signals of an item.
const (
	SignalUpdate     = "update"
	SignalCorrection = "correction"
)

// Bounds on what one item may hold.
const (
	maxHeadline = 500  // runes
	maxSummary  = 2000 // runes
	maxShort    = 300  // runes: byline, dateline, slugline, subjects
	maxSubjects = 50
	maxGUID     = 500 // bytes
	// MaxItems bounds the items one file gives.
	MaxItems = 20_000
)

// Error is a refusal of a file or of an item in it. Line is 1-based, 0
// when the format has no lines to point at (JSON reports Offset).
type Error struct {
	Line    int
	Offset  int64
	Item    string // the item's id or position, when one item is refused
	Message string
}

func (e *Error) Error() string {
	var where []string
	if e.Line > 0 {
		where = append(where, fmt.Sprintf("السطر %d", e.Line))
	}
	if e.Offset > 0 {
		where = append(where, fmt.Sprintf("البايت %d", e.Offset))
	}
	if e.Item != "" {
		where = append(where, "الخبر "+e.Item)
	}
	if len(where) == 0 {
		return e.Message
	}
	return strings.Join(where, "، ") + ": " + e.Message
}

// Format names a wire format.
type Format string

// Formats Parse reads.
const (
	FormatAuto   Format = ""
	FormatNewsML Format = "newsml"
	FormatNITF   Format = "nitf"
	FormatNinjs  Format = "ninjs"
	FormatFeed   Format = "feed" // RSS 2.0, Atom or JSON Feed
)

// Formats lists the formats a source may be set to, for forms.
var Formats = []struct {
	Key   Format
	Label string
}{
	{FormatAuto, "تلقائي"},
	{FormatNewsML, "IPTC NewsML-G2"},
	{FormatNITF, "IPTC NITF"},
	{FormatNinjs, "IPTC ninjs (JSON)"},
	{FormatFeed, "RSS / Atom / JSON Feed"},
}

// KnownFormat reports whether f is one of Formats.
func KnownFormat(f Format) bool {
	for _, k := range Formats {
		if k.Key == f {
			return true
		}
	}
	return false
}

// Detect names the format of data from its first bytes.
func Detect(data []byte) (Format, error) {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return "", &Error{Line: 1, Message: "الملف فارغ"}
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		if bytes.Contains(head, []byte("jsonfeed.org")) {
			return FormatFeed, nil
		}
		return FormatNinjs, nil
	}
	root := rootElement(head)
	switch root {
	case "newsItem", "newsMessage", "packageItem", "conceptItem", "knowledgeItem", "planningItem", "contentSet", "contentMeta", "itemMeta":
		return FormatNewsML, nil
	case "nitf":
		return FormatNITF, nil
	case "rss", "feed", "RDF":
		return FormatFeed, nil
	}
	if root == "" {
		return "", &Error{Line: 1, Message: "ليس ملف XML ولا JSON"}
	}
	return "", &Error{Line: 1, Message: fmt.Sprintf("العنصر الأول <%s> ليس من صيغ الوكالات المعروفة (NewsML-G2 وNITF وninjs وRSS وAtom وJSON Feed)", clip(root, 40))}
}

// rootElement is the local name of the first element of an XML head.
func rootElement(head []byte) string {
	for i := 0; i < len(head); i++ {
		if head[i] != '<' || i+1 >= len(head) {
			continue
		}
		c := head[i+1]
		if c == '?' || c == '!' || c == '/' {
			continue
		}
		j := i + 1
		for j < len(head) && !bytes.ContainsRune([]byte(" \t\r\n>/"), rune(head[j])) {
			j++
		}
		name := string(head[i+1 : j])
		if k := strings.IndexByte(name, ':'); k >= 0 {
			name = name[k+1:]
		}
		return name
	}
	return ""
}

// Parse reads the items of one file. A file that cannot be read at all is
// an *Error; items in it that cannot be used (a picture with no text, an
// item with no id) are skipped and reported in skipped, so one bad item
// does not cost the others.
func Parse(f Format, data []byte) (items []Item, skipped []*Error, err error) {
	if f == FormatAuto {
		if f, err = Detect(data); err != nil {
			return nil, nil, err
		}
	}
	switch f {
	case FormatNewsML:
		items, skipped, err = parseNewsML(data)
	case FormatNITF:
		items, skipped, err = parseNITF(data)
	case FormatNinjs:
		items, skipped, err = parseNinjs(data)
	case FormatFeed:
		items, skipped, err = parseFeed(data)
	default:
		return nil, nil, &Error{Message: fmt.Sprintf("صيغة غير معروفة %q", string(f))}
	}
	if err != nil {
		return nil, nil, err
	}
	if len(items) > MaxItems {
		return nil, nil, &Error{Message: fmt.Sprintf("الملف فيه %d خبر، والحد %d", len(items), MaxItems)}
	}
	for i := range items {
		items[i].tidy()
	}
	return items, skipped, nil
}

// tidy bounds and trims an item's fields.
func (it *Item) tidy() {
	it.GUID = strings.TrimSpace(it.GUID)
	it.Headline = clip(oneLine(it.Headline), maxHeadline)
	it.Summary = clip(oneLine(it.Summary), maxSummary)
	it.Byline = clip(oneLine(it.Byline), maxShort)
	it.Dateline = clip(oneLine(it.Dateline), maxShort)
	it.Slugline = clip(oneLine(it.Slugline), maxShort)
	it.Language = clip(strings.TrimSpace(it.Language), 35)
	it.Provider = clip(oneLine(it.Provider), maxShort)
	if it.Version < 1 {
		it.Version = 1
	}
	if it.Urgency < 0 || it.Urgency > 9 {
		it.Urgency = 0
	}
	if it.Status == "" {
		it.Status = StatusUsable
	}
	var subjects []string
	seen := map[string]bool{}
	for _, s := range it.Subjects {
		s = clip(oneLine(s), maxShort)
		if s != "" && !seen[s] && len(subjects) < maxSubjects {
			seen[s] = true
			subjects = append(subjects, s)
		}
	}
	it.Subjects = subjects
	if it.Headline == "" && it.Body != "" {
		it.Headline = clip(oneLine(textOfHTML(it.Body)), 120)
	}
}

// usable reports why an item cannot be queued: no id, or no text.
func (it *Item) problem() string {
	switch {
	case strings.TrimSpace(it.GUID) == "":
		return "الخبر بلا معرّف (guid)"
	case len(it.GUID) > maxGUID:
		return "معرّف الخبر أطول من " + fmt.Sprint(maxGUID) + " بايت"
	case strings.TrimSpace(it.Headline) == "" && strings.TrimSpace(it.Body) == "":
		return "الخبر بلا عنوان ولا نص"
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip cuts s to n runes.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// parseTime reads the time forms agencies use; zero when none fits.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "20060102T150405Z0700", "20060102T150405", "2006-01-02", "20060102", time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
