// Package news holds Sahafa's domain: articles, sections, authors, the
// queries the site asks of them, and the Store interface every storage
// backend implements. It imports no other package of this module, so that
// storage, HTTP and importers all depend on it and never the reverse.
package news

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Section is a desk of the newsroom ("أخبار العالم", "رياضة").
type Section struct {
	ID   int64
	Slug string // URL segment; Latin for well-known desks, Arabic otherwise
	Name string // display name, in Arabic
}

// Author is a person credited in a byline.
type Author struct {
	ID   int64
	Slug string
	Name string
	// Profile is loaded by AuthorBySlug and the author directory only.
	Profile AuthorProfile
}

// Article is a published story as readers see it.
type Article struct {
	ID          int64
	ExternalID  string // id in the system it was imported from; unique when set
	SourceURL   string // where it was first published, if imported
	Source      string // outlet key from the importer ("bbc", "aawsat"); may be empty
	Slug        string // unique within (section, URL date)
	Title       string
	Abstract    string
	Body        string // sanitized HTML
	Section     Section
	Authors     []Author
	Dateline    string // city the story was filed from ("القاهرة")
	PublishedAt time.Time
	UpdatedAt   time.Time

	// Newsroom fields. Imported articles are published, have no
	// BodySource (their Body is the source) and no creator.
	Status     Status
	BodySource string // what the writer typed: Markdown, or HTML for imported articles
	Tags       []Tag
	Image      *Image // lead image; nil when none
	CreatedBy  int64  // user id of the article's owner; 0 for imported articles
	// TimeSet is true when PublishedAt was chosen (by a person or an
	// import) rather than left to be the moment of publication.
	TimeSet bool
	// Version counts saves; an edit names the version it started from so
	// that a concurrent edit is refused instead of silently overwritten.
	Version int
	// EverPublished is true once the article has been public: its URL
	// date is fixed from then on.
	EverPublished bool
	// Corrections are loaded by the single-article lookups only.
	Corrections []Correction
	// FirstPublished is the UTC midnight of the article's first
	// publication, kept by the store: the date in its URL, which later
	// changes to PublishedAt never move. Zero on articles not yet stored;
	// for articles never published, the date of the planned publication.
	FirstPublished time.Time
	// SEO overrides what search engines and share cards are told.
	SEO SEO
	// DeletedAt is when the article was put in the trash (unpublished
	// first); zero when it is not in it. Trashed articles are left out
	// of every list but the trash's.
	DeletedAt time.Time
}

// Public reports whether readers may see the article.
func (a Article) Public() bool { return a.Status == StatusPublished }

// URLDate is the calendar date used in the article's URL: the UTC date of
// first publication, so that neither a later edit of the publication time
// nor a change of the site's time zone moves a URL.
func (a Article) URLDate() time.Time {
	t := a.FirstPublished
	if t.IsZero() {
		t = a.PublishedAt
	}
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Path is the article's canonical, percent-encoded URL path:
// /<section-slug>/<yyyy>/<mm>/<dd>/<slug>.
func (a Article) Path() string {
	d := a.URLDate()
	return fmt.Sprintf("/%s/%04d/%02d/%02d/%s", url.PathEscape(a.Section.Slug),
		d.Year(), int(d.Month()), d.Day(), url.PathEscape(a.Slug))
}

// SectionPath is the URL path of a section's front page.
func SectionPath(slug string) string { return "/" + url.PathEscape(slug) + "/" }

// AuthorPath is the URL path of an author's page.
func AuthorPath(slug string) string { return "/author/" + url.PathEscape(slug) + "/" }

// InOrder returns the articles of list whose ids are in ids, in the order
// of ids (stores load a page of ids in one query, in no set order).
func InOrder(list []Article, ids []int64) []Article {
	byID := make(map[int64]Article, len(list))
	for _, a := range list {
		byID[a.ID] = a
	}
	out := make([]Article, 0, len(ids))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			out = append(out, a)
		}
	}
	return out
}

// CacheTag is the tag of every cached response that shows article id's
// own page (its page and its API resources), for page caches and CDNs
// (the Surrogate-Key header) to drop when only that article changed, as
// when its "you may also read" list is stored.
func CacheTag(id int64) string { return "article-" + strconv.FormatInt(id, 10) }

// MediaTag is the tag of every cached response that shows library image
// id (its crops and sizes, chosen when the page is made), dropped when the
// image is processed or its crops are cut again.
func MediaTag(id int64) string { return "media-" + strconv.FormatInt(id, 10) }

// MediaTagAny tags responses that show more images than they can be
// tagged with one by one; it is dropped with every MediaTag.
const MediaTagAny = "media-any"

// TagArticle is the article a CacheTag names; ok is false for another tag.
func TagArticle(tag string) (id int64, ok bool) {
	rest, ok := strings.CutPrefix(tag, "article-")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// Page keys: the Surrogate-Key/Cache-Tag values of cached pages, by what
// they show, for CDNs to purge (cdn.Purger) after a write. An article's
// own page is CacheTag(id); lists are keyed by what they list.
const (
	HomeKey = "home" // the home page
	FeedKey = "feed" // the whole site's feeds
)

// SectionKey keys a section's pages and feeds.
func SectionKey(slug string) string { return "section-" + slug }

// TagKey keys a tag's pages and feeds.
func TagKey(slug string) string { return "tag-" + slug }

// AuthorKey keys an author's pages and feeds.
func AuthorKey(slug string) string { return "author-" + slug }

// ArticleKeys are the keys of the pages a published article is on: its
// own, its section's, its tags', its authors', the home page and the
// site's feeds.
func ArticleKeys(a Article) []string {
	keys := []string{CacheTag(a.ID), SectionKey(a.Section.Slug), HomeKey, FeedKey}
	for _, t := range a.Tags {
		keys = append(keys, TagKey(t.Slug))
	}
	for _, au := range a.Authors {
		keys = append(keys, AuthorKey(au.Slug))
	}
	return keys
}

// ArticlePaths are the addresses of those pages (the first page of each
// list, and its RSS feed), for proxies that purge by address.
func ArticlePaths(a Article) []string {
	paths := []string{a.Path(), "/", "/feed/", SectionPath(a.Section.Slug), SectionPath(a.Section.Slug) + "feed/",
		"/api/v1/articles/" + strconv.FormatInt(a.ID, 10)}
	for _, t := range a.Tags {
		paths = append(paths, TagPath(t.Slug), TagPath(t.Slug)+"feed/")
	}
	for _, au := range a.Authors {
		paths = append(paths, AuthorPath(au.Slug), AuthorPath(au.Slug)+"feed/")
	}
	return paths
}
