package sqlite

import (
	"context"
	"database/sql"
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

// TestSearchKeysFollowPublication: articles stored in the reverse of
// their publication order (as an archive imported newest first is) come
// out newest first all the same — alone, filtered by section and by date —
// and an article whose publication time changes moves in that order,
// leaving nothing stale in the index.
func TestSearchKeysFollowPublication(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	start := time.Date(2024, 1, 10, 9, 0, 0, 0, time.UTC)
	var recs []news.ArticleRecord
	for i := range 6 {
		sec := news.Section{Slug: "economy", Name: "اقتصاد"}
		if i%2 == 1 {
			sec = news.Section{Slug: "world", Name: "العالم"}
		}
		key := fmt.Sprintf("a%d", i)
		recs = append(recs, news.ArticleRecord{
			// a0 is stored first and published last.
			Article: news.Article{ExternalID: key, Slug: key, Title: "ميناء المدينة " + key, Body: "<p>حركة الميناء</p>",
				Section: sec, PublishedAt: start.AddDate(0, 0, 10-i)},
			SearchTitle: "ميناء المدينة", SearchBody: "حركة الميناء",
		})
	}
	if _, err := s.SaveArticles(ctx, recs); err != nil {
		t.Fatal(err)
	}
	newest := func(q news.SearchQuery) []string {
		t.Helper()
		q.Terms, q.ByDate, q.Limit = []string{"ميناء"}, true, 20
		res, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return hitIDs(res.Hits)
	}
	if got, want := newest(news.SearchQuery{}), []string{"a0", "a1", "a2", "a3", "a4", "a5"}; !slices.Equal(got, want) {
		t.Errorf("newest first: %v, want %v", got, want)
	}
	if got, want := newest(news.SearchQuery{SectionSlug: "world"}), []string{"a1", "a3", "a5"}; !slices.Equal(got, want) {
		t.Errorf("newest first in a section: %v, want %v", got, want)
	}
	if got, want := newest(news.SearchQuery{From: start.AddDate(0, 0, 6), To: start.AddDate(0, 0, 9)}), []string{"a2", "a3", "a4"}; !slices.Equal(got, want) {
		t.Errorf("newest first between two dates: %v, want %v", got, want)
	}
	// a5, the oldest, is republished as the newest.
	recs[5].PublishedAt = start.AddDate(0, 1, 0)
	if _, err := s.SaveArticles(ctx, recs[5:]); err != nil {
		t.Fatal(err)
	}
	if got, want := newest(news.SearchQuery{}), []string{"a5", "a0", "a1", "a2", "a3", "a4"}; !slices.Equal(got, want) {
		t.Errorf("after a5 moved: %v, want %v", got, want)
	}
	var rows int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM article_search WHERE article_search MATCH '"ميناء"'`).Scan(&rows); err != nil || rows != 6 {
		t.Errorf("index rows for the word: %d, %v; want 6 (nothing stale)", rows, err)
	}
	// Deleting an article takes its index row (the trigger follows the key).
	if _, err := s.w.ExecContext(ctx, `DELETE FROM articles WHERE external_id = 'a0'`); err != nil {
		t.Fatal(err)
	}
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM article_search WHERE article_search MATCH '"ميناء"'`).Scan(&rows); err != nil || rows != 5 {
		t.Errorf("index rows after a delete: %d, %v; want 5", rows, err)
	}
}

