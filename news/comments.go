package news

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Comment is a reader's comment on an article: one written on this site,
// or one of an imported archive (WordPress). Comments thread by
// ExternalID: ParentID is the ExternalID of the comment answered, within
// the same article. A comment written here gets LocalCommentPrefix and
// its id as its ExternalID, so that an export restored elsewhere keeps
// its threads.
type Comment struct {
	ID          int64         `json:"-"`
	ArticleID   int64         `json:"-"`
	ExternalID  string        `json:"external_id,omitempty"` // id in the system it came from, or LocalCommentPrefix+ID
	ParentID    string        `json:"parent_id,omitempty"`   // ExternalID of the comment it answers
	Author      string        `json:"author"`
	AuthorEmail string        `json:"author_email,omitempty"` // never shown to readers
	AuthorURL   string        `json:"author_url,omitempty"`
	At          time.Time     `json:"at"`
	Text        string        `json:"text"` // plain text when written here; HTML for imported ones; never shown unsanitized
	Status      CommentStatus `json:"status"`
	// UserID is the newsroom user who wrote it (a reply of the newsroom),
	// 0 for a reader.
	UserID int64 `json:"user_id,omitempty"`
}

// LocalCommentPrefix begins the ExternalID of comments written on this
// site: an import replaces an article's imported comments, never these.
const LocalCommentPrefix = "sahafa-"

// LocalCommentKey is the ExternalID of comment id written on this site:
// its id and a random part, so that it never meets the key of a comment
// restored from another site's export (whose ids were that site's).
func LocalCommentKey(id int64) string {
	var b [4]byte
	rand.Read(b[:])
	return LocalCommentPrefix + strconv.FormatInt(id, 10) + "-" + hex.EncodeToString(b[:])
}

// Local reports whether c was written on this site (its text is plain).
func (c Comment) Local() bool { return strings.HasPrefix(c.ExternalID, LocalCommentPrefix) }

// UnmarshalJSON reads exports written before comments had a status, which
// said "approved": true or false.
func (c *Comment) UnmarshalJSON(b []byte) error {
	type plain Comment
	var v struct {
		plain
		Approved *bool `json:"approved"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Comment(v.plain)
	if c.Status == "" {
		c.Status = CommentPending
		if v.Approved != nil && *v.Approved {
			c.Status = CommentApproved
		}
	}
	return nil
}

// CheckNewComment refuses a comment no store should take: one without its
// article, author, text or a known status.
func CheckNewComment(c Comment) error {
	switch {
	case c.ArticleID <= 0:
		return Errorf(EINVALID, "a comment needs its article")
	case !c.Status.Valid():
		return Errorf(EINVALID, "unknown comment status %q", c.Status)
	case strings.TrimSpace(c.Text) == "" || strings.TrimSpace(c.Author) == "":
		return Errorf(EINVALID, "a comment needs its text and its author's name")
	}
	return nil
}

// CommentStatus is where a comment stands in moderation.
type CommentStatus string

const (
	CommentApproved CommentStatus = "approved" // shown under its article
	CommentPending  CommentStatus = "pending"  // waiting for a moderator
	CommentSpam     CommentStatus = "spam"
	CommentTrash    CommentStatus = "trash"
)

// CommentStatuses lists the statuses in the newsroom's order.
var CommentStatuses = []CommentStatus{CommentPending, CommentApproved, CommentSpam, CommentTrash}

// Valid reports whether s is one of CommentStatuses.
func (s CommentStatus) Valid() bool {
	switch s {
	case CommentApproved, CommentPending, CommentSpam, CommentTrash:
		return true
	}
	return false
}

// OrPending is s, or pending when s is not a status (an imported comment
// that came with none).
func (s CommentStatus) OrPending() CommentStatus {
	if !s.Valid() {
		return CommentPending
	}
	return s
}

// Label is the status's name in the newsroom.
func (s CommentStatus) Label() string {
	switch s {
	case CommentApproved:
		return "منشور"
	case CommentPending:
		return "بانتظار المراجعة"
	case CommentSpam:
		return "مزعج"
	case CommentTrash:
		return "في المهملات"
	}
	return string(s)
}

// CommentMode is whether readers may comment: an article's own switch, or
// the site's.
type CommentMode string

const (
	CommentsSiteDefault CommentMode = ""       // an article that follows the site's setting
	CommentsOpen        CommentMode = "open"   // shown, and readers may add theirs
	CommentsClosed      CommentMode = "closed" // shown, no new ones
	CommentsOff         CommentMode = "off"    // neither shown nor taken
)

// Valid reports whether m is a known mode ("" included).
func (m CommentMode) Valid() bool {
	switch m {
	case CommentsSiteDefault, CommentsOpen, CommentsClosed, CommentsOff:
		return true
	}
	return false
}

// Setting keys of comments (administrators set them in the newsroom).
const (
	SettingComments           = "comments"            // open, closed or off: the site's mode
	SettingCommentsCloseDays  = "comments_close_days" // articles older than this many days take no new comments; 0 never closes
	SettingCommentsModeration = "comments_moderation" // all (every comment waits) or known (a reader with an approved comment is trusted)
)

// CommentFilter selects comments for moderation.
type CommentFilter struct {
	Status    CommentStatus // "" for every status
	ArticleID int64         // 0 for every article
	Limit     int
	Offset    int
}

// QueuedComment is a comment in the moderation list, with its article.
type QueuedComment struct {
	Comment
	ArticleTitle string
}

// CommentList is a page of the moderation list, and the number of
// comments the filter selects.
type CommentList struct {
	Comments []QueuedComment
	Total    int
}

// CommentStore keeps readers' comments.
type CommentStore interface {
	// ArticleComments returns an article's approved comments, oldest
	// first, and the article's own comment mode.
	ArticleComments(ctx context.Context, articleID int64) ([]Comment, CommentMode, error)
	// CommentCounts counts the approved comments of the given articles.
	CommentCounts(ctx context.Context, articleIDs []int64) (map[int64]int, error)
	// AddComment stores a new comment (its ExternalID is made from its id)
	// and returns it. An approved one changes its article's page.
	AddComment(ctx context.Context, c Comment) (Comment, error)
	Comment(ctx context.Context, id int64) (Comment, error)
	// CommentQueue lists comments newest first.
	CommentQueue(ctx context.Context, f CommentFilter) (CommentList, error)
	// CommentStatusCounts counts the comments of each status.
	CommentStatusCounts(ctx context.Context) (map[CommentStatus]int, error)
	// SetCommentStatus moves comments to a status and returns the ids of
	// the articles whose pages changed (those that had or now have an
	// approved one of them).
	SetCommentStatus(ctx context.Context, ids []int64, st CommentStatus) ([]int64, error)
	// SetCommentMode sets an article's own comment mode.
	SetCommentMode(ctx context.Context, articleID int64, mode CommentMode) error
	// KnownCommenter reports whether an approved comment carries this
	// email address (compared without case).
	KnownCommenter(ctx context.Context, email string) (bool, error)
}
