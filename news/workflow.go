package news

import (
	"net/url"
	"strings"
	"time"
)

// Status is where an article stands in the newsroom's workflow. Readers
// see only published articles: every public query of a Store (lists,
// search, archives, related articles, counts) leaves the others out.
type Status string

const (
	StatusDraft       Status = "draft"       // being written
	StatusReview      Status = "review"      // submitted, waiting for an editor
	StatusScheduled   Status = "scheduled"   // approved, goes live at PublishedAt
	StatusPublished   Status = "published"   // public
	StatusUnpublished Status = "unpublished" // taken down after publication
)

// InTrash is the key under which StatusCounts counts the articles in the
// trash; it is not a status an article has.
const InTrash Status = "trash"

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusDraft, StatusReview, StatusScheduled, StatusPublished, StatusUnpublished}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, k := range Statuses {
		if s == k {
			return true
		}
	}
	return false
}

// Label is the Arabic name of the status shown in the newsroom.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "مسودة"
	case StatusReview:
		return "بانتظار المراجعة"
	case StatusScheduled:
		return "مجدولة"
	case StatusPublished:
		return "منشورة"
	case StatusUnpublished:
		return "أُلغي نشرها"
	}
	return string(s)
}

// Tag is a keyword that groups articles across sections ("الانتخابات").
type Tag struct {
	ID   int64
	Slug string
	Name string
}

// Limits on an article's tags, the same for the newsroom and importers.
// WordPress sets none; 50 keeps every tag of the posts we have seen (its
// theme unit test's "Many Tags" has 45).
const (
	MaxTags      = 50 // tags of one article
	MaxTagLength = 60 // characters of a tag's name
)

// TagPath is the URL path of a tag's page.
func TagPath(slug string) string { return "/tag/" + url.PathEscape(slug) + "/" }

// Image is an article's lead image: a picture from the site's media
// library or, for imported articles, a remote URL.
type Image struct {
	URL     string `json:"url"`              // default variant (or the remote URL)
	Srcset  string `json:"srcset,omitempty"` // responsive variants, for <img srcset>
	Width   int    `json:"width,omitempty"`  // of URL; 0 when unknown
	Height  int    `json:"height,omitempty"` //
	Alt     string `json:"alt"`
	Caption string `json:"caption,omitempty"`
	MediaID int64  `json:"media_id,omitempty"` // 0 for a remote image
	Credit  string `json:"credit,omitempty"`   // photographer or agency
}

// Correction is a dated note a newsroom adds to a published article to
// set the record straight; readers see it under the article.
type Correction struct {
	ID        int64
	ArticleID int64
	At        time.Time
	Text      string
	UserID    int64
}

// Event records one step of an article's workflow: who did what, when.
type Event struct {
	ID        int64
	ArticleID int64
	At        time.Time
	UserID    int64  // 0 for the system (scheduler, importer)
	UserName  string // as it was when the event happened
	Action    string // see the Action… constants
	From, To  Status
	Note      string
}

// Workflow actions recorded in events.
const (
	ActionCreate     = "create"
	ActionSave       = "save"
	ActionSubmit     = "submit"
	ActionApprove    = "approve"
	ActionReject     = "reject"
	ActionPublish    = "publish"
	ActionSchedule   = "schedule"
	ActionGoLive     = "go_live" // a scheduled article reached its time
	ActionUnpublish  = "unpublish"
	ActionCorrection = "correction"
	ActionRestore    = "restore"
	ActionTrash      = "trash"
	ActionUntrash    = "untrash"
)

// ActionLabel is the Arabic description of an action for the history.
func ActionLabel(action string) string {
	switch action {
	case ActionCreate:
		return "أنشأ المقال"
	case ActionSave:
		return "حفظ تعديلات"
	case ActionSubmit:
		return "أرسله للمراجعة"
	case ActionApprove:
		return "وافق عليه"
	case ActionReject:
		return "أعاده إلى الكاتب"
	case ActionPublish:
		return "نشره"
	case ActionSchedule:
		return "جدوله للنشر"
	case ActionGoLive:
		return "نُشر في موعده"
	case ActionUnpublish:
		return "ألغى نشره"
	case ActionCorrection:
		return "أضاف تصحيحًا"
	case ActionRestore:
		return "استعاد نسخة سابقة"
	case ActionTrash:
		return "نقله إلى سلة المحذوفات"
	case ActionUntrash:
		return "أعاده من سلة المحذوفات"
	}
	return action
}

