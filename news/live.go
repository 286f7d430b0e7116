package news

import (
	"context"
	"time"
)

// LiveCoverage makes an article a live page (تغطية مباشرة): timestamped
// updates that editors add while an event unfolds, shown newest first
// above the article's own text.
type LiveCoverage struct {
	ArticleID int64
	Started   time.Time
	Ended     time.Time // zero while the coverage runs
	Updates   []LiveUpdate
	Total     int // all updates, when Updates holds only the newest
}

// Running reports whether the coverage has not been ended.
func (c LiveCoverage) Running() bool { return c.Ended.IsZero() }

// LiveUpdate is one entry of a live page.
type LiveUpdate struct {
	ID         int64
	ArticleID  int64
	At         time.Time
	Body       string // sanitized HTML
	BodySource string // Markdown as typed
	Author     string // the newsroom user's name, shown beside the time
	CreatedBy  int64
}

// Bounds of live pages: an update's Markdown, how many updates one page
// may hold, and how many a page and its feed of updates show.
const (
	MaxLiveUpdateText = 4000
	MaxLiveUpdates    = 2000
	LiveUpdatesShown  = 200
)

// LiveStore keeps live coverage. Adding or deleting an update changes the
// article's own page only, and is reported to change watchers so (as a
// stored related list is); starting or ending coverage is a change of
// everything, as lists may show the live mark.
type LiveStore interface {
	// SetLive makes an article live coverage from started, ended at ended
	// (zero: running); an article that does not exist is ENOTFOUND.
	SetLive(ctx context.Context, articleID int64, started, ended time.Time) error
	// LiveCoverage returns an article's coverage with its newest updates
	// (at most limit), newest first; ENOTFOUND when it has none.
	LiveCoverage(ctx context.Context, articleID int64, limit int) (LiveCoverage, error)
	// LiveArticles reports which of ids are live coverage, running or not.
	LiveArticles(ctx context.Context, ids []int64) (map[int64]LiveCoverage, error)
	// AddLiveUpdate stores an update of coverage that exists; past
	// MaxLiveUpdates it is EINVALID.
	AddLiveUpdate(ctx context.Context, u LiveUpdate) (LiveUpdate, error)
	// DeleteLiveUpdate deletes an update of an article.
	DeleteLiveUpdate(ctx context.Context, articleID, updateID int64) error
}
