package sqlite

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"sahafa/news"
)

// TestBroadQueryTiers lowers the bm25 threshold so that a small archive
// takes the two-tier path: headline matches first by relevance, then the
// other matches newest first, with totals and paging consistent across the
// tier boundary, and RankAll still scoring everything.
func TestBroadQueryTiers(t *testing.T) {
	defer func(old int) { rankAllMax = old }(rankAllMax)
	rankAllMax = 3
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()

	sec := news.Section{Slug: "economy", Name: "اقتصاد"}
	start := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	var recs []news.ArticleRecord
	add := func(key, title, body string, day int) {
		recs = append(recs, news.ArticleRecord{
			Article: news.Article{ExternalID: key, Slug: key, Title: title, Body: "<p>" + body + "</p>",
				Section: sec, PublishedAt: start.AddDate(0, 0, day)},
			SearchTitle: title, SearchBody: body,
		})
	}
	add("t1", "سوق الذهب", "تراجع طفيف", 1)
	add("t2", "سوق سوق النفط", "سوق مزدحم", 2)
	add("t3", "سوق الاسهم", "ارتفاع المؤشر", 3)
	for i := 0; i < 5; i++ {
		add(fmt.Sprintf("b%d", i), fmt.Sprintf("تقرير رقم %d", i), "حركة في سوق المدينة", 10+i)
	}
	add("x", "خبر اخر", "لا علاقة", 20)
	if _, err := s.SaveArticles(ctx, recs); err != nil {
		t.Fatal(err)
	}
	keysOf := func(q news.SearchQuery) ([]string, int) {
		t.Helper()
		res, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var ks []string
		for _, h := range res.Hits {
			ks = append(ks, h.ExternalID)
		}
		return ks, res.Total
	}

	all, total := keysOf(news.SearchQuery{Terms: []string{"سوق"}, Limit: 20})
	if total != 8 || len(all) != 8 {
		t.Fatalf("total %d, hits %v", total, all)
	}
	if !slices.Equal(all[:3], []string{"t2", "t1", "t3"}) && !slices.Equal(all[:3], []string{"t2", "t3", "t1"}) {
		t.Errorf("tier one (headline matches by relevance) = %v", all[:3])
	}
	if want := []string{"b4", "b3", "b2", "b1", "b0"}; !slices.Equal(all[3:], want) {
		t.Errorf("tier two (newest first) = %v, want %v", all[3:], want)
	}
	var walked []string
	for off := 0; off < 10; off += 3 {
		page, n := keysOf(news.SearchQuery{Terms: []string{"سوق"}, Limit: 3, Offset: off})
		if n != 8 {
			t.Errorf("offset %d: total %d", off, n)
		}
		walked = append(walked, page...)
	}
	if !slices.Equal(walked, all) {
		t.Errorf("paged walk %v != one page %v", walked, all)
	}
	if got, n := keysOf(news.SearchQuery{Terms: []string{"سوق"}, Exclude: []string{"النفط"}, From: start.AddDate(0, 0, 3), Limit: 20}); n != 6 || got[0] != "t3" {
		t.Errorf("with exclusion and date filter: %v (total %d)", got, n)
	}
	// RankAll scores every match: body-only matches get real scores.
	res, err := s.Search(ctx, news.SearchQuery{Terms: []string{"سوق"}, RankAll: true, Limit: 20})
	if err != nil || res.Total != 8 {
		t.Fatalf("RankAll: %v %v", res.Total, err)
	}
	for _, h := range res.Hits {
		if h.Score <= 0 {
			t.Errorf("RankAll: %s scored %v", h.ExternalID, h.Score)
		}
	}
}

