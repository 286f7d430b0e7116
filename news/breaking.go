package news

import (
	"encoding/json"
	"fmt"
	"time"
)

// SettingBreaking is the settings key of the breaking-news line.
const SettingBreaking = "breaking"

// Breaking is a one-line urgent item (عاجل) shown on every page until
// Until: stored in the settings, so that saving it reaches every server
// as any content change does.
type Breaking struct {
	Text  string    `json:"text"`
	URL   string    `json:"url,omitempty"` // an article of the site or an http(s) address
	Until time.Time `json:"until"`
	At    time.Time `json:"at"` // when it was posted
}

// MaxBreaking bounds the text of a breaking item, in characters.
const MaxBreaking = 200

// DecodeBreaking reads the stored item; nil for none, or one past its time.
func DecodeBreaking(stored string, now time.Time) *Breaking {
	if stored == "" {
		return nil
	}
	var b Breaking
	if err := json.Unmarshal([]byte(stored), &b); err != nil || b.Text == "" || !now.Before(b.Until) {
		return nil
	}
	return &b
}

// EncodeBreaking is the stored form of an item.
func EncodeBreaking(b Breaking) (string, error) {
	out, err := json.Marshal(b)
	if err != nil {
		return "", fmt.Errorf("encode breaking news: %w", err)
	}
	return string(out), nil
}
