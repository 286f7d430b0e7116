// Package page reads the text of a scraped news page (breadcrumb, one or
// more stories each with a headline, an optional byline and date, body
// paragraphs, and the page's chrome: ad labels, "اقرأ أيضا" blocks, share
// buttons) into drafts for the publish service.
package page

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"sahafa/importer/byline"
	"sahafa/news"
)

// Options tells Parse what the text cannot.
type Options struct {
	PublishedAt time.Time // used when the page carries no date; its zone reads page dates
	SourceURL   string    // where the page was scraped from
}

// Page is what a page holds.
type Page struct {
	Section string // last breadcrumb part, as written ("اخبار العالم"); may be empty
	Drafts  []news.Draft
}

// MaxSize bounds the text Parse accepts.
const MaxSize = 8 << 20

// Limits of a headline.
const (
	maxHeadlineWords = 25
	maxHeadlineRunes = 220
	// In a story that already has paragraphs, a short unpunctuated line is
	// a subheading of the story, not the headline of the next one.
	minInnerHeadlineWords = 5
)

type lineKind int

const (
	lkBlank lineKind = iota
	lkChrome
	lkRelated // "اقرأ أيضا": what follows is links to other stories
	lkDate
	lkBreadcrumb
	lkByline
	lkText
)

type line struct {
	n    int // 1-based
	text string
	kind lineKind
	date time.Time
	by   byline.Byline
}

type story struct {
	line   int
	title  string
	by     byline.Byline
	hasBy  bool
	date   time.Time
	paras  []string
	inLead bool // the next paragraph is the first one
}

// Parse reads a page's text. It returns an error wrapping a news.Error
// with code EINVALID when the text holds no story: no headline followed by
// paragraphs.
func Parse(text string, opts Options) (Page, error) {
	if len(text) > MaxSize {
		return Page{}, fmt.Errorf("page: %w", news.Errorf(news.EINVALID, "page text is %d bytes, more than %d", len(text), MaxSize))
	}
	if !utf8.ValidString(text) {
		n := 1 + strings.Count(text[:firstInvalid(text)], "\n")
		return Page{}, fmt.Errorf("page: %w", news.Errorf(news.EINVALID, "line %d: text is not valid UTF-8", n))
	}
	loc := time.UTC
	if !opts.PublishedAt.IsZero() {
		loc = opts.PublishedAt.Location()
	}
	lines := classify(text, loc)

	var (
		p         Page
		stories   []*story
		cur       *story
		pageDate  time.Time
		related   bool
		firstText = -1
	)
	for i := range lines {
		if lines[i].kind == lkText && firstText < 0 {
			firstText = lines[i].n
		}
	}
	for i := 0; i < len(lines); i++ {
		l := &lines[i]
		switch l.kind {
		case lkBlank, lkChrome:
			continue
		case lkRelated:
			related = true
			cur = nil
			continue
		case lkBreadcrumb:
			if p.Section == "" && len(stories) == 0 {
				parts := crumbParts(l.text)
				p.Section = parts[len(parts)-1]
			}
			continue
		case lkDate:
			if !l.date.IsZero() {
				if cur != nil && len(cur.paras) == 0 && cur.date.IsZero() {
					cur.date = l.date
				} else if cur == nil && pageDate.IsZero() {
					pageDate = l.date
				}
			}
			continue
		case lkByline:
			if cur != nil && !cur.hasBy && !related {
				cur.by, cur.hasBy = l.by, true
				continue
			}
			if cur == nil {
				continue // a byline outside a story: chrome
			}
			// a second byline-looking line in a story: keep it as text
		}
		if isHeadline(lines, i, cur) {
			cur = &story{line: l.n, title: collapse(l.text), inLead: true}
			stories = append(stories, cur)
			related = false
			continue
		}
		if cur == nil || related {
			continue // text before the first headline, or a related-links block
		}
		para := collapse(l.text)
		if cur.inLead {
			cur.inLead = false
			if !cur.hasBy {
				if b, rest, ok := byline.SplitLead(para); ok {
					cur.by, cur.hasBy, para = b, true, rest
				}
			}
		}
		cur.paras = append(cur.paras, para)
	}

	for idx, s := range stories {
		if len(s.paras) == 0 {
			continue
		}
		d := news.Draft{
			SourceURL:   opts.SourceURL,
			Title:       s.title,
			Body:        news.Paragraphs(s.paras),
			SectionName: p.Section,
			Authors:     s.by.Authors,
			Dateline:    s.by.Dateline,
			PublishedAt: firstNonZero(s.date, pageDate, opts.PublishedAt),
		}
		if opts.SourceURL != "" {
			d.ExternalID = opts.SourceURL + "#" + strconv.Itoa(idx+1)
		}
		p.Drafts = append(p.Drafts, d)
	}
	if len(p.Drafts) == 0 {
		switch {
		case len(stories) > 0:
			return p, fmt.Errorf("page: %w", news.Errorf(news.EINVALID,
				"line %d: headline %q has no paragraphs after it", stories[0].line, clip(stories[0].title)))
		case firstText > 0:
			return p, fmt.Errorf("page: %w", news.Errorf(news.EINVALID,
				"line %d: no story found: no headline followed by paragraphs", firstText))
		default:
			return p, fmt.Errorf("page: %w", news.Errorf(news.EINVALID, "no story found: the text holds no headline or paragraph"))
		}
	}
	return p, nil
}

