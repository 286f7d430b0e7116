package news

import (
	"encoding/json"
	"fmt"
	"time"
)

// Ads are few (tens, not thousands) and changed by administrators only:
// they are stored in the settings, as fronts are, so that a change
// reaches every server as any content change does.

// SettingAds is the settings key of the ads; SettingAdHosts of the hosts
// whose scripts, styles and frames ad snippets may load.
const (
	SettingAds     = "ads"
	SettingAdHosts = "ad_hosts"
)

// AdSlot is a placement on the public pages.
type AdSlot struct {
	Name   string // as stored and in URLs
	Label  string // in the newsroom
	Width  int    // the frame's size, reserved so that nothing moves
	Height int
}

// AdSlots are the placements pages have, in the order they appear.
var AdSlots = []AdSlot{
	{"header", "أعلى الصفحة", 728, 90},
	{"article", "داخل المقال (بعد الفقرة المختارة)", 300, 250},
	{"side", "العمود الجانبي", 300, 250},
	{"article-end", "نهاية المقال", 728, 90},
	{"list", "بين عناصر القوائم", 728, 90},
}

// SlotByName returns a placement.
func SlotByName(name string) (AdSlot, bool) {
	for _, s := range AdSlots {
		if s.Name == name {
			return s, true
		}
	}
	return AdSlot{}, false
}

// Ad is an advertisement: an image of the library with a link, or an
// HTML snippet of a network the administrators trust (shown only inside a
// sandboxed frame of its own).
type Ad struct {
	ID       int64     `json:"id"`
	Name     string    `json:"name"`
	ImageID  int64     `json:"image_id,omitempty"`
	Link     string    `json:"link,omitempty"`
	Alt      string    `json:"alt,omitempty"`
	HTML     string    `json:"html,omitempty"`
	Slots    []string  `json:"slots"`
	Sections []string  `json:"sections,omitempty"` // slugs; none: every page
	Start    time.Time `json:"start,omitzero"`
	End      time.Time `json:"end,omitzero"`
	Weight   int       `json:"weight"`
	House    bool      `json:"house,omitempty"` // fills what no paid ad fills
	Paused   bool      `json:"paused,omitempty"`
}

// Bounds of the ads.
const (
	MaxAds        = 50
	MaxAdHTML     = 16 << 10
	MaxAdWeight   = 100
	MaxAdsPerPage = 4 // slots a page fills at most
)

// Runs reports whether the ad may be shown at now in slot on a page of
// section ("" for pages of no section).
func (a Ad) Runs(now time.Time, slot, section string) bool {
	if a.Paused || (!a.Start.IsZero() && now.Before(a.Start)) || (!a.End.IsZero() && !now.Before(a.End)) {
		return false
	}
	inSlot := false
	for _, s := range a.Slots {
		inSlot = inSlot || s == slot
	}
	if !inSlot {
		return false
	}
	if len(a.Sections) == 0 {
		return true
	}
	for _, s := range a.Sections {
		if s == section {
			return true
		}
	}
	return false
}

// DecodeAds reads the stored ads; none when the value does not parse.
func DecodeAds(stored string) []Ad {
	var ads []Ad
	if stored == "" || json.Unmarshal([]byte(stored), &ads) != nil {
		return nil
	}
	return ads
}

// EncodeAds is the stored form of the ads.
func EncodeAds(ads []Ad) (string, error) {
	if len(ads) == 0 {
		return "", nil
	}
	b, err := json.Marshal(ads)
	if err != nil {
		return "", fmt.Errorf("encode ads: %w", err)
	}
	return string(b), nil
}

