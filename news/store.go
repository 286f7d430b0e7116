package news

import (
	"context"
	"time"
)

// Draft is an article as a writer submits it: from an importer, the
// newsroom or the API. The publish service validates it, gives it a slug,
// sanitizes its body and analyzes it for search before it reaches a Store.
type Draft struct {
	ExternalID  string
	SourceURL   string
	Source      string
	Slug        string // optional; generated from the title when empty
	Title       string
	Abstract    string
	Body        string // HTML; sanitized by the publish service
	SectionName string // display name; matched to an existing section by normalized form
	SectionSlug string // optional; derived from the name when empty
	Authors     []string
	Dateline    string
	PublishedAt time.Time

	// Newsroom and import fields; zero values keep the import defaults
	// (a published article with an HTML body and no tags).
	ID        int64         // update this stored article (0: by ExternalID, or create)
	Status    Status        // default StatusPublished
	Markdown  bool          // Body is Markdown, rendered before sanitizing
	Tags      []string      // tag names
	Image     *Image        // lead image; Alt is required
	SEO       SEO           // search and share overrides
	CreatedBy int64         // owner (user id)
	TimeSet   bool          // PublishedAt was chosen, not the moment of saving
	OldPaths  []string      // earlier URL paths (another system's permalinks) that redirect here
	Version   int           // the version the edit started from; 0 skips the check
	Revision  *RevisionMeta // when set, a revision of the saved state is kept
	Event     *Event        // when set, recorded with the save
	Comments  []Comment     // readers' comments of an imported article (replacing its imported ones)
	// AllowEmpty stores an article with no body and no abstract: an
	// imported post that had none where it came from (valid in WordPress).
	AllowEmpty bool
}

// ArticleRecord is what a Store writes: a validated article (section and
// authors carry slug and name; IDs are assigned by the store) and the
// analyzed text the search index holds, as space-separated terms.
type ArticleRecord struct {
	Article
	SearchTitle string
	SearchBody  string

	// OldPaths are URL paths that redirect to the article from now on,
	// besides the ones the store adds itself when a public article's path
	// changes.
	OldPaths []string
	// ExpectVersion, when > 0, makes the save fail with ECONFLICT unless the
	// stored article is at that version (an edit made over a stale copy).
	ExpectVersion int
	Revision      *RevisionMeta // keep a revision of the saved state
	Event         *Event        // record this workflow event (ArticleID is filled in)
	// Comments, when not nil, replace the article's stored comments.
	Comments []Comment
}

// SaveResult tells what a SaveArticles call did, in input order.
type SaveResult struct {
	IDs     []int64 // the stored article's id for each record
	Created []bool  // true where the record created a new article
}

// Cursor marks a position in a list ordered by (published_at desc, id desc).
type Cursor struct {
	PublishedAt time.Time
	ID          int64
}

// ArticleFilter selects articles for lists, archives and the API.
// Zero values mean "no filter". Lists are ordered newest first.
type ArticleFilter struct {
	SectionSlug string
	AuthorSlug  string
	TagSlug     string
	From, To    time.Time // published_at in [From, To)
	Limit       int       // the store caps it at MaxListLimit
	Offset      int       // page-number pagination (HTML pages)
	After       *Cursor   // cursor pagination (API); takes precedence over Offset
	// NoTotal leaves ArticleList.Total at 0 for callers that show no page
	// count (side lists, feeds, sitemaps): counting every matching article
	// grows with the archive.
	NoTotal bool
}

// MaxListLimit bounds every list a store returns.
const MaxListLimit = 100

// ArticleList is one page of a filtered list.
type ArticleList struct {
	Total    int // all articles matching the filter, ignoring Limit/Offset/After
	Articles []Article
	Next     *Cursor // nil on the last page
}

// TimeCount is the number of articles published in the bucket that starts
// at Start.
type TimeCount struct {
	Start time.Time
	Count int
}

// CountBucket is the width of a PublicationCounts bucket.
const CountBucket = 15 * time.Minute

// SectionStats is a section with its article count.
type SectionStats struct {
	Section
	Articles int
}

