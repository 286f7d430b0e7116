package news

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// A front is the top of the home page or of a section's page as editors
// arrange it: the articles they pinned, in order, each until its end time
// (none: until unpinned). With no pins the newest articles fill the same
// places. Fronts are stored in the settings, as the breaking-news line is,
// so that a change reaches every server the way any content change does.

// HomeFront names the home page's front; a section's is its slug.
const HomeFront = ""

// MaxPins bounds the pins of one front: the places a front page has.
const MaxPins = 12

// Pin is one article pinned to a front.
type Pin struct {
	ArticleID int64     `json:"id"`
	Until     time.Time `json:"until,omitzero"` // zero: until an editor unpins it
}

// Live reports whether the pin is still in force at now.
func (p Pin) Live(now time.Time) bool { return p.Until.IsZero() || now.Before(p.Until) }

// FrontSetting is the settings key of a front.
func FrontSetting(front string) string {
	if front == HomeFront {
		return "front"
	}
	return "front:" + front
}

// FrontOfSetting is the front a settings key stores, ok false when the key
// is not a front's.
func FrontOfSetting(key string) (front string, ok bool) {
	if key == "front" {
		return HomeFront, true
	}
	front, ok = strings.CutPrefix(key, "front:")
	return front, ok && front != ""
}

// DecodePins reads a stored front. Pins past their time are dropped; so is
// a value that does not parse (a front is worth less than the page).
func DecodePins(stored string, now time.Time) []Pin {
	if stored == "" {
		return nil
	}
	var all []Pin
	if err := json.Unmarshal([]byte(stored), &all); err != nil {
		return nil
	}
	out := all[:0]
	for _, p := range all {
		if p.ArticleID > 0 && p.Live(now) && len(out) < MaxPins {
			out = append(out, p)
		}
	}
	return out
}

// EncodePins is the stored form of a front; "" for no pins.
func EncodePins(pins []Pin) (string, error) {
	if len(pins) == 0 {
		return "", nil
	}
	out, err := json.Marshal(pins)
	if err != nil {
		return "", fmt.Errorf("encode front: %w", err)
	}
	return string(out), nil
}

// NextPinEnd is the earliest end time among pins, zero for none.
func NextPinEnd(pins []Pin) time.Time {
	var next time.Time
	for _, p := range pins {
		if !p.Until.IsZero() && (next.IsZero() || p.Until.Before(next)) {
			next = p.Until
		}
	}
	return next
}
