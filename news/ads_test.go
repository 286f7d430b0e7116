package news_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"sahafa/news"
)

// TestPickAd: ads run in their slots, sections and dates only, paused
// ones never; rotation follows the weights (seeded, 20,000 picks: within
// 2 points of the expected share); house ads fill only what no paid ad
// fills.
func TestPickAd(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	ads := []news.Ad{
		{ID: 1, Name: "بنك", Slots: []string{"side"}, Weight: 1},
		{ID: 2, Name: "شركة طيران", Slots: []string{"side", "header"}, Weight: 3},
		{ID: 3, Name: "معرض سيارات", Slots: []string{"side"}, Sections: []string{"sport"}, Weight: 50},
		{ID: 4, Name: "مهرجان انتهى", Slots: []string{"header"}, End: now.Add(-time.Hour), Weight: 100},
		{ID: 5, Name: "مؤتمر قادم", Slots: []string{"header"}, Start: now.Add(time.Hour), Weight: 100},
		{ID: 6, Name: "موقوف", Slots: []string{"side", "list"}, Paused: true, Weight: 100},
		{ID: 7, Name: "اشترك في النشرة", Slots: []string{"side", "list"}, House: true, Weight: 1},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	counts := map[int64]int{}
	const picks = 20000
	for range picks {
		a, ok := news.PickAd(ads, now, "side", "world", rng.Float64())
		if !ok {
			t.Fatal("nothing picked for the side slot")
		}
		counts[a.ID]++
	}
	if share := float64(counts[2]) / picks; share < 0.73 || share > 0.77 {
		t.Errorf("weight 3 against 1: picked %.3f of the time, want 0.75 ± 0.02 (counts %v)", share, counts)
	}
	if counts[3] != 0 || counts[6] != 0 || counts[7] != 0 {
		t.Errorf("another section's, a paused or a house ad was picked where paid ones run: %v", counts)
	}
	if a, _ := news.PickAd(ads, now, "side", "sport", 0.99); a.ID != 3 {
		t.Errorf("on a sport page the heaviest ad should be picked at 0.99: got %d", a.ID)
	}
	if a, ok := news.PickAd(ads, now, "header", "", 0.5); !ok || a.ID != 2 {
		t.Errorf("header: %d %v; want 2, the ended and the future ones out", a.ID, ok)
	}
	if a, ok := news.PickAd(ads, now, "list", "", 0.5); !ok || a.ID != 7 {
		t.Errorf("list: %d %v; want the house ad, the only one running", a.ID, ok)
	}
	if _, ok := news.PickAd(ads, now, "article-end", "", 0.5); ok {
		t.Error("an ad was picked for a slot none runs in")
	}
	if a, ok := news.PickAd(ads, now.Add(2*time.Hour), "header", "", 0.9); !ok || a.ID != 5 {
		t.Errorf("once it starts, the heavy header ad should win at 0.9: %d %v", a.ID, ok)
	}
	filled := news.SlotsFilled(ads, "", news.AdLayout{})
	if !filled["header"] || !filled["side"] || !filled["list"] || filled["article"] || filled["article-end"] {
		t.Errorf("SlotsFilled = %v", filled)
	}
	var many []news.Ad
	for _, s := range news.AdSlots {
		many = append(many, news.Ad{ID: 1, Slots: []string{s.Name}, Weight: 1})
	}
	if n := len(news.SlotsFilled(many, "", news.AdLayout{})); n != news.MaxAdsPerPage {
		t.Errorf("a page fills %d slots, want the cap %d", n, news.MaxAdsPerPage)
	}
	// The layout: two slots a page at most, and the sport pages without
	// their header slot (the next slots fill instead).
	layout := news.AdLayout{PerPage: 2, Off: map[string][]string{"sport": {"header"}}}
	if got := news.SlotsFilled(many, "", layout); len(got) != 2 || !got["header"] || !got["article"] {
		t.Errorf("two slots a page: %v, want header and article", got)
	}
	if got := news.SlotsFilled(many, "sport", layout); len(got) != 2 || got["header"] || !got["article"] || !got["side"] {
		t.Errorf("sport pages without the header slot: %v, want article and side", got)
	}
	if errs := news.CheckAdLayout(news.AdLayout{Paragraph: 0, PerPage: 9, Off: map[string][]string{"sport": {"footer"}}}); errs["paragraph"] == "" ||
		errs["per_page"] == "" || errs["off"] == "" {
		t.Errorf("a bad layout: %v, want paragraph, per_page and off", errs)
	}
	if l := news.DecodeAdLayout(""); l.Paragraph != news.DefaultAdParagraph || l.PerPage != news.MaxAdsPerPage {
		t.Errorf("the default layout: %+v", l)
	}
}