// SearchQuery is a parsed, analyzed search: every field holds terms as the
// Arabic analyzer produced them, so each store matches the same tokens.
type SearchQuery struct {
	Terms   []string   // all must match
	Phrases [][]string // each must match as consecutive terms
	Exclude []string   // none may match
	Should  []string   // optional terms that raise the score (more-like-this)

	SectionSlug string
	AuthorSlug  string
	From, To    time.Time
	ByDate      bool // newest first instead of by relevance
	// RankAll ranks every match by relevance however many there are (the
	// more-like-this query, computed in the background). Without it, a
	// query matching more than a few thousand articles is ranked in two
	// tiers, cheaply: the matches holding the query in their headline,
	// by relevance, then the others, newest first.
	RankAll   bool
	Limit     int
	Offset    int
	ExcludeID int64 // leave this article out (related articles)

	// Newsroom searches: AllStatuses finds articles whatever their status
	// (public searches see published articles only); Statuses, when set,
	// keeps those statuses.
	AllStatuses bool
	Statuses    []Status
	// VisibleTo, when > 0 in a newsroom search, keeps the published
	// articles and the others created by this user: what a contributor or
	// writer may see, so that counts and pages count nothing else.
	VisibleTo int64
}

// SearchHit is one result with the store's relevance score (higher is better).
type SearchHit struct {
	Article
	Score float64
}

// SearchResults is one page of results and the total number of matches.
type SearchResults struct {
	Total int
	// AtLeast: there are more matches than Total, which a store may stop
	// counting at (SQLite at 10,000).
	AtLeast bool
	Hits    []SearchHit
}

// SearchDoc is the analyzed text of one stored article, for reindexing.
type SearchDoc struct {
	ID          int64
	SearchTitle string
	SearchBody  string
}

// Store is the storage every backend (SQLite, PostgreSQL) provides. All
// methods are safe for concurrent use. Lookups of missing rows return an
// *Error with code ENOTFOUND; a backend that cannot be reached returns
// EUNAVAILABLE.
type Store interface {
	// SaveArticles writes records in one transaction: all or none. A record
	// whose ExternalID (when set) or ID (when non-zero) matches a stored
	// article updates it; otherwise it is created. Sections and authors are
	// found by slug or created. A slug already used in the same section on
	// the same URL date by another article gets a "-2", "-3"… suffix. A new
	// article's URL date is that of FirstPublished when set (a copy from
	// another store keeps its URLs), else of PublishedAt; an update keeps
	// the stored one.
	SaveArticles(ctx context.Context, records []ArticleRecord) (SaveResult, error)

	Article(ctx context.Context, id int64) (Article, error)
	ArticleByExternalID(ctx context.Context, externalID string) (Article, error)
	// ArticleByPath finds an article by section slug, URL date and slug.
	ArticleByPath(ctx context.Context, sectionSlug string, date time.Time, slug string) (Article, error)
	Articles(ctx context.Context, f ArticleFilter) (ArticleList, error)

	Sections(ctx context.Context) ([]SectionStats, error)
	// PublicationCounts counts the articles published in [from, to) (zero
	// times leave that end open) in 15-minute UTC buckets, in time order,
	// leaving out empty ones. Every UTC offset in use is a whole number of
	// quarter hours, so callers can sum the buckets into days, months and
	// years of any time zone: the archive's counts in one query.
	PublicationCounts(ctx context.Context, from, to time.Time) ([]TimeCount, error)
	SectionBySlug(ctx context.Context, slug string) (Section, error)
	AuthorBySlug(ctx context.Context, slug string) (Author, error)

	// SetRelated replaces the stored "you may also read" list of an article.
	SetRelated(ctx context.Context, id int64, related []int64) error
	// Related returns the stored list (stored = true); when none is stored
	// it returns the articles of the same section nearest in publication
	// time (stored = false). Saving an article over an existing one clears
	// its stored list, since its text changed.
	Related(ctx context.Context, id int64, limit int) (list []Article, stored bool, err error)
	// MissingRelated returns up to limit ids of articles with no stored
	// related list, newest first, for the background refresher.
	MissingRelated(ctx context.Context, limit int) ([]int64, error)
	// TermDocFreqs returns, for each analyzed term, the number of articles
	// whose search text holds it, and the number of articles in all; the
	// related-articles query uses them to pick an article's telling terms.
	TermDocFreqs(ctx context.Context, terms []string) (freqs map[string]int, total int, err error)

	Search(ctx context.Context, q SearchQuery) (SearchResults, error)
	// ScanArticles returns up to limit articles with id > afterID, by id.
	ScanArticles(ctx context.Context, afterID int64, limit int) ([]Article, error)
	// UpdateSearchText replaces the analyzed text of stored articles.
	UpdateSearchText(ctx context.Context, docs []SearchDoc) error

	TaxonomyStore
	EditorialStore
	UserStore
	MediaStore
	SiteStore
	PageStore
	LiveStore
	ViewStore
	TokenStore
	RedirectStore
	CommentStore
	MediaOriginStore
	JobStore
	WireStore
	WebhookStore
	Close() error
}