// TestCappedCountAndWindow: past countCap matches the total is reported as
// "at least"; past rankAllMax headline matches only the newest of them are
// ranked, with or without filters, and the filters choose the window.
func TestCappedCountAndWindow(t *testing.T) {
	defer func(r, c int) { rankAllMax, countCap = r, c }(rankAllMax, countCap)
	rankAllMax, countCap = 2, 4
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	start := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	var recs []news.ArticleRecord
	for i := range 6 {
		key := fmt.Sprintf("k%d", i)
		title, sec := "قمة المناخ في المدينة", news.Section{Slug: "world", Name: "العالم"}
		switch i {
		case 0:
			title = "قمة المناخ قمة قمة" // the most relevant, and the oldest
		case 5:
			sec = news.Section{Slug: "sport", Name: "رياضة"} // the newest, filtered out below
		}
		recs = append(recs, news.ArticleRecord{
			Article:     news.Article{ExternalID: key, Slug: key, Title: title, Body: "<p>نص</p>", Section: sec, PublishedAt: start.AddDate(0, 0, i)},
			SearchTitle: title, SearchBody: "نص",
		})
	}
	if _, err := s.SaveArticles(ctx, recs); err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(ctx, news.SearchQuery{Terms: []string{"قمة"}, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 4 || !res.AtLeast {
		t.Errorf("6 matches with a cap of 4: total %d, at least %v", res.Total, res.AtLeast)
	}
	if got := hitIDs(res.Hits); !slices.Equal(got, []string{"k5", "k4"}) && !slices.Equal(got, []string{"k4", "k5"}) {
		t.Errorf("tier one over the newest two headline matches: %v", got)
	}
	res, err = s.Search(ctx, news.SearchQuery{Terms: []string{"قمة"}, SectionSlug: "world", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(res.Hits); res.Total != 4 || !res.AtLeast || (!slices.Equal(got, []string{"k4", "k3"}) && !slices.Equal(got, []string{"k3", "k4"})) {
		t.Errorf("in one section: total %d (at least %v), hits %v; want 4, true and the section's newest two", res.Total, res.AtLeast, got)
	}
	res, err = s.Search(ctx, news.SearchQuery{Terms: []string{"قمة"}, RankAll: true, Limit: 10})
	if err != nil || len(res.Hits) != 6 || res.Hits[0].ExternalID != "k0" {
		t.Errorf("RankAll scores every match, the oldest best first: %v, %v", hitIDs(res.Hits), err)
	}
	countCap = 100
	res, err = s.Search(ctx, news.SearchQuery{Terms: []string{"قمة"}, SectionSlug: "world", Limit: 10})
	if err != nil || res.Total != 5 || res.AtLeast {
		t.Errorf("under the cap, in one section: total %d, at least %v, %v; want 5 exactly", res.Total, res.AtLeast, err)
	}
}

func hitIDs(hits []news.SearchHit) []string {
	var ks []string
	for _, h := range hits {
		ks = append(ks, h.ExternalID)
	}
	return ks
}

// TestNewestFirstBothWays: a newest-first page sorted from the matches and
// one walked along the date index (past manyMatches) are the same, with
// publication dates out of id order, filters, paging and tier two.
func TestNewestFirstBothWays(t *testing.T) {
	defer func(m, r int) { manyMatches, rankAllMax = m, r }(manyMatches, rankAllMax)
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []news.ArticleRecord
	for i := range 40 {
		key := fmt.Sprintf("n%d", i)
		sec := news.Section{Slug: "world", Name: "العالم"}
		if i%3 == 0 {
			sec = news.Section{Slug: "local", Name: "محليات"}
		}
		title, body := "تقرير عن الطقس", "أمطار غزيرة في المدينة"
		if i%4 == 0 {
			title = "أمطار غزيرة"
		}
		if i%5 == 0 {
			body = "رياح"
			title = "رياح قوية"
		}
		recs = append(recs, news.ArticleRecord{
			Article: news.Article{ExternalID: key, Slug: key, Title: title, Body: "<p>" + body + "</p>", Section: sec,
				PublishedAt: start.Add(time.Duration((i*17)%40) * time.Hour)}, // dates out of id order
			SearchTitle: title, SearchBody: body,
		})
	}
	if _, err := s.SaveArticles(ctx, recs); err != nil {
		t.Fatal(err)
	}
	queries := []news.SearchQuery{
		{Terms: []string{"أمطار"}, ByDate: true, Limit: 7},
		{Terms: []string{"أمطار"}, ByDate: true, Limit: 5, Offset: 9},
		{Terms: []string{"أمطار"}, ByDate: true, SectionSlug: "local", Limit: 10},
		{Terms: []string{"أمطار"}, Limit: 12, Offset: 3}, // tier two past the headline matches
	}
	for _, q := range queries {
		rankAllMax = 3
		manyMatches = 1000
		sorted, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		manyMatches = 0
		walked, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := hitIDs(sorted.Hits), hitIDs(walked.Hits); len(a) == 0 || !slices.Equal(a, b) {
			t.Errorf("%+v: sorted %v, walked %v", q, a, b)
		}
	}
}
