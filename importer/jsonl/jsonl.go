// Package jsonl reads news corpora exported as JSON Lines, plain or
// gzipped: one article per line with the fields id, url, source, section,
// title, published (RFC 3339), byline, abstract, body and, optionally,
// tags (a list of names). It maps corpus
// section keys to the newsroom's desks and bad lines to LineErrors, so one
// broken record never stops an import.
package jsonl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"sahafa/importer/byline"
	"sahafa/news"
)

// MaxLine bounds one line; longer lines are skipped as a LineError.
const MaxLine = 16 << 20

// LineError is a line that was skipped, and why.
type LineError struct {
	Line   int
	Reason string
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// Stats tells what Read did.
type Stats struct {
	Lines    int         // lines read, blank ones included
	Imported int         // lines handed to fn
	Skipped  []LineError // malformed lines, in order
}

// Sections are the desks the corpora's articles go to, in display order.
var Sections = []news.Section{
	{Slug: "local", Name: "محليات"},
	{Slug: "middle-east", Name: "الشرق الأوسط"},
	{Slug: "world", Name: "أخبار العالم"},
	{Slug: "economy", Name: "اقتصاد"},
	{Slug: "sport", Name: "رياضة"},
	{Slug: "technology", Name: "تكنولوجيا"},
	{Slug: "culture", Name: "ثقافة وفن"},
	{Slug: "opinion", Name: "رأي"},
}

// sectionKeys maps the ANT corpus's section keys to desk slugs.
var sectionKeys = map[string]string{
	"culture":           "culture",
	"economy":           "economy",
	"internationalnews": "world",
	"middleeast":        "middle-east",
	"sport":             "sport",
	"technology":        "technology",
}

// urlSegments maps URL path segments of news sites to desk slugs.
var urlSegments = map[string]string{
	"sport": "sport", "sports": "sport", "riyadah": "sport", "football": "sport",
	"economy": "economy", "economic": "economy", "finance": "economy", "business": "economy",
	"aswaq": "economy", "markets": "economy", "eqtisad": "economy",
	"culture": "culture", "culture-and-art": "culture", "art": "culture", "arts": "culture",
	"technology": "technology", "tech": "technology",
	"world": "world", "international": "world", "global": "world", "golobal": "world",
	"arab-and-world": "world",
	"middle-east":    "middle-east", "middleeast": "middle-east",
	"local": "local", "saudi": "local", "saudi-today": "local", "regions": "local",
	"opinion": "opinion", "articles": "opinion", "views": "opinion",
}

// sportSources are outlets that publish nothing but sport.
var sportSources = map[string]bool{"arreyadi": true, "arriyadiyah": true}

func deskBySlug(slug string) (news.Section, bool) {
	for _, s := range Sections {
		if s.Slug == slug {
			return s, true
		}
	}
	return news.Section{}, false
}

// sectionFor picks the desk of a record.
func sectionFor(key, rawURL, source string) news.Section {
	if key = strings.TrimSpace(key); key != "" {
		if slug, ok := sectionKeys[strings.ToLower(key)]; ok {
			s, _ := deskBySlug(slug)
			return s
		}
		return news.Section{Slug: key, Name: key}
	}
	if u, err := url.Parse(rawURL); err == nil {
		for _, seg := range strings.Split(u.Path, "/") {
			if slug, ok := urlSegments[strings.ToLower(seg)]; ok {
				s, _ := deskBySlug(slug)
				return s
			}
		}
	}
	if sportSources[strings.ToLower(source)] {
		s, _ := deskBySlug("sport")
		return s
	}
	s, _ := deskBySlug("local")
	return s
}

type record struct {
	ID        string   `json:"id"`
	URL       string   `json:"url"`
	Source    string   `json:"source"`
	Section   string   `json:"section"`
	Title     string   `json:"title"`
	Published string   `json:"published"`
	Byline    string   `json:"byline"`
	Abstract  string   `json:"abstract"`
	Body      string   `json:"body"`
	Tags      []string `json:"tags"`
}

// Read reads JSON Lines from r, gzipped or not (told by the magic bytes),
// and calls fn with each article as a draft. Malformed lines are skipped and
// listed in Stats.Skipped. Read stops at the first error from fn, and on a
// read error (such as a truncated gzip stream); the error names the line.
func Read(r io.Reader, fn func(line int, d news.Draft) error) (Stats, error) {
	var st Stats
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return st, fmt.Errorf("jsonl: reading gzip header: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 1<<20)
	}
	var buf []byte
	for {
		line, tooLong, err := readLine(br, &buf)
		if err != nil && err != io.EOF {
			return st, fmt.Errorf("jsonl: read error at line %d: %w", st.Lines+1, err)
		}
		if err == nil {
			st.Lines++
			n := st.Lines
			if tooLong {
				st.Skipped = append(st.Skipped, LineError{n, fmt.Sprintf("line longer than %d bytes", MaxLine)})
			} else if len(bytes.TrimSpace(line)) > 0 {
				d, lerr := decode(line)
				if lerr != "" {
					st.Skipped = append(st.Skipped, LineError{n, lerr})
				} else {
					if ferr := fn(n, d); ferr != nil {
						return st, fmt.Errorf("jsonl: line %d: %w", n, ferr)
					}
					st.Imported++
				}
			}
		}
		if err == io.EOF {
			return st, nil
		}
	}
}

// readLine reads one line without its newline into *buf. A line longer than
// MaxLine is consumed and reported with tooLong. err is io.EOF after the
// last line.
func readLine(br *bufio.Reader, buf *[]byte) (line []byte, tooLong bool, err error) {
	b := (*buf)[:0]
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(b)+len(chunk) > MaxLine+1 {
				tooLong, b = true, b[:0]
			} else {
				b = append(b, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		*buf = b
		if err == nil {
			return bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r")), tooLong, nil
		}
		if err == io.EOF && (len(b) > 0 || tooLong) {
			return b, tooLong, nil // the last line had no newline; EOF comes next call
		}
		return b, tooLong, err
	}
}

// decode turns one line into a draft, or says why it cannot.
func decode(line []byte) (news.Draft, string) {
	if !utf8.Valid(line) {
		return news.Draft{}, "not valid UTF-8"
	}
	var rec record
	if err := json.Unmarshal(line, &rec); err != nil {
		return news.Draft{}, "bad JSON: " + err.Error()
	}
	title := collapse(rec.Title)
	if title == "" {
		return news.Draft{}, "missing title"
	}
	if strings.TrimSpace(rec.Published) == "" {
		return news.Draft{}, "missing published date"
	}
	pub, err := time.Parse(time.RFC3339, strings.TrimSpace(rec.Published))
	if err != nil {
		return news.Draft{}, fmt.Sprintf("published %q is not an RFC 3339 date", clip(rec.Published))
	}
	paras := paragraphs(rec.Body)
	if len(paras) == 0 {
		return news.Draft{}, "missing body"
	}
	sec := sectionFor(rec.Section, rec.URL, rec.Source)
	by := byline.Parse(rec.Byline)
	return news.Draft{
		ExternalID:  strings.TrimSpace(rec.ID),
		SourceURL:   strings.TrimSpace(rec.URL),
		Source:      strings.TrimSpace(rec.Source),
		Title:       title,
		Abstract:    collapse(rec.Abstract),
		Body:        news.Paragraphs(paras),
		SectionName: sec.Name,
		SectionSlug: sec.Slug,
		Authors:     by.Authors,
		Dateline:    by.Dateline,
		PublishedAt: pub,
		Tags:        tags(rec.Tags),
	}, ""
}

// maxTags bounds the tags one line may give; the rest are left out.
const maxTags = 20

// tags are a line's tag names, collapsed, without empty ones.
func tags(names []string) []string {
	var out []string
	for _, n := range names {
		if n = collapse(n); n != "" && len(out) < maxTags {
			out = append(out, n)
		}
	}
	return out
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// paragraphs splits a body on newlines: ANT separates paragraphs with "\n",
// SaudiNewsNet with blank lines; both come out the same.
func paragraphs(bodyText string) []string {
	var out []string
	for _, p := range strings.Split(bodyText, "\n") {
		if p = collapse(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// collapse trims s and turns runs of spaces (NBSP included) into one space.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == 0xFEFF || r >= 0x200B && r <= 0x200D
	}), " ")
}