// TaxonomyStore keeps sections and tags.
type TaxonomyStore interface {
	// SaveSection creates a section (ID 0) or renames one (by ID); a slug
	// taken by another section is ECONFLICT.
	SaveSection(ctx context.Context, sec Section) (Section, error)
	TagBySlug(ctx context.Context, slug string) (Tag, error)
	// Tags returns every tag with its number of published articles, by name.
	Tags(ctx context.Context) ([]TagStats, error)
	// SaveTag creates a tag (ID 0) or renames one (by ID).
	SaveTag(ctx context.Context, tag Tag) (Tag, error)

	// Authors lists the author directory by name, with each author's
	// number of articles; Query keeps the names whose normalized form
	// (arabic.Normalize) contains the query's.
	Authors(ctx context.Context, f AuthorFilter) ([]AuthorStats, int, error)
	// Author returns one author with their profile.
	Author(ctx context.Context, id int64) (Author, error)
	// SaveAuthor saves an author's name, slug and profile (by ID). A slug
	// taken by another author is ECONFLICT; the old slug redirects.
	SaveAuthor(ctx context.Context, a Author) (Author, error)
	// MergeAuthors moves every byline of from to into, deletes from, and
	// makes from's name and slug lead to into: a byline with that name
	// credits into, and AuthorBySlug(from's slug) returns into.
	MergeAuthors(ctx context.Context, into, from int64) error
}

// AuthorFilter selects authors of the directory.
type AuthorFilter struct {
	Query string
	// Duplicates keeps only the authors who share their normalized name
	// with another, to merge.
	Duplicates bool
	Limit      int
	Offset     int
}

// TagStats is a tag with its number of published articles.
type TagStats struct {
	Tag
	Articles int
}

// MediaOriginStore remembers where images fetched from other sites came
// from, so that each address is fetched once.
type MediaOriginStore interface {
	// MediaOrigins returns the library image of each address already
	// fetched, by address.
	MediaOrigins(ctx context.Context, urls []string) (map[string]int64, error)
	// SaveMediaOrigin records that image mediaID was fetched from url.
	SaveMediaOrigin(ctx context.Context, url string, mediaID int64) error
}

// EditorialStore is what the newsroom needs beyond the public queries:
// articles in every status, their history and revisions.
type EditorialStore interface {
	// EditorialArticle returns an article whatever its status, with its
	// corrections.
	EditorialArticle(ctx context.Context, id int64) (Article, error)
	EditorialArticles(ctx context.Context, f EditorialFilter) (ArticleList, error)
	// StatusCounts counts the articles of each status (of one creator
	// when createdBy > 0); those in the trash count under InTrash only.
	StatusCounts(ctx context.Context, createdBy int64) (map[Status]int, error)
	// Revisions lists an article's revisions, newest first, without
	// their Data.
	Revisions(ctx context.Context, articleID int64) ([]Revision, error)
	Revision(ctx context.Context, articleID int64, number int) (Revision, error)
	// Events returns an article's history, oldest first.
	Events(ctx context.Context, articleID int64) ([]Event, error)
	// AddCorrection stores a correction and its event in one transaction
	// and returns it with its id.
	AddCorrection(ctx context.Context, c Correction, ev Event) (Correction, error)
	// DueScheduled returns up to limit ids of scheduled articles whose
	// publication time is at or before now, soonest first.
	DueScheduled(ctx context.Context, now time.Time, limit int) ([]int64, error)
	// NextScheduled returns the earliest publication time of a scheduled
	// article, or the zero time when none is scheduled.
	NextScheduled(ctx context.Context) (time.Time, error)
	// ArticleByOldPath finds the published article an old URL path
	// (decoded, as recorded) now redirects to.
	ArticleByOldPath(ctx context.Context, path string) (Article, error)
	// TrashArticle puts an article in the trash at at (it must be neither
	// published nor scheduled: take it down first) and records ev; when
	// it was ever public, its addresses answer 410 Gone from then on. A
	// zero at takes it out of the trash, and its addresses are no longer
	// gone.
	TrashArticle(ctx context.Context, id int64, at time.Time, ev Event) error
	// PurgeArticles deletes the articles trashed at or before before
	// (only those of ids, when not nil), with their history, and returns
	// how many.
	PurgeArticles(ctx context.Context, ids []int64, before time.Time) (int, error)
	// Gone reports whether a path (RedirectKey form) was an article's
	// address before the article was deleted.
	Gone(ctx context.Context, path string) (bool, error)
	// Settings returns the site settings saved by administrators.
	Settings(ctx context.Context) (map[string]string, error)
	// SaveSettings sets the given keys (an empty value removes a key).
	SaveSettings(ctx context.Context, values map[string]string) error
	DraftStore
}

