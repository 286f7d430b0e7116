package news

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Readership is counted without cookies and without keeping who read:
// page views per article and hour, the referring site's domain per hour,
// and for each day an estimate of distinct readers (a HyperLogLog sketch
// of a salted hash; the day's salt is deleted once the day is over, so no
// hash can be tied to a reader afterwards). No address or browser string
// is stored.

// ViewBatch is what one server counted since its last flush.
type ViewBatch struct {
	Articles  map[HourKey]int    // views by article and hour
	Referrers map[HourDomain]int // views by referring domain and hour
	// Visitors are the day's sketches of distinct readers, by day
	// (midnight UTC), to merge into the stored ones.
	Visitors map[time.Time][]byte
	// Ads are ad impressions and clicks by hour, ad and slot.
	Ads map[AdKey]AdCount
}

// AdKey is an ad in a slot in an hour.
type AdKey struct {
	Hour time.Time
	AdID int64
	Slot string
}

// AdCount is what an ad had in a slot.
type AdCount struct {
	Impressions, Clicks int
}

// AdStat is an ad's totals in a slot over a period.
type AdStat struct {
	AdID int64
	Slot string
	AdCount
}

// HourKey is an article in an hour (its start, UTC).
type HourKey struct {
	Hour      time.Time
	ArticleID int64
}

// HourDomain is a referring domain in an hour.
type HourDomain struct {
	Hour   time.Time
	Domain string
}

// Empty reports whether the batch holds nothing to store.
func (b ViewBatch) Empty() bool {
	return len(b.Articles) == 0 && len(b.Referrers) == 0 && len(b.Visitors) == 0 && len(b.Ads) == 0
}

// ArticleViews is an article with its views over a period.
type ArticleViews struct {
	ArticleID int64
	Views     int
}

// ViewStore keeps the counts. Writes to it change no page: they are not
// reported to change watchers.
type ViewStore interface {
	// AddViews adds a batch to the stored counts in one transaction, the
	// visitor sketches merged (register by register, the larger kept).
	AddViews(ctx context.Context, b ViewBatch) error
	// MostViewed lists the articles with the most views since since, most
	// first (only published ones; of one section when section is not "").
	MostViewed(ctx context.Context, since time.Time, section string, limit int) ([]ArticleViews, error)
	// ArticleViewTotal is an article's views since since.
	ArticleViewTotal(ctx context.Context, articleID int64, since time.Time) (int, error)
	// HourlyViews are the views of every hour in [from, to), by hour start.
	HourlyViews(ctx context.Context, from, to time.Time) (map[time.Time]int, error)
	// TopReferrers are the referring domains with the most views since since.
	TopReferrers(ctx context.Context, since time.Time, limit int) ([]DomainViews, error)
	// SectionViews are the views since since of each section's articles,
	// most first (the Domain field holds the section's name).
	SectionViews(ctx context.Context, since time.Time) ([]DomainViews, error)
	// AuthorViews are the views since since of each author's articles,
	// most first, at most limit (the Domain field holds the name).
	AuthorViews(ctx context.Context, since time.Time, limit int) ([]DomainViews, error)
	// AdStats are every ad's impressions and clicks per slot since since.
	AdStats(ctx context.Context, since time.Time) ([]AdStat, error)
	// VisitorSketch is a day's stored sketch of distinct readers, nil for none.
	VisitorSketch(ctx context.Context, day time.Time) ([]byte, error)
	// RollUpViews keeps the counts (articles, referrers, ads) of the hours
	// before before as one row per UTC day (at its midnight), so that
	// a year of counts is days, not hours; totals are unchanged. Safe to
	// run on several servers at once, and again.
	RollUpViews(ctx context.Context, before time.Time) error
	// DaySalt returns the salt of day's visitor hashes, made and stored by
	// the first server that asks (so every server hashes a reader alike),
	// and deletes the salts of earlier days.
	DaySalt(ctx context.Context, day time.Time, fresh []byte) ([]byte, error)
}

// DomainViews is a referring domain with its views.
type DomainViews struct {
	Domain string
	Views  int
}

// MergeSketches merges two visitor sketches of the same size register by
// register (the larger kept), the way HyperLogLog sketches add up; a
// sketch of another size than b's is replaced by b.
func MergeSketches(a, b []byte) []byte {
	if len(a) != len(b) {
		return append([]byte(nil), b...)
	}
	out := append([]byte(nil), a...)
	for i, v := range b {
		if v > out[i] {
			out[i] = v
		}
	}
	return out
}

// sortedKeys are a map's keys in the order compare gives.
func sortedKeys[K comparable, V any](m map[K]V, compare func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compare)
	return keys
}

// SortedHourKeys, SortedHourDomains and SortedAdKeys are a batch's keys
// by hour, then article, domain or ad and slot: the order every store
// writes them in, so that two servers writing at once cannot deadlock.
func SortedHourKeys(m map[HourKey]int) []HourKey {
	return sortedKeys(m, func(a, b HourKey) int {
		return cmp.Or(a.Hour.Compare(b.Hour), cmp.Compare(a.ArticleID, b.ArticleID))
	})
}

func SortedHourDomains(m map[HourDomain]int) []HourDomain {
	return sortedKeys(m, func(a, b HourDomain) int { return cmp.Or(a.Hour.Compare(b.Hour), cmp.Compare(a.Domain, b.Domain)) })
}

func SortedAdKeys(m map[AdKey]AdCount) []AdKey {
	return sortedKeys(m, func(a, b AdKey) int {
		return cmp.Or(a.Hour.Compare(b.Hour), cmp.Compare(a.AdID, b.AdID), cmp.Compare(a.Slot, b.Slot))
	})
}