// PickAd chooses among the ads that run in a slot, fairly by weight:
// paid ads first, house ads when no paid one runs. r is a number in
// [0, 1) (random). ok is false when none runs.
func PickAd(ads []Ad, now time.Time, slot, section string, r float64) (Ad, bool) {
	for _, house := range []bool{false, true} {
		total := 0
		for _, a := range ads {
			if a.House == house && a.Runs(now, slot, section) {
				total += max(a.Weight, 1)
			}
		}
		if total == 0 {
			continue
		}
		at := int(r * float64(total))
		for _, a := range ads {
			if a.House == house && a.Runs(now, slot, section) {
				if at < max(a.Weight, 1) {
					return a, true
				}
				at -= max(a.Weight, 1)
			}
		}
	}
	return Ad{}, false
}

// SettingAdLayout is the settings key of the AdLayout.
const SettingAdLayout = "ad_layout"

// AdLayout is where pages put their ad slots: after which paragraph of an
// article, how many slots a page fills at most, and which slots are off
// on the pages of some sections (by section slug; "" is the pages of no
// section: the home page, search, tags).
type AdLayout struct {
	Paragraph int                 `json:"paragraph,omitempty"` // default 3
	PerPage   int                 `json:"per_page,omitempty"`  // default MaxAdsPerPage
	Off       map[string][]string `json:"off,omitempty"`
}

// Bounds of the layout.
const (
	MaxAdParagraph     = 20
	DefaultAdParagraph = 3
)

// WithDefaults fills the zero fields.
func (l AdLayout) WithDefaults() AdLayout {
	if l.Paragraph <= 0 {
		l.Paragraph = DefaultAdParagraph
	}
	if l.PerPage <= 0 {
		l.PerPage = MaxAdsPerPage
	}
	return l
}

// SlotOff reports whether slot is off on the pages of section.
func (l AdLayout) SlotOff(section, slot string) bool {
	for _, s := range l.Off[section] {
		if s == slot {
			return true
		}
	}
	return false
}

// CheckAdLayout says what is wrong with a layout, by form field.
func CheckAdLayout(l AdLayout) FieldErrors {
	errs := FieldErrors{}
	if l.Paragraph < 1 || l.Paragraph > MaxAdParagraph {
		errs.Add("paragraph", fmt.Sprintf("رقم الفقرة من 1 إلى %d", MaxAdParagraph))
	}
	if l.PerPage < 1 || l.PerPage > MaxAdsPerPage {
		errs.Add("per_page", fmt.Sprintf("عدد الإعلانات في الصفحة من 1 إلى %d", MaxAdsPerPage))
	}
	if len(l.Off) > 200 {
		errs.Add("off", "أقسام كثيرة جدًا")
	}
	for _, slots := range l.Off {
		for _, s := range slots {
			if _, ok := SlotByName(s); !ok {
				errs.Add("off", "مكان إعلاني غير معروف: "+s)
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// DecodeAdLayout reads the stored layout (the defaults when none or
// unreadable).
func DecodeAdLayout(stored string) AdLayout {
	var l AdLayout
	if stored != "" {
		json.Unmarshal([]byte(stored), &l)
	}
	return l.WithDefaults()
}

// EncodeAdLayout is the stored form of a layout.
func EncodeAdLayout(l AdLayout) (string, error) {
	b, err := json.Marshal(l)
	if err != nil {
		return "", fmt.Errorf("encode ad layout: %w", err)
	}
	return string(b), nil
}

// SlotsFilled are the slots of a page of section that some ad may fill
// (ignoring dates: a page is cached longer than an ad's window is exact),
// at most the layout's PerPage of them, in page order, leaving out the
// slots the layout turns off there.
func SlotsFilled(ads []Ad, section string, layout AdLayout) map[string]bool {
	layout = layout.WithDefaults()
	out := map[string]bool{}
	for _, s := range AdSlots {
		if len(out) == layout.PerPage {
			break
		}
		if layout.SlotOff(section, s.Name) {
			continue
		}
		for _, a := range ads {
			if a.Paused {
				continue
			}
			far := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
			probe := a
			probe.Start, probe.End = time.Time{}, time.Time{}
			if probe.Runs(far, s.Name, section) {
				out[s.Name] = true
				break
			}
		}
	}
	return out
}