// DraftStore keeps what the editor saves as the writer types and who has
// an article open: neither changes a page.
type DraftStore interface {
	// SaveAutosave replaces the user's autosave of an article (0 for a
	// new article).
	SaveAutosave(ctx context.Context, a Autosave) error
	// Autosave returns the user's autosave of an article, ENOTFOUND when
	// there is none.
	Autosave(ctx context.Context, userID, articleID int64) (Autosave, error)
	DeleteAutosave(ctx context.Context, userID, articleID int64) error
	// TouchPresence records that the user has the article open at now
	// (since now, unless they already had), and returns the others who
	// were seen on it after seenAfter, and who took it over from this
	// user, if anyone.
	TouchPresence(ctx context.Context, articleID int64, u User, now, seenAfter time.Time) (others []Presence, takenBy string, err error)
	// TakeOver makes the user the article's editor: the others still on
	// it are told who took over at their next TouchPresence.
	TakeOver(ctx context.Context, articleID int64, u User, now time.Time) error
	// LeavePresence records that the user closed the article.
	LeavePresence(ctx context.Context, articleID, userID int64) error
}

// UserStore keeps newsroom accounts and their sessions.
type UserStore interface {
	// CreateUser stores a new user; an email already used is ECONFLICT.
	CreateUser(ctx context.Context, u User) (User, error)
	// UpdateUser saves a user's name, email, role, password hash and
	// disabled flag.
	UpdateUser(ctx context.Context, u User) error
	User(ctx context.Context, id int64) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	Users(ctx context.Context) ([]User, error)
	CreateSession(ctx context.Context, s Session) (Session, error)
	// SessionByToken returns the session with this token hash, unless it
	// has expired at now, and its user.
	SessionByToken(ctx context.Context, tokenHash []byte, now time.Time) (Session, User, error)
	// TouchSession moves a session's last-seen time and expiry.
	TouchSession(ctx context.Context, id int64, lastSeen, expires time.Time) error
	DeleteSession(ctx context.Context, id int64) error
	// DeleteUserSessions signs a user out everywhere but the session
	// keep (0 for everywhere); it returns how many sessions ended.
	DeleteUserSessions(ctx context.Context, userID, keep int64) (int, error)
	// UserSessions lists a user's unexpired sessions, newest first.
	UserSessions(ctx context.Context, userID int64, now time.Time) ([]Session, error)
	AttemptStore
}

// AttemptStore keeps the sign-in attempt budgets of keys (an account, a
// client address), shared by every server on the database, so that two
// servers do not each give an account its own five tries. A budget holds
// at most burst attempts and regains one per every. These writes change no
// public page.
type AttemptStore interface {
	// ReserveAttempt takes one attempt from key's budget atomically and
	// returns 0, or, when the budget is spent, takes nothing and returns
	// how long until the next attempt is free.
	ReserveAttempt(ctx context.Context, key string, now time.Time, every time.Duration, burst int) (wait time.Duration, err error)
	// ReturnAttempt gives back one attempt ReserveAttempt took (the
	// sign-in succeeded, or was never tried); with all, it forgets key's
	// spent attempts altogether.
	ReturnAttempt(ctx context.Context, key string, every time.Duration, all bool) error
	// PruneAttempts forgets the keys whose budget is full again at now.
	PruneAttempts(ctx context.Context, now time.Time) error
}

