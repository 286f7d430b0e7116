// Package storetest is the conformance suite every news.Store must pass. It
// talks to a store only through the news.Store interface, so each backend's
// tests call Run with a function that opens a fresh, empty store.
package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sahafa/news"
)

// Run runs the suite. open must return a new, empty store for each call;
// Run closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) news.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s news.Store)
	}{
		{"CreateAndGet", testCreateAndGet},
		{"ResaveByExternalID", testResaveByExternalID},
		{"ResaveByID", testResaveByID},
		{"SlugCollision", testSlugCollision},
		{"AllOrNothing", testAllOrNothing},
		{"Validation", testValidation},
		{"ListFilters", testListFilters},
		{"CursorPagination", testCursorPagination},
		{"OffsetPagination", testOffsetPagination},
		{"LimitCap", testLimitCap},
		{"Sections", testSections},
		{"NotFound", testNotFound},
		{"Related", testRelated},
		{"RelatedBookkeeping", testRelatedBookkeeping},
		{"CopyKeepsURLDate", testCopyKeepsURLDate},
		{"PublicationCounts", testPublicationCounts},
		{"Search", testSearch},
		{"SearchEdgeCases", testSearchEdgeCases},
		{"ScanArticles", testScanArticles},
		{"UpdateSearchText", testUpdateSearchText},
		{"ConcurrentReadersAndWriter", testConcurrent},
	}
	tests = append(tests, newsroomTests...)
	tests = append(tests, operationsTests...)
	tests = append(tests, tokenTests...)
	tests = append(tests, sectionCountTests...)
	tests = append(tests, libraryTests...)
	tests = append(tests, viewTests...)
	tests = append(tests, commentTests...)
	tests = append(tests, jobTests...)
	tests = append(tests, wireTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

// seeded maps fixture keys to stored ids.
type seeded map[string]int64

func seed(t *testing.T, s news.Store) seeded {
	t.Helper()
	recs := make([]news.ArticleRecord, len(fixtures))
	for i, f := range fixtures {
		recs[i] = f.record()
	}
	res, err := s.SaveArticles(context.Background(), recs)
	if err != nil {
		t.Fatalf("SaveArticles(fixtures): %v", err)
	}
	if len(res.IDs) != len(recs) || len(res.Created) != len(recs) {
		t.Fatalf("SaveResult has %d ids, %d created flags; want %d", len(res.IDs), len(res.Created), len(recs))
	}
	ids := seeded{}
	for i, f := range fixtures {
		if res.IDs[i] <= 0 || !res.Created[i] {
			t.Fatalf("record %d (%s): id %d, created %v", i, f.key, res.IDs[i], res.Created[i])
		}
		ids[f.key] = res.IDs[i]
	}
	if len(ids) != len(fixtures) {
		t.Fatalf("ids are not distinct: %v", res.IDs)
	}
	return ids
}

// keys maps articles back to fixture keys (their ExternalID).
func keys(list []news.Article) []string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.ExternalID
	}
	return out
}

func hitKeys(hits []news.SearchHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ExternalID
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := news.ErrorCode(err); got != code {
		t.Errorf("%s: error %v has code %q, want %q", what, err, got, code)
	}
}

func authorSlugs(a news.Article) []string {
	out := make([]string, len(a.Authors))
	for i, au := range a.Authors {
		out[i] = au.Slug
	}
	return out
}

// checkArticle compares a stored article with the fixture it came from.
func checkArticle(t *testing.T, a news.Article, f fixture, id int64) {
	t.Helper()
	if a.ID != id || a.ExternalID != f.key || a.Slug != f.slug || a.Title != f.title ||
		a.Abstract != f.abstract || a.Body != f.body || a.Dateline != f.dateline ||
		a.SourceURL != "https://example.org/"+f.key || a.Source != "example" {
		t.Errorf("article %s: got %+v", f.key, a)
	}
	if !a.PublishedAt.Equal(f.when) || a.PublishedAt.Location() != time.UTC {
		t.Errorf("article %s: PublishedAt %v, want %v in UTC", f.key, a.PublishedAt, f.when)
	}
	if a.UpdatedAt.IsZero() || a.UpdatedAt.Location() != time.UTC {
		t.Errorf("article %s: UpdatedAt %v, want set, in UTC", f.key, a.UpdatedAt)
	}
	if a.Section.ID == 0 || a.Section.Slug != f.section.Slug || a.Section.Name != f.section.Name {
		t.Errorf("article %s: section %+v, want %+v with an id", f.key, a.Section, f.section)
	}
	if len(a.Authors) != len(f.authors) {
		t.Fatalf("article %s: authors %+v, want %+v", f.key, a.Authors, f.authors)
	}
	for i, au := range a.Authors {
		if au.ID == 0 || au.Slug != f.authors[i].Slug || au.Name != f.authors[i].Name {
			t.Errorf("article %s: author %d is %+v, want %+v with an id", f.key, i, au, f.authors[i])
		}
	}
}

