package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"sahafa/news"
)

var viewTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"Views", testViews},
	{"VisitorSaltAndSketch", testVisitorSaltAndSketch},
	{"RollUpViews", testRollUpViews},
}

// testRollUpViews: the hours before the cut become one row per day, with
// the same totals (the day's midnight hour included), the hours after it
// stay as they are, and rolling up again changes nothing.
func testRollUpViews(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	p1, p2 := ids["p1"], ids["p2"]
	old := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC) // a midnight, then hours of that day
	recent := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	b := news.ViewBatch{Articles: map[news.HourKey]int{}, Referrers: map[news.HourDomain]int{}, Ads: map[news.AdKey]news.AdCount{}}
	for _, h := range []int{0, 3, 9, 23} {
		at := old.Add(time.Duration(h) * time.Hour)
		b.Articles[news.HourKey{Hour: at, ArticleID: p1}] = 10 + h
		b.Referrers[news.HourDomain{Hour: at, Domain: "google.com"}] = 2
		b.Ads[news.AdKey{Hour: at, AdID: 4, Slot: "side"}] = news.AdCount{Impressions: 100, Clicks: 1}
	}
	b.Articles[news.HourKey{Hour: old.Add(30 * time.Hour), ArticleID: p2}] = 5 // the next day
	b.Articles[news.HourKey{Hour: recent, ArticleID: p1}] = 7
	b.Articles[news.HourKey{Hour: recent.Add(time.Hour), ArticleID: p1}] = 8
	if err := s.AddViews(ctx, b); err != nil {
		t.Fatal(err)
	}
	cut := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	for range 2 {
		if err := s.RollUpViews(ctx, cut); err != nil {
			t.Fatal(err)
		}
		hours, err := s.HourlyViews(ctx, old, old.Add(48*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(hours) != 2 || hours[old] != 10+13+19+33 || hours[old.Add(24*time.Hour)] != 5 {
			t.Errorf("the old days after rolling up: %v, want %d at %s and 5 the next day", hours, 10+13+19+33, old)
		}
		recentHours, _ := s.HourlyViews(ctx, recent, recent.Add(2*time.Hour))
		if len(recentHours) != 2 || recentHours[recent] != 7 || recentHours[recent.Add(time.Hour)] != 8 {
			t.Errorf("recent hours after rolling up: %v, want them untouched", recentHours)
		}
		if n, _ := s.ArticleViewTotal(ctx, p1, old); n != 75+15 {
			t.Errorf("p1's total: %d, want %d", n, 75+15)
		}
		if refs, _ := s.TopReferrers(ctx, old, 5); len(refs) != 1 || refs[0].Views != 8 {
			t.Errorf("referrers after rolling up: %+v, want google.com 8", refs)
		}
		if ads, _ := s.AdStats(ctx, old); len(ads) != 1 || ads[0].Impressions != 400 || ads[0].Clicks != 4 {
			t.Errorf("ad stats after rolling up: %+v, want 400 impressions and 4 clicks", ads)
		}
	}
}

// testViews: batches add up per article and hour; the most viewed list
// orders by views over the period asked, of a section when asked, and
// leaves unpublished articles and deleted ones out; hourly totals and
// referrers add up too.
func testViews(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	h0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	h1 := h0.Add(time.Hour)
	p1, p2, s1 := ids["p1"], ids["p2"], ids["s1"]
	batch := func(views map[news.HourKey]int, refs map[news.HourDomain]int) {
		t.Helper()
		if err := s.AddViews(ctx, news.ViewBatch{Articles: views, Referrers: refs}); err != nil {
			t.Fatal(err)
		}
	}
	batch(map[news.HourKey]int{{Hour: h0, ArticleID: p1}: 3, {Hour: h0, ArticleID: p2}: 5, {Hour: h1, ArticleID: s1}: 7, {Hour: h0, ArticleID: 987654}: 2}, // the last: an article that does not exist
		map[news.HourDomain]int{{Hour: h0, Domain: "google.com"}: 4, {Hour: h0, Domain: "x.com"}: 1})
	batch(map[news.HourKey]int{{Hour: h1, ArticleID: p1}: 6, {Hour: h0, ArticleID: p2}: 1}, map[news.HourDomain]int{{Hour: h1, Domain: "google.com"}: 2})

	top, err := s.MostViewed(ctx, h0, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []news.ArticleViews{{ArticleID: p1, Views: 9}, {ArticleID: s1, Views: 7}, {ArticleID: p2, Views: 6}}
	if len(top) != 3 || top[0] != want[0] || top[1] != want[1] || top[2] != want[2] {
		t.Errorf("MostViewed since %v = %v, want %v", h0, top, want)
	}
	if top, _ := s.MostViewed(ctx, h1, "", 10); len(top) != 2 || top[0] != (news.ArticleViews{ArticleID: s1, Views: 7}) || top[1] != (news.ArticleViews{ArticleID: p1, Views: 6}) {
		t.Errorf("MostViewed since %v = %v", h1, top)
	}
	if top, _ := s.MostViewed(ctx, h0, "politics", 10); len(top) != 2 || top[0].ArticleID != p1 || top[1].ArticleID != p2 {
		t.Errorf("MostViewed of politics = %v", top)
	}
	if n, err := s.ArticleViewTotal(ctx, p1, h0); err != nil || n != 9 {
		t.Errorf("ArticleViewTotal(p1) = %d, %v; want 9", n, err)
	}
	hours, err := s.HourlyViews(ctx, h0, h1.Add(time.Hour))
	if err != nil || hours[h0] != 9 || hours[h1] != 13 {
		t.Errorf("HourlyViews = %v, %v; want %v: 9, %v: 13", hours, err, h0, h1)
	}
	refs, err := s.TopReferrers(ctx, h0, 10)
	if err != nil || len(refs) != 2 || refs[0] != (news.DomainViews{Domain: "google.com", Views: 6}) || refs[1] != (news.DomainViews{Domain: "x.com", Views: 1}) {
		t.Errorf("TopReferrers = %v, %v", refs, err)
	}
	if err := s.AddViews(ctx, news.ViewBatch{Ads: map[news.AdKey]news.AdCount{
		{Hour: h0, AdID: 7, Slot: "side"}: {Impressions: 100, Clicks: 3}, {Hour: h1, AdID: 7, Slot: "side"}: {Impressions: 50, Clicks: 1},
		{Hour: h1, AdID: 7, Slot: "header"}: {Impressions: 20}}}); err != nil {
		t.Fatal(err)
	}
	ads, err := s.AdStats(ctx, h0)
	if err != nil || len(ads) != 2 || ads[0] != (news.AdStat{AdID: 7, Slot: "header", AdCount: news.AdCount{Impressions: 20}}) ||
		ads[1] != (news.AdStat{AdID: 7, Slot: "side", AdCount: news.AdCount{Impressions: 150, Clicks: 4}}) {
		t.Errorf("AdStats = %+v, %v", ads, err)
	}
	secs, err := s.SectionViews(ctx, h0)
	if err != nil || len(secs) != 2 || secs[0].Views != 15 || secs[1].Views != 7 {
		t.Errorf("SectionViews = %+v, %v; want politics 15 then sports 7", secs, err)
	}
	// p1 is Layla's; p2 Omar's and Layla's; s1 Omar's.
	authors, err := s.AuthorViews(ctx, h0, 10)
	if err != nil || len(authors) != 2 || authors[0].Views != 15 || authors[1].Views != 13 {
		t.Errorf("AuthorViews = %+v, %v; want 15 (p1, p2) then 13 (p2, s1)", authors, err)
	}
	// Taken down: out of the most read.
	rec := fixtureByKey("p1").record()
	rec.ID, rec.Status = p1, news.StatusUnpublished
	saveOne(t, s, rec)
	if top, _ := s.MostViewed(ctx, h0, "", 10); len(top) != 2 || top[0].ArticleID != s1 {
		t.Errorf("MostViewed after p1 was unpublished = %v", top)
	}
}

// testVisitorSaltAndSketch: the first server to ask stores the day's salt
// and every other gets the same one; a new day's salt deletes the old;
// sketches merge register by register.
func testVisitorSaltAndSketch(t *testing.T, s news.Store) {
	ctx := context.Background()
	day := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	a, err := s.DaySalt(ctx, day, bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.DaySalt(ctx, day, bytes.Repeat([]byte{2}, 32))
	if err != nil || !bytes.Equal(a, b) || a[0] != 1 {
		t.Errorf("the day's salt: first %x, second %x (%v); want the first's for both", a, b, err)
	}
	next, err := s.DaySalt(ctx, day.Add(24*time.Hour), bytes.Repeat([]byte{3}, 32))
	if err != nil || next[0] != 3 {
		t.Fatalf("the next day's salt: %x, %v", next, err)
	}
	if again, _ := s.DaySalt(ctx, day, bytes.Repeat([]byte{4}, 32)); again[0] != 4 {
		t.Errorf("the old day's salt was kept after the next day's was made: %x", again)
	}
	one, two := make([]byte, 16), make([]byte, 16)
	one[0], one[5], two[5], two[9] = 3, 1, 4, 2
	for _, sk := range [][]byte{one, two} {
		if err := s.AddViews(ctx, news.ViewBatch{Visitors: map[time.Time][]byte{day: sk}}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.VisitorSketch(ctx, day)
	want := make([]byte, 16)
	want[0], want[5], want[9] = 3, 4, 2
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("merged sketch = %v, %v; want %v", got, err, want)
	}
	if none, err := s.VisitorSketch(ctx, day.Add(-24*time.Hour)); none != nil || err != nil {
		t.Errorf("a day without readers: %v, %v", none, err)
	}
}