// RevisionData is what a revision keeps of an article: everything a
// writer edits, so that restoring it brings the article back as it was.
type RevisionData struct {
	Title       string    `json:"title"`
	Abstract    string    `json:"abstract"`
	BodySource  string    `json:"body_source"` // Markdown (or HTML for imported articles)
	Body        string    `json:"body"`        // the rendered, sanitized HTML
	SectionSlug string    `json:"section_slug"`
	SectionName string    `json:"section_name"`
	Tags        []string  `json:"tags,omitempty"`
	Authors     []string  `json:"authors,omitempty"`
	Dateline    string    `json:"dateline,omitempty"`
	Slug        string    `json:"slug"`
	PublishedAt time.Time `json:"published_at"`
	TimeSet     bool      `json:"time_set,omitempty"`
	Status      Status    `json:"status"`
	Image       *Image    `json:"image,omitempty"`
	SEO         *SEO      `json:"seo,omitempty"`
}

// Revision is a saved state of an article.
type Revision struct {
	ID        int64
	ArticleID int64
	Number    int // 1, 2, … per article
	At        time.Time
	UserID    int64
	UserName  string
	Note      string
	Data      RevisionData
}

// RevisionData returns what a revision of a keeps.
func (a Article) RevisionData() RevisionData {
	d := RevisionData{
		Title: a.Title, Abstract: a.Abstract, BodySource: a.BodySource, Body: a.Body,
		SectionSlug: a.Section.Slug, SectionName: a.Section.Name, Dateline: a.Dateline,
		Slug: a.Slug, PublishedAt: a.PublishedAt, TimeSet: a.TimeSet, Status: a.Status, Image: a.Image,
	}
	if !a.SEO.IsZero() {
		seo := a.SEO
		d.SEO = &seo
	}
	if d.BodySource == "" {
		d.BodySource = a.Body
	}
	for _, t := range a.Tags {
		d.Tags = append(d.Tags, t.Name)
	}
	for _, au := range a.Authors {
		d.Authors = append(d.Authors, au.Name)
	}
	return d
}

// RevisionMeta says who made a revision and why; a record carrying it gets
// a revision written with it in the same transaction.
type RevisionMeta struct {
	UserID   int64
	UserName string
	Note     string
}

// EditorialFilter selects articles for the newsroom's lists, whatever
// their status. Zero values mean "no filter".
type EditorialFilter struct {
	Statuses    []Status
	CreatedBy   int64
	SectionSlug string
	AuthorSlug  string
	// ByPublished orders by publication time, soonest first for scheduled
	// lists (Ascending) or newest first; otherwise newest edit first.
	ByPublished bool
	Ascending   bool
	Limit       int
	Offset      int
	// Trash lists the articles in the trash (most recently trashed
	// first); without it, trashed articles are left out.
	Trash bool
}

// FirstRevisionNote marks the revision a store keeps of an article as it
// was before its first edit in the newsroom (an imported article).
const FirstRevisionNote = "النسخة كما كانت قبل أول تعديل في غرفة الأخبار"

// RedirectKey is the form in which old URLs are recorded and looked up:
// the decoded path of a path or URL, without a trailing slash, with its
// query when it has one ("/?p=123", as WordPress links look).
func RedirectKey(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	p := u.Path
	if p == "" && u.RawPath == "" && u.RawQuery == "" {
		return ""
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if len(p) > 1 {
		p = strings.TrimRight(p, "/")
		if p == "" {
			p = "/"
		}
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// Autosave is the editor's form as a writer left it, saved as they typed:
// Data is the form's fields as JSON (the editorial service reads it).
type Autosave struct {
	UserID    int64
	ArticleID int64 // 0 for a new article
	SavedAt   time.Time
	Version   int // of the article when the form was opened
	Data      []byte
}

// Presence is someone who has an article open in the editor.
type Presence struct {
	UserID   int64
	UserName string
	Since    time.Time
	Seen     time.Time
}
