package news

import (
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Role is what a newsroom user may do; each role can do everything the
// ones before it can.
type Role string

const (
	RoleContributor Role = "contributor" // writes drafts and submits them for review
	RoleWriter      Role = "writer"      // also publishes their own articles
	RoleEditor      Role = "editor"      // edits and publishes anyone's; manages sections and tags
	RoleAdmin       Role = "admin"       // also manages users and site settings
)

// Roles lists the roles from least to most powerful.
var Roles = []Role{RoleContributor, RoleWriter, RoleEditor, RoleAdmin}

// Rank orders roles: 1 for contributor … 4 for admin, 0 for an unknown role.
func (r Role) Rank() int {
	for i, k := range Roles {
		if r == k {
			return i + 1
		}
	}
	return 0
}

// AtLeast reports whether r is min or a more powerful role.
func (r Role) AtLeast(min Role) bool { return r.Rank() > 0 && r.Rank() >= min.Rank() }

// Label is the Arabic name of the role.
func (r Role) Label() string {
	switch r {
	case RoleContributor:
		return "مساهم"
	case RoleWriter:
		return "كاتب"
	case RoleEditor:
		return "محرر"
	case RoleAdmin:
		return "مدير"
	}
	return string(r)
}

// User is a member of the newsroom.
type User struct {
	ID           int64
	Email        string // unique, lower-cased
	Name         string // shown in the newsroom and, by default, in bylines
	Role         Role
	PasswordHash string // PHC string ($argon2id$…); never shown
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// NormalizeEmail lower-cases and trims an address and checks its form.
func NormalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > 254 || strings.ContainsAny(s, " <>\"") {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", false
	}
	return s, true
}

// Session is a signed-in browser. The store keeps only a hash of the
// token the browser holds, so a copy of the database signs no one in.
type Session struct {
	ID        int64
	TokenHash []byte
	UserID    int64
	CSRFToken string // per-session token echoed in every newsroom form
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
	UserAgent string
	Address   string
}

// Media is an uploaded image with its resized variants.
type Media struct {
	ID        int64
	CreatedAt time.Time
	UserID    int64
	Alt       string
	Caption   string
	Credit    string
	Format    string // as uploaded: jpeg, png, webp
	Width     int
	Height    int
	Variants  []MediaVariant // ascending width
	// Framing and Crops: how the image is cut to each of CropRatios, and
	// the stored sizes of each cut.
	Framing Framing
	Crops   []MediaCrop
	// State is MediaPending from the upload until its variants are made
	// (in the background, so that the editor does not wait), MediaFailed
	// when they could not be; Problem then says why, in Arabic.
	State   MediaState
	Problem string
	// DeletedAt is when the image was put in the trash; zero when it is
	// not in it.
	DeletedAt time.Time
}

// MediaVariant is one stored size of a Media.
type MediaVariant struct {
	Width, Height int
	ContentType   string
	Ext           string
	Size          int
}

// MediaFile is the bytes of one variant. ObjectKey, when set, says the
// bytes live in the media bucket under that key (Data is then empty in
// the store, and Size is theirs).
type MediaFile struct {
	MediaVariant
	Data      []byte
	ObjectKey string
}

// incomplete reports a file that lacks a size, a type or its bytes.
func (f MediaFile) incomplete() bool {
	return f.Width <= 0 || f.Height <= 0 || f.StoredSize() == 0 || f.ContentType == "" || f.Ext == ""
}

// StoredSize is the size of f's bytes, wherever they are.
func (f MediaFile) StoredSize() int {
	if f.ObjectKey != "" {
		return f.Size
	}
	return len(f.Data)
}

// MediaFilter selects media for the library.
type MediaFilter struct {
	UserID int64
	// Query keeps the images whose alt text, caption or credit contains
	// it (the editor's picker searches the library).
	Query string
	// Trash lists the images in the trash; without it they are left out.
	Trash  bool
	Limit  int
	Offset int
}

// LikePattern is a LIKE pattern matching s anywhere, its own % _ and \
// escaped (with ESCAPE '\').
func LikePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)
	return "%" + r.Replace(s) + "%"
}

// MediaList is one page of the media library.
type MediaList struct {
	Total int
	Media []Media
}

// CheckUser checks what every store requires of a user record.
func CheckUser(u User) error {
	switch {
	case u.Email == "":
		return Errorf(EINVALID, "user email is empty")
	case u.Name == "":
		return Errorf(EINVALID, "user name is empty")
	case u.Role.Rank() == 0:
		return Errorf(EINVALID, "unknown role %q", u.Role)
	case u.PasswordHash == "":
		return Errorf(EINVALID, "user has no password hash")
	}
	return nil
}

// CheckMedia checks what every store requires of an image record and,
// when files is not nil, of its variants.
func CheckMedia(m Media, files []MediaFile) error {
	if strings.TrimSpace(m.Alt) == "" {
		return Errorf(EINVALID, "image alt text is empty")
	}
	if files == nil {
		return nil
	}
	if len(files) == 0 {
		return Errorf(EINVALID, "image has no variants")
	}
	for _, f := range files {
		if f.incomplete() {
			return Errorf(EINVALID, "image variant %dx%d is incomplete", f.Width, f.Height)
		}
	}
	return nil
}

// The site serves every stored variant of an image at
// /media/{id}/{width}.{ext}; "/media/{id}" (with anything after it) is how
// an article's Markdown refers to an image of the library.

// MediaSizes is the sizes attribute of article images: the full width of
// a phone, the text column (760 px) on wider screens.
const MediaSizes = "(max-width: 760px) 100vw, 760px"

// defaultMediaWidth is the variant used as src: sharp in the text column
// at 1.3× density, small enough for browsers that ignore srcset.
const defaultMediaWidth = 1024

// URL is the path of one variant.
func (m Media) URL(v MediaVariant) string {
	return fmt.Sprintf("/media/%d/%d.%s", m.ID, v.Width, v.Ext)
}

// Narrowest is the smallest stored variant (an author's photo, a
// thumbnail); zero when there is none.
func (m Media) Narrowest() MediaVariant {
	if len(m.Variants) == 0 {
		return MediaVariant{}
	}
	return m.Variants[0]
}

// Default is the variant an <img src> names: the widest up to 1024 px, or
// the narrowest when all are wider.
func (m Media) Default() MediaVariant { return defaultVariant(m.Variants) }

func defaultVariant(vs []MediaVariant) MediaVariant {
	if len(vs) == 0 {
		return MediaVariant{}
	}
	best := vs[0]
	for _, v := range vs {
		if v.Width <= defaultMediaWidth && v.Width > best.Width {
			best = v
		}
	}
	return best
}

// Srcset lists every variant for <img srcset>.
func (m Media) Srcset() string {
	parts := make([]string, len(m.Variants))
	for i, v := range m.Variants {
		parts[i] = m.URL(v) + " " + strconv.Itoa(v.Width) + "w"
	}
	return strings.Join(parts, ", ")
}

// MediaIDFromURL reads the image id of a site-relative URL of the site's
// media ("/media/42", "/media/42/1024.jpg"). A URL with a host is another
// site's, even when its path looks the same.
func MediaIDFromURL(raw string) (int64, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return 0, false
	}
	rest, ok := strings.CutPrefix(u.Path, "/media/")
	if !ok {
		return 0, false
	}
	idPart, _, _ := strings.Cut(rest, "/")
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}