func testCreateAndGet(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	for _, f := range fixtures {
		a, err := s.Article(ctx, ids[f.key])
		if err != nil {
			t.Fatalf("Article(%s): %v", f.key, err)
		}
		checkArticle(t, a, f, ids[f.key])

		b, err := s.ArticleByExternalID(ctx, f.key)
		if err != nil {
			t.Fatalf("ArticleByExternalID(%s): %v", f.key, err)
		}
		checkArticle(t, b, f, ids[f.key])

		c, err := s.ArticleByPath(ctx, f.section.Slug, a.URLDate(), f.slug)
		if err != nil {
			t.Fatalf("ArticleByPath(%s): %v", a.Path(), err)
		}
		checkArticle(t, c, f, ids[f.key])
	}

	// The same section or author in several records is one row.
	p1, _ := s.Article(ctx, ids["p1"])
	p2, _ := s.Article(ctx, ids["p2"])
	if p1.Section.ID != p2.Section.ID || p1.Authors[0].ID != p2.Authors[1].ID {
		t.Errorf("shared section/author got different ids: %+v %+v", p1, p2)
	}

	// UpdatedAt comes from the record when set.
	rec := generated("upd", 1, sports, at(20, 10, 0))[0]
	rec.UpdatedAt = at(21, 12, 30)
	res, err := s.SaveArticles(ctx, []news.ArticleRecord{rec})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Article(ctx, res.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if !got.UpdatedAt.Equal(rec.UpdatedAt) {
		t.Errorf("UpdatedAt = %v, want %v", got.UpdatedAt, rec.UpdatedAt)
	}

	// A path on another date, or in another section, is not found.
	_, err = s.ArticleByPath(ctx, "politics", at(2, 0, 0), "arab-ministers-water")
	wantCode(t, "ArticleByPath(wrong date)", err, news.ENOTFOUND)
	_, err = s.ArticleByPath(ctx, "economy", at(1, 0, 0), "arab-ministers-water")
	wantCode(t, "ArticleByPath(wrong section)", err, news.ENOTFOUND)

	// Saving nothing is not an error.
	if res, err := s.SaveArticles(ctx, nil); err != nil || len(res.IDs) != 0 {
		t.Errorf("SaveArticles(nil) = %+v, %v", res, err)
	}
}

func testResaveByExternalID(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)

	rec := fixtureByKey("e2").record()
	rec.Title = "أسعار النفط تواصل الارتفاع لليوم الثالث"
	rec.SearchTitle = analyze(rec.Title)
	rec.Authors = []news.Author{{Slug: "omar-khatib", Name: "عمر الخطيب"}, {Slug: "nour-salem", Name: "نور سالم"}}
	rec.Section = news.Section{Slug: "economy", Name: "الاقتصاد"} // renamed desk
	res, err := s.SaveArticles(ctx, []news.ArticleRecord{rec})
	if err != nil {
		t.Fatal(err)
	}
	if res.IDs[0] != ids["e2"] || res.Created[0] {
		t.Fatalf("re-save: got id %d created %v, want id %d updated", res.IDs[0], res.Created[0], ids["e2"])
	}
	a, err := s.ArticleByExternalID(ctx, "e2")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != rec.Title {
		t.Errorf("title %q, want %q", a.Title, rec.Title)
	}
	if got := authorSlugs(a); !slices.Equal(got, []string{"omar-khatib", "nour-salem"}) {
		t.Errorf("authors %v, want replaced in order", got)
	}
	if a.Section.Name != "الاقتصاد" {
		t.Errorf("section name %q, want the new name", a.Section.Name)
	}
	if a.Slug != rec.Slug {
		t.Errorf("re-saving kept slug %q, want %q (its own slug is no collision)", a.Slug, rec.Slug)
	}
	list, err := s.Articles(ctx, news.ArticleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != len(fixtures) {
		t.Errorf("Total = %d after re-save, want %d", list.Total, len(fixtures))
	}
	// sara no longer credited on e2.
	list, err = s.Articles(ctx, news.ArticleFilter{AuthorSlug: "sara-mansour", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(keys(list.Articles), "e2") {
		t.Errorf("e2 still listed under its removed author")
	}
	// The new title is searchable, and only once.
	r, err := s.Search(ctx, news.SearchQuery{Terms: []string{"الثالث"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 1 || len(r.Hits) != 1 || r.Hits[0].ID != ids["e2"] {
		t.Errorf("search for the new title: %+v", r)
	}
	// Saving the same external id twice in one batch: the second updates.
	a1 := fixtureByKey("s2").record()
	a2 := fixtureByKey("s2").record()
	a2.Title = "نادي الوحدة يقدم مدربه الجديد"
	res, err = s.SaveArticles(ctx, []news.ArticleRecord{a1, a2})
	if err != nil {
		t.Fatal(err)
	}
	if res.IDs[0] != ids["s2"] || res.IDs[1] != ids["s2"] || res.Created[0] || res.Created[1] {
		t.Errorf("double save: %+v", res)
	}
	if got, _ := s.Article(ctx, ids["s2"]); got.Title != a2.Title {
		t.Errorf("double save kept %q, want the last record's title", got.Title)
	}
}

func testResaveByID(t *testing.T, s news.Store) {
	ctx := context.Background()
	rec := withSearch(news.Article{
		Slug: "desk-note", Title: "ملاحظة من المحرر", Body: "<p>نص أول.</p>",
		Section: politics, PublishedAt: at(12, 9, 0),
	})
	res, err := s.SaveArticles(ctx, []news.ArticleRecord{rec})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created[0] {
		t.Fatalf("first save not created: %+v", res)
	}
	id := res.IDs[0]
	rec.ID = id
	rec.Body = "<p>نص معدل.</p>"
	rec.Authors = []news.Author{sara}
	res, err = s.SaveArticles(ctx, []news.ArticleRecord{rec})
	if err != nil {
		t.Fatal(err)
	}
	if res.IDs[0] != id || res.Created[0] {
		t.Fatalf("save by id: %+v, want id %d updated", res, id)
	}
	a, err := s.Article(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Body != rec.Body || a.ExternalID != "" || len(a.Authors) != 1 || a.Authors[0].Slug != sara.Slug {
		t.Errorf("after update by id: %+v", a)
	}
}

func testSlugCollision(t *testing.T, s news.Store) {
	ctx := context.Background()
	var recs []news.ArticleRecord
	for i, title := range []string{"عاصفة رملية في الصحراء", "عاصفة رملية تغلق الطرق", "عاصفة رملية تؤخر الرحلات"} {
		recs = append(recs, withSearch(news.Article{
			ExternalID: fmt.Sprintf("storm-%d", i), Slug: "sandstorm", Title: title,
			Section: politics, PublishedAt: at(15, 8+i, 0),
		}))
	}
	// Same slug, same day, other section: no collision.
	recs = append(recs, withSearch(news.Article{
		ExternalID: "storm-sports", Slug: "sandstorm", Title: "عاصفة رملية تؤجل المباراة",
		Section: sports, PublishedAt: at(15, 12, 0),
	}))
	// Same slug, same section, other day: no collision.
	recs = append(recs, withSearch(news.Article{
		ExternalID: "storm-later", Slug: "sandstorm", Title: "عودة العاصفة الرملية",
		Section: politics, PublishedAt: at(16, 12, 0),
	}))
	res, err := s.SaveArticles(ctx, recs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"sandstorm", "sandstorm-2", "sandstorm-3", "sandstorm", "sandstorm"}
	for i, id := range res.IDs {
		a, err := s.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Slug != want[i] {
			t.Errorf("record %d: slug %q, want %q", i, a.Slug, want[i])
		}
		got, err := s.ArticleByPath(ctx, a.Section.Slug, a.URLDate(), a.Slug)
		if err != nil || got.ID != id {
			t.Errorf("ArticleByPath(%s) = %d, %v; want %d", a.Path(), got.ID, err, id)
		}
	}
	// Re-saving the second keeps its suffixed slug and the first keeps its own.
	res2, err := s.SaveArticles(ctx, []news.ArticleRecord{recs[1], recs[0]})
	if err != nil {
		t.Fatal(err)
	}
	for i, wantSlug := range []string{"sandstorm-2", "sandstorm"} {
		a, _ := s.Article(ctx, res2.IDs[i])
		if a.Slug != wantSlug || res2.Created[i] {
			t.Errorf("re-save %d: slug %q created %v, want %q updated", i, a.Slug, res2.Created[i], wantSlug)
		}
	}
	// A fourth story takes the next free suffix.
	res3, err := s.SaveArticles(ctx, []news.ArticleRecord{withSearch(news.Article{
		Slug: "sandstorm", Title: "العاصفة الرملية تنحسر", Section: politics, PublishedAt: at(15, 23, 0),
	})})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := s.Article(ctx, res3.IDs[0]); a.Slug != "sandstorm-4" {
		t.Errorf("fourth slug %q, want sandstorm-4", a.Slug)
	}
}

func testAllOrNothing(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	good := withSearch(news.Article{
		ExternalID: "good", Slug: "good-news", Title: "خبر سليم",
		Section: economy, PublishedAt: at(13, 9, 0),
	})
	update := fixtureByKey("p1").record()
	update.Title = "عنوان لا يجب أن يحفظ"
	bad := good
	bad.ExternalID = "bad"
	bad.Title = ""
	_, err := s.SaveArticles(ctx, []news.ArticleRecord{good, update, bad})
	wantCode(t, "SaveArticles(bad batch)", err, news.EINVALID)
	if msg := news.ErrorMessage(err); !strings.Contains(msg, "2") || !strings.Contains(strings.ToLower(msg), "title") {
		t.Errorf("message %q should name the record index (2) and the field (title)", msg)
	}
	_, err = s.ArticleByExternalID(ctx, "good")
	wantCode(t, "first record of a failed batch", err, news.ENOTFOUND)
	if a, _ := s.Article(ctx, ids["p1"]); a.Title != fixtureByKey("p1").title {
		t.Errorf("update of a failed batch was kept: %q", a.Title)
	}
	list, err := s.Articles(ctx, news.ArticleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != len(fixtures) {
		t.Errorf("Total = %d after failed batch, want %d", list.Total, len(fixtures))
	}
}

func testValidation(t *testing.T, s news.Store) {
	ctx := context.Background()
	base := withSearch(news.Article{Slug: "x", Title: "عنوان", Section: politics, PublishedAt: at(1, 1, 0)})
	cases := []struct {
		field string
		edit  func(r *news.ArticleRecord)
	}{
		{"title", func(r *news.ArticleRecord) { r.Title = "" }},
		{"published", func(r *news.ArticleRecord) { r.PublishedAt = time.Time{} }},
		{"section", func(r *news.ArticleRecord) { r.Section.Slug = "" }},
		{"slug", func(r *news.ArticleRecord) { r.Slug = "" }},
	}
	for _, c := range cases {
		r := base
		c.edit(&r)
		_, err := s.SaveArticles(ctx, []news.ArticleRecord{base, r})
		wantCode(t, c.field, err, news.EINVALID)
		msg := strings.ToLower(news.ErrorMessage(err))
		if !strings.Contains(msg, c.field) || !strings.Contains(msg, "1") {
			t.Errorf("%s: message %q should name the field and record 1", c.field, msg)
		}
	}
	if list, _ := s.Articles(ctx, news.ArticleFilter{}); list.Total != 0 {
		t.Errorf("invalid batches stored %d articles", list.Total)
	}
}

func testListFilters(t *testing.T, s news.Store) {
	ctx := context.Background()
	seed(t, s)
	cases := []struct {
		name string
		f    news.ArticleFilter
		want []string // newest first
	}{
		{"all", news.ArticleFilter{Limit: 100},
			[]string{"s4", "e4", "p4", "s3", "e3", "p3", "s2", "e2", "p2", "s1", "e1", "p1"}},
		{"section", news.ArticleFilter{SectionSlug: "economy"}, []string{"e4", "e3", "e2", "e1"}},
		{"author", news.ArticleFilter{AuthorSlug: "omar-khatib"}, []string{"p3", "s2", "e2", "p2", "s1"}},
		{"section+author", news.ArticleFilter{SectionSlug: "politics", AuthorSlug: "layla-haddad"}, []string{"p2", "p1"}},
		{"from", news.ArticleFilter{From: at(9, 8, 15)}, []string{"s4", "e4", "p4"}},
		{"range", news.ArticleFilter{From: at(4, 0, 0), To: at(8, 0, 0)}, []string{"e3", "p3", "s2", "e2"}},
		{"to is exclusive", news.ArticleFilter{To: at(2, 10, 0)}, []string{"p1"}},
		{"unknown section", news.ArticleFilter{SectionSlug: "weather"}, nil},
		{"unknown author", news.ArticleFilter{AuthorSlug: "nobody"}, nil},
	}
	for _, c := range cases {
		list, err := s.Articles(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := keys(list.Articles); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
		if list.Total != len(c.want) {
			t.Errorf("%s: Total %d, want %d", c.name, list.Total, len(c.want))
		}
		if list.Next != nil {
			t.Errorf("%s: Next set on the only page", c.name)
		}
		for _, a := range list.Articles {
			checkArticle(t, a, fixtureByKey(a.ExternalID), a.ID)
		}
	}
	// Default limit is at least what a page of the fixture needs and the
	// order breaks ties on publication time by id, newest id first.
	tie := generated("tie", 3, economy, at(25, 10, 0))
	for i := range tie {
		tie[i].PublishedAt = at(25, 10, 0)
	}
	res, err := s.SaveArticles(ctx, tie)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Articles(ctx, news.ArticleFilter{From: at(25, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs := slices.Clone(res.IDs)
	slices.Sort(wantIDs)
	slices.Reverse(wantIDs)
	var gotIDs []int64
	for _, a := range list.Articles {
		gotIDs = append(gotIDs, a.ID)
	}
	if !slices.Equal(gotIDs, wantIDs) {
		t.Errorf("tie order: got %v, want %v", gotIDs, wantIDs)
	}
}

func testCursorPagination(t *testing.T, s news.Store) {
	ctx := context.Background()
	seed(t, s)
	// Ties in publication time across a page boundary must not lose rows.
	tie := generated("tie", 4, politics, at(4, 16, 45))
	for i := range tie {
		tie[i].PublishedAt = at(4, 16, 45) // same second as e2
	}
	if _, err := s.SaveArticles(ctx, tie); err != nil {
		t.Fatal(err)
	}
	all, err := s.Articles(ctx, news.ArticleFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 16 || len(all.Articles) != 16 {
		t.Fatalf("all: Total %d, %d articles; want 16", all.Total, len(all.Articles))
	}
	for _, limit := range []int{1, 3, 5, 16} {
		var walked []int64
		f := news.ArticleFilter{Limit: limit}
		for pages := 0; ; pages++ {
			if pages > 20 {
				t.Fatalf("limit %d: too many pages", limit)
			}
			list, err := s.Articles(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if list.Total != 16 {
				t.Errorf("limit %d: Total %d on a page, want 16", limit, list.Total)
			}
			if len(list.Articles) > limit {
				t.Fatalf("limit %d: page of %d", limit, len(list.Articles))
			}
			for _, a := range list.Articles {
				walked = append(walked, a.ID)
			}
			if list.Next == nil {
				break
			}
			if len(list.Articles) != limit {
				t.Errorf("limit %d: short page %d before the end", limit, len(list.Articles))
			}
			f.After = list.Next
		}
		var want []int64
		for _, a := range all.Articles {
			want = append(want, a.ID)
		}
		if !slices.Equal(walked, want) {
			t.Errorf("limit %d: walked %v, want %v", limit, walked, want)
		}
	}
	// A cursor with a filter.
	list, err := s.Articles(ctx, news.ArticleFilter{SectionSlug: "economy", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(list.Articles); !slices.Equal(got, []string{"e4", "e3"}) || list.Next == nil {
		t.Fatalf("economy page 1: %v next %v", got, list.Next)
	}
	list, err = s.Articles(ctx, news.ArticleFilter{SectionSlug: "economy", Limit: 2, After: list.Next, Offset: 7})
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(list.Articles); !slices.Equal(got, []string{"e2", "e1"}) || list.Next != nil || list.Total != 4 {
		t.Errorf("economy page 2 (After wins over Offset): %v next %v total %d", got, list.Next, list.Total)
	}
}

func testOffsetPagination(t *testing.T, s news.Store) {
	ctx := context.Background()
	seed(t, s)
	cases := []struct {
		offset, limit int
		want          []string
	}{
		{0, 5, []string{"s4", "e4", "p4", "s3", "e3"}},
		{5, 5, []string{"p3", "s2", "e2", "p2", "s1"}},
		{10, 5, []string{"e1", "p1"}},
		{12, 5, nil},
		{50, 5, nil},
	}
	for _, c := range cases {
		list, err := s.Articles(ctx, news.ArticleFilter{Offset: c.offset, Limit: c.limit})
		if err != nil {
			t.Fatal(err)
		}
		if got := keys(list.Articles); !slices.Equal(got, c.want) || list.Total != 12 {
			t.Errorf("offset %d: %v total %d, want %v total 12", c.offset, got, list.Total, c.want)
		}
	}
}

func testLimitCap(t *testing.T, s news.Store) {
	ctx := context.Background()
	n := news.MaxListLimit + 5
	if _, err := s.SaveArticles(ctx, generated("bulk", n, sports, at(1, 0, 0))); err != nil {
		t.Fatal(err)
	}
	list, err := s.Articles(ctx, news.ArticleFilter{Limit: 10 * news.MaxListLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Articles) != news.MaxListLimit || list.Total != n || list.Next == nil {
		t.Errorf("limit cap: %d articles, total %d, next %v; want %d, %d, set",
			len(list.Articles), list.Total, list.Next, news.MaxListLimit, n)
	}
	list, err = s.Articles(ctx, news.ArticleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Articles) == 0 || len(list.Articles) > news.MaxListLimit || list.Next == nil {
		t.Errorf("default limit: %d articles, next %v", len(list.Articles), list.Next)
	}
	r, err := s.Search(ctx, news.SearchQuery{Terms: []string{"خبر"}, Limit: 10 * news.MaxListLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Hits) != news.MaxListLimit || r.Total != n {
		t.Errorf("search limit cap: %d hits, total %d", len(r.Hits), r.Total)
	}
}

func testSections(t *testing.T, s news.Store) {
	ctx := context.Background()
	seed(t, s)
	stats, err := s.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]news.SectionStats{}
	for _, st := range stats {
		got[st.Slug] = st
	}
	if len(stats) != 3 {
		t.Errorf("Sections: %d, want 3: %+v", len(stats), stats)
	}
	for _, sec := range []news.Section{politics, economy, sports} {
		st, ok := got[sec.Slug]
		if !ok || st.ID == 0 || st.Name != sec.Name || st.Articles != 4 {
			t.Errorf("section %s: %+v, want name %q and 4 articles", sec.Slug, st, sec.Name)
		}
		one, err := s.SectionBySlug(ctx, sec.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if one != st.Section {
			t.Errorf("SectionBySlug(%s) = %+v, want %+v", sec.Slug, one, st.Section)
		}
	}
	au, err := s.AuthorBySlug(ctx, "layla-haddad")
	if err != nil {
		t.Fatal(err)
	}
	if au.ID == 0 || au.Name != layla.Name {
		t.Errorf("AuthorBySlug = %+v", au)
	}
}

func testNotFound(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	var missing int64 = 1
	for _, id := range ids {
		missing = max(missing, id+1000)
	}
	_, err := s.SectionBySlug(ctx, "weather")
	wantCode(t, "SectionBySlug", err, news.ENOTFOUND)
	_, err = s.AuthorBySlug(ctx, "nobody")
	wantCode(t, "AuthorBySlug", err, news.ENOTFOUND)
	_, err = s.Article(ctx, missing)
	wantCode(t, "Article", err, news.ENOTFOUND)
	_, err = s.ArticleByExternalID(ctx, "no-such-id")
	wantCode(t, "ArticleByExternalID", err, news.ENOTFOUND)
	_, err = s.ArticleByExternalID(ctx, "")
	wantCode(t, "ArticleByExternalID(empty)", err, news.ENOTFOUND)
	_, err = s.ArticleByPath(ctx, "politics", at(1, 0, 0), "no-such-slug")
	wantCode(t, "ArticleByPath", err, news.ENOTFOUND)
	_, _, err = s.Related(ctx, missing, 5)
	wantCode(t, "Related", err, news.ENOTFOUND)
	err = s.SetRelated(ctx, missing, []int64{ids["p1"]})
	wantCode(t, "SetRelated(missing article)", err, news.ENOTFOUND)
	err = s.SetRelated(ctx, ids["p1"], []int64{ids["p2"], missing})
	wantCode(t, "SetRelated(missing related)", err, news.ENOTFOUND)
	err = s.UpdateSearchText(ctx, []news.SearchDoc{{ID: missing, SearchTitle: "x"}})
	wantCode(t, "UpdateSearchText(missing)", err, news.ENOTFOUND)
}

func testRelated(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	storedKeys := map[string]bool{}
	related := func(key string, limit int) []string {
		t.Helper()
		list, stored, err := s.Related(ctx, ids[key], limit)
		if err != nil {
			t.Fatalf("Related(%s): %v", key, err)
		}
		if _, _, err := s.Related(ctx, ids[key], limit); err != nil {
			t.Fatal(err)
		}
		storedKeys[key] = stored
		for _, a := range list {
			if a.Section.Slug == "" || a.Title == "" {
				t.Errorf("Related(%s): article not populated: %+v", key, a)
			}
		}
		return keys(list)
	}
	// p2 (3 March 14:30): p1 is 2.2 days before, p3 2.9 days after, p4 5.7 after.
	if got := related("p2", 2); !slices.Equal(got, []string{"p1", "p3"}) {
		t.Errorf("Related(p2, 2) = %v, want [p1 p3]", got)
	}
	if got := related("p2", 10); !slices.Equal(got, []string{"p1", "p3", "p4"}) {
		t.Errorf("Related(p2, 10) = %v, want [p1 p3 p4]", got)
	}
	// The newest of a section looks backwards only.
	if got := related("s4", 2); !slices.Equal(got, []string{"s3", "s2"}) {
		t.Errorf("Related(s4, 2) = %v, want [s3 s2]", got)
	}
	// A stored list wins, in its order, without the article itself.
	if err := s.SetRelated(ctx, ids["p2"], []int64{ids["s4"], ids["p2"], ids["e1"], ids["s4"]}); err != nil {
		t.Fatal(err)
	}
	if got := related("p2", 10); !slices.Equal(got, []string{"s4", "e1"}) || !storedKeys["p2"] {
		t.Errorf("stored Related(p2) = %v (stored %v), want [s4 e1] (stored)", got, storedKeys["p2"])
	}
	if got := related("p2", 1); !slices.Equal(got, []string{"s4"}) {
		t.Errorf("stored Related(p2, 1) = %v, want [s4]", got)
	}
	// SetRelated replaces.
	if err := s.SetRelated(ctx, ids["p2"], []int64{ids["e3"]}); err != nil {
		t.Fatal(err)
	}
	if got := related("p2", 10); !slices.Equal(got, []string{"e3"}) {
		t.Errorf("replaced Related(p2) = %v, want [e3]", got)
	}
	// Others are untouched, and an empty list brings back the fallback.
	if got := related("p1", 1); !slices.Equal(got, []string{"p2"}) {
		t.Errorf("Related(p1, 1) = %v, want [p2]", got)
	}
	if err := s.SetRelated(ctx, ids["p2"], nil); err != nil {
		t.Fatal(err)
	}
	if got := related("p2", 2); !slices.Equal(got, []string{"p1", "p3"}) {
		t.Errorf("cleared Related(p2, 2) = %v, want [p1 p3]", got)
	}
	// A failed SetRelated leaves the stored list alone.
	if err := s.SetRelated(ctx, ids["p3"], []int64{ids["e4"]}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRelated(ctx, ids["p3"], []int64{ids["e1"], -1}); err == nil {
		t.Errorf("SetRelated with a missing id: no error")
	}
	if got := related("p3", 5); !slices.Equal(got, []string{"e4"}) {
		t.Errorf("Related(p3) after failed SetRelated = %v, want [e4]", got)
	}
}

func testSearch(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	cases := []struct {
		name    string
		q       news.SearchQuery
		want    []string
		ordered bool
	}{
		{"one term", news.SearchQuery{Terms: []string{"البنك"}}, []string{"e1", "e4"}, false},
		{"terms are ANDed", news.SearchQuery{Terms: []string{"البنك", "التضخم"}}, []string{"e1"}, false},
		{"phrase", news.SearchQuery{Phrases: [][]string{{"البنك", "الدولي"}}}, []string{"e4"}, false},
		{"phrase order matters", news.SearchQuery{Phrases: [][]string{{"الدولي", "البنك"}}}, nil, false},
		{"phrase and term", news.SearchQuery{Terms: []string{"التعليم"}, Phrases: [][]string{{"البنك", "الدولي"}}}, []string{"e4"}, false},
		{"exclude", news.SearchQuery{Terms: []string{"البنك"}, Exclude: []string{"التضخم"}}, []string{"e4"}, false},
		{"should only", news.SearchQuery{Should: []string{"النفط", "الشطرنج"}}, []string{"e2", "e4", "s4"}, false},
		{"should with exclude", news.SearchQuery{Should: []string{"النفط", "الشطرنج"}, Exclude: []string{"المخزونات"}}, []string{"e4", "s4"}, false},
		{"title outranks body", news.SearchQuery{Terms: []string{"النفط"}}, []string{"e2", "e4"}, true},
		{"should raises score", news.SearchQuery{Terms: []string{"البنك"}, Should: []string{"التضخم"}}, []string{"e1", "e4"}, true},
		{"should does not widen", news.SearchQuery{Terms: []string{"البنك"}, Should: []string{"الشطرنج"}}, []string{"e1", "e4"}, false},
		{"section", news.SearchQuery{Terms: []string{"الجديد"}, SectionSlug: "economy"}, []string{"e4"}, false},
		{"author", news.SearchQuery{Terms: []string{"الجديد"}, AuthorSlug: "omar-khatib"}, []string{"p2"}, false},
		{"from", news.SearchQuery{Terms: []string{"الجديد"}, From: at(5, 0, 0)}, []string{"e4"}, false},
		{"to", news.SearchQuery{Terms: []string{"الجديد"}, To: at(5, 0, 0)}, []string{"p2"}, false},
		{"by date", news.SearchQuery{Should: []string{"النفط", "الشطرنج"}, ByDate: true}, []string{"s4", "e4", "e2"}, true},
		{"exclude id", news.SearchQuery{Should: []string{"النفط", "الشطرنج"}, ExcludeID: ids["e4"]}, []string{"e2", "s4"}, false},
		{"unknown term", news.SearchQuery{Terms: []string{"زلزال"}}, nil, false},
		{"quotes are data", news.SearchQuery{Terms: []string{`البنك"`, `"OR"`}}, nil, false},
		{"operators are data", news.SearchQuery{Should: []string{"NOT", "AND", "النفط*", "(", "NEAR"}}, []string{"e2", "e4"}, false},
	}
	for _, c := range cases {
		r, err := s.Search(ctx, c.q)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		got := hitKeys(r.Hits)
		if !c.ordered {
			got = sorted(got)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, hitKeys(r.Hits), c.want)
		}
		if r.Total != len(c.want) {
			t.Errorf("%s: Total %d, want %d", c.name, r.Total, len(c.want))
		}
		if !c.q.ByDate {
			for i := 1; i < len(r.Hits); i++ {
				if r.Hits[i].Score > r.Hits[i-1].Score {
					t.Errorf("%s: hits not by descending score: %v", c.name, r.Hits)
				}
			}
		}
		for _, h := range r.Hits {
			checkArticle(t, h.Article, fixtureByKey(h.ExternalID), ids[h.ExternalID])
		}
	}

	// Paging through results keeps Total.
	q := news.SearchQuery{Should: []string{"النفط", "الشطرنج"}, ByDate: true, Limit: 2}
	r, err := s.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got := hitKeys(r.Hits); !slices.Equal(got, []string{"s4", "e4"}) || r.Total != 3 {
		t.Errorf("page 1: %v total %d", got, r.Total)
	}
	q.Offset = 2
	if r, err = s.Search(ctx, q); err != nil {
		t.Fatal(err)
	}
	if got := hitKeys(r.Hits); !slices.Equal(got, []string{"e2"}) || r.Total != 3 {
		t.Errorf("page 2: %v total %d", got, r.Total)
	}
	q.Offset = 10
	if r, err = s.Search(ctx, q); err != nil {
		t.Fatal(err)
	}
	if len(r.Hits) != 0 || r.Total != 3 {
		t.Errorf("past the end: %d hits, total %d; want 0, 3", len(r.Hits), r.Total)
	}
}

func testSearchEdgeCases(t *testing.T, s news.Store) {
	ctx := context.Background()
	seed(t, s)
	for name, q := range map[string]news.SearchQuery{
		"empty":              {},
		"empty with filters": {SectionSlug: "economy", ByDate: true},
		"only exclude":       {Exclude: []string{"البنك"}},
		"blank terms":        {Terms: []string{"", "  "}, Should: []string{""}},
		"empty phrase":       {Phrases: [][]string{{}}},
	} {
		r, err := s.Search(ctx, q)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if r.Total != 0 || len(r.Hits) != 0 {
			t.Errorf("%s: %d hits, total %d; want none", name, len(r.Hits), r.Total)
		}
	}
}

func testScanArticles(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	var walked []int64
	var after int64
	for range 20 {
		list, err := s.ScanArticles(ctx, after, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) > 5 {
			t.Fatalf("ScanArticles returned %d > limit 5", len(list))
		}
		if len(list) == 0 {
			break
		}
		for _, a := range list {
			if a.ID <= after {
				t.Fatalf("ScanArticles(after %d) returned id %d", after, a.ID)
			}
			after = a.ID
			walked = append(walked, a.ID)
			checkArticle(t, a, fixtureByKey(a.ExternalID), a.ID)
		}
	}
	var want []int64
	for _, id := range ids {
		want = append(want, id)
	}
	slices.Sort(want)
	if !slices.Equal(walked, want) {
		t.Errorf("ScanArticles walked %v, want %v", walked, want)
	}
}

func testUpdateSearchText(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	find := func(term string) []string {
		t.Helper()
		r, err := s.Search(ctx, news.SearchQuery{Terms: []string{term}})
		if err != nil {
			t.Fatal(err)
		}
		return sorted(hitKeys(r.Hits))
	}
	if got := find("الشطرنج"); !slices.Equal(got, []string{"s4"}) {
		t.Fatalf("before: %v", got)
	}
	before, _ := s.Article(ctx, ids["s4"])
	err := s.UpdateSearchText(ctx, []news.SearchDoc{
		{ID: ids["s4"], SearchTitle: "زمرد", SearchBody: "ياقوت لؤلؤ"},
		{ID: ids["p1"], SearchTitle: analyze(fixtureByKey("p1").title), SearchBody: "لؤلؤ"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := find("الشطرنج"); len(got) != 0 {
		t.Errorf("old text still found: %v", got)
	}
	if got := find("زمرد"); !slices.Equal(got, []string{"s4"}) {
		t.Errorf("new title: %v", got)
	}
	if got := find("لؤلؤ"); !slices.Equal(got, []string{"p1", "s4"}) {
		t.Errorf("new bodies: %v", got)
	}
	if got := find("لجنة"); len(got) != 0 {
		t.Errorf("p1's old body still found: %v", got)
	}
	after, _ := s.Article(ctx, ids["s4"])
	if after.Title != before.Title || after.Body != before.Body || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("UpdateSearchText changed the article: %+v", after)
	}
	// All or nothing.
	err = s.UpdateSearchText(ctx, []news.SearchDoc{{ID: ids["e1"], SearchTitle: "مرجان"}, {ID: -5}})
	if err == nil {
		t.Errorf("UpdateSearchText with a missing id: no error")
	}
	if got := find("مرجان"); len(got) != 0 {
		t.Errorf("failed UpdateSearchText kept a change: %v", got)
	}
}

func testConcurrent(t *testing.T, s news.Store) {
	ctx := context.Background()
	seed(t, s)
	const batches, perBatch, readers = 10, 20, 4
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, readers+1)

	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for b := range batches {
			recs := generated(fmt.Sprintf("c%d", b), perBatch, economy, at(20, 0, 0).Add(time.Duration(b)*24*time.Hour))
			if _, err := s.SaveArticles(ctx, recs); err != nil {
				errs <- fmt.Errorf("writer batch %d: %w", b, err)
				return
			}
		}
	}()
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := 0
			for i := 0; ; i++ {
				select {
				case <-done:
					if i > 0 {
						return
					}
				default:
				}
				list, err := s.Articles(ctx, news.ArticleFilter{SectionSlug: "economy", Limit: 10})
				if err != nil {
					errs <- fmt.Errorf("reader %d: Articles: %w", r, err)
					return
				}
				if list.Total < last || list.Total%perBatch != 4 {
					errs <- fmt.Errorf("reader %d: Total %d after %d: a batch was seen half-written", r, list.Total, last)
					return
				}
				last = list.Total
				res, err := s.Search(ctx, news.SearchQuery{Terms: []string{"خبر"}, Limit: 5})
				if err != nil {
					errs <- fmt.Errorf("reader %d: Search: %w", r, err)
					return
				}
				if res.Total%perBatch != 0 {
					errs <- fmt.Errorf("reader %d: search Total %d: a batch was seen half-indexed", r, res.Total)
					return
				}
				if _, err := s.Sections(ctx); err != nil {
					errs <- fmt.Errorf("reader %d: Sections: %w", r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	list, err := s.Articles(ctx, news.ArticleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(fixtures) + batches*perBatch; list.Total != want {
		t.Errorf("Total %d after concurrent writes, want %d", list.Total, want)
	}
}

// testRelatedBookkeeping checks what the related-articles refresher relies
// on: which articles lack a stored list, that an update clears the list,
// that an update keeps the URL, and the index's document frequencies.
func testRelatedBookkeeping(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	missing, err := s.MissingRelated(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) != len(fixtures) {
		t.Fatalf("MissingRelated on a new store: %d ids, want %d", len(missing), len(fixtures))
	}
	newest, err := s.Articles(ctx, news.ArticleFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if missing[0] != newest.Articles[0].ID {
		t.Errorf("MissingRelated is not newest first: %d, want %d", missing[0], newest.Articles[0].ID)
	}
	if err := s.SetRelated(ctx, ids["p2"], []int64{ids["p1"]}); err != nil {
		t.Fatal(err)
	}
	missing, _ = s.MissingRelated(ctx, 100)
	if len(missing) != len(fixtures)-1 || slices.Contains(missing, ids["p2"]) {
		t.Errorf("after SetRelated(p2): missing %v", missing)
	}
	if got, _ := s.MissingRelated(ctx, 3); len(got) != 3 {
		t.Errorf("MissingRelated(limit 3) = %d ids", len(got))
	}

	before, err := s.Article(ctx, ids["p2"])
	if err != nil {
		t.Fatal(err)
	}
	rec := fixtureByKey("p2").record()
	rec.PublishedAt = rec.PublishedAt.Add(72 * time.Hour)
	rec.Title += " (محدث)"
	if _, err := s.SaveArticles(ctx, []news.ArticleRecord{rec}); err != nil {
		t.Fatal(err)
	}
	after, err := s.Article(ctx, ids["p2"])
	if err != nil {
		t.Fatal(err)
	}
	if after.Path() != before.Path() {
		t.Errorf("update moved the URL: %s -> %s", before.Path(), after.Path())
	}
	if !after.PublishedAt.Equal(rec.PublishedAt) {
		t.Errorf("published_at %v, want %v", after.PublishedAt, rec.PublishedAt)
	}
	if got, err := s.ArticleByPath(ctx, before.Section.Slug, before.URLDate(), before.Slug); err != nil || got.ID != before.ID {
		t.Errorf("ArticleByPath(old path) = %d, %v", got.ID, err)
	}
	if _, stored, _ := s.Related(ctx, ids["p2"], 5); stored {
		t.Error("an updated article keeps its stale related list")
	}

	freqs, total, err := s.TermDocFreqs(ctx, []string{"البنك", "النفط", "زلزال", "البنك"})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(fixtures) || freqs["البنك"] != 2 || freqs["النفط"] != 2 || freqs["زلزال"] != 0 || len(freqs) != 3 {
		t.Errorf("TermDocFreqs = %v, total %d", freqs, total)
	}
}

// testCopyKeepsURLDate: a record carrying FirstPublished (an article copied
// from another store, published and later re-dated) keeps its URL date.
func testCopyKeepsURLDate(t *testing.T, s news.Store) {
	ctx := context.Background()
	rec := fixtureByKey("p2").record()
	first := rec.PublishedAt.AddDate(0, 0, -5)
	rec.FirstPublished = first
	res, err := s.SaveArticles(ctx, []news.ArticleRecord{rec})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Article(ctx, res.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := (news.Article{PublishedAt: first}).URLDate(); !got.URLDate().Equal(want) {
		t.Errorf("URL date %v, want %v (from FirstPublished)", got.URLDate(), want)
	}
	if !got.PublishedAt.Equal(rec.PublishedAt) {
		t.Errorf("published_at %v, want %v", got.PublishedAt, rec.PublishedAt)
	}
}

// testPublicationCounts checks the archive's histogram against the lists.
func testPublicationCounts(t *testing.T, s news.Store) {
	ctx := context.Background()
	seed(t, s)
	all, err := s.Articles(ctx, news.ArticleFilter{Limit: news.MaxListLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ from, to time.Time }{
		{},
		{at(3, 0, 0), at(6, 12, 0)},
		{at(5, 0, 0), time.Time{}},
		{time.Time{}, at(2, 0, 0)},
	} {
		counts, err := s.PublicationCounts(ctx, r.from, r.to)
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.Articles(ctx, news.ArticleFilter{From: r.from, To: r.to, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for i, c := range counts {
			sum += c.Count
			if c.Count <= 0 || c.Start.Unix()%int64(news.CountBucket/time.Second) != 0 ||
				i > 0 && !c.Start.After(counts[i-1].Start) {
				t.Errorf("[%v, %v): bad bucket %d: %+v", r.from, r.to, i, c)
			}
		}
		if sum != want.Total {
			t.Errorf("[%v, %v): buckets sum to %d, the list holds %d", r.from, r.to, sum, want.Total)
		}
	}
	counts, _ := s.PublicationCounts(ctx, time.Time{}, time.Time{})
	for _, a := range all.Articles {
		found := false
		for _, c := range counts {
			found = found || !a.PublishedAt.Before(c.Start) && a.PublishedAt.Before(c.Start.Add(news.CountBucket))
		}
		if !found {
			t.Errorf("%s (%v) is in no bucket", a.ExternalID, a.PublishedAt)
		}
	}
}