func firstInvalid(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return i
			}
		}
	}
	return len(s)
}

func firstNonZero(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}

// collapse trims s and turns every run of spaces (NBSP included) and
// invisible marks into one space.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == 0xFEFF || r >= 0x200B && r <= 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069:
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

func classify(text string, loc *time.Location) []line {
	text = strings.TrimPrefix(text, "\uFEFF")
	raw := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	lines := make([]line, 0, len(raw))
	for i, r := range raw {
		t := collapse(strings.ReplaceAll(r, "\r", " "))
		l := line{n: i + 1, text: t}
		switch {
		case t == "":
			l.kind = lkBlank
		case isRelated(t):
			l.kind = lkRelated
		case isDateLine(t, loc, &l):
			l.kind = lkDate
		case isChrome(t):
			l.kind = lkChrome
		case isBreadcrumb(t):
			l.kind = lkBreadcrumb
		default:
			if b, ok := byline.ParseLine(t); ok && isBylineLine(t) {
				l.kind, l.by = lkByline, b
			} else {
				l.kind = lkText
			}
		}
		lines = append(lines, l)
	}
	return lines
}

func isDateLine(t string, loc *time.Location, l *line) bool {
	d, ok := parseDateLine(t, loc)
	l.date = d
	return ok
}

// isBylineLine keeps the byline test to short lines that do not read as a
// sentence.
func isBylineLine(t string) bool {
	n := len(strings.Fields(t))
	return n <= 10 && !endsSentence(t)
}

// isHeadline reports whether lines[i] opens a story: a short line without
// sentence-final punctuation whose next significant line is a paragraph
// (possibly after a byline or date line).
func isHeadline(lines []line, i int, cur *story) bool {
	t := lines[i].text
	if lines[i].kind != lkText || !headlineShape(t) {
		return false
	}
	if cur != nil && len(cur.paras) > 0 && len(strings.Fields(t)) < minInnerHeadlineWords {
		return false
	}
	for j := i + 1; j < len(lines); j++ {
		switch lines[j].kind {
		case lkBlank, lkChrome, lkDate, lkByline:
			continue
		case lkText:
			return isParagraph(lines[j].text)
		default:
			return false
		}
	}
	return false
}

func headlineShape(t string) bool {
	n := len(strings.Fields(t))
	return n >= 2 && n <= maxHeadlineWords && utf8.RuneCountInString(t) <= maxHeadlineRunes && !endsSentence(t)
}

func isParagraph(t string) bool {
	return endsSentence(t) || len(strings.Fields(t)) > maxHeadlineWords
}

// endsSentence reports whether t ends with sentence-final punctuation,
// possibly followed by a closing quote or bracket.
func endsSentence(t string) bool {
	t = strings.TrimRightFunc(t, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("\"'»”’)]", r)
	})
	r, _ := utf8.DecodeLastRuneInString(t)
	return strings.ContainsRune(".!؟?…:،,;؛", r)
}

var crumbSeps = []string{" / ", " » ", " > ", " › ", " « ", " < ", " ‹ ", " | ", "/", "»", ">", "›"}

// crumbRoots open a breadcrumb.
var crumbRoots = map[string]bool{}

func init() {
	for _, w := range []string{"الرئيسية", "الرئيسيه", "الارشيف", "الأرشيف", "home", "الصفحة الرئيسية", "أخبار", "اخبار", "archive", "الأخبار", "الاخبار"} {
		crumbRoots[fold(w)] = true
	}
}

