package news

import (
	"context"
	"time"
)

// WireSource is an agency's or partner's feed the wire desk polls: a web
// address or a folder an agency drops files into.
type WireSource struct {
	ID      int64
	Name    string // "رويترز عربي"
	Kind    string // WireHTTP or WireFolder
	Address string // URL, or folder path on the server
	Format  string // an ingest format key; "" detects
	// Interval is the time between polls.
	Interval time.Duration
	// AuthKind is "", "basic" or "bearer"; AuthUser the basic user.
	// Secret is the password or token sealed with the server's key
	// (never stored in plain text), nil when none.
	AuthKind  string
	AuthUser  string
	Secret    []byte
	SectionID int64 // the section drafts from it start in; 0: none
	// Priority is the urgency given to items that carry none (1–9).
	Priority int
	Enabled  bool

	// Poll state, kept by the poller.
	ETag         string
	LastModified string
	NextPoll     time.Time
	LastPoll     time.Time
	LastOK       time.Time
	LastError    string
	Failures     int // consecutive failed polls
	CreatedAt    time.Time

	// The WebSub subscription, when the feed names a hub: its hub, the
	// topic subscribed to, the secret the hub signs pushes with (sealed)
	// and when the hub said the subscription ends (zero until verified).
	WebSubHub     string
	WebSubTopic   string
	WebSubSecret  []byte
	WebSubExpires time.Time
}

// Kinds of wire source.
const (
	WireHTTP   = "http"
	WireFolder = "folder"
)

// Bounds on wire sources.
const (
	MaxWireSources     = 100
	MinWireInterval    = 30 * time.Second
	MaxWireInterval    = 24 * time.Hour
	DefaultWireKeep    = 30 * 24 * time.Hour
	DefaultWireEvery   = 2 * time.Minute
	MaxWireBackoff     = time.Hour
	WireQueuePageItems = 50
	// WireCountCap bounds the queue's counts: past it, "more than".
	WireCountCap = 10_000
)

// WirePoll is what one poll of a source ended with.
type WirePoll struct {
	SourceID     int64
	At           time.Time
	OK           bool
	Error        string // why it failed, in Arabic, with the address
	ETag         string // kept from the answer when OK
	LastModified string
	NextPoll     time.Time
}

// WireItem is one version of one story as a source sent it. Versions of a
// story share SourceID and GUID; the newest is Latest.
type WireItem struct {
	ID             int64
	SourceID       int64
	SourceName     string // filled by the store's reads
	GUID           string
	Version        int
	Headline       string
	Summary        string
	Body           string // safe HTML (ingest cleans it)
	Byline         string
	Dateline       string
	Language       string
	Urgency        int // 1 (flash) – 9; 0 unknown
	Subjects       []string
	Slugline       string
	Status         string // ingest.StatusUsable, …
	Signal         string // "update", "correction" or ""
	Embargo        time.Time
	FirstCreated   time.Time
	VersionCreated time.Time
	ReceivedAt     time.Time
	Link           string
	Provider       string
	// Hash fingerprints the text: a story sent again unchanged is not a
	// new version, one changed without a new version number is.
	Hash string
	// Terms are the item's search terms (the site's Arabic analyzer),
	// space separated; set by the desk before storing. Lead holds the
	// terms of the headline and first words, which grouping compares.
	Terms  string
	Lead   string
	Latest bool
	// GroupID is the first story of the group of stories about the same
	// event (from several sources); a story alone is its own group. Head
	// marks the group's newest story, the one the grouped queue lists;
	// GroupSize counts the group's stories (reads only).
	GroupID   int64
	Head      bool
	GroupSize int
	// Versions is how many versions of the story are stored (reads only).
	Versions int
	// ArticleID is the draft made from the story, 0 when none; Drafted
	// marks the version it was made from.
	ArticleID int64
	Drafted   bool
}

// Embargoed reports whether the item may not be published at now.
func (w WireItem) Embargoed(now time.Time) bool { return !w.Embargo.IsZero() && now.Before(w.Embargo) }

// Urgent reports whether the agency marked the item a flash or an alert.
func (w WireItem) Urgent() bool { return w.Urgency >= 1 && w.Urgency <= 2 }

// WireFilter selects the queue's items: the newest version of each story.
type WireFilter struct {
	SourceID  int64
	Urgent    bool     // urgency 1 or 2 only
	SectionID int64    // the source's default section
	Terms     []string // analyzed search terms, all required
	// Grouped lists each group of stories once, by its newest.
	Grouped bool
	Offset  int
	Limit   int
}

// WireStore keeps the wire desk's sources and items. Its writes change no
// public page.
type WireStore interface {
	WireSources(ctx context.Context) ([]WireSource, error)
	WireSource(ctx context.Context, id int64) (WireSource, error)
	// SaveWireSource creates (ID 0) or updates a source's settings; the
	// poll state is the poller's.
	SaveWireSource(ctx context.Context, s WireSource) (WireSource, error)
	DeleteWireSource(ctx context.Context, id int64) error
	// ClaimWireSources returns up to limit enabled sources due at now
	// and moves their next poll to now+lease in the same statement, so
	// that two servers never poll one source at once.
	ClaimWireSources(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]WireSource, error)
	FinishWirePoll(ctx context.Context, p WirePoll) error
	// SaveWireSubscription records a source's WebSub subscription (an
	// empty hub ends it).
	SaveWireSubscription(ctx context.Context, id int64, hub, topic string, secret []byte, expires time.Time) error
	// AddWireItems stores items not yet stored: one already stored with
	// the same text is skipped; one whose version number is stored with
	// other text becomes the story's next version. It returns the items
	// stored, with their ids and versions.
	AddWireItems(ctx context.Context, items []WireItem) ([]WireItem, error)
	// WireItems lists the queue and counts it, up to WireCountCap+1.
	WireItems(ctx context.Context, f WireFilter) ([]WireItem, int, error)
	WireItem(ctx context.Context, id int64) (WireItem, error)
	// WireVersions lists a story's versions, newest first.
	WireVersions(ctx context.Context, sourceID int64, guid string) ([]WireItem, error)
	// LinkWireDraft records the draft made from a story (all its versions).
	LinkWireDraft(ctx context.Context, itemID, articleID int64) error
	// WireItemsOfArticle lists the latest versions of the stories a draft
	// was made from.
	WireItemsOfArticle(ctx context.Context, articleID int64) ([]WireItem, error)
	// WireGroup lists the latest versions of a group's stories, newest
	// first.
	WireGroup(ctx context.Context, groupID int64) ([]WireItem, error)
	// WireRecent lists the latest versions received since t, newest first,
	// with only their ids, source, group and lead: what grouping needs.
	WireRecent(ctx context.Context, since time.Time, limit int) ([]WireItem, error)
	// SetWireGroups moves stories (each named by one of its items, with
	// all its versions) into groups, in one transaction, and marks the
	// newest story of each group touched its head.
	SetWireGroups(ctx context.Context, groups map[int64]int64) error
	// PurgeWireItems removes items received before t.
	PurgeWireItems(ctx context.Context, before time.Time) (int, error)
}
