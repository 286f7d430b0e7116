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