func crumbParts(t string) []string {
	for _, sep := range crumbSeps {
		if strings.Contains(t, sep) {
			var parts []string
			for _, p := range strings.Split(t, sep) {
				if p = strings.TrimSpace(p); p != "" {
					parts = append(parts, p)
				}
			}
			if len(parts) >= 2 {
				return parts
			}
		}
	}
	return []string{t}
}

// isBreadcrumb reports whether t is "الارشيف / اخبار العالم" or
// "الرئيسية » أخبار » رياضة": short parts joined by a path separator, the
// first of them a known root.
func isBreadcrumb(t string) bool {
	if utf8.RuneCountInString(t) > 150 || endsSentence(t) {
		return false
	}
	parts := crumbParts(t)
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if len(strings.Fields(p)) > 5 {
			return false
		}
	}
	return crumbRoots[fold(parts[0])]
}

var chrome = map[string]bool{}
var relatedMarks = map[string]bool{}

func init() {
	for _, w := range []string{
		"advertisements", "advertisement", "ads", "ad", "sponsored", "إعلانات", "إعلان", "اعلان",
		"اعلانات", "شارك", "شارك الخبر", "شارك المقال", "مشاركة", "share", "tweet", "تغريد",
		"تابعونا", "تابعنا", "تابعونا على", "المزيد", "اقرأ المزيد", "المزيد من الأخبار",
		"طباعة", "print", "facebook", "twitter", "whatsapp", "telegram", "فيسبوك", "تويتر",
		"واتساب", "تيليجرام", "انستغرام", "يوتيوب", "email", "البريد الإلكتروني", "نسخ الرابط",
		"حجم الخط", "تكبير الخط", "تصغير الخط", "التعليقات", "تعليقات", "أضف تعليق", "اضف تعليق",
		"الرئيسية", "الارشيف", "الأرشيف", "عاجل", "الوسوم", "الكلمات الدالة", "كلمات مفتاحية",
		"tags", "related", "menu", "القائمة", "بحث", "search", "loading", "جار التحميل",
		"إقرأ أيضاً", "مشاهدة", "شاهد", "فيديو", "صور", "الصور", "video", "gallery",
		"© جميع الحقوق محفوظة", "جميع الحقوق محفوظة",
	} {
		chrome[chromeKey(w)] = true
	}
	for _, w := range []string{
		"قد تقرأ أيضا", "قد يهمك أيضا", "اقرأ أيضا", "اقرأ ايضا", "إقرأ أيضا", "اقرأ كذلك",
		"قد يعجبك أيضا", "أخبار ذات صلة", "اخبار ذات صلة", "مواضيع ذات صلة", "مقالات ذات صلة",
		"ذات صلة", "الأكثر قراءة", "الاكثر قراءة", "الأكثر مشاهدة", "أخبار متعلقة", "اخبار متعلقة",
		"read also", "read more", "related articles", "related stories", "you may also like",
		"most read", "المزيد من الأخبار ذات الصلة",
	} {
		relatedMarks[chromeKey(w)] = true
	}
}

// chromeKey folds a short line for matching against page chrome: letters
// and digits only.
func chromeKey(t string) string {
	var b strings.Builder
	for _, r := range fold(t) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func isRelated(t string) bool {
	if utf8.RuneCountInString(t) > 60 {
		return false
	}
	k := chromeKey(t)
	if relatedMarks[k] {
		return true
	}
	for m := range relatedMarks {
		if strings.HasPrefix(k, m+" ") && len(strings.Fields(k)) <= len(strings.Fields(m))+2 {
			return true
		}
	}
	return false
}

// isChrome reports whether t is a page label, a social button, a counter
// or a line without a single letter.
func isChrome(t string) bool {
	letters := 0
	for _, r := range t {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters == 0 {
		return true
	}
	if utf8.RuneCountInString(t) > 60 {
		return false
	}
	k := chromeKey(t)
	if chrome[k] {
		return true
	}
	// "شارك على فيسبوك", "تابعونا على تويتر", "12 تعليق"
	f := strings.Fields(k)
	if len(f) <= 4 && len(f) > 0 && (chrome[f[0]] || chrome[f[len(f)-1]]) &&
		(f[0] == fold("شارك") || f[0] == fold("تابعونا") || f[0] == "share" || f[0] == "follow" ||
			isNumber(f[0])) {
		return true
	}
	return false
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}