// MediaStore keeps uploaded images and their variants.
type MediaStore interface {
	// SaveMedia stores an image's record and the bytes of its variants in
	// one transaction and returns it with its id.
	SaveMedia(ctx context.Context, m Media, files []MediaFile) (Media, error)
	Media(ctx context.Context, id int64) (Media, error)
	// MediaList returns a page of the library, newest first.
	MediaList(ctx context.Context, f MediaFilter) (MediaList, error)
	// UpdateMedia saves the alt text, caption and credit of an image.
	UpdateMedia(ctx context.Context, m Media) error
	// MediaByIDs returns the images of ids that exist, in no set order
	// (a list page's lead images, in one query).
	MediaByIDs(ctx context.Context, ids []int64) ([]Media, error)
	// MediaFile returns the variant of the given width.
	MediaFile(ctx context.Context, id int64, width int) (MediaFile, error)
	// MoveMediaFile says where the bytes of one variant (ratio "") or one
	// crop now are: under key in the media bucket (data empty), or in the
	// store itself (key "", data the bytes). ENOTFOUND when there is no
	// such file.
	MoveMediaFile(ctx context.Context, id int64, ratio string, width int, key string, data []byte) error

	// SaveUpload stores an upload as it came (State MediaPending, no
	// variants yet) for the background to process, and returns it with
	// its id.
	SaveUpload(ctx context.Context, m Media, source []byte) (Media, error)
	// PendingMedia returns up to limit ids of uploads still to process,
	// oldest first.
	PendingMedia(ctx context.Context, limit int) ([]int64, error)
	// UncroppedMedia returns up to limit ids of processed images without
	// crops (stored before crops existed), oldest first.
	UncroppedMedia(ctx context.Context, limit int) ([]int64, error)
	// MediaSource returns the bytes of a pending upload.
	MediaSource(ctx context.Context, id int64) ([]byte, error)
	// FinishMedia stores what processing a pending upload made: its
	// format, size, variants and crops (m.State MediaReady), or why it
	// could not be processed (m.State MediaFailed, m.Problem); the
	// uploaded bytes are dropped. An upload no longer pending (another
	// server finished it) is ECONFLICT.
	FinishMedia(ctx context.Context, m Media, files []MediaFile, crops []MediaCropFile) error
	// SaveCrops replaces an image's framing and crops; the framing's
	// version goes up by one, and with it the crops' URLs.
	SaveCrops(ctx context.Context, id int64, f Framing, crops []MediaCropFile) (Media, error)
	// MediaCropFile returns one size of one crop.
	MediaCropFile(ctx context.Context, id int64, ratio string, width int) (MediaFile, error)
	// MediaUse counts the articles that show an image, as their lead
	// image or in their text (a scan of the articles: for a rare action).
	MediaUse(ctx context.Context, id int64) (int, error)
	// TrashMedia puts an image in the trash at at, or takes it out when
	// at is zero.
	TrashMedia(ctx context.Context, id int64, at time.Time) error
	// PurgeMedia deletes the images of ids that were put in the trash at
	// or before before, with their files, and returns how many.
	PurgeMedia(ctx context.Context, ids []int64, before time.Time) (int, error)
}

// MediaCropFile is the bytes of one size of one crop.
type MediaCropFile struct {
	Ratio string
	MediaFile
}

// ChangeWatcher is implemented by stores that can tell when content was
// changed by another process or node (an import run beside the server,
// another server on the same database), so that page caches can be
// dropped. WatchChanges calls onChange after such changes until ctx ends.
// Writes that change no page (sessions, sign-in attempts) are not
// reported; a stored "you may also read" list is reported as a change of
// its article's page only.
type ChangeWatcher interface {
	WatchChanges(ctx context.Context, onChange func(Change))
}

// Change is what a ChangeWatcher reports: All when anything pages show
// may have changed, else Related, the articles whose own page alone
// changed (a stored related list, a live update), and Media, the images
// whose pages changed.
type Change struct {
	All     bool
	Related []int64
	Media   []int64 // images processed or cut again: the pages tagged MediaTag
}

