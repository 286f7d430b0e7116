package storetest

import (
	"context"
	"testing"
	"time"

	"sahafa/news"
)

var sectionCountTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"SectionCounts", testSectionCounts},
	{"ListsWithoutTotal", testListsWithoutTotal},
}

// testListsWithoutTotal: a list asked without its total (side lists,
// feeds) has the same articles and cursor, and does not count them.
func testListsWithoutTotal(t *testing.T, s news.Store) {
	ctx := context.Background()
	seed(t, s)
	f := news.ArticleFilter{Limit: 2}
	with, err := s.Articles(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	f.NoTotal = true
	without, err := s.Articles(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if with.Total <= 2 || without.Total != 0 || len(without.Articles) != 2 || without.Articles[0].ID != with.Articles[0].ID ||
		without.Next == nil || *without.Next != *with.Next {
		t.Errorf("without the total: %d articles, total %d, next %v; with it: total %d, next %v",
			len(without.Articles), without.Total, without.Next, with.Total, with.Next)
	}
}

// testSectionCounts: the published articles of each section, as Sections
// reports them (kept by the store as articles change, not counted on
// each call), follow publishing, unpublishing, a move to another section
// and deletion.
func testSectionCounts(t *testing.T, s news.Store) {
	ctx := context.Background()
	count := func(slug string) int {
		t.Helper()
		list, err := s.Sections(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range list {
			if st.Slug == slug {
				// A section's pages count with the same number.
				if l, err := s.Articles(ctx, news.ArticleFilter{SectionSlug: slug, Limit: 1}); err != nil || l.Total != st.Articles {
					t.Errorf("the %s pages count %d (%v), the section %d", slug, l.Total, err, st.Articles)
				}
				return st.Articles
			}
		}
		return -1
	}
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	rec := func(ext, section string, st news.Status) news.ArticleRecord {
		return news.ArticleRecord{Article: news.Article{ExternalID: ext, Slug: ext, Title: "خبر " + ext, Body: "<p>نص الخبر.</p>",
			Section: news.Section{Slug: section, Name: "قسم " + section}, PublishedAt: at, Status: st}}
	}
	res, err := s.SaveArticles(ctx, []news.ArticleRecord{rec("c1", "gulf", news.StatusPublished), rec("c2", "gulf", news.StatusPublished),
		rec("c3", "gulf", news.StatusDraft), rec("c4", "maghreb", news.StatusPublished)})
	if err != nil {
		t.Fatal(err)
	}
	if g, m := count("gulf"), count("maghreb"); g != 2 || m != 1 {
		t.Fatalf("after saving: gulf %d, maghreb %d; want 2 and 1", g, m)
	}
	c1, c3 := rec("c1", "gulf", news.StatusUnpublished), rec("c3", "gulf", news.StatusPublished)
	c1.ID, c3.ID = res.IDs[0], res.IDs[2]
	moved := rec("c2", "maghreb", news.StatusPublished)
	moved.ID = res.IDs[1]
	if _, err := s.SaveArticles(ctx, []news.ArticleRecord{c1, c3, moved}); err != nil {
		t.Fatal(err)
	}
	if g, m := count("gulf"), count("maghreb"); g != 1 || m != 2 {
		t.Errorf("after unpublishing one, publishing one and moving one: gulf %d, maghreb %d; want 1 and 2", g, m)
	}
	c4 := rec("c4", "maghreb", news.StatusUnpublished) // taken down, then deleted
	c4.ID = res.IDs[3]
	if _, err := s.SaveArticles(ctx, []news.ArticleRecord{c4}); err != nil {
		t.Fatal(err)
	}
	if err := s.TrashArticle(ctx, res.IDs[3], at, news.Event{Action: news.ActionTrash, At: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PurgeArticles(ctx, []int64{res.IDs[3]}, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if g, m := count("gulf"), count("maghreb"); g != 1 || m != 1 {
		t.Errorf("after taking one down and deleting it: gulf %d, maghreb %d; want 1 and 1", g, m)
	}
}