// TestIndexedUnderID: an article indexed before migration 00017 (its id
// as the index's rowid, no search_key) is found, and reindexing moves it
// to its key in publication order.
func TestIndexedUnderID(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	res, err := s.SaveArticles(ctx, []news.ArticleRecord{{
		Article:     news.Article{Slug: "old", Title: "سد النهضة", Body: "<p>مفاوضات السد</p>", Section: news.Section{Slug: "world"}, PublishedAt: time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)},
		SearchTitle: "سد النهضة", SearchBody: "مفاوضات السد",
	}})
	if err != nil {
		t.Fatal(err)
	}
	id := res.IDs[0]
	for _, q := range []string{
		`DELETE FROM article_search WHERE rowid = (SELECT search_key FROM articles WHERE id = ?1)`,
		`INSERT INTO article_search (rowid, title, body) VALUES (?1, 'سد النهضة', 'مفاوضات السد')`,
		`UPDATE articles SET search_key = NULL WHERE id = ?1`,
	} {
		if _, err := s.w.ExecContext(ctx, q, id); err != nil {
			t.Fatal(err)
		}
	}
	found := func() []int64 {
		t.Helper()
		var ids []int64
		for _, byDate := range []bool{false, true} {
			r, err := s.Search(ctx, news.SearchQuery{Terms: []string{"سد"}, ByDate: byDate})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range r.Hits {
				ids = append(ids, h.ID)
			}
		}
		return ids
	}
	if got := found(); !slices.Equal(got, []int64{id, id}) {
		t.Errorf("indexed under its id: found %v, want it by relevance and by date", got)
	}
	if err := s.UpdateSearchText(ctx, []news.SearchDoc{{ID: id, SearchTitle: "سد النهضة", SearchBody: "مفاوضات السد"}}); err != nil {
		t.Fatal(err)
	}
	var key sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT search_key FROM articles WHERE id = ?`, id).Scan(&key); err != nil || key.Int64 != searchKey(time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC), id) {
		t.Errorf("after reindexing: search_key %v, %v", key, err)
	}
	if got := found(); !slices.Equal(got, []int64{id, id}) {
		t.Errorf("after reindexing: found %v", got)
	}
}

// TestCappedCountAndWindow: past countCap a total is reported as at
// least countCap, and past rankAllMax headline matches only the newest
// rankAllMax are ranked.
func TestCappedCountAndWindow(t *testing.T) {
	defer func(r, c int) { rankAllMax, countCap = r, c }(rankAllMax, countCap)
	rankAllMax, countCap = 2, 4
	ctx := context.Background()
	s := openTest(t)
	defer s.Close()
	start := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	var recs []news.ArticleRecord
	for i := range 5 {
		key := fmt.Sprintf("k%d", i)
		title := "قمة المناخ"
		if i == 0 {
			title = "قمة المناخ قمة قمة" // the most relevant, and the oldest
		}
		recs = append(recs, news.ArticleRecord{
			Article:     news.Article{ExternalID: key, Slug: key, Title: title, Body: "<p>نص</p>", Section: news.Section{Slug: "world"}, PublishedAt: start.AddDate(0, 0, i)},
			SearchTitle: title, SearchBody: "نص",
		})
	}
	if _, err := s.SaveArticles(ctx, recs); err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(ctx, news.SearchQuery{Terms: []string{"قمة"}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 4 || !res.AtLeast {
		t.Errorf("5 matches with a cap of 4: total %d, at least %v", res.Total, res.AtLeast)
	}
	got := hitIDs(res.Hits)
	if len(got) < 2 || !slices.Contains(got[:2], "k4") || !slices.Contains(got[:2], "k3") {
		t.Errorf("tier one over the newest two headline matches: %v", got)
	}
	res, err = s.Search(ctx, news.SearchQuery{Terms: []string{"قمة"}, RankAll: true, Limit: 10})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].ExternalID != "k0" {
		t.Errorf("RankAll scores every match, the oldest best first: %v, %v", hitIDs(res.Hits), err)
	}
	if res, err := s.Search(ctx, news.SearchQuery{Terms: []string{"قمة"}, SectionSlug: "world"}); err != nil || res.Total != 4 || !res.AtLeast {
		t.Errorf("capped with a filter: %d %v %v", res.Total, res.AtLeast, err)
	}
}

func hitIDs(hits []news.SearchHit) []string {
	var ks []string
	for _, h := range hits {
		ks = append(ks, h.ExternalID)
	}
	return ks
}
