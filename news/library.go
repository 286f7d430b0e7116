package news

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SEO is what an article tells search engines and share cards where it
// should differ from its headline, abstract and lead image. Every empty
// field falls back: the SEO title to the headline, the social title to
// the SEO title, the descriptions to the abstract, the social image to
// the lead image, the canonical URL to the article's own.
type SEO struct {
	Title             string `json:"title,omitempty"`
	Description       string `json:"description,omitempty"`
	SocialTitle       string `json:"social_title,omitempty"`
	SocialDescription string `json:"social_description,omitempty"`
	SocialImageID     int64  `json:"social_image_id,omitempty"`
	Canonical         string `json:"canonical,omitempty"` // absolute http(s) URL
}

// IsZero reports whether the article keeps every fallback.
func (s SEO) IsZero() bool { return s == SEO{} }

// EncodeSEO is the stored form of an article's SEO fields: JSON, or ""
// when it keeps every fallback.
func EncodeSEO(s SEO) (string, error) { return encodeOptional(s, s.IsZero(), "SEO fields") }

// DecodeSEO reads what EncodeSEO stored.
func DecodeSEO(stored string, s *SEO) error { return decodeOptional(stored, s, "SEO fields") }

// encodeOptional is the stored form of a value that is often empty: ""
// when it is, else its JSON.
func encodeOptional[T any](v T, empty bool, what string) (string, error) {
	if empty {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", what, err)
	}
	return string(b), nil
}

// decodeOptional reads what encodeOptional stored into v (its zero value
// for "").
func decodeOptional[T any](stored string, v *T, what string) error {
	var zero T
	*v = zero
	if stored == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(stored), v); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Limits of the SEO fields, in characters: what search engines show
// before they cut, with room.
const (
	MaxSEOTitle       = 120
	MaxSEODescription = 320
)

// TrashRetention is how long articles stay in the trash before
// they are purged.
const TrashRetention = 30 * 24 * time.Hour

// AuthorProfile is what the author directory keeps of a person beyond the
// byline: shown on their page.
type AuthorProfile struct {
	Bio     string   `json:"bio,omitempty"`
	PhotoID int64    `json:"photo_id,omitempty"` // an image of the library; 0 for none
	Links   []string `json:"links,omitempty"`    // http(s) URLs: their site, X, …
}

// Limits of an author's profile.
const (
	MaxAuthorBio   = 1000
	MaxAuthorLinks = 6
)

// AuthorStats is an author of the directory with their number of
// articles (in every status) and what the directory needs to list them.
type AuthorStats struct {
	Author
	Articles int
	// Key is the normalized name (arabic.Normalize): authors whose
	// names differ only in hamzas, diacritics or the like share it.
	Key string
}

// IsZero reports whether the profile says nothing.
func (p AuthorProfile) IsZero() bool { return p.Bio == "" && p.PhotoID == 0 && len(p.Links) == 0 }

// EncodeAuthorProfile is the stored form of a profile: JSON, or "" for
// an empty one.
func EncodeAuthorProfile(p AuthorProfile) (string, error) {
	return encodeOptional(p, p.IsZero(), "author profile")
}

// DecodeAuthorProfile reads what EncodeAuthorProfile stored.
func DecodeAuthorProfile(stored string, p *AuthorProfile) error {
	return decodeOptional(stored, p, "author profile")
}

// MergedProfile is the profile of an author another was merged into:
// theirs, with what they lacked taken from the other's.
func MergedProfile(into, from AuthorProfile) AuthorProfile {
	if into.Bio == "" {
		into.Bio = from.Bio
	}
	if into.PhotoID == 0 {
		into.PhotoID = from.PhotoID
	}
	for _, l := range from.Links {
		if len(into.Links) < MaxAuthorLinks && !slices.Contains(into.Links, l) {
			into.Links = append(into.Links, l)
		}
	}
	return into
}

// CheckTrash says whether an article may go to the trash (at not zero)
// or come out of it (at zero): a published or scheduled article is taken
// down first, so that readers and the scheduler never meet a trashed one.
func CheckTrash(a Article, at time.Time) error {
	switch {
	case at.IsZero() && a.DeletedAt.IsZero():
		return Errorf(ECONFLICT, "article %d is not in the trash", a.ID)
	case at.IsZero():
		return nil
	case !a.DeletedAt.IsZero():
		return Errorf(ECONFLICT, "article %d is in the trash already", a.ID)
	case a.Status == StatusPublished || a.Status == StatusScheduled:
		return Errorf(ECONFLICT, "article %d is %s: take it down before it goes to the trash", a.ID, a.Status)
	}
	return nil
}

// readingWPM is the reading speed reading times assume: a reader of news
// in Arabic, about 180 words a minute.
const readingWPM = 180

// ReadingMinutes is how long a text takes to read, in whole minutes, at
// least one: its words (runs of letters and digits between spaces and
// punctuation) at readingWPM.
func ReadingMinutes(text string) int {
	return max(1, (len(strings.Fields(text))+readingWPM/2)/readingWPM)
}
