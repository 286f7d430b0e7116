package postgres

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"sahafa/news"
)

// TestBroadQueryTiers lowers the ts_rank threshold so that a small archive
// takes the two-tier path: headline matches first by relevance, then the
// other matches newest first, with totals and paging consistent across the
// tier boundary, and RankAll still scoring everything. The same articles
// and expectations as the SQLite store's test.
func TestBroadQueryTiers(t *testing.T) {
	// At 3 the three headline matches are scored in full; at 2 there are
	// too many of them and they are ranked on their headlines alone.
	for _, max := range []int{3, 2} {
		t.Run(fmt.Sprint("rankAllMax=", max), func(t *testing.T) { testTiers(t, max) })
	}
}

func testTiers(t *testing.T, threshold int) {
	defer func(old int) { rankAllMax = old }(rankAllMax)
	rankAllMax = threshold
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
	add("p", "تقرير عن المدينة", "سوق قديم في المدينة", 21)
	if _, err := s.SaveArticles(ctx, recs); err != nil {
		t.Fatal(err)
	}
	search := func(q news.SearchQuery) ([]string, int, []float64) {
		t.Helper()
		res, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var ks []string
		var scores []float64
		for _, h := range res.Hits {
			ks = append(ks, h.ExternalID)
			scores = append(scores, h.Score)
		}
		return ks, res.Total, scores
	}
	keysOf := func(q news.SearchQuery) ([]string, int) {
		t.Helper()
		ks, n, _ := search(q)
		return ks, n
	}

	all, total, scores := search(news.SearchQuery{Terms: []string{"سوق"}, Limit: 20})
	if total != 9 || len(all) != 9 {
		t.Fatalf("total %d, hits %v", total, all)
	}
	if !slices.Equal(all[:3], []string{"t2", "t1", "t3"}) && !slices.Equal(all[:3], []string{"t2", "t3", "t1"}) {
		t.Errorf("tier one (headline matches by relevance) = %v", all[:3])
	}
	if want := []string{"p", "b4", "b3", "b2", "b1", "b0"}; !slices.Equal(all[3:], want) {
		t.Errorf("tier two (newest first) = %v, want %v", all[3:], want)
	}
	for i, sc := range scores {
		if (i < 3) != (sc > 0) {
			t.Errorf("%s (position %d) scored %v", all[i], i, sc)
		}
	}
	var walked []string
	for off := 0; off < 12; off += 2 {
		page, n := keysOf(news.SearchQuery{Terms: []string{"سوق"}, Limit: 2, Offset: off})
		if n != 9 {
			t.Errorf("offset %d: total %d", off, n)
		}
		walked = append(walked, page...)
	}
	if !slices.Equal(walked, all) {
		t.Errorf("paged walk %v != one page %v", walked, all)
	}
	if got, n := keysOf(news.SearchQuery{Terms: []string{"سوق"}, Limit: 5, Offset: 20}); n != 9 || len(got) != 0 {
		t.Errorf("past the end: %v (total %d)", got, n)
	}
	if got, n := keysOf(news.SearchQuery{Terms: []string{"سوق"}, Exclude: []string{"النفط"}, From: start.AddDate(0, 0, 3), Limit: 20}); n != 7 || got[0] != "t3" {
		t.Errorf("with exclusion and date filter: %v (total %d)", got, n)
	}
	if got, n := keysOf(news.SearchQuery{Terms: []string{"سوق"}, SectionSlug: "economy", ExcludeID: 0, Limit: 4}); n != 9 || !slices.Equal(got[3:], []string{"p"}) {
		t.Errorf("with a section filter: %v (total %d)", got, n)
	}
	// A phrase: tier one needs its words in a row in the headline; here no
	// headline holds them, and p holds both words in its body, not in a row.
	if got, n := keysOf(news.SearchQuery{Phrases: [][]string{{"سوق", "المدينة"}}, Limit: 20}); n != 5 ||
		!slices.Equal(got, []string{"b4", "b3", "b2", "b1", "b0"}) {
		t.Errorf("phrase in bodies only: %v (total %d)", got, n)
	}
	// Should terms alone decide tier one when there are no required ones.
	if got, n := keysOf(news.SearchQuery{Should: []string{"الذهب", "المدينة"}, Limit: 20}); n != 7 ||
		!slices.Equal(got[:2], []string{"p", "t1"}) && !slices.Equal(got[:2], []string{"t1", "p"}) {
		t.Errorf("should terms: %v (total %d)", got, n)
	}
	// ByDate: every match newest first, whatever the headline.
	if got, n := keysOf(news.SearchQuery{Terms: []string{"سوق"}, ByDate: true, Limit: 4, Offset: 1}); n != 9 ||
		!slices.Equal(got, []string{"b4", "b3", "b2", "b1"}) {
		t.Errorf("by date: %v (total %d)", got, n)
	}
	// RankAll scores every match: body-only matches get real scores.
	res, err := s.Search(ctx, news.SearchQuery{Terms: []string{"سوق"}, RankAll: true, Limit: 20})
	if err != nil || res.Total != 9 {
		t.Fatalf("RankAll: %v %v", res.Total, err)
	}
	for _, h := range res.Hits {
		if h.Score <= 0 {
			t.Errorf("RankAll: %s scored %v", h.ExternalID, h.Score)
		}
	}
}