// Empty reports whether c says nothing changed.
func (c Change) Empty() bool { return !c.All && len(c.Related) == 0 && len(c.Media) == 0 }

// Pinger is implemented by stores that can say whether they can serve:
// the database answers, and its schema is the one this binary expects.
type Pinger interface {
	Ping(ctx context.Context) error
}

// PoolStats is the state of one connection pool of a store, for metrics.
type PoolStats struct {
	Name         string // "read", "write", "postgres"
	Max          int    // connections allowed
	Open, InUse  int
	WaitCount    int64         // acquisitions that had to wait, since start
	WaitDuration time.Duration // their total wait
}

// PoolStatser is implemented by stores that report their pools.
type PoolStatser interface {
	PoolStats() []PoolStats
}

// BulkWriteFinisher is implemented by stores that need upkeep after a bulk
// import to keep queries fast: fresh planner statistics and visibility
// maps on PostgreSQL (search p95 on 62k articles: 34 ms before, 21 ms
// after), PRAGMA optimize on SQLite. Importers call it once at the end.
type BulkWriteFinisher interface {
	FinishBulkWrite(ctx context.Context) error
}

// ArticleExtras is what a whole-site export keeps of an article besides
// its own fields: its history, corrections, old paths, stored related
// list and readers' comments.
type ArticleExtras struct {
	Revisions   []Revision // with their data
	Events      []Event
	Corrections []Correction
	OldPaths    []string // as recorded (RedirectKey form)
	Related     []int64  // the stored "you may also read" list; nil when none is stored
	Comments    []Comment
}

// RestoredArticle is an article of a whole-site export, written back with
// its own id and URL date.
type RestoredArticle struct {
	ArticleRecord
	Extras ArticleExtras
}

// Restorer writes a whole-site export into an empty store, keeping every
// id, in one transaction: Commit makes all of it visible, Rollback (or a
// crash) none of it. Users, sections, tags and media come before the
// articles that refer to them; related lists may name articles of later
// batches (they are written at Commit).
type Restorer interface {
	Users(users []User) error
	Sections(secs []Section) error
	Tags(tags []Tag) error
	Media(m Media, files []MediaFile) error
	Articles(arts []RestoredArticle) error
	Settings(values map[string]string) error
	Pages(pages []Page) error
	// PageComments restores the comments of the page restored with slug.
	PageComments(slug string, list []Comment) error
	Redirects(rs []PathRedirect) error
	Commit() error
	Rollback() error
}

// SiteStore is what whole-site export, restore and backup need.
type SiteStore interface {
	// BeginRestore starts a restore; it fails with ECONFLICT unless the
	// store holds no article, user or media.
	BeginRestore(ctx context.Context) (Restorer, error)
	// Extras returns the extras of the given articles, by article id.
	Extras(ctx context.Context, ids []int64) (map[int64]ArticleExtras, error)
	// Comments returns an article's comments, oldest first.
	Comments(ctx context.Context, articleID int64) ([]Comment, error)
}

// Backuper is implemented by stores that can write a consistent copy of
// themselves to a file while the site runs.
type Backuper interface {
	Backup(ctx context.Context, path string) error
}

// primaryKey marks a context whose reads must see every write made so far.
type primaryKey struct{}

// ReadPrimary marks ctx so that a store with read replicas serves its
// reads from the primary: the newsroom reads what it has just saved, and
// an editor's list or preview never trails the database.
func ReadPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

// ReadsPrimary reports whether ctx was marked by ReadPrimary.
func ReadsPrimary(ctx context.Context) bool {
	v, _ := ctx.Value(primaryKey{}).(bool)
	return v
}

// ReplicaStats is the state of one read replica, for metrics.
type ReplicaStats struct {
	Name  string        // "replica1", …, as PoolStats names its pool
	Up    bool          // answering, a replica, and within the lag bound
	Lag   time.Duration // how far its replay trails the primary's writes
	Reads int64         // reads it served, since start
	Falls int64         // reads it failed, then served by the primary
}

// ReplicaStatser is implemented by stores that read from replicas.
type ReplicaStatser interface {
	ReplicaStats() []ReplicaStats
}
